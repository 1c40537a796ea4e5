"""The blocks both documents are made of, and what the patient report and the lab sheet share.

A document is a list of blocks (headings, paragraphs, lists, tables, figures, notices, page
breaks) that :mod:`orthofit.report.pdf` lays out: the patient report
(:mod:`orthofit.report.patient`) and the lab sheet (:mod:`orthofit.report.lab_sheet`).
Everything here is pure: the same assessment, insoles and template give the same blocks. All
patient wording comes from the template (``templates/report.toml``); only numbers, names and
the lab sheet's technical lines (sources, formulas) come from the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orthofit.assess.assessment import INDEX_UNITS, Assessment, format_value
from orthofit.config.clinic import Clinic
from orthofit.config.templates import shipped_text
from orthofit.geometry.features import FEATURES
from orthofit.model.enums import ArchType, Pronation, Side


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
    columns: int = 1  # 2: side by side (the lab sheet's references)


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
    #: Rows that head a group (bold, shaded, across every column), by index in ``rows``.
    group_rows: tuple[int, ...] = ()
    #: Rows of running text under a group (across every column, in smaller type).
    note_rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class Figure:
    kind: str  # footprint, footprint_plain, insole_top, shaded, gauges, body_chain, profiles
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
    #: The clinic on the page heads (name, address, phone, logo, accent colour).
    clinic: Clinic = field(default_factory=Clinic)


# Conditions of the evidence statements (templates/report.toml [[evidence.statement]] when).
def conditions(a: Assessment, outputs) -> dict[str, bool]:
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


def range_text(name: str, rng) -> str:
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


def where_in(v: float, rng, t: dict) -> str:
    lo, hi = rng
    if lo is not None and v < lo:
        return t["feet"]["below"]
    if hi is not None and v > hi:
        return t["feet"]["above"]
    return t["feet"]["within"]


def side_word(side: Side) -> str:
    return side.value.capitalize()


def purposes(a: Assessment, out, t: dict) -> list[str]:
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


def join_words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def text_at(t: dict, *path: str) -> str:
    """The template's text at ``path``, or the shipped template's when a clinic's own
    template (written for an earlier version) lacks it.
    """
    node: Any = t
    try:
        for key in path:
            node = node[key]
    except (KeyError, TypeError):
        return shipped_text(path)
    return str(node)
