"""From a case to print-ready insoles: prescribe, build, check, export (no file access here)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from orthofit import __version__
from orthofit.assess.assessment import Assessment
from orthofit.config.params import Construction, InsoleParams
from orthofit.config.print_profile import (
    INSOLE_PRINT_PROFILE,
    LATTICE_PRINT_PROFILE,
    SHELL_PRINT_PROFILE,
    cura_settings,
    lattice_family,
    orca_settings,
    print_profile,
    slicer_project_config,
)
from orthofit.config.settings import Override, Settings, ShoeSizeRequest
from orthofit.config.thresholds import Thresholds
from orthofit.errors import FitError, ValidationError
from orthofit.export.files import cura_project_bytes, orca_project_bytes, stl_bytes, threemf_bytes
from orthofit.geometry.budget import heel_heights
from orthofit.geometry.build import Insole, build_insole
from orthofit.geometry.features import FEATURES
from orthofit.geometry.lattice import LatticeSpec, lattice_insole
from orthofit.geometry.outline import FootDimensions
from orthofit.geometry.printability import printability
from orthofit.geometry.product import InsoleOutput
from orthofit.geometry.shoe_fit import ShoeFit, shoe_fit
from orthofit.geometry.zones import INFILL_PATTERN, Zone, insole_zones
from orthofit.model.case import Case
from orthofit.model.enums import Side, Slicer
from orthofit.prescribe.prescription import Prescription, made, not_needed_reason, prescribe

#: How each slicer's project is named beside an insole's plain 3MF: ``<id>-<side>.prusa.3mf``
#: (zones as modifier volumes, the print profile), ``<id>-<side>.orca.3mf`` (OrcaSlicer / Bambu
#: Studio: modifier parts, the print settings), ``<id>-<side>.cura.3mf`` (infill meshes).
PROJECT_SUFFIX = {Slicer.PRUSA: ".prusa.3mf", Slicer.ORCA: ".orca.3mf", Slicer.CURA: ".cura.3mf"}


def _within(zones: Iterable[Zone], v: np.ndarray) -> list[tuple[Zone, np.ndarray]]:
    """Each zone's prism vertices cut to the insole's bounding box grown by 1 mm (``v``: the
    insole's vertices (n, 3), mm): the slabs reach 200 mm to each side, and Cura and Orca
    count every part of an object in its size on the bed.
    """
    lo = np.maximum(v.min(axis=0) - 1.0, [-np.inf, -np.inf, 0.0])
    hi = v.max(axis=0) + 1.0
    return [(z, np.clip(z.vertices, lo, hi)) for z in zones]


def orca_zones(zones: Iterable[Zone], v: np.ndarray) -> list[tuple[str, np.ndarray, np.ndarray, dict[str, str]]]:
    """The stiffness zones as OrcaSlicer / Bambu Studio modifier parts over an insole whose
    vertices are ``v`` (n, 3) mm: each prism cut to the insole's box, with the zone's infill in
    Orca's names. Every zone sets the same keys, so where zones overlap the later one's
    settings hold whole (Orca gives an overlap the later part's keys over the earlier's).
    """
    return [
        (
            z.name,
            cut,
            z.faces,
            {"sparse_infill_density": f"{z.density_pct:g}%", "sparse_infill_pattern": INFILL_PATTERN},
        )
        for z, cut in _within(zones, v)
    ]


def cura_zones(zones: Iterable[Zone], v: np.ndarray) -> list[tuple[str, np.ndarray, np.ndarray, dict[str, str]]]:
    """The stiffness zones as Cura infill meshes over an insole whose vertices are ``v`` (n, 3)
    mm: each prism cut to the insole's bounding box grown by 1 mm (Cura counts every mesh of a
    group in its size, and the slabs reach 200 mm to each side), and Cura's settings: an
    infill mesh (it changes only the infill of the insole inside it), no walls and no skins of
    its own (so no wall prints at a zone's border), its density and gyroid; where zones
    overlap the later one wins (``infill_mesh_order``), as in PrusaSlicer.
    """
    out = []
    for order, (z, cut) in enumerate(_within(zones, v), start=1):
        settings = {
            "infill_mesh": "True",
            "infill_mesh_order": str(order),
            "infill_sparse_density": f"{z.density_pct:g}",
            "infill_pattern": INFILL_PATTERN,
            "wall_line_count": "0",
            "top_layers": "0",
            "bottom_layers": "0",
        }
        out.append((z.name, cut, z.faces, settings))
    return out


def foot_dimensions(case: Case, side: Side) -> FootDimensions:
    m = case.foot(side)
    if m.foot_length_mm is None:
        raise ValidationError(
            f"the {side.value} foot has no foot_length_mm, so no insole can be sized for it; "
            f"add [{side.value}] foot_length_mm or choose --side {side.other.value}"
        )
    return FootDimensions.from_measurements(
        m.foot_length_mm, m.ball_width_mm, m.heel_width_mm, m.truncated_foot_length_mm
    )


def make_insoles(assessment: Assessment, settings: Settings, sides: Iterable[Side]) -> list[InsoleOutput]:
    """Prescribe, build and export an insole for each of ``sides``.

    Parameters
    ----------
    assessment : Assessment
        From :func:`orthofit.assess.assessment.assess`.
    settings : Settings
        The profile, overrides, mesh resolution, shoe size and thresholds of the run.
    sides : iterable of Side
        The feet to make insoles for (each needs a foot length). A foot the assessment says
        needs no insole (:func:`~orthofit.prescribe.prescription.not_needed_reason`) is left
        out unless the profile makes one anyway (``make_when_not_needed``).
    """
    case = assessment.case
    out = []
    for side in sides:
        foot = foot_dimensions(case, side)
        side_overrides: dict[str, Override] = {}
        size_reason = None
        shoe_length = None
        if settings.shoe_size is not None:
            allowance, size_reason = _allowance_for_shoe(foot, settings.shoe_size, settings.thresholds)
            side_overrides["length_allowance_mm"] = allowance
            shoe_length = foot.foot_length_mm + allowance
        rx = prescribe(assessment, side, settings, side_overrides, FEATURES)
        if not made(rx, settings.profile.make_when_not_needed):
            continue  # the foot needs no insole (the report says why); --profile comfort makes one
        reasons = list(rx.reasons)
        if size_reason:
            reasons.append(size_reason)
            rx = dataclasses.replace(rx, reasons=tuple(reasons))
        if foot.estimated:
            reasons.append("estimated from foot length (ANSUR II mean proportions): " + ", ".join(foot.estimated))
            rx = dataclasses.replace(rx, reasons=tuple(reasons))
        insole, fit_reasons = _build_for(assessment, side, foot, rx.params, settings.edge_mm)
        fit = shoe_fit(insole, heel_heights(insole), settings.shoe_inside, shoe_length)
        if not fit.fits:
            raise FitError(
                f"the {side.value} insole would not fit its shoe ({fit.lines[0]}): "
                + "; ".join(line.removeprefix("does NOT fit ") for line in fit.lines[1:])
            )
        if fit_reasons:
            reasons.extend(fit_reasons)
            rx = dataclasses.replace(rx, reasons=tuple(reasons))
        name = f"{case.patient.id}-{side.value}"
        if insole.params.construction is Construction.LATTICE:
            out.append(_lattice_output(case, rx, insole, foot, side, fit, name))
            continue
        shell = insole.params.construction is Construction.SHELL
        printing = print_profile(SHELL_PRINT_PROFILE if shell else INSOLE_PRINT_PROFILE)
        printed = insole.print_pose()
        v, f = printed.vertices, printed.faces
        zones = _zones_of(foot, rx.params, v, side)
        meta = _metadata(case, rx, name)
        meta["orthofit:zones"] = json.dumps(
            [{"name": z.name, "fill_density_pct": z.density_pct, "fill_pattern": INFILL_PATTERN} for z in zones],
            ensure_ascii=False,
        )
        # A plain core 3MF that every reader sees as the insole alone (issue 16), and each
        # chosen slicer's project with the stiffness zones in that slicer's own form.
        projects = [f"{name}{PROJECT_SUFFIX[s]}" for s in settings.slicers]
        where = f"with the stiffness zones in {', '.join(projects)}" if projects else "no slicer project written"
        plain_meta = {
            **meta,
            "orthofit:print_profile": f"{printing.name} (profiles/print/{printing.name}.toml; {where})",
        }
        files = {f"{name}.stl": stl_bytes(v, f, name), f"{name}.3mf": threemf_bytes(v, f, name, plain_meta)}
        if Slicer.PRUSA in settings.slicers:
            # PrusaSlicer's zones are modifier volumes inside the insole's own object (other
            # readers would print them as solid prisms), with the print profile.
            files[f"{name}{PROJECT_SUFFIX[Slicer.PRUSA]}"] = threemf_bytes(
                v,
                f,
                name,
                {
                    **meta,
                    "orthofit:print_profile": f"{printing.name} (profiles/print/{printing.name}.ini; "
                    "in this file as PrusaSlicer's project settings)",
                },
                [(z.name, z.vertices, z.faces, z.settings) for z in zones],
                {"fill_pattern": INFILL_PATTERN},
                slicer_project_config(printing),
            )
        if Slicer.ORCA in settings.slicers:
            files[f"{name}{PROJECT_SUFFIX[Slicer.ORCA]}"] = orca_project_bytes(
                v, f, name, plain_meta, orca_zones(zones, v), orca_settings(printing), printing.bed_mm
            )
        if Slicer.CURA in settings.slicers:
            files[f"{name}{PROJECT_SUFFIX[Slicer.CURA]}"] = cura_project_bytes(
                v, f, name, plain_meta, cura_zones(zones, v), cura_settings(printing)
            )
        out.append(InsoleOutput(rx, insole, printability(insole), files, zones, fit))
    return out


def _lattice_output(
    case: Case, rx: Prescription, insole: Insole, foot: FootDimensions, side: Side, fit: ShoeFit, name: str
) -> InsoleOutput:
    """A lattice insole's files: the STL and the plain 3MF of the graded lattice (the zones are
    its geometry, so no slicer project carries them), sized by the powder-bed family's data.
    """
    family = lattice_family(LATTICE_PRINT_PROFILE)
    spec = LatticeSpec(
        family.cell_mm, family.skin_mm, family.rim_mm, family.voxel_mm, family.min_wall_mm, family.min_channel_mm
    )
    envelope = insole.print_pose()
    zones = _zones_of(foot, rx.params, envelope.vertices, side)
    base = print_profile(INSOLE_PRINT_PROFILE).infill_pct / 100.0  # outside every zone, as the slicers' default
    lattice = lattice_insole(insole, zones, spec, base)
    v, f = lattice.solid.vertices, lattice.solid.faces
    lo, hi = lattice.density_range
    main = [z for z in lattice.zones if "transition" not in z.name]
    reason = (
        f"gyroid lattice body ({spec.cell_mm:g} mm cells, {spec.skin_mm:g} mm solid top skin, {spec.rim_mm:g} mm "
        f"solid rim, open underside so no powder is trapped), relative density by zone: "
        + ", ".join(
            f"{z.name} {100 * z.density:.0f} % (stiffness {z.relative_stiffness:.2f} of the stiffest)" for z in main
        )
        + f"; the prescription's infill_*_pct, held within {100 * lo:.0f}-{100 * hi:.0f} % (struts of "
        f"{spec.min_wall_mm:g} mm and pores of {spec.min_channel_mm:g} mm, {family.name}); stiffness ∝ density² "
        "(Gibson-Ashby, bending gyroid: an estimate to confirm on printed coupons; docs/insole-constructions.md)"
    )
    held = [f"{z.name}: {z.held}" for z in main if z.held]
    rx = dataclasses.replace(rx, reasons=(*rx.reasons, reason, *held))
    meta = _metadata(case, rx, name)
    meta["orthofit:lattice"] = json.dumps(
        {
            "cell_mm": spec.cell_mm,
            "skin_mm": spec.skin_mm,
            "rim_mm": spec.rim_mm,
            "zones": [
                {
                    "name": z.name,
                    "relative_density": round(z.density, 4),
                    "relative_stiffness": round(z.relative_stiffness, 4),
                }
                for z in lattice.zones
            ],
        },
        ensure_ascii=False,
    )
    meta["orthofit:print_profile"] = (
        f"{family.name} (profiles/print/{family.name}.toml; the stiffness zones are the lattice's own density: "
        "print it as it is on a powder-bed printer, or solid, 100 % infill, in any slicer)"
    )
    files = {f"{name}.stl": stl_bytes(v, f, name), f"{name}.3mf": threemf_bytes(v, f, name, meta)}
    cm3 = lattice.volume_mm3 / 1000.0  # measured once, by the solid's check
    solid = printability(insole)
    made = dataclasses.replace(
        solid,
        extra=(
            f"lattice body: {cm3:.1f} cm³ ({100 * cm3 / solid.volume_cm3:.0f} % of the solid insole), "
            f"{family.density_g_cm3 * cm3:.0f} g of {family.material}; {len(f):,} triangles "
            f"(STL {len(files[f'{name}.stl']) / 1e6:.0f} MB, 3MF {len(files[f'{name}.3mf']) / 1e6:.0f} MB)",
        ),
    )
    return InsoleOutput(rx, insole, made, files, zones, fit, lattice)


def _build_for(
    assessment: Assessment, side: Side, foot: FootDimensions, params: InsoleParams, edge_mm: float
) -> tuple[Insole, list[str]]:
    """A scan-fitted insole when the foot has a standing scan, else the parametric one."""
    m = assessment.case.foot(side)
    rec = assessment.measured.foot(side).scan
    if rec is None:
        return build_insole(foot, params, side, edge_mm), []
    from orthofit.model.enums import ScanCondition

    if rec.condition is not ScanCondition.STANDING:
        return build_insole(foot, params, side, edge_mm), [
            f"parametric shape sized from the scan's measures: a {rec.condition.value} scan does not give the "
            "standing plantar surface a scan-fitted insole follows"
        ]
    from orthofit.geometry.build import build_scan_insole
    from orthofit.geometry.scan_fit import plantar_surface

    fill, why = params.arch_fill_mm, ""
    if m.dorsal_height_sitting_mm is not None and m.dorsal_height_standing_mm is not None:
        drop = max(m.dorsal_height_sitting_mm - m.dorsal_height_standing_mm, 0.0)
        if drop < fill:
            fill, why = (
                drop,
                (
                    f", capped by the arch drop {drop:g} mm so that it stays below the sitting arch "
                    "(clinical-basis.md §5)"
                ),
            )
    arch = rec.measurements.values().get("plantar_arch_height_mm")
    surface = plantar_surface(rec.oriented, foot, params, arch)
    insole = build_scan_insole(surface, foot, params, side, edge_mm, fill)
    return insole, [
        f"scan-fitted to {rec.source}: {surface.notes[0]}; the top follows the standing plantar surface"
        + (f" (up to the arch's own height, {arch:g} mm)" if arch is not None else "")
        + f", the heel cup follows the heel up to {params.heel_cup_depth_mm:g} mm, arch fill {fill:g} mm{why} "
        "(a design rule, not evidence-based: clinical-basis.md §5)"
    ]


def _allowance_for_shoe(foot: FootDimensions, shoe: ShoeSizeRequest, thresholds: Thresholds) -> tuple[float, str]:
    from orthofit.assess.sizing import last_length_mm

    rules = thresholds.sizing
    system, size = shoe.system, shoe.size
    last = last_length_mm(system, size, rules)
    allowance = last - foot.foot_length_mm
    lo, hi = rules.allowance_range_mm
    if not lo <= allowance <= hi:
        fit = "too short" if allowance < lo else "too long"
        raise ValidationError(
            f"a {system.upper()} {size:g} shoe (inside length about {last:.0f} mm) is {fit} for a "
            f"{foot.foot_length_mm:g} mm foot: it leaves {allowance:.0f} mm, and an insole needs "
            f"{lo:g}-{hi:g} mm beyond the toes; check the size or the foot length"
        )
    return round(allowance, 1), (
        f"insole length {last:.0f} mm from the shoe size {system.upper()} {size:g} "
        f"({allowance:.1f} mm beyond the toes; clinical-basis.md §4.2)"
    )


def _metadata(case: Case, rx: Prescription, name: str) -> dict[str, str]:
    return {
        "Title": f"Insole {name}",
        "Designer": f"orthofit {__version__}",
        "Application": f"orthofit {__version__}",
        "Description": f"{rx.side.value} insole for patient {case.patient.id}, profile {rx.profile}",
        "orthofit:patient_id": case.patient.id,
        "orthofit:side": rx.side.value,
        "orthofit:profile": rx.profile,
        "orthofit:referral_first": "true" if rx.referral_first else "false",
        "orthofit:prescription": json.dumps(rx.params.as_dict(), sort_keys=True),
        "orthofit:reasons": json.dumps(list(rx.reasons), ensure_ascii=False),
    }


def not_needed_feet(assessment: Assessment, settings: Settings, sides: Iterable[Side]) -> dict[Side, str]:
    """The feet of ``sides`` left without an insole because they need none, each with why."""
    if settings.profile.make_when_not_needed:
        return {}
    return {
        side: why for side in sides if (why := not_needed_reason(assessment, side, settings.thresholds)) is not None
    }


def insole_job(
    case_path: str | Path, settings: Settings, sides: Iterable[Side], out_dir: str | Path, force: bool = False
) -> tuple[list[InsoleOutput], list[Path], dict[Side, str]]:
    """``orthofit insole``: assess the case, make the insoles of ``sides`` and write their STL
    and 3MF files into ``out_dir`` (all or none; files of an earlier run only replaced with
    ``force``). Returns the insoles, the paths written and the feet that need no insole (with
    why; none is made for them).
    """
    from orthofit.io.output import write_files
    from orthofit.pipeline.assess_case import assess_case_file

    sides = list(sides)
    assessment = assess_case_file(case_path, settings)
    results = make_insoles(assessment, settings, sides)
    files = {n: b for r in results for n, b in r.files.items()}
    written = write_files(out_dir, files, force) if files else []
    return results, written, not_needed_feet(assessment, settings, sides)


def rule_params(assessment: Assessment, settings: Settings, sides: Iterable[Side]) -> dict[Side, dict]:
    """Each foot's parameters as the profile and the rules give them (no geometry built): what
    the design page compares the clinician's values with.
    """
    return {side: prescribe(assessment, side, settings, {}, FEATURES).params.as_dict() for side in sides}


def _zones_of(foot: FootDimensions, params: InsoleParams, v: np.ndarray, side: Side) -> tuple[Zone, ...]:
    """The stiffness zones of an insole whose vertices are ``v`` (n, 3) mm: the 3MF's infill
    modifiers, over its length and up to its top.
    """
    return insole_zones(
        foot, params, (float(v[:, 0].min()), float(v[:, 0].max())), float(v[:, 2].max()), mirror=side is Side.LEFT
    )


#: The design preview's mesh edge, mm: coarser than a printed insole's (1.5 mm), so a change
#: shows in a fraction of the time; the approved files are built at the full resolution.
PREVIEW_EDGE_MM = 3.0


def preview_insoles(
    assessment: Assessment, settings: Settings, sides: Iterable[Side]
) -> list[tuple[Prescription, bytes, tuple[float, float, float], list[tuple[str, float, bytes]]]]:
    """A quick look at each insole: (prescription, binary STL, size mm, zones) built at
    :data:`PREVIEW_EDGE_MM`, without the 3MF; ``zones`` are the 3MF's stiffness zones as
    (name, infill %, binary STL of the zone's volume).
    """
    import dataclasses

    coarse = dataclasses.replace(settings, edge_mm=max(settings.edge_mm, PREVIEW_EDGE_MM))
    out = []
    for side in sides:
        foot = foot_dimensions(assessment.case, side)
        rx = prescribe(assessment, side, coarse, {}, FEATURES)
        insole, fit_reasons = _build_for(assessment, side, foot, rx.params, coarse.edge_mm)
        if fit_reasons:
            rx = dataclasses.replace(rx, reasons=(*rx.reasons, *fit_reasons))
        v, f = insole.solid.vertices, insole.solid.faces
        dx, dy, dz = (float(x) for x in (v.max(axis=0) - v.min(axis=0)))
        size = (dx, dy, dz)
        zones = _zones_of(foot, rx.params, v, side)
        zone_stls = [(z.name, z.density_pct, stl_bytes(z.vertices, z.faces, z.name)) for z in zones]
        out.append((rx, stl_bytes(v, f, f"{assessment.case.patient.id}-{side.value}"), size, zone_stls))
    return out
