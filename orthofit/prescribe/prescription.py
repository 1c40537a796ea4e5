"""Prescription: from one foot's assessment and a profile to InsoleParams with reasons.

Order (later steps win): the InsoleParams defaults, the profile's ``[params]``, the rules
for the findings, then the clinician's overrides (``--set``). Every parameter a rule touches
gets a reason that names the finding behind it ("medial heel skive 4 mm: FPI-6 +8,
pronated"), because a clinician must be able to check, and disagree with, each change.
The rule amounts are data (``profiles/_rules.toml``, sources in clinical-basis.md §5); the
heel-lift fraction and minimum are clinical thresholds (``orthofit/data/thresholds.toml``).

Rules, per foot:

==============================  ===============================================================
finding                         change
==============================  ===============================================================
red flag (referral)             still a prescription; ``referral_first`` and the first reason
young child, flat, no pain      no posts or skive, no arch raise: normal development
pronated or planus              arch raise; skive and/or varus post; heel cup >= 14 / >= 20 mm
supinated or cavus              cushion, lateral arch, heel cup >= 16 mm, arch fill; no medial
                                post or skive
both (the measures conflict)    no post or skive; arch as the arch label says
heel pain                       heel cushion, heel-spur relief
forefoot pain                   metatarsal pad at the default offset proximal to MTH 2-4
leg-length difference           heel lift (70 %) on the shorter side, capped at 15 mm
nothing of the above            the profile as is ("neutral support")
==============================  ===============================================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from orthofit.assess.assessment import Assessment, Finding, FootAssessment, Label
from orthofit.config.params import PARAMETERS, Choice, InsoleParams, check_names
from orthofit.config.profiles import PronatedOrPlanusRules, RuleSettings
from orthofit.config.settings import Override, Settings
from orthofit.config.shoes import ShoeSpec, shoe_spec
from orthofit.config.thresholds import ARCH_INDICES, PRONATION_INDICES, Thresholds
from orthofit.model.case import FootPainSite
from orthofit.model.enums import ArchType, Pronation, Side

#: Short names of the measures, for reasons a clinician scans ("FPI-6 +8, pronated").
_SHORT = {
    "fpi6_total": "FPI-6",
    "rcsp_deg": "RCSP",
    "navicular_drop_mm": "navicular drop",
    "ahi_standing": "AHI standing",
    "navicular_height_mm": "navicular height",
    "arch_index": "Arch Index",
    "chippaux_smirak_pct": "Chippaux-Smirak index",
    "staheli": "Staheli index",
    "clarke_angle_deg": "Clarke's angle",
}

# Citations of the rules (the amounts themselves are in profiles/_rules.toml).
_SRC_SKIVE = "Kirby 1992: 2-6 mm, up to 8; clinical-basis.md §5"
_SRC_POST = "lab menu 0-8°, Sweeney 2015 5° medial wedge; clinical-basis.md §5"
_SRC_CUP = "Huppin; clinical-basis.md §5"
_SRC_ARCH = "arch raise 0 to +6 mm, a design choice: no evidence-based height rule; clinical-basis.md §5"
_SRC_MET_PAD = "Hastings 2007: 6-11 mm proximal; clinical-basis.md §5"
_SRC_CHILD = "Uden 2017; Banwell 2018; clinical-basis.md §6.5"
_SRC_COMFORT = "profiles/_rules.toml [comfort], a design choice; clinical-basis.md §5"

NEUTRAL_REASON = "neutral support: no finding calls for a modification"
CLINICIAN = "set by the clinician"


@dataclass(frozen=True)
class Prescription:
    """The insole for one foot and why each of its parameters is what it is.

    Attributes
    ----------
    side : Side
    params : InsoleParams
        Validated parameters.
    reasons : tuple of str
        Plain-language reasons; the first one is the referral when ``referral_first``.
    profile : str
        Name of the profile it started from.
    referral_first : bool
        A red flag was found: a doctor should see the patient before this insole is made.
    not_needed : str or None
        Why the foot needs no insole (a child's flexible flat foot without pain), or None. Such
        a prescription is the flat comfort insole, made only when the clinician asks for it
        (:func:`made`).
    """

    side: Side
    params: InsoleParams
    reasons: tuple[str, ...]
    profile: str
    referral_first: bool
    not_needed: str | None = None


class Draft:
    """The parameter values being built, with the reasons collected so far."""

    def __init__(self, values: dict[str, Any]):
        self.values = values
        self.reasons: list[str] = []
        self.posture_handled = False  # a foot-posture rule (or the child rule) ran

    def get(self, name: str) -> float:
        return float(self.values[name])

    def at_least(self, name: str, minimum_mm: float) -> bool:
        """Raise ``name`` to ``minimum_mm`` if lower; True if it changed."""
        if self.get(name) < minimum_mm:
            self.values[name] = minimum_mm
            return True
        return False

    def remove(self, name: str, label: str, unit: str, why: str, positive_only: bool = False) -> None:
        """Set ``name`` to 0 with a reason, when the profile had it (varus only if ``positive_only``)."""
        value = self.get(name)
        if value > 0 or (value != 0 and not positive_only):
            self.values[name] = 0.0
            self.reasons.append(f"no {label} (the profile's {_num(value)}{unit} removed): {why}")


@dataclass(frozen=True)
class RuleContext:
    """What a feature's prescription rule sees: the draft to change, the foot's assessment and
    measurements (its ``conditions`` among them), the feature's rule amounts from the profile
    (``profiles/_rules.toml`` table named after the feature) and the settings.
    """

    draft: Draft
    assessment: Assessment
    side: Side
    foot: FootAssessment
    amounts: Mapping[str, float]
    settings: Settings

    @property
    def conditions(self) -> tuple[str, ...]:
        """The conditions recorded for this foot in the case file (``[left] conditions``)."""
        return self.assessment.case.foot(self.side).conditions


class FeatureRule:
    """A plug-in feature's prescription rule (implemented by
    :class:`orthofit.geometry.features.base.InsoleFeature`).
    """

    name: str = ""

    def prescribe(self, ctx: RuleContext) -> None:
        """Change ``ctx.draft`` (with a reason for every change)."""


def prescribe(
    assessment: Assessment,
    side: Side,
    settings: Settings,
    side_overrides: Mapping[str, Override] | None = None,
    features: Sequence[FeatureRule] = (),
) -> Prescription:
    """Prescribe the insole for one foot.

    Parameters
    ----------
    assessment : Assessment
        From :func:`orthofit.assess.assessment.assess`.
    side : Side
        Which foot.
    settings : Settings
        The profile (starting parameters and rule amounts), the clinician's overrides
        (applied last) and the thresholds the assessment used (for the heel-lift and
        child-age wording; the heel lift itself is ``assessment.asymmetry``'s).
    side_overrides : dict, optional
        Values for this foot only, applied after ``settings.overrides`` (the length
        allowance a shoe size gives, say).
    features : sequence of FeatureRule
        The plug-in features (:data:`orthofit.geometry.features.FEATURES`); each one's rule
        runs after the findings' rules, in order, with its amounts from the profile.

    Raises
    ------
    ValidationError
        An override names an unknown parameter (the message names the closest) or makes an
        invalid insole (the message names the field and its range).
    """
    th = settings.thresholds
    profile = settings.profile
    overrides = {**settings.overrides, **(side_overrides or {})}
    rules = profile.rules
    foot = assessment.foot(side)
    draft = Draft(profile.start_params().as_dict())
    referral = assessment.referral
    if referral.needed:
        draft.reasons.append(_referral_reason(assessment))

    _posture_rules(draft, assessment, foot, rules, th)
    not_needed = not_needed_reason(assessment, side, th)
    pain = set(assessment.case.symptoms.foot_pain)
    if FootPainSite.HEEL in pain:
        _heel_pain_rule(draft, rules)
    if FootPainSite.FOREFOOT in pain:
        _forefoot_pain_rule(draft, rules)
    _leg_length_rule(draft, assessment, side, rules, th)
    for feature in features:
        feature.prescribe(RuleContext(draft, assessment, side, foot, rules.feature(feature.name), settings))
    if not draft.posture_handled:
        nothing_else = len(draft.reasons) == (1 if referral.needed else 0)  # only the referral, if any
        draft.reasons.append(_neutral_reason(foot, nothing_else))
    draft.reasons.extend(_undetermined_reasons(assessment, foot))

    for name, value in (overrides or {}).items():
        check_names({name: value}, "the overrides (--set)")
        draft.values[name] = value
        shown = value.value if isinstance(value, Choice) else value
        draft.reasons.append(f"{name} = {_num(shown) if isinstance(shown, (int, float)) else shown}: {CLINICIAN}")

    params = InsoleParams(**draft.values)  # validates every field, overrides included
    params, traded = _fit_the_shoe(params, rules, overrides, profile.start_params().heel_cup_depth_mm)
    draft.reasons.extend(traded)
    params, traded = _shell_thickness(params, assessment, side, rules, overrides)
    draft.reasons.extend(traded)
    params, traded = _shell_length(params)
    draft.reasons.extend(traded)
    draft.reasons.extend(_cup_warnings(params, rules))
    return Prescription(
        side=side,
        params=params,
        reasons=tuple(draft.reasons),
        profile=profile.name,
        referral_first=referral.needed,
        not_needed=not_needed,
    )


def not_needed_reason(a: Assessment, side: Side, th: Thresholds) -> str | None:
    """Why this foot needs no insole, or None when it may need one.

    A child's flexible flat foot without foot pain needs no treatment (Uden 2017; Banwell
    2018; clinical-basis.md §6.5). A rigid one (no arch on tiptoe) is a doctor's to judge, so
    it is not called "not needed" here: it is referred.
    """
    foot = a.foot(side)
    if not foot.development or a.case.symptoms.foot_pain or a.case.foot(side).arch_on_tiptoe is False:
        return None
    age = a.case.patient.age_years
    if age < th.normal_development_until_age_years:
        return f"a flexible flat foot is normal development at age {_num(age)}; an insole is needed only if it hurts"
    return (
        f"a flexible flat foot at age {_num(age)} is common and usually harmless; an insole is only for pain or "
        "tiredness"
    )


def made(rx: Prescription, profile_asks: bool) -> bool:
    """Whether the insole of ``rx`` is made: always when the foot needs one; for a foot that
    needs none only when the clinician asks (a profile with ``make_when_not_needed``).
    """
    return rx.not_needed is None or profile_asks


# --- foot posture ---------------------------------------------------------------------------


def _posture_rules(draft: Draft, a: Assessment, foot: FootAssessment, rules: RuleSettings, th: Thresholds) -> None:
    arch, pron = foot.arch_type.value, foot.pronation.value
    medial = arch == ArchType.PLANUS.value or pron == Pronation.PRONATED.value
    lateral = arch == ArchType.CAVUS.value or pron == Pronation.SUPINATED.value
    if foot.development and not a.case.symptoms.foot_pain:
        _child_rule(draft, a, foot, th, rules)
    elif medial and lateral:
        _conflict_rule(draft, foot, rules)
    elif medial:
        _pronated_rule(draft, foot, rules)
    elif lateral:
        _cavus_rule(draft, foot, rules)
    for kind, label in (("arch type", foot.arch_type), ("pronation", foot.pronation)):
        if label.value == ArchType.MIXED.value:
            against = ", ".join(f"{_SHORT.get(f.measure, f.title)} {f.value_text}, {f.band}" for f in label.disagreeing)
            draft.reasons.append(
                f"no {kind} rule: its measures are mixed ({_why(label)}, but {against}), so it takes the "
                "neutral path; check it by hand"
            )


def _pronated_rule(draft: Draft, foot: FootAssessment, rules: RuleSettings) -> None:
    """Pronated or planus: medial arch support and medial rearfoot control (clinical-basis.md §5)."""
    r = rules.pronated_or_planus
    draft.posture_handled = True
    arch_why = _why(foot.arch_type if foot.arch_type.value == ArchType.PLANUS.value else foot.pronation)
    rear_why = _why(foot.pronation if foot.pronation.value == Pronation.PRONATED.value else foot.arch_type)
    _arch_raise(draft, r.arch_raise_mm, "medial arch support", arch_why)
    control = r.pronation_control
    if control in ("skive", "both"):
        highly = foot.pronation.value == Pronation.PRONATED.value and foot.pronation.severity == "highly"
        skive = r.skive_highly_pronated_mm if highly else r.skive_mm
        _raise_control(draft, "medial_heel_skive_mm", skive, "medial heel skive", " mm", rear_why, _SRC_SKIVE)
    if control in ("post", "both"):
        _raise_control(draft, "rearfoot_post_deg", r.varus_post_deg, "varus rearfoot post", "°", rear_why, _SRC_POST)
    _rearfoot_cup(draft, r, rear_why)


def _raise_control(draft: Draft, name: str, amount: float, label: str, unit: str, why: str, src: str) -> None:
    """Raise a rearfoot control to ``amount``, or say the profile's larger value was kept."""
    if draft.at_least(name, amount):
        draft.reasons.append(f"{label} {_num(amount)}{unit}: {why} ({src})")
    else:
        draft.reasons.append(f"{label} kept at the profile's {_num(draft.get(name))}{unit}: {why}")


def _rearfoot_cup(draft: Draft, r: PronatedOrPlanusRules, why: str) -> None:
    """One heel-cup reason: 20 mm when skive (mm) + post (deg) > 5, else 14 mm with a skive (Huppin)."""
    skive_mm, post_deg = draft.get("medial_heel_skive_mm"), max(draft.get("rearfoot_post_deg"), 0.0)
    if skive_mm + post_deg > r.heel_cup_deep_when_sum_above:
        cup = max(r.heel_cup_deep_min_mm, r.heel_cup_with_skive_min_mm if skive_mm > 0 else 0.0)
        rule = (
            f"skive {_num(skive_mm)} mm + post {_num(post_deg)}° = {_num(skive_mm + post_deg)} > "
            f"{_num(r.heel_cup_deep_when_sum_above)} needs a heel cup of at least {_num(cup)} mm"
        )
    elif skive_mm > 0:
        cup = r.heel_cup_with_skive_min_mm
        rule = f"a medial heel skive needs a heel cup of at least {_num(cup)} mm"
    else:
        return
    verb = "heel cup" if draft.at_least("heel_cup_depth_mm", cup) else "heel cup kept at"
    draft.reasons.append(f"{verb} {_num(draft.get('heel_cup_depth_mm'))} mm: {why}; {rule} ({_SRC_CUP})")


def _cavus_rule(draft: Draft, foot: FootAssessment, rules: RuleSettings) -> None:
    """Supinated or cavus: cushion, support laterally, fill the arch; never post medially."""
    r = rules.supinated_or_cavus
    draft.posture_handled = True
    why = "; ".join(
        _why(label)
        for label in (foot.arch_type, foot.pronation)
        if label.value in (ArchType.CAVUS.value, Pronation.SUPINATED.value)
    )
    arch_why = _why(foot.arch_type if foot.arch_type.value == ArchType.CAVUS.value else foot.pronation)
    for name, amount, label in (
        ("heel_cushion_mm", r.heel_cushion_mm, "heel cushioning"),
        ("lateral_arch_height_mm", r.lateral_arch_height_mm, "lateral arch support under the cuboid"),
        ("heel_cup_depth_mm", r.heel_cup_min_mm, "heel cup"),
    ):
        verb = label if draft.at_least(name, amount) else f"{label} kept at"
        draft.reasons.append(f"{verb} {_num(draft.get(name))} mm: {why}")
    _arch_raise(draft, r.arch_raise_mm, "arch fill for total contact", arch_why)
    no_medial = f"{why}; a medial skive or varus post would push a foot that already supinates further into supination"
    draft.remove("medial_heel_skive_mm", "medial heel skive", " mm", no_medial)
    draft.remove("rearfoot_post_deg", "varus rearfoot post", "°", no_medial, positive_only=True)


def _conflict_rule(draft: Draft, foot: FootAssessment, rules: RuleSettings) -> None:
    """Arch and pronation point opposite ways: support the arch only, leave posting to the clinician."""
    draft.posture_handled = True
    arch_why, pron_why = _why(foot.arch_type), _why(foot.pronation)
    why = (
        f"the measures conflict (arch {foot.arch_type.text} by {arch_why}, but pronation "
        f"{foot.pronation.text} by {pron_why})"
    )
    draft.reasons.append(f"no rearfoot post or medial heel skive: {why}, so posting is left to the clinician")
    draft.remove("medial_heel_skive_mm", "medial heel skive", " mm", why)
    draft.remove("rearfoot_post_deg", "rearfoot post", "°", why)
    if foot.arch_type.value == ArchType.PLANUS.value:
        _arch_raise(draft, rules.pronated_or_planus.arch_raise_mm, "medial arch support", arch_why)
    else:
        _arch_raise(draft, rules.supinated_or_cavus.arch_raise_mm, "arch fill for total contact", arch_why)


def _child_rule(draft: Draft, a: Assessment, foot: FootAssessment, th: Thresholds, rules: RuleSettings) -> None:
    """A child's flat foot without pain: no posting; a flexible flat foot is normal development,
    so no insole is needed, and the one made if the clinician asks is flat (``[comfort]``).
    """
    draft.posture_handled = True
    age = a.case.patient.age_years
    on_tiptoe = a.case.foot(foot.side).arch_on_tiptoe
    if on_tiptoe is False:
        why = (
            "the arch does not form on tiptoe: a rigid flat foot in a child should be examined by "
            "a doctor before an insole is made"
        )
    elif age < th.normal_development_until_age_years:
        why = (
            f"a flexible flat foot is normal development at age {_num(age)} and an insole is not "
            f"needed unless there is pain ({_SRC_CHILD})"
        )
        if on_tiptoe is None:
            why += "; record arch_on_tiptoe to confirm the foot is flexible"
    else:
        why = (
            f"a flexible flat foot at age {_num(age)} is common and usually harmless; an insole is "
            f"only for pain or tiredness ({_SRC_CHILD})"
        )
    draft.reasons.append(f"no posting, no skive, neutral support ({_why(foot.arch_type)}): {why}")
    for name, label, unit in (
        ("medial_heel_skive_mm", "medial heel skive", " mm"),
        ("rearfoot_post_deg", "rearfoot post", "°"),
        ("forefoot_post_deg", "forefoot post", "°"),
    ):
        draft.remove(name, label, unit, "no posting for a child's flat foot without pain")
    if on_tiptoe is not False:  # flexible: no insole needed; if one is asked for, it is flat
        c = rules.comfort
        for name, amount, label in (
            ("arch_height_mm", c.arch_height_mm, "arch support"),
            ("arch_fill_mm", 0.0, "arch fill"),
            ("heel_cup_depth_mm", c.heel_cup_depth_mm, "heel cup"),
        ):
            if draft.get(name) > amount:
                draft.values[name] = amount
                draft.reasons.append(
                    f"{label} {_num(amount)} mm: no insole is needed, so the one made on request is a flat "
                    f"comfort insole ({_SRC_COMFORT})"
                )


def _arch_raise(draft: Draft, raise_mm: float, label: str, why: str) -> None:
    """Raise the arch by ``raise_mm`` over the profile's height, within the parameter's range."""
    base = draft.get("arch_height_mm")
    top = PARAMETERS["arch_height_mm"].high
    new = min(base + raise_mm, top)
    draft.values["arch_height_mm"] = new
    # A scan-fitted insole follows the standing arch and adds the raise itself (§5: 0 to +6 mm).
    fill_top = PARAMETERS["arch_fill_mm"].high
    draft.values["arch_fill_mm"] = min(draft.get("arch_fill_mm") + raise_mm, fill_top)
    capped = f", capped at the {_num(top)} mm maximum" if new < base + raise_mm else ""
    draft.reasons.append(f"{label} {_num(new)} mm ({_num(base)} mm + {_num(raise_mm)} mm{capped}): {why} ({_SRC_ARCH})")


# --- symptoms and leg length ------------------------------------------------------------------


def _heel_pain_rule(draft: Draft, rules: RuleSettings) -> None:
    r = rules.heel_pain
    verb = "heel cushioning" if draft.at_least("heel_cushion_mm", r.heel_cushion_mm) else "heel cushioning kept at"
    draft.reasons.append(f"{verb} {_num(draft.get('heel_cushion_mm'))} mm: plantar heel pain recorded")
    # The recess must leave min_thickness_mm under the heel (InsoleParams); a thin user profile
    # gets a shallower recess, said so, rather than an error.
    under_heel_mm = draft.get("base_thickness_rearfoot_mm") + draft.get("heel_cushion_mm") + draft.get("heel_lift_mm")
    room_mm = round(under_heel_mm - draft.get("min_thickness_mm"), 1)
    want_mm = min(r.heel_spur_relief_mm, max(room_mm, 0.0))
    limited = f", limited by the {_num(under_heel_mm)} mm under the heel" if want_mm < r.heel_spur_relief_mm else ""
    verb = "heel-spur relief" if draft.at_least("heel_spur_relief_mm", want_mm) else "heel-spur relief kept at"
    draft.reasons.append(f"{verb} {_num(draft.get('heel_spur_relief_mm'))} mm{limited}: plantar heel pain recorded")


def _forefoot_pain_rule(draft: Draft, rules: RuleSettings) -> None:
    amount = rules.forefoot_pain.met_pad_height_mm
    verb = "metatarsal pad" if draft.at_least("met_pad_height_mm", amount) else "metatarsal pad kept at"
    draft.reasons.append(
        f"{verb} {_num(draft.get('met_pad_height_mm'))} mm, its distal edge "
        f"{_num(draft.get('met_pad_offset_mm'))} mm proximal to metatarsal heads 2-4: "
        f"forefoot pain recorded ({_SRC_MET_PAD})"
    )


def _leg_length_rule(draft: Draft, a: Assessment, side: Side, rules: RuleSettings, th: Thresholds) -> None:
    """Heel lift on the shorter side only, as computed by the assessment (Rannisto 2019)."""
    asym, lld = a.asymmetry, a.case.leg_length
    if lld is None or asym.heel_lift_mm is None or asym.shorter_side is None:
        return
    how = f" ({lld.method})" if lld.method else ""
    diff = f"measured leg-length difference {_num(lld.difference_mm)} mm{how}"
    if asym.heel_lift_mm <= 0:
        draft.reasons.append(
            f"no heel lift: the {diff} is below {_num(th.heel_lift_min_difference_mm)} mm ({th.heel_lift_source})"
        )
        return
    if side is not asym.shorter_side:
        draft.reasons.append(
            f"no heel lift needed on this side: the {diff} is corrected under the "
            f"{asym.shorter_side.value} heel, the shorter side"
        )
        return
    cap = rules.leg_length.heel_lift_max_mm
    lift = min(asym.heel_lift_mm, cap)
    draft.values["heel_lift_mm"] = lift
    pct = f"{th.heel_lift_fraction:.0%}"
    if lift < asym.heel_lift_mm:
        rest = asym.heel_lift_mm - lift
        draft.reasons.append(
            f"heel lift {_num(lift)} mm (capped): {pct} of the {diff}, {side.value} shorter, is "
            f"{_num(asym.heel_lift_mm)} mm, more than an in-shoe lift of {_num(cap)} mm; the remaining "
            f"{_num(round(rest, 1))} mm needs a shoe raise ({th.heel_lift_source})"
        )
    else:
        draft.reasons.append(
            f"heel lift {_num(lift)} mm: {pct} of the {diff}, {side.value} shorter ({th.heel_lift_source})"
        )


# --- wording ----------------------------------------------------------------------------------


def _referral_reason(a: Assessment) -> str:
    names = ", ".join(f.name.replace("_", " ") for f in a.referral.flags)
    urgency = a.referral.urgency.value if a.referral.urgency else "soon"
    return (
        f"referral first ({urgency}): red flags {names}; a doctor should see the patient before "
        "this insole is made, and an insole does not treat these"
    )


def _neutral_reason(foot: FootAssessment, nothing_else: bool) -> str:
    labels = [
        f"{kind} {label.text} by {_why(label)}"
        for kind, label in (("arch", foot.arch_type), ("pronation", foot.pronation))
        if label.decided_by is not None
    ]
    head = (
        NEUTRAL_REASON
        if nothing_else
        else "neutral arch and rearfoot: no foot-posture finding calls for a modification"
    )
    return head + (f" ({'; '.join(labels)})" if labels else "") + "; the profile's shape is used as is"


def _undetermined_reasons(a: Assessment, foot: FootAssessment) -> list[str]:
    out = []
    for kind, label, names in (
        ("arch type", foot.arch_type, ARCH_INDICES),
        ("pronation", foot.pronation, PRONATION_INDICES),
    ):
        if label.value is not None:
            continue
        if label.undecided:  # an estimate's interval spans two bands: its note says what decides it
            out.append(f"{kind} not determined: {label.undecided[0].describe()}")
            continue
        missing = [a.titles.get(n, n) for n in names if foot.indices.get(n) is None]
        if len(missing) == len(names):
            out.append(f"{kind} not determined: not measured ({', '.join(missing)})")
        else:
            out.append(
                f"{kind} not determined: the measures taken have no threshold at this age"
                + (f"; not measured: {', '.join(missing)}" if missing else "")
            )
    return out


def _shell_length(p: InsoleParams) -> tuple[InsoleParams, list[str]]:
    """A functional orthosis shell is 3/4 length: it ends just behind the metatarsal heads."""
    from orthofit.config.params import Construction, InsoleLength

    if p.construction is not Construction.SHELL or p.length is InsoleLength.THREE_QUARTER:
        return p, []
    return p.with_values(length=InsoleLength.THREE_QUARTER), [
        f"length 3/4, not {p.length.value}: a functional orthosis shell ends just behind the metatarsal heads"
    ]


def _shell_thickness(
    p: InsoleParams, a: Assessment, side: Side, rules: RuleSettings, overrides: Mapping[str, object]
) -> tuple[InsoleParams, list[str]]:
    """A shell's thickness by foot posture and body weight (McCormick 2013), in the print
    material; only for the shell construction, and never over the clinician's value.
    """
    from orthofit.config.params import Construction

    if p.construction is not Construction.SHELL or "shell_thickness_mm" in overrides:
        return p, []
    r = rules.shell
    fpi6 = a.case.foot(side).fpi6
    weight = a.case.patient.weight_kg
    if fpi6 is None or weight is None:
        pp, why = (
            r.pp_middle_mm,
            "the middle thickness: " + ("no FPI-6 recorded" if fpi6 is None else "no body weight recorded"),
        )
    else:
        fpi, heavy = sum(fpi6), weight >= r.weight_split_kg
        pp = (
            (r.pp_pronated_heavy_mm if heavy else r.pp_middle_mm)
            if fpi > 0
            else (r.pp_middle_mm if heavy else r.pp_cavoid_light_mm)
        )
        why = f"FPI-6 {fpi:+d}, {_num(weight)} kg"
    t = round(pp * r.thickness_factor, 1)
    return p.with_values(shell_thickness_mm=t), [
        f"shell {_num(t)} mm thick: {why}; {_num(pp)} mm of polypropylene (McCormick 2013; clinical-basis.md §5) "
        f"as stiff in the print material (x {_num(r.thickness_factor)})"
    ]


def _fit_the_shoe(
    p: InsoleParams, rules: RuleSettings, overrides: Mapping[str, object], profile_cup_mm: float
) -> tuple[InsoleParams, list[str]]:
    """Keep the rules' heel cup within what the shoe type holds (orthofit/data/shoes.toml).

    A cup deeper than the shoe holds comes from the rules (Huppin's 14 or 20 mm with a skive;
    the cavus cup): a skive is traded for a varus rearfoot post, which needs no deeper cup
    (as the low-profile profile does), and any other cup is capped at the shoe's. What the
    clinician set (``overrides``) is never traded: the builder then refuses the insole and
    says what to trade.
    """
    spec = shoe_spec(p.shoe)
    p, out = _fit_the_cup(p, rules, overrides, spec, profile_cup_mm)
    seat = _seat_estimate_mm(p)
    if seat > spec.heel_seat_max_mm and p.heel_lift_mm > 0 and "heel_lift_mm" not in overrides:
        lift = max(round(p.heel_lift_mm - (seat - spec.heel_seat_max_mm), 1), 0.0)
        out.append(
            f"heel lift {_num(lift)} mm in the shoe, not {_num(p.heel_lift_mm)} mm: {spec.a_shoe} holds a "
            f"heel seat of at most {_num(spec.heel_seat_max_mm)} mm; the remaining "
            f"{_num(round(p.heel_lift_mm - lift, 1))} mm needs a shoe raise"
            + _roomier_shoe("heel_seat_max_mm", seat, ", or ")
        )
        p = p.with_values(heel_lift_mm=lift)
    return p, out


#: Rise of the heel-seat centre above the base per mm of medial heel skive and per degree of
#: varus rearfoot post, mm (measured on built insoles of 230-290 mm feet) [D].
_SEAT_PER_SKIVE_MM = 0.4
_SEAT_PER_POST_DEG = 0.6


#: A cup the rules cap at a shoe's budget is made this much shallower, mm [D]: the built rim
#: stands a few tenths above its nominal depth where the wall meets the rounded lip.
_CUP_MARGIN_MM = 1.0


def _seat_estimate_mm(p: InsoleParams) -> float:
    """The heel seat's thickness the parameters give, mm (the builder measures the real one)."""
    return (
        p.base_thickness_rearfoot_mm
        + p.heel_cushion_mm
        + p.heel_lift_mm
        + _SEAT_PER_SKIVE_MM * p.medial_heel_skive_mm
        + _SEAT_PER_POST_DEG * max(p.rearfoot_post_deg, 0.0)
    )


def _fit_the_cup(
    p: InsoleParams, rules: RuleSettings, overrides: Mapping[str, object], spec: ShoeSpec, profile_cup_mm: float
) -> tuple[InsoleParams, list[str]]:
    """The cup part of :func:`_fit_the_shoe`; a traded skive leaves the profile's own cup."""
    room = spec.cup_max_mm - _CUP_MARGIN_MM
    if p.heel_cup_depth_mm <= spec.cup_max_mm or {
        "heel_cup_depth_mm",
        "medial_heel_skive_mm",
        "rearfoot_post_deg",
    } & set(overrides):
        return p, []
    r = rules.pronated_or_planus
    shoe = f"{spec.a_shoe} holds a heel cup of at most {_num(spec.cup_max_mm)} mm"
    if p.medial_heel_skive_mm > 0:
        post = max(p.rearfoot_post_deg, r.varus_post_deg)
        # Without the skive, Huppin asks for a deep cup only when the post exceeds the sum.
        deep = post > r.heel_cup_deep_when_sum_above
        cup = min(room, r.heel_cup_deep_min_mm if deep else profile_cup_mm)
        traded = p.with_values(medial_heel_skive_mm=0.0, rearfoot_post_deg=post, heel_cup_depth_mm=cup)
        return traded, [
            f"{shoe}, less than the {_num(p.heel_cup_depth_mm)} mm a {_num(p.medial_heel_skive_mm)} mm medial heel "
            f"skive needs ({_SRC_CUP}): the rearfoot is controlled by a {_num(post)}° varus rearfoot post instead "
            f"({_SRC_POST}), heel cup {_num(cup)} mm"
            + _roomier_shoe("cup_max_mm", p.heel_cup_depth_mm, "; for the skive, ")
        ]
    traded = p.with_values(heel_cup_depth_mm=room)
    return traded, [
        f"heel cup {_num(room)} mm, not the {_num(p.heel_cup_depth_mm)} mm the rules ask: {shoe}"
        + _roomier_shoe("cup_max_mm", p.heel_cup_depth_mm, "; for the deeper cup, ")
    ]


def _roomier_shoe(field: str, needed_mm: float, lead: str) -> str:
    """``lead`` + "make it for a roomier shoe (--set shoe=X)" for the first shoe type whose
    ``field`` budget holds ``needed_mm``; "" when none does.
    """
    from orthofit.config.params import ShoeType
    from orthofit.config.shoes import shoe_spec

    fits = next((s.value for s in ShoeType if getattr(shoe_spec(s), field) >= needed_mm), None)
    return f"{lead}make it for a roomier shoe (--set shoe={fits})" if fits else ""


def _cup_warnings(p: InsoleParams, rules: RuleSettings) -> list[str]:
    """After the overrides: a skive in a shallow cup lets the heel ride out (Huppin); warn, don't refuse."""
    r = rules.pronated_or_planus
    out = []
    if p.medial_heel_skive_mm > 0 and p.heel_cup_depth_mm < r.heel_cup_with_skive_min_mm:
        out.append(
            f"warning: a medial heel skive of {_num(p.medial_heel_skive_mm)} mm with a "
            f"{_num(p.heel_cup_depth_mm)} mm heel cup; a skive needs a heel cup of at least "
            f"{_num(r.heel_cup_with_skive_min_mm)} mm ({_SRC_CUP})"
        )
    total = p.medial_heel_skive_mm + max(p.rearfoot_post_deg, 0.0)
    if total > r.heel_cup_deep_when_sum_above and p.heel_cup_depth_mm < r.heel_cup_deep_min_mm:
        out.append(
            f"warning: skive {_num(p.medial_heel_skive_mm)} mm + post {_num(max(p.rearfoot_post_deg, 0))}° "
            f"= {_num(total)} > {_num(r.heel_cup_deep_when_sum_above)} with a "
            f"{_num(p.heel_cup_depth_mm)} mm heel cup; it needs at least {_num(r.heel_cup_deep_min_mm)} mm "
            f"({_SRC_CUP})"
        )
    return out


def _why(label: Label) -> str:
    """The measure and value that decided a label: "FPI-6 +8, pronated"."""
    f: Finding | None = label.decided_by
    if f is None:
        return "not determined"
    return f"{_SHORT.get(f.measure, f.title)} {f.value_text}, {f.band}"


def _num(x: float) -> str:
    return f"{x:g}"


#: For feature rules: a number as the reasons print it.
num = _num
