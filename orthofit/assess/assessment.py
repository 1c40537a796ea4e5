"""Assessment: from a measured case to arch type, pronation tendency, asymmetry and referral.

Labels follow clinical-basis.md §0: the measure that decides a label is named, and every measure
that disagrees is listed, because clinical foot-type measures often disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from orthofit.assess.estimate import AHI, ESTIMATED_FIELD, AhiEstimate, classify_estimate, estimate_ahi
from orthofit.assess.sizing import ShoeSize, shoe_size
from orthofit.config.settings import Settings
from orthofit.config.thresholds import ARCH_INDICES, PRONATION_INDICES, Classified, Thresholds
from orthofit.measure import indices as ix
from orthofit.measure.case import INDEX_UNITS, MeasuredCase, MeasuredFoot
from orthofit.measure.footprint import FootprintIndices
from orthofit.model.case import Case, FootMeasurements
from orthofit.model.enums import ArchType, NavicularDropCriterion, Side, ValueSource
from orthofit.model.redflags import (
    PAINFUL_RIGID_FLAT_FOOT_CHILD,
    RED_FLAGS,
    WEAKNESS_WITH_BACK_PAIN,
    RedFlag,
    Urgency,
)

#: What each index needs, for the "not measured" message.
_NEEDS: dict[str, str] = {
    "arch_index": "footprint_mm, a footprint_grid or a standing scan",
    "chippaux_smirak_pct": "footprint_mm, a footprint_grid or a standing scan",
    "staheli": "footprint_mm, a footprint_grid or a standing scan",
    "clarke_angle_deg": "footprint_mm, a footprint_grid or a standing scan",
    "ahi_sitting": "dorsal_height_sitting_mm and truncated_foot_length_mm",
    "ahi_standing": "dorsal_height_standing_mm and truncated_foot_length_mm",
    "arch_rigidity_index": "dorsal_height_sitting_mm and dorsal_height_standing_mm",
    "arch_drop_mm": "dorsal_height_sitting_mm and dorsal_height_standing_mm",
    "arch_height_flexibility_mm_per_kn": "both dorsal heights and patient.weight_kg",
    "navicular_height_mm": "navicular_height_standing_mm",
    "normalised_navicular_height": "navicular_height_standing_mm and foot_length_mm",
    "normalised_navicular_height_truncated": "navicular_height_standing_mm and truncated_foot_length_mm",
    "navicular_drop_mm": "navicular_drop_mm or both navicular heights",
    "fpi6_total": "fpi6",
    "rcsp_deg": "rcsp_deg",
    "cpei_proxy_pct": "footprint_grid (a pressure CSV)",
    "cpei_pct": "a walking pressure recording on a platform ([side] pressure)",
    "arch_index_walking": "a walking pressure recording on a platform ([side] pressure)",
}

#: The measures of a walking pressure recording on a platform.
_WALKING = ("cpei_pct", "arch_index_walking")

_TITLES = {
    "ahi_sitting": "Arch Height Index (sitting)",
    "arch_rigidity_index": "Arch Rigidity Index",
    "arch_drop_mm": "Arch drop",
    "arch_height_flexibility_mm_per_kn": "Arch height flexibility",
    "normalised_navicular_height": "Normalised navicular height (foot length)",
    "normalised_navicular_height_truncated": "Normalised navicular height (truncated length)",
    "cpei_proxy_pct": "CPEI, static proxy",
}

#: The label of measures that mostly contradict the deciding one (ArchType / Pronation MIXED).
MIXED = ArchType.MIXED.value


@dataclass(frozen=True)
class Finding:
    """One classified measure: its value, the band it falls in and the source of the band."""

    measure: str
    title: str
    value: float
    band: str | None
    suggests: str | None
    severity: str | None
    limit: str | None
    source: str
    note: str | None = None
    #: Set when the value rests on an estimated input (the truncated length of an AHI).
    estimate: AhiEstimate | None = None
    #: The bands the estimate's interval reaches when it reaches more than one (then no band).
    spans: tuple[str, ...] = ()

    @property
    def value_text(self) -> str:
        if self.estimate is not None:
            e = self.estimate
            return f"≈{e.value:.3f} ({e.low:.3f} to {e.high:.3f}, truncated length estimated)"
        return format_value(self.measure, self.value)

    def describe(self) -> str:
        if self.band is None:
            return f"{self.title} {self.value_text}: not used for the label ({self.note})"
        return f"{self.title} {self.value_text}: {self.band} ({self.limit}; {self.source})"


@dataclass(frozen=True)
class Label:
    """A per-foot label and the measures behind it. ``value`` is None when undetermined."""

    value: str | None
    severity: str | None = None
    decided_by: Finding | None = None
    agreeing: tuple[Finding, ...] = ()
    disagreeing: tuple[Finding, ...] = ()
    #: Measures left out because their estimate's interval spans two bands (each says what
    #: measurement would decide it).
    undecided: tuple[Finding, ...] = ()

    @property
    def text(self) -> str:
        if self.value is None:
            return "not determined"
        return f"{self.severity} {self.value}" if self.severity else self.value


@dataclass(frozen=True)
class FootAssessment:
    side: Side
    measured: bool
    indices: dict[str, float | None]
    findings: tuple[Finding, ...]
    arch_type: Label
    pronation: Label
    shoe_size: ShoeSize | None
    footprint: FootprintIndices | None
    reasons: tuple[str, ...]
    notes: tuple[str, ...]
    development: str | None = None  # children: what a flat foot means at this age
    sources: dict[str, ValueSource] = field(default_factory=dict)  # measurement -> where it came from
    footprint_rings: tuple[np.ndarray, ...] = ()  # the outline(s) behind ``footprint``, (n, 2) arrays, mm
    ahi_estimate: AhiEstimate | None = None  # the standing AHI when its truncated length was estimated


@dataclass(frozen=True)
class Asymmetry:
    fpi6_difference: int | None  # right - left
    fpi6_band: str | None  # "normal", "asymmetric", "severely asymmetric"
    foot_length_difference_mm: float | None  # right - left
    leg_length_difference_mm: float | None
    shorter_side: Side | None
    heel_lift_mm: float | None  # on the shorter side
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Referral:
    needed: bool
    flags: tuple[RedFlag, ...]

    @property
    def urgency(self) -> Urgency | None:
        order = [Urgency.EMERGENCY, Urgency.SAME_DAY, Urgency.URGENT, Urgency.SOON]
        present = {f.urgency for f in self.flags}
        return next((u for u in order if u in present), None)


@dataclass(frozen=True)
class Assessment:
    case: Case  # the measured values (typed, else from a scan)
    measured: MeasuredCase
    is_child: bool
    nd_criterion: NavicularDropCriterion
    left: FootAssessment
    right: FootAssessment
    asymmetry: Asymmetry
    referral: Referral
    titles: dict[str, str]  # index name -> human title
    notes: tuple[str, ...] = field(default=())

    def foot(self, side: Side) -> FootAssessment:
        return self.left if side is Side.LEFT else self.right


def format_value(measure: str, value: float) -> str:
    """A value with its unit, at a precision a clinician reads."""
    unit = INDEX_UNITS.get(measure, "")
    if measure == "fpi6_total":
        return f"{int(value):+d}"
    if unit in ("mm", "°", "%", "mm/kN"):
        sep = "" if unit in ("°", "%") else " "
        return f"{value:.1f}{sep}{unit}"
    return f"{value:.3f}"


def assess(measured: MeasuredCase, settings: Settings) -> Assessment:
    """Label both feet of a measured case.

    Parameters
    ----------
    measured : MeasuredCase
        From :func:`orthofit.measure.case.measure_case`.
    settings : Settings
        Its thresholds and navicular-drop criterion are used.
    """
    th = settings.thresholds
    criterion = settings.criterion
    case = measured.case
    age = case.patient.age_years
    is_child = age < th.adult_age_years
    feet = {side: _assess_foot(case, measured.foot(side), th, criterion) for side in Side}
    referral = _referral(case, feet, th)
    notes = []
    if is_child:
        notes.append(
            f"Age {age:g}: child thresholds are used where published; adult-only "
            "thresholds are reported but not used for the labels."
        )
    return Assessment(
        case=case,
        measured=measured,
        is_child=is_child,
        nd_criterion=criterion,
        left=feet[Side.LEFT],
        right=feet[Side.RIGHT],
        asymmetry=_asymmetry(case, feet, th),
        referral=referral,
        titles={n: _title(th, n) for n in INDEX_UNITS},
        notes=tuple(notes),
    )


def _title(th: Thresholds, name: str) -> str:
    return th.rules[name].title if name in th.rules else _TITLES.get(name, name)


def _assess_foot(case: Case, mf: MeasuredFoot, th: Thresholds, criterion: NavicularDropCriterion) -> FootAssessment:
    side, m, values = mf.side, mf.values, dict(mf.indices)
    age = case.patient.age_years
    estimate = _ahi_estimate(m, values, th)
    if estimate is not None:
        values[AHI] = estimate.value
    findings = tuple(
        _estimated_finding(th, estimate, age)
        if name == AHI and estimate is not None
        else _finding(th, name, value, age, criterion)
        for name in (*ARCH_INDICES, *PRONATION_INDICES)
        if (value := values[name]) is not None
    )
    by_name = {f.measure: f for f in findings}
    arch = _label(th.arch_measure_priority, by_name)
    pron = _label(th.pronation_measure_priority, by_name)
    size = (
        shoe_size(
            m.foot_length_mm,
            th.sizing,
            truncated_foot_length_mm=m.truncated_foot_length_mm,
            arch_ratio=th.truncated_length.ratio_mean,
        )
        if m.foot_length_mm is not None
        else None
    )
    reasons = _reasons(th, side, m, values, findings, arch, pron, estimate)
    development = (
        _child_flat_foot_reason(th, m, age)
        if arch.value == ArchType.PLANUS.value and age < th.adult_age_years
        else None
    )
    if development:
        reasons.append(development)
    return FootAssessment(
        side=side,
        measured=not m.is_empty,
        indices=dict(values),
        findings=findings,
        arch_type=arch,
        pronation=pron,
        shoe_size=size,
        footprint=mf.footprint,
        reasons=tuple(reasons),
        notes=mf.notes,
        development=development,
        sources=dict(mf.sources),
        footprint_rings=mf.footprint_rings,
        ahi_estimate=estimate,
    )


def _ahi_estimate(m: FootMeasurements, values: dict[str, float | None], th: Thresholds) -> AhiEstimate | None:
    """The standing AHI estimated from foot length, when it was not measured but the dorsal
    height and the foot length were (a shop scanner's export; clinical-basis.md §2.5).
    """
    dorsal, length = m.dorsal_height_standing_mm, m.foot_length_mm
    if values[AHI] is not None or dorsal is None or length is None or dorsal <= 0 or length <= 0:
        return None  # measured, or nothing to estimate from (a scan's height may be 0)
    return estimate_ahi(dorsal, length, th.truncated_length)


def _estimated_finding(th: Thresholds, est: AhiEstimate, age: float) -> Finding:
    """The AHI finding of an estimate: a band only when its whole interval lies in that band."""
    placed = classify_estimate(th, est, age)
    return replace(_finding_of(th, AHI, est.value, placed.classified), estimate=est, spans=placed.spans)


def _finding(th: Thresholds, name: str, value: float, age: float, criterion: NavicularDropCriterion) -> Finding:
    return _finding_of(th, name, value, th.classify(name, value, age, criterion))


def _finding_of(th: Thresholds, name: str, value: float, c: Classified) -> Finding:
    """The finding of ``value`` of measure ``name`` as ``c`` (its classification) places it."""
    band = c.band
    return Finding(
        measure=name,
        title=th.rules[name].title,
        value=value,
        band=band.label if band else None,
        suggests=band.suggests if band else None,
        severity=band.severity if band else None,
        limit=c.limit,
        source=c.source,
        note=c.note,
    )


#: The label is "mixed" when at least this many of the other measures disagree with the
#: deciding one and they outnumber those that agree [D]: one dissenting measure is the usual
#: disagreement between posture measures (Langley 2016) and the label follows the first; a
#: majority against it means the measures do not say one thing, and a clinician should
#: check by hand.
MIXED_MIN_DISAGREEING = 2


def _label(priority: tuple[str, ...], by_name: dict[str, Finding]) -> Label:
    usable = [by_name[n] for n in priority if n in by_name and by_name[n].suggests is not None]
    undecided = tuple(by_name[n] for n in priority if n in by_name and by_name[n].spans)
    if not usable:
        return Label(None, undecided=undecided)
    first = usable[0]
    agreeing = tuple(f for f in usable[1:] if f.suggests == first.suggests)
    disagreeing = tuple(f for f in usable[1:] if f.suggests != first.suggests)
    mixed = len(disagreeing) >= MIXED_MIN_DISAGREEING and len(disagreeing) > len(agreeing)
    return Label(
        value=MIXED if mixed else first.suggests,
        severity=None if mixed else first.severity,
        decided_by=first,
        agreeing=agreeing,
        disagreeing=disagreeing,
        undecided=undecided,
    )


def _label_reasons(kind: str, label: Label, names: tuple[str, ...], by_name: dict[str, Finding]) -> list[str]:
    out = []
    if label.decided_by is None:
        measured = [by_name[n] for n in names if n in by_name]
        if label.undecided:
            out.append(f"{kind} not determined: {'; '.join(f.describe() for f in label.undecided)}.")
        elif measured:
            out.append(
                f"{kind} not determined: no measure present has a threshold for this age "
                f"({'; '.join(f.describe() for f in measured)})."
            )
        else:
            out.append(f"{kind} not determined: none of its measures was taken.")
        return out
    d = label.decided_by
    if label.value == MIXED:
        against = "; ".join(f.describe() for f in label.disagreeing)
        out.append(
            f"{kind} mixed: {d.describe()}, but most of the other measures say otherwise ({against}); "
            "check by hand. The prescription takes the neutral path for it."
        )
        for f in label.agreeing:
            out.append(f"Agrees with the {d.title}: {f.describe()}.")
        return out
    out.append(f"{kind} {label.text}, from {d.describe()}.")
    for f in label.agreeing:
        out.append(f"Agrees: {f.describe()}.")
    for f in label.disagreeing:
        out.append(
            f"Disagrees: {f.describe()}; measures of foot posture often disagree "
            "(Langley 2016), so the label follows the measure named first."
        )
    for n in names:
        unused = by_name.get(n)
        if unused is not None and unused.suggests is None:
            out.append(f"{unused.title} {unused.value_text} not used for the label: {unused.note}.")
    return out


def _reasons(
    th: Thresholds,
    side: Side,
    m: FootMeasurements,
    values: dict[str, float | None],
    findings: tuple[Finding, ...],
    arch: Label,
    pron: Label,
    estimate: AhiEstimate | None,
) -> list[str]:
    by_name = {f.measure: f for f in findings}
    if m.is_empty:
        return [f"No measurements for the {side.value} foot."]
    reasons = _label_reasons("Arch type", arch, ARCH_INDICES, by_name)
    if estimate is not None:
        reasons.append(_estimate_reason(estimate, arch))
    if m.arch_edge_height_mm is not None:
        reasons.append(
            f"Arch edge height (a shop scanner's arch height) {m.arch_edge_height_mm:.1f} mm: reported only; "
            "no published cut-off turns it into an arch type (clinical-basis.md §2.5)."
        )
    reasons += _label_reasons("Pronation", pron, PRONATION_INDICES, by_name)
    # The walking measures are missed only where a recording was given (an in-shoe one):
    # most cases have none, and their lists would grow by two lines that say nothing.
    missing = [n for n in INDEX_UNITS if values[n] is None and (m.pressure or n not in _WALKING)]
    if missing:
        reasons.append("Not measured: " + "; ".join(f"{_title(th, n)} (needs {_NEEDS[n]})" for n in missing) + ".")
    return reasons


def _estimate_reason(est: AhiEstimate, arch: Label) -> str:
    """What was estimated, how sure it is, and what the estimate did to the arch label."""
    head = (
        f"The truncated foot length ({ESTIMATED_FIELD}) was not measured: estimated as "
        f"{est.truncated_length.text()}, so the standing "
        f"Arch Height Index is an estimate, {est.value:.3f} ({est.low:.3f} to {est.high:.3f})"
    )
    d = arch.decided_by
    if d is not None and d.measure == AHI:
        return head + "; its whole interval lies in one band, so it labels the arch (measuring the length confirms it)."
    if d is not None:
        return head + f"; the label comes from the {d.title}."
    return head + "."


def _child_flat_foot_reason(th: Thresholds, m: FootMeasurements, age: float) -> str:
    young = age < th.normal_development_until_age_years
    if m.arch_on_tiptoe is True:
        if young:
            return (
                f"The arch forms on tiptoe: a flexible flat foot, a normal part of development at "
                f"age {age:g} (Uden 2017; Banwell 2018); it needs no treatment unless it hurts."
            )
        return (
            "The arch forms on tiptoe: a flexible flat foot, common and usually harmless; "
            "treatment is only for pain or tiredness."
        )
    if m.arch_on_tiptoe is False:
        return (
            "The arch does not form on tiptoe: a rigid flat foot in a child should be examined "
            "by a doctor, especially if it hurts."
        )
    if young:
        return (
            f"A flat footprint is common at age {age:g}. If the arch forms on tiptoe (a flexible "
            "flat foot) it is a normal part of development; record arch_on_tiptoe to say so."
        )
    return "Record arch_on_tiptoe (does the arch form on tiptoe?) to tell a flexible from a rigid flat foot."


def _asymmetry(case: Case, feet: dict[Side, FootAssessment], th: Thresholds) -> Asymmetry:
    reasons: list[str] = []
    fl, fr = feet[Side.LEFT].indices["fpi6_total"], feet[Side.RIGHT].indices["fpi6_total"]
    fpi_diff = fpi_band = None
    if fl is not None and fr is not None:
        fpi_diff = int(fr - fl)
        if abs(fpi_diff) <= th.fpi6_asymmetry_normal_max_abs:
            fpi_band = "normal"
        elif abs(fpi_diff) <= th.fpi6_asymmetry_severe_above_abs:
            fpi_band = "asymmetric"
        else:
            fpi_band = "severely asymmetric"
        reasons.append(
            f"FPI-6 right - left = {fpi_diff:+d}: {fpi_band} "
            f"(normal within ±{th.fpi6_asymmetry_normal_max_abs:g}, severe beyond "
            f"±{th.fpi6_asymmetry_severe_above_abs:g}; {th.fpi6_asymmetry_source})."
        )
    ll, lr = case.left.foot_length_mm, case.right.foot_length_mm
    fl_diff = None
    if ll is not None and lr is not None:
        fl_diff = lr - ll
        if abs(fl_diff) >= th.foot_length_difference_flag_mm:
            longer = "right" if fl_diff > 0 else "left"
            reasons.append(
                f"Foot length differs by {abs(fl_diff):g} mm (the {longer} is longer): "
                f"at least one shoe size ({th.foot_length_difference_source}); fit shoes "
                "to the longer foot."
            )
        else:
            reasons.append(f"Foot length differs by {abs(fl_diff):g} mm: less than one shoe size.")
    lld = case.leg_length
    lift = None
    if lld is not None and lld.difference_mm > 0:
        lift = ix.heel_lift_mm(lld.difference_mm, th.heel_lift_fraction, th.heel_lift_min_difference_mm)
        how = f" by {lld.method}" if lld.method else ""
        if lift > 0:
            reasons.append(
                f"Measured leg-length difference{how} {lld.difference_mm:g} mm, {lld.shorter_side} "
                f"shorter: a {lift:g} mm heel lift under the {lld.shorter_side} heel "
                f"({th.heel_lift_fraction:.0%} of the difference; {th.heel_lift_source})."
            )
        else:
            reasons.append(
                f"Measured leg-length difference{how} {lld.difference_mm:g} mm: below "
                f"{th.heel_lift_min_difference_mm:g} mm, no heel lift ({th.heel_lift_source})."
            )
        if lld.difference_mm < th.lld_usually_significant_from_mm:
            reasons.append(
                f"Differences under {th.lld_usually_significant_from_mm:g} mm are common and "
                f"often not clinically significant ({th.lld_significance_source})."
            )
    return Asymmetry(
        fpi6_difference=fpi_diff,
        fpi6_band=fpi_band,
        foot_length_difference_mm=fl_diff,
        leg_length_difference_mm=lld.difference_mm if lld else None,
        shorter_side=lld.shorter_side if lld else None,
        heel_lift_mm=lift,
        reasons=tuple(reasons),
    )


def _referral(case: Case, feet: dict[Side, FootAssessment], th: Thresholds) -> Referral:
    flags = [RED_FLAGS[name] for name in case.red_flags]
    if case.symptoms.low_back_pain:  # weakness with back pain: the same day, as foot drop
        flags = [WEAKNESS_WITH_BACK_PAIN if f.name == WEAKNESS_WITH_BACK_PAIN.name else f for f in flags]
    if case.patient.age_years < th.adult_age_years and case.symptoms.foot_pain:
        rigid_flat = any(
            feet[s].arch_type.value == ArchType.PLANUS.value and case.foot(s).arch_on_tiptoe is False for s in Side
        )
        if rigid_flat:
            flags.append(PAINFUL_RIGID_FLAT_FOOT_CHILD)
    return Referral(needed=bool(flags), flags=tuple(flags))
