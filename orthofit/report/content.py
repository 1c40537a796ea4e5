"""What the patient report says: wording from the template, chosen by the findings.

The report is a list of blocks (headings, paragraphs, lists, tables, figures, notices, page
breaks) that :mod:`orthofit.report.pdf` lays out. Everything here is pure: the same
assessment, insoles and template give the same blocks. All patient wording comes from the
template (``templates/report.toml``); only numbers, names and the clinician page's technical
lines (parameter names, sources) come from the data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from orthofit import __version__
from orthofit.assess.assessment import INDEX_UNITS, Assessment, format_value
from orthofit.config.templates import TemplateError, check_template, fill, shipped_text
from orthofit.geometry.features import FEATURES
from orthofit.model.enums import ArchType, Pronation, Side
from orthofit.report.figures import DEFAULT_LABELS


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str
    style: str = "body"  # body, small, caption, lead, grade


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    style: str = "body"


@dataclass(frozen=True)
class Notice:
    """A boxed warning (the referral)."""

    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # fractions of the text width
    style: str = "body"  # body or small


@dataclass(frozen=True)
class Figure:
    kind: str  # footprint, insole_top, insole_side, chain
    data: dict[str, Any]
    caption: str
    width_frac: float = 1.0


@dataclass(frozen=True)
class PageBreak:
    pass


#: One block of the report, laid out by :mod:`orthofit.report.pdf`.
Block = Heading | Para | Bullets | Notice | Table | Figure | PageBreak


@dataclass(frozen=True)
class ReportContent:
    title: str
    subject: str
    author: str
    patient_label: str
    date: str
    footer: str  # template with {page}
    blocks: tuple[Block, ...] = field(default_factory=tuple)


# Conditions of the evidence statements (templates/report.toml [[evidence.statement]] when).
def _conditions(a: Assessment, outputs) -> dict[str, bool]:
    feet = [a.foot(s) for s in Side]
    pron = any(f.pronation.value == Pronation.PRONATED.value for f in feet)
    planus = any(f.arch_type.value == ArchType.PLANUS.value for f in feet)
    cavus = any(f.arch_type.value == ArchType.CAVUS.value for f in feet)
    lift = any(o.prescription.params.heel_lift_mm > 0 for o in outputs)
    flags = {f.name for f in a.referral.flags}
    return {
        "always": True,
        "pronated_or_planus": pron or planus,
        "cavus": cavus,
        "low_back_pain": a.case.symptoms.low_back_pain,
        "no_low_back_pain": not a.case.symptoms.low_back_pain,
        "heel_lift": lift,
        "child_flat": a.is_child and planus,
        "back_to_feet": bool(flags & BACK_TO_FEET_FLAGS),
        # One condition per insole feature, named as the feature: an insole of the report has it.
        **{f.name: any(f.is_active(o.prescription.params) for o in outputs) for f in FEATURES},
    }


#: Red flags that are the back showing in the feet (sciatica, foot drop): clinical-basis.md §6.5.
BACK_TO_FEET_FLAGS = {"foot_drop", "numbness_or_tingling", "progressive_weakness", "saddle_numbness"}


def chain_links(a: Assessment) -> dict[str, str]:
    """The links of the foot-to-back chain this patient's findings start, each with the finding
    (in the patient's words) that starts it. A link applies only when its own finding is past
    its own threshold: a foot labelled pronated (a flat arch alone is not a foot that rolls
    in, and a child's flexible flat foot is neither), a high arch, a leg-length difference at or
    over the heel-lift threshold (under it the assessment itself says it calls for nothing),
    or a red flag that is the back showing in the feet.
    """
    links: dict[str, str] = {}
    pronated = [s for s in Side if a.foot(s).pronation.value == Pronation.PRONATED.value]
    if pronated:
        why = "both your feet roll in" if len(pronated) == 2 else f"your {pronated[0].value} foot rolls in"
        links["pronation_tibial_rotation"] = why
        links["pelvic_tilt"] = why
    cavus = [s for s in Side if a.foot(s).arch_type.value == ArchType.CAVUS.value]
    if cavus:
        links["high_arch_shock"] = (
            "both your feet have a high arch" if len(cavus) == 2 else f"your {cavus[0].value} foot has a high arch"
        )
    lld = a.case.leg_length
    if lld is not None and (a.asymmetry.heel_lift_mm or 0) > 0:
        links["leg_length_pelvic_obliquity"] = f"your legs differ by {lld.difference_mm:g} mm"
    flags = [f for f in a.referral.flags if f.name in BACK_TO_FEET_FLAGS]
    if flags:
        links["back_to_feet"] = "what you told us: " + ", ".join(f.name.replace("_", " ") for f in flags)
    return links


def _value(name: str, v: float | None, t: dict) -> str:
    return t["feet"]["not_measured"] if v is None else format_value(name, v)


def usual_range(a: Assessment, name: str, thresholds) -> tuple[float | None, float | None] | None:
    """The normal band of an index for this patient's age: (lower, upper), None for open
    ends; None when no threshold applies (e.g. Staheli in adults).
    """
    rule = thresholds.rules.get(name)
    if rule is None:
        return None
    group = rule.group_for(a.case.patient.age_years)
    if group is None:
        return None
    bands = group.bands
    if name == "navicular_drop_mm" and group.note is None:
        bands = thresholds.navicular_drop_bands(a.nd_criterion)
    if not bands:
        return None
    previous = None
    for band in bands:
        if band.suggests in (ArchType.NORMAL.value, Pronation.NEUTRAL.value):
            lo, hi = (previous.upper if previous is not None else None), band.upper
            # One band over every value (a thresholds file may say so): no range to print.
            return None if lo is None and hi is None else (lo, hi)
        previous = band
    return None


def _range_text(name: str, rng) -> str:
    lo, hi = rng
    if lo is not None and hi is not None:
        unit = INDEX_UNITS.get(name, "")
        first = format_value(name, lo)
        if unit and first.endswith(unit):
            first = first[: -len(unit)].rstrip()
        return f"{first} to {format_value(name, hi)}"
    if hi is not None:
        return f"≤ {format_value(name, hi)}"
    return f"≥ {format_value(name, lo)}"


def _where(v: float, rng, t: dict) -> str:
    lo, hi = rng
    if lo is not None and v < lo:
        return t["feet"]["below"]
    if hi is not None and v > hi:
        return t["feet"]["above"]
    return t["feet"]["within"]


def _side_word(side: Side) -> str:
    return side.value.capitalize()


def _purposes(a: Assessment, out, t: dict) -> list[str]:
    p = out.prescription.params
    w = t["summary"]["purpose"]
    foot = a.foot(out.prescription.side)
    if (
        a.is_child
        and foot.arch_type.value == ArchType.PLANUS.value
        and p.rearfoot_post_deg == 0
        and p.medial_heel_skive_mm == 0
    ):
        return [w["child"]]
    # Each feature names its purposes; they are listed in the template's order, once each.
    found = {key for feature in FEATURES for key in feature.purposes(p)}
    items = [text for key, text in w.items() if key in found]
    return items or [w["neutral"]]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def build_content(
    a: Assessment, outputs, template: dict, thresholds, profile_name: str, report_date: str
) -> ReportContent:
    """The report's blocks for an assessment and its insoles (``outputs``: the
    :class:`~orthofit.pipeline.insoles.InsoleOutput` of each foot, in left, right order).
    """
    check_template(template)
    try:
        return _build(a, outputs, template, thresholds, profile_name, report_date)
    except KeyError as err:
        raise TemplateError(
            f"the report template has no entry {err}; restore it from the shipped templates/report.toml"
        ) from None


def _build(a, outputs, t, th, profile_name, date) -> ReportContent:
    p = a.case.patient
    who = p.name or p.id
    cl = a.case.clinician
    blocks: list[Block] = []
    s = t["summary"]

    # --- 1. Summary ---------------------------------------------------------------------
    blocks.append(Heading(t["meta"]["title"], 0))
    if a.referral.needed:
        lines = [t["summary"]["urgency"][a.referral.urgency.value]]
        lines += [t["red_flags"][f.name] for f in a.referral.flags]
        lines.append(s["referral_not_replace"])
        blocks.append(Notice(s["referral_heading"], tuple(lines)))
    facts = [
        fill(s["patient_line"], patient=who if not p.name else f"{p.name} ({p.id})"),
        fill(s["age_line"], age=f"{p.age_years:g}"),
        fill(s["date_line"], date=date),
    ]
    if cl.name:
        facts.append(fill(s["clinician_line"], clinician=cl.name))
    if cl.clinic:
        facts.append(fill(s["clinic_line"], clinic=cl.clinic))
    blocks.extend(Para(f, "lead") for f in facts)
    blocks.append(Para(s["intro"]))
    blocks.append(Heading(s["feet_heading"], 2))
    for side in Side:
        f = a.foot(side)
        if not f.measured:
            blocks.append(Para(fill(s["foot_not_measured"], side=_side_word(side))))
            continue
        arch = s["arch"].get(f.arch_type.value or "unknown") or shipped_text(
            ("summary", "arch", f.arch_type.value or "unknown")
        )
        pron = s["pronation"].get(f.pronation.value or "unknown") or shipped_text(
            ("summary", "pronation", f.pronation.value or "unknown")
        )
        blocks.append(Para(fill(s["foot_line"], side=_side_word(side), arch=arch, pronation=pron)))
    if a.is_child:
        blocks.append(Para(s["child_note"]))
    if outputs:
        blocks.append(Heading(s["insoles_heading"], 2))
        for out in outputs:
            blocks.append(
                Para(
                    fill(
                        s["purpose"]["line"],
                        side=_side_word(out.prescription.side),
                        purposes=_join(_purposes(a, out, t)),
                    )
                )
            )
    blocks.append(Para(s["honest_note"]))
    # What insoles do not do for the back (or knee) is said where that pain is recorded, not
    # to every patient: a child or a patient without back pain is told what the insoles are for.
    if a.case.symptoms.low_back_pain:
        blocks.append(Para(s["back_pain_note"]))
    if any("knee" in c for sd in Side for c in a.case.foot(sd).conditions):
        blocks.append(Para(s["knee_note"]))
    blocks.append(PageBreak())

    # --- 2. Your feet -------------------------------------------------------------------
    fe = t["feet"]
    blocks.append(Heading(fe["heading"], 1))
    blocks.append(Para(fe["intro_child"] if a.is_child else fe["intro"]))
    rows = []
    for name in ("foot_length_mm", "ball_width_mm"):
        vals = [getattr(a.case.foot(sd), name) for sd in Side]
        if any(v is not None for v in vals):
            rows.append(
                (
                    fe["measure_names"][name],
                    *(fe["not_measured"] if v is None else f"{v:.0f} mm" for v in vals),
                    fe["no_range"],
                )
            )
    for name in INDEX_UNITS:
        vals = [a.foot(sd).indices[name] for sd in Side]
        if all(v is None for v in vals):
            continue
        rng = usual_range(a, name, th)
        cells = []
        for v, sd in zip(vals, Side, strict=True):
            text = _value(name, v, t)
            # an AHI from an estimated truncated length is marked as approximate, and placed
            # against the usual range only when its whole interval lies in one band (§2.5)
            estimate = a.foot(sd).ahi_estimate if name == "ahi_standing" else None
            if estimate is not None:
                text = "≈" + text
            if v is not None and rng is not None and not (estimate is not None and a.foot(sd).arch_type.undecided):
                text += f" ({_where(v, rng, t)})"
            cells.append(text)
        rows.append((fe["measure_names"][name], *cells, _range_text(name, rng) if rng else fe["no_range"]))
    blocks.append(
        Table(
            (fe["col_measure"], fe["col_left"], fe["col_right"], fe["col_range"]), tuple(rows), (0.34, 0.22, 0.22, 0.22)
        )
    )
    if any(a.foot(sd).ahi_estimate is not None for sd in Side):  # say what the "≈" means
        blocks.append(Para(fe.get("estimate_note") or shipped_text(("feet", "estimate_note")), "small"))
    for kind, heading, texts in (
        ("arch_type", fe["arch_heading"], fe["arch_text"]),
        ("pronation", fe["pronation_heading"], fe["pronation_text"]),
    ):
        blocks.append(Heading(heading, 2))
        for side in Side:
            label = getattr(a.foot(side), kind)
            if label.value is None:
                blocks.append(Para(fill(fe["not_decided"], side=_side_word(side))))
                continue
            measure = fe["measure_names"].get(label.decided_by.measure, label.decided_by.title)
            text = texts.get(label.value) or shipped_text(("feet", f"{kind.split('_')[0]}_text", label.value))
            if label.value == ArchType.MIXED.value:  # no one measure is "based on"; the text says why
                line = fe.get("mixed_line") or shipped_text(("feet", "mixed_line"))
                blocks.append(Para(fill(line, side=_side_word(side), text=text)))
                continue
            blocks.append(Para(fill(fe["label_line"], side=_side_word(side), text=text, measure=measure)))
            if label.disagreeing:
                names = ", ".join(fe["measure_names"].get(f.measure, f.title) for f in label.disagreeing)
                blocks.append(Para(fill(fe["disagree_line"], measures=names), "small"))
    sizes = [(sd, a.foot(sd).shoe_size, a.case.foot(sd).foot_length_mm) for sd in Side]
    if any(sz is not None for _, sz, _ in sizes):
        blocks.append(Heading(fe["sizes_heading"], 2))
        for sd, sz, fl in sizes:
            if sz is not None:
                eu, uk = sz.scale("eu"), sz.scale("uk")
                blocks.append(
                    Para(
                        fill(
                            fe["size_line"],
                            side=_side_word(sd),
                            length=f"{fl:.0f} mm",
                            eu=eu.size,
                            uk=uk.size,
                            eu_scale=eu.convention,
                            uk_scale=uk.convention,
                        )
                    )
                )
    if any(a.foot(sd).sources and "scan" in a.foot(sd).sources.values() for sd in Side):
        blocks.append(Para(fe["scan_note"], "small"))
    blocks.append(PageBreak())

    # --- 3. Pictures --------------------------------------------------------------------
    pi = t["pictures"]
    labels = dict(pi["labels"])
    blocks.append(Heading(pi["heading"], 1))
    prints = [sd for sd in Side if a.foot(sd).footprint is not None and a.foot(sd).footprint_rings]
    if prints:
        for sd in prints:
            f = a.foot(sd)
            blocks.append(
                Figure(
                    "footprint",
                    {"rings": f.footprint_rings, "fp": f.footprint, "side": sd, "labels": labels},
                    fill(pi["footprint_heading"], side=_side_word(sd).lower()),
                    0.5,
                )
            )
        blocks.append(Para(pi["footprint_caption"], "caption"))
    else:
        blocks.append(Para(pi["no_footprint"], "caption"))
    if outputs:
        blocks.append(Heading(pi["insole_heading"], 2))
        for out in outputs:
            sd = out.prescription.side
            sol = out.insole.drawing_solid()  # the top as a height field: the insole's thickness
            blocks.append(
                Figure(
                    "insole_top",
                    {"vertices": sol.vertices, "faces": sol.faces, "labels": labels},
                    fill(pi["insole_top_caption"], side=_side_word(sd)),
                    0.5,
                )
            )
            blocks.append(
                Figure(
                    "insole_side",
                    {"vertices": sol.vertices, "faces": sol.faces, "labels": labels},
                    fill(pi["insole_side_caption"], side=_side_word(sd)),
                    0.5,
                )
            )
    blocks.append(PageBreak())
    blocks.append(Heading(pi["chain_heading"], 1))
    applied = chain_links(a)
    chain_labels = dict(labels)
    for key, why in applied.items():  # each coloured link says which finding starts it
        chain_labels[key] = f"{labels.get(key, DEFAULT_LABELS[key])} ({why})"
    caption = pi["chain_caption"] if applied else pi.get("chain_caption_none") or pi["chain_caption"]
    blocks.append(Figure("chain", {"highlight": set(applied), "labels": chain_labels}, caption, 0.8))

    # --- 4. Evidence --------------------------------------------------------------------
    ev = t["evidence"]
    cond = _conditions(a, outputs)
    blocks.append(Heading(ev["heading"], 1))
    blocks.append(Para(ev["intro"]))
    for st in ev["statement"]:
        if st["when"] not in cond:
            raise TemplateError(
                f"evidence statement {st.get('key')!r}: unknown condition {st['when']!r}; "
                f"use one of {', '.join(sorted(cond))}"
            )
        if cond[st["when"]]:
            blocks.append(Para(st["text"]))
            blocks.append(
                Para(
                    fill(ev["grade_label"], grade=st["grade"])
                    + " · "
                    + fill(ev["source_label"], sources=st["sources"]),
                    "grade",
                )
            )
    blocks.append(PageBreak())

    # --- 5. Care ------------------------------------------------------------------------
    ca = t["care"]
    blocks.append(Heading(ca["heading"], 1))
    for key in ("break_in", "care", "return", "warning"):
        blocks.append(Heading(ca[f"{key}_heading"], 2))
        blocks.append(Bullets(tuple(ca[key])))
    blocks.append(PageBreak())

    # --- 6. For the clinician or lab ----------------------------------------------------
    blocks.extend(_clinician_page(a, outputs, t, profile_name, date, th))
    author = cl.name or cl.clinic or "orthofit"
    return ReportContent(
        t["meta"]["title"], t["meta"]["subject"], author, who, date, t["meta"]["footer"], tuple(blocks)
    )


def _clinician_page(a: Assessment, outputs, t: dict, profile_name: str, date: str, th) -> list[Any]:
    c = t["clinician"]
    p = a.case.patient
    blocks: list[Block] = [
        Heading(c["heading"], 1),
        Para(
            fill(
                c["patient_line"],
                patient=p.id,
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
                "small",
            )
        )
    if outputs:
        from orthofit.config.params import parameter_table

        blocks.append(Heading(c["params_heading"], 2))
        by_side = {o.prescription.side: o.prescription.params.as_dict() for o in outputs}
        rows = []
        for row in parameter_table():
            name = row["name"]
            cells = [_param_text(by_side[sd][name]) if sd in by_side else "–" for sd in Side]
            rows.append((name, *cells, row["unit"]))
        blocks.append(
            Table((c["col_parameter"], "left", "right", c["col_unit"]), tuple(rows), (0.46, 0.18, 0.18, 0.18), "small")
        )
        latticed = [o for o in outputs if o.lattice is not None]
        if latticed:
            blocks.append(Heading(c["lattice_zones_heading"], 2))
            lrows = [
                (
                    o.prescription.side.value,
                    z.name,
                    f"{100 * z.density:.0f} %",
                    f"{z.relative_stiffness:.2f}" if not z.thin else "skin (thin)",
                )
                for o in latticed
                for z in o.lattice.zones
            ]
            header = ("side", "zone", "density", "stiffness vs stiffest")
            blocks.append(Table(header, tuple(lrows), (0.12, 0.46, 0.18, 0.24), "small"))
            blocks.append(Para(c["lattice_zones_note"], "small"))
        if any(o.zones and o.lattice is None for o in outputs):
            blocks.append(Heading(c["zones_heading"], 2))
            zrows = []
            for o in outputs:
                if o.lattice is not None:
                    continue
                for z in o.zones:
                    zrows.append(
                        (o.prescription.side.value, z.name, f"{z.density_pct:g} %", z.settings["fill_pattern"])
                    )
            blocks.append(Table(("side", "zone", "infill", "pattern"), tuple(zrows), (0.12, 0.52, 0.18, 0.18), "small"))
            blocks.append(Para(c["zones_note"], "small"))
        blocks.append(Heading(c["make_heading"], 2))
        for o in outputs:
            made = [*o.printability.lines(), *(o.fit.lines if o.fit is not None else ())]
            blocks.append(Para(f"{_side_word(o.prescription.side)}:", "small"))
            blocks.append(Bullets(tuple(made), "small"))
        blocks.append(Heading(c["reasons_heading"], 2))
        for o in outputs:
            blocks.append(Para(f"{_side_word(o.prescription.side)} (profile {o.prescription.profile}):", "small"))
            blocks.append(Bullets(tuple(o.prescription.reasons), "small"))
    blocks.append(Heading(c["findings_heading"], 2))
    rows = []
    for sd in Side:
        f = a.foot(sd)
        for fd in f.findings:
            rows.append(
                (
                    sd.value,
                    fd.title,
                    fd.value_text,
                    fd.band or f"not used: {fd.note}",
                    f"{fd.limit or ''}; {fd.source}".strip("; "),
                )
            )
        for label, kind in ((f.arch_type, "arch type"), (f.pronation, "pronation")):
            if label.decided_by is not None:
                rows.append((sd.value, kind, label.text, f"decided by {label.decided_by.title}", ""))
    if rows:
        blocks.append(
            Table(
                ("side", "measure", "value", "band", "threshold; source"),
                tuple(rows),
                (0.08, 0.22, 0.12, 0.22, 0.36),
                "small",
            )
        )
    measured = [n for n in INDEX_UNITS if any(a.foot(sd).indices[n] is not None for sd in Side)]
    methods = [
        f"{th.rules[n].title}: {th.rules[n].formula} ({th.rules[n].source})"
        for n in measured
        if n in th.rules and th.rules[n].formula
    ]
    if methods:
        blocks.append(Heading(c["methods_heading"], 2))
        blocks.append(Bullets(tuple(methods), "small"))
    if a.asymmetry.reasons:
        blocks.append(Bullets(a.asymmetry.reasons, "small"))
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
            blocks.append(Bullets(tuple(items), "small"))
    if outputs:
        blocks.append(Heading(c["files_heading"], 2))
        file_rows = tuple((name, hashlib.sha256(data).hexdigest()) for o in outputs for name, data in o.files.items())
        blocks.append(Table(("file", "SHA-256"), file_rows, (0.25, 0.75), "small"))
        blocks.append(Para(c["files_note"], "small"))
    blocks.append(Heading(c["references_heading"], 2))
    blocks.append(Para(c["basis_note"], "small"))
    blocks.append(Bullets(tuple(c["references"]), "small"))
    return blocks


def _param_text(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)
