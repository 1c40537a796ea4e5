"""Issue 17: the body-chain diagram colours a link only when the finding that starts it is
past its own threshold, and says which finding."""

from __future__ import annotations

from dataclasses import replace

import pytest

from helpers.repo import EXAMPLES
from helpers.steps import assess_case
from orthofit.io.case_file import load_case
from orthofit.model.case import LegLength
from orthofit.model.enums import Side
from orthofit.report.content import chain_links


def links(name: str, **changes):
    case = load_case(EXAMPLES / f"{name}.toml")
    return chain_links(assess_case(replace(case, **changes) if changes else case))


def test_a_child_with_flat_but_neutral_feet_has_no_rolling_in_link():
    """The 7-year-old with FPI-6 +6/+5 is told the feet need no correcting: nothing rolls in."""
    got = links("child")
    assert "pronation_tibial_rotation" not in got and "pelvic_tilt" not in got


def test_a_pronated_foot_starts_the_rolling_in_links_and_names_itself():
    got = links("flat-pronated-adult")
    assert got["pronation_tibial_rotation"] == got["pelvic_tilt"]
    assert got["pronation_tibial_rotation"] == "both your feet roll in"


@pytest.mark.parametrize(("mm", "applies"), [(3.0, False), (4.9, False), (5.0, True), (10.0, True)])
def test_a_leg_length_difference_applies_only_from_the_heel_lift_threshold(mm, applies):
    got = links("normal-adult", leg_length=LegLength(mm, Side.LEFT))
    assert ("leg_length_pelvic_obliquity" in got) is applies
    if applies:
        assert f"{mm:g} mm" in got["leg_length_pelvic_obliquity"]


def test_a_high_arch_starts_its_link():
    assert "high_arch_shock" in links("high-arch-supinated-adult")
    assert "high_arch_shock" not in links("normal-adult")


def test_foot_drop_is_the_same_day_for_patient_and_clinician():
    """Issue 17: the clinician page said "urgent" and the patient "within the next few days";
    now one grade, the same day, in both places; weakness with back pain too."""
    from orthofit.model.redflags import Urgency

    a = assess_case(load_case(EXAMPLES / "red-flag.toml"))
    assert a.referral.urgency is Urgency.SAME_DAY
    case = load_case(EXAMPLES / "normal-adult.toml")
    weak = replace(case, red_flags=("progressive_weakness",))
    assert assess_case(weak).referral.urgency is Urgency.URGENT
    with_back_pain = replace(weak, symptoms=replace(weak.symptoms, low_back_pain=True))
    assert assess_case(with_back_pain).referral.urgency is Urgency.SAME_DAY
