"""The lab sheet: the exact prescription, the measures and their sources, for the clinician
and the lab.

* The prescription grouped by feature, each parameter by its human name with its unit, left
  and right side by side, and the reasons for each feature under its rows; the features the
  insoles do not use in one line.
* Every measure with its value and band, its definition, the usual range, its source and
  uncertainty; which measure decided each label and which disagreed.
* The stiffness zones as one compact table, the pictures the lab checks (footprints with
  their widths, the insoles' heights on one colour scale, the inner and outer side profiles),
  making and fitting, scans and inputs, references, and the file hashes in a short footer.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np

from orthofit import __version__
from orthofit.assess.assessment import INDEX_UNITS, Assessment, format_value
from orthofit.config.params import parameter_table
from orthofit.config.templates import fill
from orthofit.model.enums import Side
from orthofit.prescribe.prescription import not_needed_reason
from orthofit.report.content import (
    Block,
    Bullets,
    Figure,
    Heading,
    Para,
    ReportContent,
    Table,
    range_text,
    side_word,
    text_at,
    usual_range,
)
from orthofit.report.diagrams import edge_profiles
from orthofit.report.walking_pages import lab_walking

#: Groups shown even when every value is 0: they describe any insole.
_ALWAYS = ("choices", "core", "base")
#: Words that tie a prescription reason to a feature, looked for in the reason's head (before
#: its first colon); the feature whose word comes first wins. Display grouping only: every
#: reason is printed.
_REASON_WORDS: dict[str, tuple[str, ...]] = {
    "heel_cup": ("heel cup",),
    "arch": ("arch support", "arch fill", "arch raise", "medial arch", "no posting"),
    "lateral_arch": ("lateral arch",),
    "metatarsal": ("metatarsal",),
    "rearfoot_post": ("rearfoot post", "varus", "posting"),
    "forefoot_post": ("forefoot post",),
    "medial_heel_skive": ("skive",),
    "heel_lift": ("heel lift",),
    "heel_cushion": ("heel cushion",),
    "heel_spur_relief": ("heel-spur", "spur"),
    "flanges": ("flange",),
    "lateral_wedge": ("lateral wedge", "wedge"),
    "mortons_extension": ("morton's extension",),
    "reverse_mortons": ("first-ray", "reverse morton"),
    "pressure_offload": ("pressure offload",),
    "base": ("base", "thickness"),
    "core": ("length", "shoe", "infill", "zone", "shell", "allowance", "size", "estimated"),
}


#: Names of the measures that have no classification rule (so no title in the thresholds).
_TITLES = {
    "ahi_sitting": "Arch Height Index (sitting)",
    "arch_rigidity_index": "Arch rigidity index",
    "arch_drop_mm": "Arch drop, sitting to standing",
    "arch_height_flexibility_mm_per_kn": "Arch height flexibility",
    "normalised_navicular_height": "Navicular height / foot length",
    "normalised_navicular_height_truncated": "Navicular height / truncated foot length",
    "cpei_proxy_pct": "Centre of pressure excursion index (static proxy)",
}


#: The measures a walking pressure recording gives.
_WALKING = ("cpei_pct", "arch_index_walking")


def reason_feature(reason: str) -> str | None:
    """The feature a prescription reason is about (:data:`_REASON_WORDS`), or None."""
    head = reason.split(":", 1)[0].lower()
    best: tuple[int, str] | None = None
    for feature, words in _REASON_WORDS.items():
        for w in words:
            m = re.search(r"\b" + re.escape(w), head)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), feature)
    return best[1] if best else None


def lab_content(a: Assessment, outputs, t: dict, th, profile_name: str, date: str) -> ReportContent:
    """The lab sheet's blocks (``outputs``: the insoles made, left first)."""
    c = t["clinician"]
    p = a.case.patient
    blocks: list[Block] = [
        Heading(text_at(t, "clinician", "title"), 0),
        Para(
            fill(
                c["patient_line"],
                patient=f"{p.name} ({p.id})" if p.name else p.id,
                age=f"{p.age_years:g}",
                profile=profile_name,
                version=__version__,
                date=date,
            ),
            "small",
        ),
    ]
    if a.referral.needed:
        blocks.append(
            Para(
                "Referral first: " + "; ".join(f"{f.name} ({f.urgency.value}; {f.source})" for f in a.referral.flags),
                "small_warn",
            )
        )
    blocks.extend(_prescription(a, outputs, t, th))
    blocks.extend(_measures(a, t, th))
    blocks.extend(_pictures(a, outputs, t))
    blocks.extend(lab_walking(a, t, th))
    blocks.extend(_making(a, outputs, t))
    blocks.append(Heading(c["references_heading"], 2))
    blocks.append(Para(c["basis_note"], "small"))
    blocks.append(Bullets(tuple(c["references"]), "tiny", columns=2))
    if outputs:
        blocks.append(Heading(text_at(t, "clinician", "files_footer"), 2))
        hashes = [f"{name} {hashlib.sha256(data).hexdigest()[:16]}" for o in outputs for name, data in o.files.items()]
        blocks.append(Para(" · ".join(hashes), "tiny"))
    author = a.case.clinician.name or a.case.clinician.clinic or "orthofit"
    return ReportContent(
        text_at(t, "clinician", "title"),
        text_at(t, "clinician", "subject"),
        author,
        p.id,
        date,
        text_at(t, "clinician", "footer"),
        tuple(blocks),
    )


def _value_text(v: Any, unit: str) -> str:
    return f"{v:g} {unit}".strip() if isinstance(v, float) else str(v)


def _prescription(a: Assessment, outputs, t: dict, th) -> list[Block]:
    c = t["clinician"]
    names = c.get("feature_names") or {}
    blocks: list[Block] = [Heading(text_at(t, "clinician", "prescription_heading"), 1)]
    made = {o.prescription.side: o for o in outputs}
    for sd in Side:
        if sd not in made:
            why = not_needed_reason(a, sd, th)
            if why is None:
                why = "no foot length for this foot" if a.case.foot(sd).foot_length_mm is None else "not asked for"
            blocks.append(Para(fill(text_at(t, "clinician", "not_made_line"), side=side_word(sd), text=why), "small"))
    if not outputs:
        return blocks
    blocks.append(Para(text_at(t, "clinician", "prescription_note"), "small"))
    values = {sd: made[sd].prescription.params.as_dict() if sd in made else None for sd in Side}
    table = parameter_table()
    groups: dict[str, list[dict]] = {}
    for row in table:
        groups.setdefault(row.get("feature", "choices"), []).append(row)
    reasons: dict[str | None, dict[Side, list[str]]] = {}
    for o in outputs:
        for r in o.prescription.reasons:
            reasons.setdefault(reason_feature(r), {}).setdefault(o.prescription.side, []).append(r)
    rows: list[tuple[str, ...]] = []
    group_rows: list[int] = []
    note_rows: list[int] = []
    unused: list[str] = []
    for feature, params in groups.items():
        title = names.get(feature) or feature.replace("_", " ")
        used = feature in _ALWAYS or any(
            vals is not None and any(vals[p["name"]] not in (0, 0.0) for p in params) for vals in values.values()
        )
        if not used:
            unused.append(title)
            continue
        group_rows.append(len(rows))
        rows.append((title, "", ""))
        for prm in params:
            cells = tuple(
                _value_text(vals[prm["name"]], prm["unit"]) if vals is not None else "–" for vals in values.values()
            )
            rows.append((prm["label"], *cells))
        for line in _reason_lines(reasons.pop(feature, {}), t):
            note_rows.append(len(rows))
            rows.append((line, "", ""))
    rest = [r for k in list(reasons) for r in _reason_lines(reasons.pop(k), t)]
    if rest:
        group_rows.append(len(rows))
        rows.append((text_at(t, "clinician", "general_feature"), "", ""))
        for line in rest:
            note_rows.append(len(rows))
            rows.append((line, "", ""))
    blocks.append(
        Table(
            (text_at(t, "clinician", "col_feature"), "Left", "Right"),
            tuple(rows),
            (0.56, 0.22, 0.22),
            "small",
            tuple(group_rows),
            tuple(note_rows),
        )
    )
    if unused:
        blocks.append(Para("Not used: " + ", ".join(unused) + ".", "small"))
    return blocks


def _reason_lines(by_side: dict[Side, list[str]], t: dict) -> list[str]:
    """One line per reason; a reason both feet share is written once."""
    why = text_at(t, "clinician", "reasons_label")
    left, right = by_side.get(Side.LEFT, []), by_side.get(Side.RIGHT, [])
    lines = []
    for r in left:
        lines.append(f"{why}: {r}" if r in right else f"{why} (left): {r}")
    lines.extend(f"{why} (right): {r}" for r in right if r not in left)
    return lines


def _measures(a: Assessment, t: dict, th) -> list[Block]:
    blocks: list[Block] = [Heading(text_at(t, "clinician", "measures_heading"), 1)]
    rows = []
    for name in INDEX_UNITS:
        finds = {sd: next((f for f in a.foot(sd).findings if f.measure == name), None) for sd in Side}
        vals = {sd: a.foot(sd).indices.get(name) for sd in Side}
        if all(v is None for v in vals.values()):
            continue
        rule = th.rules.get(name)
        title = rule.title if rule is not None else _TITLES.get(name, name.replace("_", " "))
        cells = []
        for sd in Side:
            f = finds[sd]
            if f is not None:
                cells.append(f"{f.value_text}, {f.band}" if f.band else f"{f.value_text} (not used: {f.note})")
            elif (v := vals[sd]) is not None:
                cells.append(format_value(name, v))
            else:
                cells.append("–")
        rng = usual_range(a, name, th)
        parts = []
        if rule is not None and rule.formula:
            parts.append(rule.formula)
        parts.append("usual " + range_text(name, rng) if rng else "no usual range at this age")
        if rule is not None:
            parts.append(rule.source)
        srcs = {a.foot(sd).sources.get(name) for sd in Side} if any(a.foot(sd).sources for sd in Side) else set()
        if name in _WALKING:
            parts.append("from the walking recording (see Walking pressure)")
        else:
            parts.append(
                "from the 3D scan (see Scans)" if "scan" in srcs else text_at(t, "clinician", "typed_uncertainty")
            )
        rows.append((title, *cells, "; ".join(parts)))
    if rows:
        blocks.append(
            Table(
                (text_at(t, "clinician", "col_measure"), "Left", "Right", text_at(t, "clinician", "col_definition")),
                tuple(rows),
                (0.17, 0.17, 0.17, 0.49),
                "small",
            )
        )
    blocks.append(Heading(text_at(t, "clinician", "labels_heading"), 2))
    items = []
    for sd in Side:
        foot = a.foot(sd)
        for label, kind in ((foot.arch_type, "arch type"), (foot.pronation, "pronation")):
            if label.decided_by is None:
                items.append(f"{sd.value} {kind}: {label.text} (no measure decided it)")
                continue
            line = f"{sd.value} {kind}: {label.text}, decided by {label.decided_by.title}"
            if label.disagreeing:
                line += "; disagreeing: " + ", ".join(f"{d.title} {d.value_text} ({d.band})" for d in label.disagreeing)
            items.append(line)
    if a.asymmetry.reasons:
        items.extend(a.asymmetry.reasons)
    blocks.append(Bullets(tuple(items), "small"))
    return blocks


def _pictures(a: Assessment, outputs, t: dict) -> list[Block]:
    pi = t["pictures"]
    labels = dict(pi["labels"])
    blocks: list[Block] = []
    prints = [sd for sd in Side if a.foot(sd).footprint is not None and a.foot(sd).footprint_rings]
    if prints or outputs:
        blocks.append(Heading(pi["heading"], 1))
    for sd in prints:
        f = a.foot(sd)
        blocks.append(
            Figure(
                "footprint",
                {"rings": f.footprint_rings, "fp": f.footprint, "side": sd, "labels": labels},
                fill(pi["footprint_heading"], side=side_word(sd).lower()),
                0.5,
            )
        )
    if not outputs:
        return blocks
    solids = [o.insole.drawing_solid() for o in outputs]
    tops = [s.vertices[s.vertices[:, 2] > 1e-6, 2] for s in solids]
    z_range = (float(min(z.min() for z in tops)), float(max(z.max() for z in tops)))
    for o, sol in zip(outputs, solids, strict=True):
        blocks.append(
            Figure(
                "insole_top",
                {"vertices": sol.vertices, "faces": sol.faces, "labels": labels, "z_range": z_range},
                fill(pi["insole_top_caption"], side=side_word(o.prescription.side)),
                0.5,
            )
        )
    profiles = {
        o.prescription.side: edge_profiles(o.insole.solid.vertices, o.insole.solid.faces, o.prescription.side)
        for o in outputs
    }
    z_top = float(max(np.max(p[e][1]) for p in profiles.values() for e in p))  # the same scale for all
    plabels = {
        "medial": labels.get("medial", "inner edge"),
        "lateral": labels.get("lateral", "outer edge"),
        "centre": labels.get("centre", "dashed: along the middle (the heel seat)"),
        "left": labels.get("left", "Left insole"),
        "right": labels.get("right", "Right insole"),
        "exaggeration": labels.get("profile_exaggeration", "heights ×{factor} (mm on the axis)"),
    }
    blocks.append(Figure("profiles", {"profiles": profiles, "labels": plabels, "z_top": z_top}, "", 1.0))
    return blocks


def _making(a: Assessment, outputs, t: dict) -> list[Block]:
    c = t["clinician"]
    blocks: list[Block] = []
    if outputs:
        blocks.extend(_zones(outputs, t))
        blocks.append(Heading(c["make_heading"], 2))
        for o in outputs:
            made = [*o.printability.lines(), *(o.fit.lines if o.fit is not None else ())]
            blocks.append(Bullets(tuple(f"{side_word(o.prescription.side)}: {m}" for m in made), "small"))
    scans = [(sd, rec) for sd in Side if (rec := a.measured.foot(sd).scan) is not None]
    if scans:
        blocks.append(Heading(c["scan_heading"], 2))
        for sd, rec in scans:
            sm = rec.measurements
            blocks.append(
                Para(
                    fill(
                        c["scan_line"],
                        side=sd.value,
                        source=rec.source,
                        condition=rec.condition.value,
                        units=rec.units + (" inferred" if rec.units_inferred else ""),
                        floor=rec.oriented.floor,
                        edge=f"{sm.edge_mm:.1f} mm, the surface sampled every {sm.resolution_mm:.1f}",
                    ),
                    "small",
                )
            )
            srcs = a.foot(sd).sources
            items = [
                f"{m.name} {m.value:g} ± {m.uncertainty_mm:g} mm"
                + (" (typed value used)" if srcs.get(m.name) == "typed" else "")
                + f": {m.definition}"
                for m in sm.measures.values()
                if m.value is not None
            ]
            blocks.append(Bullets(tuple(items), "tiny"))
    blocks.append(Heading(text_at(t, "clinician", "inputs_heading"), 2))
    src = a.case.source or a.case.patient.id
    blocks.append(Para(f"Case: {src}", "small"))
    for sd in Side:
        m = a.case.foot(sd)
        for key in ("pressure", "pressure_before"):
            if getattr(m, key):
                blocks.append(Para(f"{sd.value}.{key}: {getattr(m, key)}", "small"))
    return blocks


def _zones(outputs, t: dict) -> list[Block]:
    c = t["clinician"]
    blocks: list[Block] = []
    latticed = [o for o in outputs if o.lattice is not None]
    plain = [o for o in outputs if o.zones and o.lattice is None]
    if plain:
        by_side = {o.prescription.side: {z.name: z for z in o.zones} for o in plain}
        # the graded steps at the borders are in the note, not a row each
        names = list(dict.fromkeys(z.name for o in plain for z in o.zones if "transition" not in z.name))
        rows = tuple(
            (
                n,
                *(
                    f"{by_side[sd][n].density_pct:g} % {by_side[sd][n].settings['fill_pattern']}"
                    if sd in by_side and n in by_side[sd]
                    else "–"
                    for sd in Side
                ),
            )
            for n in names
        )
        blocks.append(Heading(c["zones_heading"], 2))
        blocks.append(Table(("zone", "Left", "Right"), rows, (0.5, 0.25, 0.25), "small"))
        blocks.append(Para(c["zones_note"], "tiny"))
    if latticed:
        by_side_l = {o.prescription.side: {z.name: z for z in o.lattice.zones} for o in latticed}
        names = list(dict.fromkeys(z.name for o in latticed for z in o.lattice.zones))

        def cell(z) -> str:
            return f"{100 * z.density:.0f} %, " + ("skin (thin)" if z.thin else f"stiffness {z.relative_stiffness:.2f}")

        rows = tuple(
            (n, *(cell(by_side_l[sd][n]) if sd in by_side_l and n in by_side_l[sd] else "–" for sd in Side))
            for n in names
        )
        blocks.append(Heading(c["lattice_zones_heading"], 2))
        blocks.append(Table(("zone", "Left", "Right"), rows, (0.5, 0.25, 0.25), "small"))
        blocks.append(Para(c["lattice_zones_note"], "tiny"))
    return blocks
