"""Prescription rules: every rule of orthofit.prescribe.prescription, on the example cases and
on made-up feet, with shipped and user profiles. The profile files themselves (shipped, user,
broken): tests/unit/config/test_profiles.py."""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.repo import EXAMPLES, SHIPPED_PROFILES
from helpers.steps import assess_case
from orthofit.config.params import InsoleLength, InsoleParams
from orthofit.config.profiles import Profile, load_profile, profile_names, profiles_dir
from orthofit.config.settings import load_settings
from orthofit.config.thresholds import load_thresholds
from orthofit.errors import ValidationError
from orthofit.geometry.features import FEATURES
from orthofit.io.case_file import parse_case
from orthofit.measure import indices as ix
from orthofit.model.case import FootPainSite
from orthofit.model.enums import Side
from orthofit.model.redflags import RED_FLAGS
from orthofit.prescribe.prescription import CLINICIAN, NEUTRAL_REASON, Prescription, prescribe

L, R = Side.LEFT, Side.RIGHT
SHIPPED = SHIPPED_PROFILES

# Feet whose labels are known (adult bands, clinical-basis.md §2.1, §3.3): AHI standing = dorsal
# height standing / truncated foot length (low < 0.275 < normal < 0.356 < high).
NORMAL_ARCH = {"truncated_foot_length_mm": 190, "dorsal_height_standing_mm": 62}  # 0.326
LOW_ARCH = {"truncated_foot_length_mm": 190, "dorsal_height_standing_mm": 50}  # 0.263
HIGH_ARCH = {"truncated_foot_length_mm": 190, "dorsal_height_standing_mm": 72}  # 0.379
PRONATED = {"fpi6": [2, 1, 2, 1, 1, 1]}  # +8
HIGHLY_PRONATED = {"fpi6": [2, 2, 2, 2, 1, 1]}  # +10
NEUTRAL = {"fpi6": [1, 0, 1, 1, 0, 0]}  # +3
SUPINATED = {"fpi6": [-1, -1, -1, 0, -1, 0]}  # -4


def make_case(left=None, right=None, age=40, foot_pain=(), red_flags=(), leg_length=None):
    raw = {
        "patient": {"id": "T-1", "age": age},
        "left": dict(left or {}),
        "right": dict(right or {}),
        "symptoms": {"foot_pain": list(foot_pain)},
        "red_flags": {f: True for f in red_flags},
    }
    if leg_length is not None:
        raw["leg_length"] = leg_length
    return assess_case(parse_case(raw))


def example_raw(name: str) -> dict:
    return tomllib.loads((EXAMPLES / f"{name}.toml").read_text(encoding="utf-8"))


def example(name: str):
    return assess_case(parse_case(example_raw(name)))


def rx(assessment, side=R, profile="neutral", overrides=None, thresholds=None) -> Prescription:
    """Prescribe with ``profile`` (a name or a loaded Profile), the clinician's ``overrides`` and,
    when given, a Thresholds object, the way make_insoles does (every feature's rule included)."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    s = replace(load_settings(), profile=prof, overrides=dict(overrides or {}))
    if thresholds is not None:
        s = replace(s, thresholds=thresholds)
    return prescribe(assessment, side, s, features=FEATURES)


def has(reasons, *parts) -> bool:
    """Some reason contains every part."""
    return any(all(p in r for p in parts) for r in reasons)


def user_profile(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


DEFAULTS = InsoleParams()


# --- the example cases ---------------------------------------------------------------------------


def test_flat_pronated_example_skive_and_cups():
    a = example("flat-pronated-adult")
    # in a trainer, which holds Huppin's deep cup (orthofit/data/shoes.toml)
    left, right = rx(a, L, overrides={"shoe": "athletic"}), rx(a, R, overrides={"shoe": "athletic"})
    # Left: FPI-6 +8 pronated -> 4 mm skive, cup >= 14 mm (Huppin); 4 + 0 is not > 5.
    assert left.params.medial_heel_skive_mm == 4
    assert left.params.heel_cup_depth_mm == 14
    assert left.params.rearfoot_post_deg == 0  # default control is the skive alone
    assert left.params.arch_height_mm == DEFAULTS.arch_height_mm + 3
    assert has(left.reasons, "medial heel skive 4 mm: FPI-6 +8, pronated")
    assert has(left.reasons, "medial arch support 13 mm", "AHI standing 0.270, low arch")
    # Right: FPI-6 +10 highly pronated -> 6 mm skive; 6 + 0 > 5 -> cup >= 20 mm.
    assert right.params.medial_heel_skive_mm == 6
    assert right.params.heel_cup_depth_mm >= 20
    assert has(right.reasons, "medial heel skive 6 mm: FPI-6 +10, highly pronated")
    assert has(right.reasons, "heel cup 20 mm", "skive 6 mm + post 0° = 6 > 5")
    # Heel pain is recorded for this patient.
    assert right.params.heel_cushion_mm == 3 and right.params.heel_spur_relief_mm == 2
    assert not left.referral_first and not right.referral_first


def test_a_skive_whose_cup_the_shoe_cannot_hold_is_traded_for_a_post_and_says_so():
    """Issue 15: an everyday shoe holds an 18 mm cup; a 6 mm skive needs 20 mm (Huppin)."""
    a = example("flat-pronated-adult")
    right = rx(a, R)  # the profile's shoe: everyday
    assert right.params.medial_heel_skive_mm == 0 and right.params.rearfoot_post_deg == 4
    assert right.params.heel_cup_depth_mm == DEFAULTS.heel_cup_depth_mm  # 4° alone is not > 5
    assert has(right.reasons, "an everyday shoe holds a heel cup of at most 18 mm", "less than the 20 mm")
    assert has(right.reasons, "4° varus rearfoot post instead", "--set shoe=athletic")
    # what the clinician sets is not traded: the builder refuses it and says what to trade
    kept = rx(a, R, overrides={"medial_heel_skive_mm": 6, "heel_cup_depth_mm": 20})
    assert kept.params.medial_heel_skive_mm == 6 and kept.params.heel_cup_depth_mm == 20


def test_flat_pronated_with_pronation_control_profile_posts_and_deep_cup():
    a = example("flat-pronated-adult")
    p = rx(a, L, "pronation-control", overrides={"shoe": "athletic"})
    assert p.params.medial_heel_skive_mm == 4 and p.params.rearfoot_post_deg == 4
    assert p.params.heel_cup_depth_mm == 20  # 4 mm + 4° = 8 > 5 (Huppin)
    assert p.params.arch_height_mm == 12 + 3  # profile 12 mm + raise
    assert has(p.reasons, "varus rearfoot post 4°: FPI-6 +8, pronated")


def test_cavus_example_no_medial_post_lateral_support_deeper_cup():
    a = example("high-arch-supinated-adult")
    for side in Side:
        p = rx(a, side)
        assert p.params.medial_heel_skive_mm == 0 and p.params.rearfoot_post_deg <= 0
        assert p.params.lateral_arch_height_mm == 4
        assert p.params.heel_cup_depth_mm >= 16
        assert p.params.heel_cushion_mm >= 3
        assert p.params.arch_height_mm == DEFAULTS.arch_height_mm + 4  # arch fill for contact
        assert has(p.reasons, "lateral arch support", "high arch")
        assert has(p.reasons, "arch fill for total contact")
        # forefoot pain recorded too
        assert p.params.met_pad_height_mm == 4


def test_asymmetric_example_heel_lift_on_the_short_side_only():
    a = example("asymmetric-adult")
    th = load_thresholds()
    left, right = rx(a, L, overrides={"shoe": "athletic"}), rx(a, R, overrides={"shoe": "athletic"})
    assert left.params.heel_lift_mm == 7.0
    assert left.params.heel_lift_mm == ix.heel_lift_mm(10, th.heel_lift_fraction, th.heel_lift_min_difference_mm)
    assert right.params.heel_lift_mm == 0
    assert has(left.reasons, "heel lift 7 mm", "10 mm", "left shorter")
    assert has(right.reasons, "no heel lift needed on this side", "left heel")
    # The right foot is pronated (FPI-6 +7), the left neutral.
    assert right.params.medial_heel_skive_mm == 4 and left.params.medial_heel_skive_mm == 0


def test_red_flag_example_referral_first():
    a = example("red-flag")
    for side in Side:
        p = rx(a, side)
        assert p.referral_first
        assert p.reasons[0].startswith("referral first")
        assert "foot drop" in p.reasons[0] and "numbness or tingling" in p.reasons[0]
        assert isinstance(p.params, InsoleParams)  # still a prescription
    assert not rx(example("normal-adult"), L).referral_first


def test_every_red_flag_is_named_first():
    for flag in RED_FLAGS:
        p = rx(make_case(right=PRONATED, red_flags=[flag]), R)
        assert p.referral_first and flag.replace("_", " ") in p.reasons[0]


def test_child_example_no_posting_normal_development():
    a = example("child")
    for side in Side:
        p = rx(a, side, "pronation-control")
        assert p.params.medial_heel_skive_mm == 0
        assert p.params.rearfoot_post_deg == 0 and p.params.forefoot_post_deg == 0
        # No insole is needed; the one made only on request is the flat comfort insole.
        assert "normal development" in p.not_needed and "only if it hurts" in p.not_needed
        assert p.params.arch_height_mm == 0 and p.params.arch_fill_mm == 0
        assert p.params.heel_cup_depth_mm == 6
        assert has(p.reasons, "normal development", "not needed unless there is pain")
        assert has(p.reasons, "arch support 0 mm", "flat comfort insole")


def test_no_insole_is_made_for_a_flat_foot_that_needs_none_unless_asked():
    from orthofit.pipeline.insoles import make_insoles, not_needed_feet

    a = example("child")
    assert make_insoles(a, load_settings(), list(Side)) == []
    assert set(not_needed_feet(a, load_settings(), list(Side))) == set(Side)
    made = make_insoles(a, load_settings("comfort"), list(Side))
    assert [o.prescription.side for o in made] == list(Side)
    assert all(o.prescription.params.arch_height_mm == 0 for o in made)
    assert not_needed_feet(a, load_settings("comfort"), list(Side)) == {}


def test_a_child_with_foot_pain_or_a_rigid_flat_foot_is_not_called_not_needed():
    from orthofit.prescribe.prescription import not_needed_reason

    case = example("child").case
    painful = replace(case, symptoms=replace(case.symptoms, foot_pain=(FootPainSite.HEEL,)))
    a = assess_case(painful)
    assert all(not_needed_reason(a, sd, load_settings().thresholds) is None for sd in Side)
    rigid = replace(case, left=replace(case.left, arch_on_tiptoe=False))
    a = assess_case(rigid)
    assert not_needed_reason(a, Side.LEFT, load_settings().thresholds) is None
    assert not_needed_reason(a, Side.RIGHT, load_settings().thresholds) is not None


def test_child_profile_posts_are_removed(tmp_path):
    prof = load_profile(
        user_profile(
            tmp_path,
            'name = "posted"\ndescription = "Posted."\n'
            "[params]\nrearfoot_post_deg = 3\nforefoot_post_deg = 2\n"
            "medial_heel_skive_mm = 3\nheel_cup_depth_mm = 14\n",
        )
    )
    p = rx(example("child"), L, prof)
    assert (p.params.rearfoot_post_deg, p.params.forefoot_post_deg, p.params.medial_heel_skive_mm) == (0, 0, 0)
    assert has(p.reasons, "no rearfoot post", "3°")


def test_child_with_pain_gets_the_flat_foot_rules():
    raw = example_raw("child")
    raw["symptoms"] = {"foot_pain": ["arch"]}
    p = rx(assess_case(parse_case(raw)), L)
    assert p.params.arch_height_mm == DEFAULTS.arch_height_mm + 3
    assert not has(p.reasons, "normal development")


def test_child_rigid_flat_foot_without_pain_says_see_a_doctor():
    raw = example_raw("child")
    raw["left"]["arch_on_tiptoe"] = False
    p = rx(assess_case(parse_case(raw)), L)
    assert p.params.medial_heel_skive_mm == 0
    assert has(p.reasons, "rigid flat foot", "doctor")


# --- posture rules -------------------------------------------------------------------------------


def test_planus_alone_gets_medial_support_cited_by_the_arch_measure():
    p = rx(make_case(right={**LOW_ARCH, **NEUTRAL}))
    assert p.params.medial_heel_skive_mm == 4 and p.params.heel_cup_depth_mm == 14
    assert has(p.reasons, "medial heel skive 4 mm: AHI standing 0.263, low arch")


def test_pronation_control_post_and_both(tmp_path):
    post = load_profile(
        user_profile(
            tmp_path,
            'name = "p"\ndescription = "P."\n[rules.pronated_or_planus]\npronation_control = "post"\n',
            "p.toml",
        )
    )
    p = rx(make_case(right={**NORMAL_ARCH, **PRONATED}), R, post)
    assert p.params.rearfoot_post_deg == 4 and p.params.medial_heel_skive_mm == 0
    assert p.params.heel_cup_depth_mm == DEFAULTS.heel_cup_depth_mm  # 4° alone is not > 5
    both = load_profile(
        user_profile(
            tmp_path,
            'name = "b"\ndescription = "B."\n'
            '[rules.pronated_or_planus]\npronation_control = "both"\n'
            "skive_mm = 2\nvarus_post_deg = 3\n",
            "b.toml",
        )
    )
    p = rx(make_case(right={**NORMAL_ARCH, **PRONATED}), R, both)
    assert (p.params.medial_heel_skive_mm, p.params.rearfoot_post_deg) == (2, 3)
    assert p.params.heel_cup_depth_mm == 14  # 2 + 3 = 5, not > 5: the skive minimum only
    p = rx(make_case(right={**NORMAL_ARCH, **HIGHLY_PRONATED}), R, both, overrides={"shoe": "athletic"})
    assert p.params.heel_cup_depth_mm == 20  # 6 + 3 = 9 > 5


def test_low_profile_controls_by_post_in_a_shallow_cup():
    prof = load_profile("low-profile")
    assert prof.rules.pronated_or_planus.pronation_control == "post"
    assert 8 <= prof.start_params().heel_cup_depth_mm <= 10  # clinical-basis.md §5 dress devices
    assert prof.start_params().base_thickness_rearfoot_mm < DEFAULTS.base_thickness_rearfoot_mm
    p = rx(make_case(right={**NORMAL_ARCH, **PRONATED}), R, prof)
    assert p.params.medial_heel_skive_mm == 0 and p.params.rearfoot_post_deg == 4
    assert 8 <= p.params.heel_cup_depth_mm <= 10
    assert not has(p.reasons, "warning")


def test_supinated_removes_the_profiles_medial_skive_and_post(tmp_path):
    prof = load_profile(
        user_profile(
            tmp_path,
            'name = "x"\ndescription = "X."\n[params]\n'
            "medial_heel_skive_mm = 4\nrearfoot_post_deg = 3\nheel_cup_depth_mm = 14\n",
        )
    )
    p = rx(make_case(right={**NORMAL_ARCH, **SUPINATED}), R, prof)
    assert p.params.medial_heel_skive_mm == 0 and p.params.rearfoot_post_deg == 0
    assert has(p.reasons, "no medial heel skive", "4 mm", "FPI-6 -4, supinated")
    assert has(p.reasons, "no varus rearfoot post", "3°")
    assert p.params.lateral_arch_height_mm == 4 and p.params.heel_cup_depth_mm == 16


def test_conflict_cavus_arch_with_pronated_posture():
    p = rx(make_case(right={**HIGH_ARCH, **PRONATED}))
    assert p.params.medial_heel_skive_mm == 0 and p.params.rearfoot_post_deg == 0
    assert p.params.arch_height_mm == DEFAULTS.arch_height_mm + 4  # as the cavus arch says
    assert p.params.lateral_arch_height_mm == 0
    assert has(p.reasons, "conflict", "left to the clinician", "FPI-6 +8", "AHI standing 0.379")


def test_conflict_planus_with_supinated_posture():
    p = rx(make_case(right={**LOW_ARCH, **SUPINATED}), R, "pronation-control")
    assert p.params.medial_heel_skive_mm == 0 and p.params.rearfoot_post_deg == 0
    assert p.params.arch_height_mm == 12 + 3
    assert has(p.reasons, "conflict", "left to the clinician")


def test_neutral_feet_get_the_profile_as_is():
    for name in SHIPPED:
        prof = load_profile(name)
        p = rx(example("normal-adult"), L, prof)
        assert p.params == prof.start_params()
        assert len(p.reasons) == 1 and p.reasons[0].startswith(NEUTRAL_REASON)


def test_undetermined_labels_say_what_is_missing():
    p = rx(make_case())
    assert p.params == DEFAULTS
    assert p.reasons[0].startswith(NEUTRAL_REASON)
    assert has(p.reasons, "pronation not determined", "Foot Posture Index (FPI-6)")
    assert has(p.reasons, "arch type not determined", "Arch Height Index (standing)")
    only_fpi = rx(make_case(right=NEUTRAL))
    assert not has(only_fpi.reasons, "pronation not determined")
    assert has(only_fpi.reasons, "arch type not determined")


# --- symptoms and leg length ---------------------------------------------------------------------


def test_heel_pain_cushion_and_spur_relief():
    p = rx(make_case(right=NEUTRAL, foot_pain=["heel"]))
    assert p.params.heel_cushion_mm == 3 and p.params.heel_spur_relief_mm == 2
    assert has(p.reasons, "heel-spur relief 2 mm", "heel pain")
    assert rx(make_case(right=NEUTRAL, foot_pain=["arch"])).params.heel_spur_relief_mm == 0


def test_forefoot_pain_met_pad_at_the_default_offset():
    p = rx(make_case(right=NEUTRAL, foot_pain=[FootPainSite.FOREFOOT.value]))
    assert p.params.met_pad_height_mm == 4
    assert p.params.met_pad_offset_mm == DEFAULTS.met_pad_offset_mm
    assert has(p.reasons, "metatarsal pad 4 mm", "proximal to metatarsal heads 2-4", "forefoot pain")
    assert rx(make_case(right=NEUTRAL)).params.met_pad_height_mm == 0


def test_heel_lift_capped_at_15_mm_and_at_what_the_shoe_holds_rest_needs_a_shoe_raise():
    a = make_case(leg_length={"difference_mm": 30, "shorter_side": "right"})
    assert a.asymmetry.heel_lift_mm == 21.0
    p = rx(a, R, overrides={"shoe": "boot"})
    # 15 mm at most in any shoe; a boot's heel seat holds 12 mm of insole, 4 of them the base
    assert has(p.reasons, "capped", "shoe raise", "6 mm")
    assert p.params.heel_lift_mm == 8
    assert has(p.reasons, "heel lift 8 mm in the shoe, not 15 mm", "a boot holds a heel seat of at most 12 mm")
    assert has(p.reasons, "remaining 7 mm needs a shoe raise")
    assert rx(a, L).params.heel_lift_mm == 0


def test_heel_lift_below_the_minimum():
    a = make_case(leg_length={"difference_mm": 4, "shorter_side": "left"})
    for side in Side:
        p = rx(a, side)
        assert p.params.heel_lift_mm == 0
        assert has(p.reasons, "no heel lift", "below 5 mm")


def test_heel_lift_fraction_comes_from_the_thresholds(tmp_path):
    mine = tmp_path / "th.toml"
    mine.write_text("[leg_length]\nheel_lift_fraction = 0.5\n", encoding="utf-8")
    th = load_thresholds(mine)
    raw = {"patient": {"id": "T", "age": 40}, "leg_length": {"difference_mm": 10, "shorter_side": "left"}}
    a = assess_case(parse_case(raw), th)
    p = rx(a, L, thresholds=th)
    assert p.params.heel_lift_mm == 5.0
    assert has(p.reasons, "50% of the measured leg-length difference 10 mm")
    rules_text = (profiles_dir() / "_rules.toml").read_text(encoding="utf-8")
    assert "fraction" not in re.sub(r"#.*", "", rules_text)  # not duplicated in the rules


# --- overrides -----------------------------------------------------------------------------------


def test_overrides_win_and_are_reasoned():
    a = example("flat-pronated-adult")
    p = rx(a, L, overrides={"heel_cup_depth_mm": 18, "medial_heel_skive_mm": 2, "length": "3/4"})
    assert p.params.heel_cup_depth_mm == 18 and p.params.medial_heel_skive_mm == 2
    assert p.params.length is InsoleLength.THREE_QUARTER
    assert p.reasons[-3:] == (
        "heel_cup_depth_mm = 18: set by the clinician",
        "medial_heel_skive_mm = 2: set by the clinician",
        "length = 3/4: set by the clinician",
    )
    assert all(CLINICIAN in r for r in p.reasons[-3:])


def test_override_out_of_range_raises_naming_field_and_range():
    with pytest.raises(ValidationError, match=r"heel_cup_depth_mm = 40 .*0 to 30 mm"):
        rx(example("normal-adult"), L, overrides={"heel_cup_depth_mm": 40})
    with pytest.raises(ValidationError, match="did you mean 'heel_cup_depth_mm'"):
        rx(example("normal-adult"), L, overrides={"heel_cup_dept_mm": 14})
    with pytest.raises(ValidationError, match="medial_heel_skive_mm"):
        rx(example("normal-adult"), L, overrides={"medial_heel_skive_mm": 1})


def test_skive_in_a_shallow_cup_warns_but_does_not_raise():
    a = example("flat-pronated-adult")
    p = rx(a, L, overrides={"heel_cup_depth_mm": 10})
    assert p.params.heel_cup_depth_mm == 10
    assert p.reasons[-1].startswith("warning") and "at least 14 mm" in p.reasons[-1]
    assert not has(rx(a, L).reasons, "warning")


# --- profiles ------------------------------------------------------------------------------------


def test_user_profile_by_path(tmp_path):
    path = user_profile(
        tmp_path,
        'name = "clinic"\ndescription = "Our house style."\n'
        "[params]\nheel_cup_depth_mm = 15\n[rules.forefoot_pain]\nmet_pad_height_mm = 5\n",
    )
    for given_as in (path, str(path)):
        prof = load_profile(given_as)
        assert prof.name == "clinic" and prof.path == path
        assert prof.params == {"heel_cup_depth_mm": 15.0}
        assert prof.rules.forefoot_pain.met_pad_height_mm == 5
        assert prof.rules.pronated_or_planus.skive_mm == 4  # the rest from _rules.toml
    p = rx(make_case(right=NEUTRAL, foot_pain=["forefoot"]), R, load_profile(path))
    assert p.params.met_pad_height_mm == 5 and p.profile == "clinic"


# --- any valid assessment ------------------------------------------------------------------------

_sites = [s.value for s in FootPainSite]
_foot = st.fixed_dictionaries(
    {},
    optional={
        "foot_length_mm": st.floats(230, 320),
        "truncated_foot_length_mm": st.floats(40, 225),
        "dorsal_height_sitting_mm": st.floats(10, 150),
        "dorsal_height_standing_mm": st.floats(10, 150),
        "navicular_height_sitting_mm": st.floats(3, 120),
        "navicular_height_standing_mm": st.floats(3, 120),
        "navicular_drop_mm": st.floats(-20, 40),
        "fpi6": st.lists(st.integers(-2, 2), min_size=6, max_size=6),
        "rcsp_deg": st.floats(-30, 30),
        "arch_on_tiptoe": st.booleans(),
    },
)
_case = st.fixed_dictionaries(
    {
        "patient": st.fixed_dictionaries(
            {"id": st.just("H-1"), "age": st.floats(0, 120)}, optional={"weight_kg": st.floats(2, 400)}
        ),
        "left": _foot,
        "right": _foot,
        "symptoms": st.fixed_dictionaries({"foot_pain": st.lists(st.sampled_from(_sites), unique=True)}),
        "red_flags": st.dictionaries(st.sampled_from(sorted(RED_FLAGS)), st.booleans()),
    },
    optional={
        "leg_length": st.fixed_dictionaries(
            {"difference_mm": st.floats(0, 100), "shorter_side": st.sampled_from(["left", "right"])}
        )
    },
)
_PROFILES = {name: load_profile(name) for name in profile_names()}


@pytest.mark.slow  # 300 hypothesis examples
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=_case, side=st.sampled_from(list(Side)), name=st.sampled_from(sorted(_PROFILES)))
def test_prescribe_never_raises_for_a_valid_assessment(raw, side, name):
    a = assess_case(parse_case(copy.deepcopy(raw)))
    p = rx(a, side, _PROFILES[name])
    assert isinstance(p.params, InsoleParams)
    InsoleParams(**p.params.as_dict())  # round-trips through the validating constructor
    assert p.reasons and all(isinstance(r, str) and r for r in p.reasons)
    assert p.referral_first == a.referral.needed
    if p.referral_first:
        assert p.reasons[0].startswith("referral first")
    # the heel lift goes only under the shorter side, never above the cap
    if a.asymmetry.shorter_side is not side:
        assert p.params.heel_lift_mm == _PROFILES[name].start_params().heel_lift_mm
    assert p.params.heel_lift_mm <= 15
    # a skive always sits in a cup the rules allow (the profile and rules never produce a warning)
    assert not any(r.startswith("warning") for r in p.reasons)


def test_heel_spur_relief_fits_a_thin_rearfoot(tmp_path):
    prof = load_profile(
        user_profile(
            tmp_path,
            'name = "thin"\ndescription = "Thin."\n[params]\n'
            "base_thickness_rearfoot_mm = 1.5\nbase_thickness_forefoot_mm = 1.5\n"
            "[rules.heel_pain]\nheel_cushion_mm = 0\n",
        )
    )
    p = rx(make_case(right=NEUTRAL, foot_pain=["heel"]), R, prof)
    assert p.params.heel_spur_relief_mm == pytest.approx(0.3)  # 1.5 mm base - 1.2 mm minimum
    assert has(p.reasons, "heel-spur relief 0.3 mm, limited by the 1.5 mm under the heel")


def test_a_shells_thickness_follows_foot_posture_and_body_weight():
    """McCormick 2013: polypropylene 3.0 / 4.0 / 4.5 mm, in PETG's stiffness (x 0.91)."""
    shell = {"construction": "shell"}
    heavy_pronated = rx(example("flat-pronated-adult"), R, overrides=shell)  # FPI-6 +10, 88 kg
    assert heavy_pronated.params.shell_thickness_mm == 4.1
    assert has(heavy_pronated.reasons, "shell 4.1 mm thick: FPI-6 +10, 88 kg; 4.5 mm of polypropylene")
    light = rx(example("normal-adult"), R, overrides=shell)  # FPI-6 +4, 64 kg
    assert light.params.shell_thickness_mm == 3.6
    cavoid = rx(make_case(right={**NORMAL_ARCH, "fpi6": [-1, -1, 0, 0, -1, 0]}), R, overrides=shell)
    assert cavoid.params.shell_thickness_mm == 3.6 and has(cavoid.reasons, "no body weight recorded")
    kept = rx(example("flat-pronated-adult"), R, overrides={**shell, "shell_thickness_mm": 3.0})
    assert kept.params.shell_thickness_mm == 3.0
    full = rx(example("flat-pronated-adult"), R)
    assert not has(full.reasons, "shell")


def test_what_the_clinician_set_is_not_traded_for_the_shoe():
    """A post (or its absence) the clinician set stays, even where the shoe cannot hold the
    skive's cup: the builder then refuses the insole and says what to trade."""
    p = rx(example("flat-pronated-adult"), R, overrides={"rearfoot_post_deg": 0})
    assert p.params.medial_heel_skive_mm == 6 and p.params.rearfoot_post_deg == 0
    assert p.params.heel_cup_depth_mm == 20


def test_a_shell_is_three_quarter_length_and_says_so():
    p = rx(example("normal-adult"), R, overrides={"construction": "shell"})
    assert p.params.length.value == "3/4"
    assert has(p.reasons, "length 3/4, not full: a functional orthosis shell ends just behind the metatarsal heads")
