"""Each bundled example case gives the assessment a podiatrist would expect."""

from __future__ import annotations

import pytest

from helpers.repo import EXAMPLES
from helpers.steps import assess_case
from orthofit.io.case_file import load_case


def run(name):
    return assess_case(load_case(EXAMPLES / f"{name}.toml"))


def test_examples_are_all_here():
    names = {p.stem for p in EXAMPLES.glob("*.toml")}
    assert {
        "normal-adult",
        "flat-pronated-adult",
        "high-arch-supinated-adult",
        "asymmetric-adult",
        "child",
        "red-flag",
        "scanned-adult",
    } <= names


def test_normal_adult():
    a = run("normal-adult")
    assert not a.referral.needed
    for foot in (a.left, a.right):
        assert foot.arch_type.value == "normal"
        assert foot.pronation.value == "neutral"
        assert foot.footprint.toes_removed == "islands"
        assert not foot.arch_type.disagreeing


def test_flat_pronated_adult():
    a = run("flat-pronated-adult")
    for foot in (a.left, a.right):
        assert foot.arch_type.value == "planus"
        assert foot.arch_type.decided_by.measure == "ahi_standing"
        assert foot.pronation.value == "pronated"
        assert foot.pronation.decided_by.measure == "fpi6_total"
        assert foot.indices["arch_index"] >= 0.26
    assert a.right.pronation.severity == "highly"  # FPI-6 +10
    assert a.left.pronation.severity is None  # FPI-6 +8
    nh = next(f for f in a.right.findings if f.measure == "navicular_height_mm")
    assert (nh.band, nh.severity) == ("severely low", "severe")  # 26 mm
    assert any("Mueller" in r for r in a.left.reasons)


def test_high_arch_supinated_adult():
    a = run("high-arch-supinated-adult")
    for foot in (a.left, a.right):
        assert foot.arch_type.value == "cavus"
        assert foot.pronation.value == "supinated"
        assert foot.indices["arch_index"] <= 0.21
    assert [f.measure for f in a.left.pronation.disagreeing] == ["navicular_drop_mm"]


def test_asymmetric_adult():
    a = run("asymmetric-adult")
    assert a.left.pronation.value == "neutral"
    assert a.right.pronation.value == "pronated"
    assert a.asymmetry.fpi6_difference == 5
    assert a.asymmetry.fpi6_band == "severely asymmetric"
    assert a.asymmetry.heel_lift_mm == 7.0
    assert a.asymmetry.shorter_side.value == "left"
    assert a.asymmetry.foot_length_difference_mm == 6
    assert any("7 mm heel lift under the left heel" in r for r in a.asymmetry.reasons)
    # The right foot's navicular height disagrees with its AHI, and that is said.
    assert [f.measure for f in a.right.arch_type.disagreeing] == ["navicular_height_mm"]
    assert any(r.startswith("Disagrees: Navicular height") for r in a.right.reasons)


def test_child():
    a = run("child")
    assert a.is_child
    assert not a.referral.needed
    for foot in (a.left, a.right):
        assert foot.arch_type.value == "planus"
        assert foot.arch_type.decided_by.measure == "chippaux_smirak_pct"
        assert "flat for age" == foot.arch_type.decided_by.band
        assert "normal part of development" in foot.development
        assert foot.pronation.value == "neutral"  # FPI +5/+6: normal for age
        # adult-only thresholds are reported but not used
        assert not any(f.measure == "arch_index" for f in foot.arch_type.agreeing + foot.arch_type.disagreeing)
        assert foot.indices["arch_index"] is not None


def test_red_flag():
    a = run("red-flag")
    assert a.referral.needed
    assert [f.name for f in a.referral.flags] == ["foot_drop", "numbness_or_tingling"]
    # foot drop: the same day, for the patient and the clinician alike (issue 17)
    assert a.referral.urgency.value == "same-day"
    assert a.case.patient.name == "Zoë Łukasiewicz"
    assert a.asymmetry.heel_lift_mm == 0.0  # 3 mm difference: below the 5 mm rule


def test_scanned_adult():
    """Measures from the bundled scans, the FPI-6 typed; each source is reported."""
    a = run("scanned-adult")
    for foot in (a.left, a.right):
        assert foot.sources["foot_length_mm"] == foot.sources["ball_width_mm"] == "scan"
        assert 265 <= foot.indices["navicular_height_mm"] / foot.indices["normalised_navicular_height"] <= 285
        assert foot.footprint is not None and foot.indices["arch_index"] is not None
        assert foot.pronation.value == "neutral" and foot.pronation.decided_by.measure == "fpi6_total"
        assert foot.arch_type.decided_by.measure == "ahi_standing"
        assert any(n.startswith("from the scan: foot_length_mm") for n in foot.notes)
        assert a.measured.foot(foot.side).scan.side is foot.side


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_every_label_names_its_measure(path):
    a = assess_case(load_case(path))
    for foot in (a.left, a.right):
        for label, word in ((foot.arch_type, "Arch type"), (foot.pronation, "Pronation")):
            if label.value is not None:
                assert label.decided_by is not None
                assert any(r.startswith(f"{word} ") and label.decided_by.title in r for r in foot.reasons)
