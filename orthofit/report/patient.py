"""What the patient report says: four pages a patient reads, pictures first.

1. What we found and what the insoles are for (the referral box first when there is one),
   with each foot's footprint or scan beside a shaded view of its insole.
2. Your feet: at most five measures, each on a gauge against the usual range for the age.
3. How feet, knees, hips and back are linked, on a body outline with only this patient's
   links coloured, and what insoles can and cannot do, graded by the evidence.
4. Wearing the insoles, when to come back and when to stop (or, with no insole, when to
   come back).

No parameter names, formulas, file names of the project or measure names a patient does not
know: those are on the lab sheet (:mod:`orthofit.report.lab_sheet`). All wording comes from
the template; only numbers and names come from the data.
"""

from __future__ import annotations

from orthofit.assess.assessment import INDEX_UNITS, Assessment, format_value
from orthofit.config.templates import TemplateError, fill, shipped_text, shipped_value
from orthofit.model.enums import ArchType, Side
from orthofit.prescribe.prescription import not_needed_reason
from orthofit.report.content import (
    Block,
    Bullets,
    Figure,
    Heading,
    Notice,
    PageBreak,
    Para,
    ReportContent,
    chain_links,
    conditions,
    join_words,
    purposes,
    side_word,
    text_at,
    usual_range,
    where_in,
)
from orthofit.report.diagrams import GaugeRow
from orthofit.report.figures import CHAIN_LINKS, DEFAULT_LABELS
from orthofit.report.render import DEFAULT_AZIMUTH_DEG
from orthofit.report.walking_pages import patient_walking

#: At most this many measures on page 2: a patient reads a few, not every index.
MAX_GAUGES = 5
#: Evidence statements that hold without an insole (the others are about what insoles do).
NO_INSOLE_STATEMENTS = ("child_flat", "back_to_feet", "low_back_pain")
#: The order measures are offered for page 2 after the ones that decided the labels.
GAUGE_ORDER = (
    "ahi_standing",
    "chippaux_smirak_pct",
    "arch_index",
    "navicular_drop_mm",
    "fpi6_total",
    "rcsp_deg",
    "normalised_navicular_height_truncated",
    "normalised_navicular_height",
    "navicular_height_mm",
    "staheli",
    "clarke_angle_deg",
    "arch_rigidity_index",
    "cpei_proxy_pct",
)


def patient_content(a: Assessment, outputs, t: dict, th, date: str) -> ReportContent:
    """The patient report's blocks (``outputs``: the insoles made, left first)."""
    p = a.case.patient
    who = p.name or p.id
    blocks: list[Block] = []
    blocks.extend(_found(a, outputs, t, th, date))
    blocks.append(PageBreak())
    blocks.extend(_your_feet(a, t, th))
    blocks.append(PageBreak())
    blocks.extend(_links(a, outputs, t))
    if outputs:  # without an insole, when to come back is short: it follows on the same page
        blocks.append(PageBreak())
    # Walking pressure opens the last page: the measures' and the links' pages are full, and
    # with two recordings it says what the insoles changed, beside how to wear them.
    blocks.extend(patient_walking(a, outputs, t, th))
    blocks.extend(_wearing(outputs, t))
    cl = a.case.clinician
    return ReportContent(
        t["meta"]["title"],
        t["meta"]["subject"],
        cl.name or cl.clinic or "orthofit",
        who,
        date,
        t["meta"]["footer"],
        tuple(blocks),
    )


def _found(a: Assessment, outputs, t: dict, th, date: str) -> list[Block]:
    s = t["summary"]
    p = a.case.patient
    cl = a.case.clinician
    blocks: list[Block] = [Heading(t["meta"]["title"], 0)]
    if a.referral.needed and a.referral.urgency is not None:
        lines = [s["urgency"][a.referral.urgency.value]]
        lines += [t["red_flags"][f.name] for f in a.referral.flags]
        lines.append(s["referral_not_replace"])
        blocks.append(Notice(s["referral_heading"], tuple(lines)))
    facts = [
        fill(s["patient_line"], patient=f"{p.name} ({p.id})" if p.name else p.id),
        fill(s["age_line"], age=f"{p.age_years:g}"),
        fill(s["date_line"], date=date),
    ]
    if cl.name:
        facts.append(fill(s["clinician_line"], clinician=cl.name))
    blocks.append(Para(" · ".join(facts), "lead"))
    made = {o.prescription.side: o for o in outputs}
    not_needed = {sd: why for sd in Side if sd not in made and (why := not_needed_reason(a, sd, th)) is not None}
    blocks.append(Para(text_at(t, "summary", "intro_no_insole") if not made and not_needed else s["intro"]))
    blocks.append(Heading(s["feet_heading"], 2))
    for side in Side:
        f = a.foot(side)
        if not f.measured:
            blocks.append(Para(fill(s["foot_not_measured"], side=side_word(side))))
            continue
        arch = s["arch"].get(f.arch_type.value or "unknown") or shipped_text(
            ("summary", "arch", f.arch_type.value or "unknown")
        )
        pron = s["pronation"].get(f.pronation.value or "unknown") or shipped_text(
            ("summary", "pronation", f.pronation.value or "unknown")
        )
        blocks.append(Para(fill(s["foot_line"], side=side_word(side), arch=arch, pronation=pron)))
    if a.is_child:
        blocks.append(Para(s["child_note"]))
    if not_needed:
        blocks.append(Heading(text_at(t, "summary", "no_insole_heading"), 2))
        why = text_at(t, "summary", "no_insole_text")
        if len(not_needed) == 2:
            blocks.append(Para(fill(text_at(t, "summary", "no_insole_both"), text=why)))
        for side in not_needed if len(not_needed) == 1 else ():
            blocks.append(Para(fill(text_at(t, "summary", "no_insole_line"), side=side_word(side), text=why)))
    if outputs:
        blocks.append(Heading(s["insoles_heading"], 2))
        for out in outputs:
            sd = out.prescription.side
            if out.prescription.not_needed is not None:
                blocks.append(Para(fill(text_at(t, "summary", "comfort_line"), side=side_word(sd))))
                continue
            line = fill(s["purpose"]["line"], side=side_word(sd), purposes=join_words(purposes(a, out, t)))
            blocks.append(Para(line))
    blocks.extend(_pictures(a, outputs, t))
    if outputs:
        blocks.append(Para(s["honest_note"]))
    # What insoles do not do for the back (or knee) is said where that pain is recorded, not
    # to every patient: a child or a patient without back pain is told what the insoles are for.
    if a.case.symptoms.low_back_pain:
        blocks.append(Para(s["back_pain_note"]))
    if any("knee" in c for sd in Side for c in a.case.foot(sd).conditions):
        blocks.append(Para(s["knee_note"]))
    return blocks


def _pictures(a: Assessment, outputs, t: dict) -> list[Block]:
    """Each foot's footprint (or its scan) in one row, each insole's shaded view in the next."""
    out: list[Block] = []
    feet: list[Figure] = []
    for sd in Side:
        scan = a.measured.foot(sd).scan
        f = a.foot(sd)
        word = side_word(sd).lower()
        if scan is not None:
            o = scan.oriented
            feet.append(
                Figure(
                    "shaded",
                    {
                        "vertices": o.vertices,
                        "faces": o.faces,
                        "cull": False,
                        "color": (0.86, 0.74, 0.64),
                        "azimuth": view_azimuth(sd),
                    },
                    fill(text_at(t, "summary", "picture_scan"), side=word),
                    0.5,
                )
            )
        elif f.footprint is not None and f.footprint_rings:
            feet.append(
                Figure(
                    "footprint_plain",
                    {
                        "rings": f.footprint_rings,
                        "fp": f.footprint,
                        "side": sd,
                        "labels": dict(t["pictures"]["labels"]),
                    },
                    fill(text_at(t, "summary", "picture_footprint"), side=word),
                    0.5,
                )
            )
    insoles = [
        Figure(
            "shaded",
            {
                "vertices": o.insole.solid.vertices,
                "faces": o.insole.solid.faces,
                "cull": True,
                "color": (0.56, 0.72, 0.86),
                "azimuth": view_azimuth(o.prescription.side),
            },
            fill(text_at(t, "summary", "picture_insole"), side=side_word(o.prescription.side).lower()),
            0.5,
        )
        for o in outputs
    ]
    out.extend(feet)
    out.extend(insoles)
    return out


def view_azimuth(side: Side) -> float:
    """The shaded views look at the inner (medial) side of each foot: a left foot, the mirror
    of a right one, is seen from the mirrored direction.
    """
    return DEFAULT_AZIMUTH_DEG if side is Side.RIGHT else 180.0 - DEFAULT_AZIMUTH_DEG


def _gauge_rows(a: Assessment, t: dict, th) -> list[GaugeRow]:
    fe = t["feet"]
    ends = fe.get("gauge_ends") or {}
    first = []
    for sd in Side:
        for label in (a.foot(sd).arch_type, a.foot(sd).pronation):
            if label.decided_by is not None and label.decided_by.measure in INDEX_UNITS:
                first.append(label.decided_by.measure)
    order = list(dict.fromkeys([*first, *GAUGE_ORDER, *INDEX_UNITS]))
    rows: list[GaugeRow] = []
    for name in order:
        if len(rows) == MAX_GAUGES:
            break
        vals = [a.foot(sd).indices.get(name) for sd in Side]
        if all(v is None for v in vals):
            continue
        rng = usual_range(a, name, th)
        if rng is None:
            continue
        texts = []
        for v, sd in zip(vals, Side, strict=True):
            if v is None:
                texts.append(fe["not_measured"])
                continue
            estimate = a.foot(sd).ahi_estimate if name == "ahi_standing" else None
            text = ("≈" if estimate is not None else "") + format_value(name, v)
            if not (estimate is not None and a.foot(sd).arch_type.undecided):
                text += f" ({where_in(v, rng, t)})"
            texts.append(text)
        low_end, high_end = (ends.get(name) or shipped_value(("feet", "gauge_ends", name)))[:2]
        rows.append(
            GaugeRow(
                name=fe["measure_names"].get(name) or shipped_text(("feet", "measure_names", name)),
                low=rng[0],
                high=rng[1],
                left=vals[0],
                right=vals[1],
                left_text=texts[0],
                right_text=texts[1],
                low_end=low_end,
                high_end=high_end,
            )
        )
    return rows


def _your_feet(a: Assessment, t: dict, th) -> list[Block]:
    fe = t["feet"]
    blocks: list[Block] = [Heading(fe["heading"], 1)]
    rows = _gauge_rows(a, t, th)
    if rows:
        blocks.append(Para(fe["intro_child"] if a.is_child else fe["intro"]))
        labels = {
            "usual": text_at(t, "feet", "gauge_usual"),
            "left": text_at(t, "feet", "gauge_left"),
            "right": text_at(t, "feet", "gauge_right"),
        }
        blocks.append(Figure("gauges", {"rows": tuple(rows), "labels": labels}, "", 1.0))
    else:
        blocks.append(Para(text_at(t, "feet", "gauge_none")))
    if any(a.foot(sd).ahi_estimate is not None for sd in Side):  # say what the "≈" means
        blocks.append(Para(fe.get("estimate_note") or shipped_text(("feet", "estimate_note")), "small"))
    for kind, heading, texts in (
        ("arch_type", fe["arch_heading"], fe["arch_text"]),
        ("pronation", fe["pronation_heading"], fe["pronation_text"]),
    ):
        blocks.append(Heading(heading, 2))
        pair = [getattr(a.foot(sd), kind) for sd in Side]
        if _same_label(*pair):
            # The same finding on both feet, decided by the same measure: said once.
            label = pair[0]
            measure = fe["measure_names"].get(label.decided_by.measure, label.decided_by.title)
            text = texts.get(label.value) or shipped_text(("feet", f"{kind.split('_')[0]}_text", label.value))
            line = text_at(t, "feet", "label_line_both")
            blocks.append(Para(fill(line, text=text, measure=measure.lower())))
            if label.disagreeing:
                names = ", ".join(fe["measure_names"].get(f.measure, f.title).lower() for f in label.disagreeing)
                blocks.append(Para(fill(fe["disagree_line"], measures=names), "small"))
        else:
            for side in Side:
                blocks.extend(_label_paras(a, side, kind, texts, fe))
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
                            side=side_word(sd),
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
    return blocks


def _same_label(left, right) -> bool:
    """Both feet carry the same label, decided by the same measure, with the same dissent."""
    return (
        left.value is not None
        and left.value == right.value
        and left.value != ArchType.MIXED.value
        and left.decided_by is not None
        and right.decided_by is not None
        and left.decided_by.measure == right.decided_by.measure
        and {f.measure for f in left.disagreeing} == {f.measure for f in right.disagreeing}
    )


def _label_paras(a: Assessment, side: Side, kind: str, texts: dict, fe: dict) -> list[Para]:
    """What one foot's arch type or pronation label says, and which measure decided it."""
    label = getattr(a.foot(side), kind)
    if label.value is None:
        return [Para(fill(fe["not_decided"], side=side_word(side)))]
    measure = fe["measure_names"].get(label.decided_by.measure, label.decided_by.title)
    text = texts.get(label.value) or shipped_text(("feet", f"{kind.split('_')[0]}_text", label.value))
    if label.value == ArchType.MIXED.value:  # no one measure is "based on"; the text says why
        line = fe.get("mixed_line") or shipped_text(("feet", "mixed_line"))
        return [Para(fill(line, side=side_word(side), text=text))]
    out = [Para(fill(fe["label_line"], side=side_word(side), text=text, measure=measure.lower()))]
    if label.disagreeing:
        names = ", ".join(fe["measure_names"].get(f.measure, f.title).lower() for f in label.disagreeing)
        out.append(Para(fill(fe["disagree_line"], measures=names), "small"))
    return out


def _links(a: Assessment, outputs, t: dict) -> list[Block]:
    pi = t["pictures"]
    labels = {**DEFAULT_LABELS, **pi["labels"]}
    applied = chain_links(a)
    caption = pi["chain_caption"] if applied else pi.get("chain_caption_none") or pi["chain_caption"]
    blocks: list[Block] = [
        Heading(pi["chain_heading"], 1),
        Figure("body_chain", {"links": CHAIN_LINKS, "applies": applied, "labels": labels}, caption, 1.0),
    ]
    ev = t["evidence"]
    cond = conditions(a, outputs)
    if not outputs:  # no insole made: only what is said about the finding itself
        cond = {k: v and k in NO_INSOLE_STATEMENTS for k, v in cond.items()}
    blocks.append(Heading(ev["heading"], 2))
    blocks.append(Para(ev["intro"]))
    for st in ev["statement"]:
        if st["when"] not in cond:
            raise TemplateError(
                f"evidence statement {st.get('key')!r}: unknown condition {st['when']!r}; "
                f"use one of {', '.join(sorted(cond))}"
            )
        if cond[st["when"]]:
            blocks.append(Para(st["text"], "tight"))
            blocks.append(
                Para(
                    fill(ev["grade_label"], grade=st["grade"])
                    + " · "
                    + fill(ev["source_label"], sources=st["sources"]),
                    "grade",
                )
            )
    return blocks


def _wearing(outputs, t: dict) -> list[Block]:
    ca = t["care"]
    if not outputs:
        return [
            Heading(text_at(t, "care", "no_insole_heading"), 2),
            Bullets(tuple(ca.get("no_insole") or shipped_value(("care", "no_insole")))),
        ]
    blocks: list[Block] = [Heading(ca["heading"], 1)]
    for key in ("break_in", "care", "return", "warning"):
        blocks.append(Heading(ca[f"{key}_heading"], 2))
        blocks.append(Bullets(tuple(ca[key])))
    return blocks
