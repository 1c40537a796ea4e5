"""An assessment as JSON-ready data and as a readable text table (no file access here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from orthofit import __version__
from orthofit.assess.assessment import INDEX_UNITS, Assessment, Finding, FootAssessment, Label, format_value
from orthofit.assess.estimate import ESTIMATED_FIELD, AhiEstimate
from orthofit.model.enums import Side


def _label_dict(label: Label) -> dict[str, Any]:
    d = label.decided_by
    return {
        "value": label.value,
        "severity": label.severity,
        "decided_by": d.measure if d else None,
        "decided_by_estimate": d is not None and d.estimate is not None,
        "agreeing": [f.measure for f in label.agreeing],
        "disagreeing": [f.measure for f in label.disagreeing],
        "undecided": [_undecided_dict(f) for f in label.undecided],
    }


def _undecided_dict(f: Finding) -> dict[str, Any]:
    """A measure left out of a label because its estimate's interval spans bands."""
    e = f.estimate
    return {
        "measure": f.measure,
        "interval": None if e is None else [round(e.low, 4), round(e.high, 4)],
        "bands": list(f.spans),
        "would_decide": ESTIMATED_FIELD,
        "note": f.note,
    }


def _estimates_dict(est: AhiEstimate | None) -> dict[str, Any]:
    """What was estimated for a foot (the truncated length, and the AHI from it), with its ±."""
    if est is None:
        return {}
    t = est.truncated_length
    return {
        "truncated_foot_length_mm": {
            "value": round(t.value_mm, 1),
            "plus_minus": round(t.plus_minus_mm, 1),
            "ratio_to_foot_length": t.ratio,
            "source": t.source,
        },
        "ahi_standing": {"value": round(est.value, 4), "low": round(est.low, 4), "high": round(est.high, 4)},
    }


def _foot_dict(foot: FootAssessment) -> dict[str, Any]:
    fp = foot.footprint
    return {
        "measured": foot.measured,
        "arch_type": foot.arch_type.value,
        "arch_type_detail": _label_dict(foot.arch_type),
        "pronation": foot.pronation.value,
        "pronation_highly": foot.pronation.severity == "highly",
        "pronation_detail": _label_dict(foot.pronation),
        "indices": {k: (None if v is None else round(float(v), 4)) for k, v in foot.indices.items()},
        "findings": [
            {
                "measure": f.measure,
                "value": round(float(f.value), 4),
                "band": f.band,
                "suggests": f.suggests,
                "severity": f.severity,
                "threshold": f.limit,
                "source": f.source,
                "note": f.note,
            }
            for f in foot.findings
        ],
        "development": foot.development,
        "reasons": list(foot.reasons),
        "notes": list(foot.notes),
        "shoe_size": foot.shoe_size.as_dict() if foot.shoe_size else None,
        "measurement_sources": dict(foot.sources),
        "estimates": _estimates_dict(foot.ahi_estimate),
        "footprint": None
        if fp is None
        else {
            "toes_removed": fp.toes_removed,
            "print_length_mm": round(fp.print_length_mm, 1),
            "area_forefoot_mm2": round(fp.area_forefoot_mm2, 1),
            "area_midfoot_mm2": round(fp.area_midfoot_mm2, 1),
            "area_heel_mm2": round(fp.area_heel_mm2, 1),
            "forefoot_width_mm": round(fp.forefoot_width_mm, 1),
            "midfoot_min_width_mm": round(fp.midfoot_min_width_mm, 1),
            "heel_width_mm": round(fp.heel_width_mm, 1),
        },
    }


def assessment_dict(a: Assessment) -> dict[str, Any]:
    """The assessment as plain JSON-ready data (the ``assess --json`` output)."""
    p = a.case.patient
    asym = a.asymmetry
    return {
        "orthofit_version": __version__,
        "patient": {
            "id": p.id,
            "name": p.name,
            "age_years": p.age_years,
            "sex": p.sex.value if p.sex else None,
            "weight_kg": p.weight_kg,
            "child": a.is_child,
        },
        "referral": a.referral.needed,
        "referral_urgency": a.referral.urgency.value if a.referral.urgency else None,
        "red_flags": [f.name for f in a.referral.flags],
        "red_flag_reasons": [f.plain for f in a.referral.flags],
        "navicular_drop_criterion": a.nd_criterion.value,
        "feet": {side.value: _foot_dict(a.foot(side)) for side in Side},
        "asymmetry": {
            "fpi6_difference_right_minus_left": asym.fpi6_difference,
            "fpi6_band": asym.fpi6_band,
            "foot_length_difference_mm_right_minus_left": asym.foot_length_difference_mm,
            "leg_length_difference_mm": asym.leg_length_difference_mm,
            "shorter_side": asym.shorter_side.value if asym.shorter_side else None,
            "heel_lift_mm": asym.heel_lift_mm,
            "reasons": list(asym.reasons),
        },
        "notes": list(a.notes),
    }


def _cell(foot: FootAssessment, name: str) -> str:
    v = foot.indices[name]
    e = foot.ahi_estimate
    if e is not None and name == "ahi_standing":
        return f"≈{e.value:.3f} (estimated, {e.low:.3f}-{e.high:.3f})"
    return "not measured" if v is None else format_value(name, v)


#: The shoe-size scales in print order and their row titles ("EU size": a bare "EU" does not
#: read as a shoe size); a foot's size adds the convention its scale follows.
_SIZE_ROWS = (
    ("mondopoint", "Mondopoint"),
    ("eu", "EU size"),
    ("uk", "UK size"),
    ("us_men", "US men"),
    ("us_women", "US women"),
)


def _size_rows(a: Assessment) -> list[tuple[str, str, str]]:
    """One row per shoe-size scale, titled with the convention it follows ("US men (Brannock)")."""
    rows = []
    for key, plain in _SIZE_ROWS:
        scales = [f.shoe_size.scale(key) if f.shoe_size else None for f in (a.left, a.right)]
        named = next((s for s in scales if s is not None), None)
        title = plain if named is None else f"{plain} ({named.convention})"
        left, right = ("not measured" if s is None else s.size for s in scales)
        rows.append((title, left, right))
    return rows


def assessment_text(a: Assessment) -> str:
    """A readable per-foot table with the labels and their reasons."""
    p = a.case.patient
    lines: list[str] = []
    who = f"{p.name} ({p.id})" if p.name else p.id
    lines.append(f"Patient {who}, age {p.age_years:g}" + (" (child)" if a.is_child else ""))
    if a.referral.needed:
        lines.append("")
        lines.append("REFER FIRST: see a doctor before relying on an insole.")
        for f in a.referral.flags:
            lines.append(f"  - {f.name.replace('_', ' ')}: {f.plain}.")
    rows = [("", "left", "right")]
    for name in INDEX_UNITS:
        rows.append((a.titles[name], _cell(a.left, name), _cell(a.right, name)))
    rows.append(("Arch type", a.left.arch_type.text, a.right.arch_type.text))
    rows.append(("Pronation", a.left.pronation.text, a.right.pronation.text))
    rows.extend(_size_rows(a))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    lines.append("")
    for i, (t, left, right) in enumerate(rows):
        lines.append(f"{t:<{w0}}  {left:<{w1}}  {right}")
        if i == 0:
            lines.append("-" * (w0 + w1 + 16))
    for side in Side:
        foot = a.foot(side)
        lines.append("")
        lines.append(f"{side.value.capitalize()} foot:")
        lines.extend(f"  - {r}" for r in foot.reasons)
        lines.extend(f"  - Note: {n}" for n in foot.notes)
    if a.asymmetry.reasons:
        lines.append("")
        lines.append("Left and right:")
        lines.extend(f"  - {r}" for r in a.asymmetry.reasons)
    for n in a.notes:
        lines.append("")
        lines.append(n)
    return "\n".join(lines) + "\n"


def not_needed_lines(not_needed) -> list[str]:
    """One line per foot that needs no insole (``not_needed``: Side -> why)."""
    return [
        f"{side.value.capitalize()} foot: no insole needed ({why}); none made. "
        "To make a flat comfort insole anyway: --profile comfort"
        for side, why in not_needed.items()
    ]


def insole_text(results, written, not_needed=None) -> str:
    """The prescriptions with their reasons, the printability summaries and the files written
    (``not_needed``: Side -> why, the feet left without an insole).
    """
    from orthofit.config.params import InsoleParams

    defaults = InsoleParams().as_dict()
    lines: list[str] = not_needed_lines(not_needed or {})
    for r in results:
        rx = r.prescription
        lines.append(f"{rx.side.value.capitalize()} insole (profile {rx.profile}):")
        if rx.referral_first:
            lines.append(
                "  REFER FIRST: a red flag was found; the patient should see a doctor before this insole is used."
            )
        for reason in rx.reasons:
            lines.append(f"  - {reason}")
        params = rx.params.as_dict()
        changed = [k for k, v in params.items() if v != defaults[k]]
        shown = [
            "length",
            "base_thickness_rearfoot_mm",
            "base_thickness_forefoot_mm",
            "heel_cup_depth_mm",
            "arch_height_mm",
            *changed,
        ]
        lines.append(
            "  parameters: "
            + ", ".join(
                f"{k} = {params[k]:g}" if not isinstance(params[k], str) else f"{k} = {params[k]}"
                for k in dict.fromkeys(shown)
            )
        )
        main = [z for z in r.zones if "transition" not in z.name]
        if main and r.lattice is not None:
            lines.append(
                "  stiffness zones (the lattice's relative density, in the geometry): "
                + ", ".join(f"{z.name} {100 * z.density:.0f} %" for z in r.lattice.zones if "transition" not in z.name)
            )
        elif main:
            lines.append(
                "  stiffness zones (infill, in the slicer projects): "
                + ", ".join(f"{z.name} {z.density_pct:g} %" for z in main)
                + f"; borders graded over {rx.params.zone_transition_mm:g} mm"
            )
        lines.extend(f"  {line}" for line in r.printability.lines())
        if r.fit is not None:
            lines.extend(f"  {line}" for line in r.fit.lines)
        lines.append("")
    if written:
        lines.append("Written:")
        lines.extend(f"  {p}" for p in written)
    else:
        lines.append("Nothing written: no insole to make.")
    return "\n".join(lines) + "\n"


def grid_footprint_dict(g) -> dict[str, Any]:
    """A measured footprint grid as JSON-ready data."""
    fi = g.indices
    return {
        "side": g.side.value,
        "side_from_print": g.side_from_print.value,
        "toes": g.toe_cut,
        "footprint_indices": {
            "arch_index": round(fi.arch_index, 4),
            "chippaux_smirak_pct": round(fi.chippaux_smirak_pct, 2),
            "staheli": round(fi.staheli, 4),
            "clarke_angle_deg": None if fi.clarke_angle_deg is None else round(fi.clarke_angle_deg, 2),
            "cpei_proxy_pct": None if g.cpei_proxy_pct is None else round(g.cpei_proxy_pct, 2),
        },
        "print_length_mm": round(fi.print_length_mm, 1),
        "forefoot_width_mm": round(fi.forefoot_width_mm, 1),
        "midfoot_min_width_mm": round(fi.midfoot_min_width_mm, 1),
        "heel_width_mm": round(fi.heel_width_mm, 1),
        "notes": list(g.notes),
    }


def grid_footprint_text(g) -> str:
    d = grid_footprint_dict(g)
    fi = d["footprint_indices"]
    lines = [
        f"{d['side'].capitalize()} footprint ({d['print_length_mm']:g} mm long without toes; toes: {d['toes']})",
        f"  Arch Index            {fi['arch_index']:.3f}",
        f"  Chippaux-Smirak       {fi['chippaux_smirak_pct']:.1f}%",
        f"  Staheli               {fi['staheli']:.3f}",
        "  Clarke's angle        "
        + ("not measured" if fi["clarke_angle_deg"] is None else f"{fi['clarke_angle_deg']:.1f}°"),
        "  CPEI (static proxy)   "
        + (
            "not measured (no pressures)"
            if fi["cpei_proxy_pct"] is None
            else f"{fi['cpei_proxy_pct']:.1f}%  (not comparable to dynamic CPEI)"
        ),
    ]
    lines += [f"  Note: {n}" for n in d["notes"]]
    return "\n".join(lines) + "\n"


def scan_dict(record, assessment: Assessment) -> dict[str, Any]:
    """A measured scan (a :class:`~orthofit.measure.scan_case.ScanRecord`) and the assessment of its
    foot, as JSON-ready data (the ``scan --json`` output).
    """
    sm = record.measurements
    fp = sm.footprint
    foot = assessment.foot(record.side)
    return {
        "orthofit_version": __version__,
        "source": record.source,
        "side": record.side.value,
        "side_from_scan": record.oriented.side_from_scan.value,
        "side_certain": record.oriented.side_certain,
        "side_cues": {
            c.name: {"lean_mm": round(c.lean_mm, 1), "threshold_mm": c.threshold_mm, "vote": c.vote}
            for c in record.oriented.side_cues
        },
        "units": record.units,
        "units_inferred": record.units_inferred,
        "condition": record.condition.value,
        "floor": record.oriented.floor,
        "mesh_edge_mm": round(sm.edge_mm, 2),
        "surface_resolution_mm": sm.resolution_mm,
        "notes": list(record.notes),
        "measurements": {
            name: {"value": m.value, "uncertainty_mm": m.uncertainty_mm, "definition": m.definition, "note": m.note}
            for name, m in sm.measures.items()
        },
        "footprint_height_mm": sm.footprint_height_mm,
        "footprint_indices": None
        if fp is None
        else {
            "arch_index": round(fp.arch_index, 4),
            "chippaux_smirak_pct": round(fp.chippaux_smirak_pct, 2),
            "staheli": round(fp.staheli, 4),
            "clarke_angle_deg": None if fp.clarke_angle_deg is None else round(fp.clarke_angle_deg, 2),
            "toes_removed": fp.toes_removed,
            "notes": list(fp.notes),
        },
        "footprint_note": sm.footprint_note,
        "assessment": _foot_dict(foot),
        "assessment_notes": list(assessment.notes),
    }


def scan_text(record, assessment: Assessment) -> str:
    """The scan's measures with their uncertainty, then the assessment of its foot."""
    d = scan_dict(record, assessment)
    foot = assessment.foot(record.side)
    lines = [
        f"Scan {d['source']}: {d['side']} foot, {d['condition']}, units {d['units']}"
        + (" (inferred)" if d["units_inferred"] else "")
        + f", floor by {d['floor']}"
    ]
    lines.extend(f"  - {n}" for n in d["notes"])
    lines.append("")
    w = max(len(k) for k in d["measurements"])
    for name, m in d["measurements"].items():
        value = (
            f"{m['value']:.1f} ± {m['uncertainty_mm']:.1f} mm"
            if m["value"] is not None
            else f"not measured: {m['note']}"
        )
        lines.append(f"{name:<{w}}  {value}")
    lines.append("")
    if d["footprint_indices"] is None:
        lines.append(f"Footprint: {d['footprint_note']}")
    else:
        toes = d["footprint_indices"]["toes_removed"]
        lines.append(
            f"Footprint (sole within {d['footprint_height_mm']:g} mm of the floor; toes "
            + ("kept" if toes == "none found" else f"left out at the {toes}")
            + "):"
        )
        for name in ("arch_index", "chippaux_smirak_pct", "staheli", "clarke_angle_deg"):
            v = foot.indices[name]
            lines.append(f"  {assessment.titles[name]}: {'not measured' if v is None else format_value(name, v)}")
        lines.extend(f"  - {n}" for n in d["footprint_indices"]["notes"])
    lines.append("")
    lines.append(f"Assessment ({d['side']} foot): arch type {foot.arch_type.text}, pronation {foot.pronation.text}")
    lines.extend(f"  - {r}" for r in foot.reasons)
    lines.extend(f"  - Note: {n}" for n in assessment.notes)
    lines.append(
        "Lengths and breadths are along the foot axis (heel centre to ball centre); every measure's definition "
        "is in --json and the README."
    )
    lines.append("Measures are the scan's; give the rest (FPI-6, navicular drop, sitting heights) in a case file.")
    return "\n".join(lines) + "\n"


#: The prescription features ``orthofit fit`` names per foot: (label, parameters, unit).
FIT_FEATURES = (
    ("arch support", ("arch_height_mm",), "mm"),
    ("heel cup", ("heel_cup_depth_mm",), "mm"),
    ("medial heel skive", ("medial_heel_skive_mm",), "mm"),
    ("rearfoot post", ("rearfoot_post_deg",), "°"),
    ("heel lift", ("heel_lift_mm",), "mm"),
    ("metatarsal pad", ("met_pad_height_mm",), "mm"),
)


def fit_text(result, written, not_needed) -> str:
    """What ``orthofit fit`` prints: any referral with its red flags named, then per foot its
    labels (and the measure that decided each), the main features of its insole (or why it
    has none), and where each file went.
    """
    a = result.assessment
    lines: list[str] = []
    if a.referral.needed:
        urgency = a.referral.urgency.value if a.referral.urgency is not None else "soon"
        flags = ", ".join(f.name.replace("_", " ") for f in a.referral.flags)
        lines.append(f"REFER FIRST ({urgency}): {flags}. The patient should see a doctor before the insoles are used;")
        lines.append("  the report's first page says so.")
    made = {o.prescription.side: o for o in result.insoles}
    for side in Side:
        f = a.foot(side)
        if not f.measured:
            lines.append(f"{side.value.capitalize()} foot: not measured.")
            continue
        labels = []
        for kind, label in (("arch", f.arch_type), ("pronation", f.pronation)):
            by = f" (by {label.decided_by.title})" if label.decided_by is not None else ""
            labels.append(f"{kind} {label.text}{by}")
        lines.append(f"{side.value.capitalize()} foot: {'; '.join(labels)}")
        o = made.get(side)
        if o is None:
            why = not_needed.get(side)
            if why:
                lines.append(f"  no insole: {why}")
                lines.append("  (to make a flat comfort insole anyway: --profile comfort)")
            else:
                lines.append("  no insole (no foot length)")
            continue
        p = o.prescription.params.as_dict()
        parts = [
            f"{name} {p[keys[0]]:g} {unit}".replace(" °", "°")
            for name, keys, unit in FIT_FEATURES
            if p[keys[0]] != 0 or name in ("arch support", "heel cup")
        ]
        kind = o.prescription.params.construction.value
        lines.append(f"  insole ({kind}, {o.prescription.params.length.value} length): " + ", ".join(parts))
        if o.prescription.not_needed is not None:
            lines.append("  (a flat comfort insole, made on request: the foot needs none)")
    if written:
        folder = Path(written[0]).parent
        lines.append(f"Written to {folder}:")
        lines.extend(f"  {Path(w).name}" for w in written)
    return "\n".join(lines) + "\n"
