"""An arch type from a shop scanner's numbers (issue 14): the truncated length estimated from the
foot length with its uncertainty, an AHI label only when the whole interval lies in one band, and
otherwise no label and the truncated length that would decide it (clinical-basis.md §2.5)."""

from __future__ import annotations

import csv
import math
import re

import pytest

from helpers.repo import EXAMPLES, shared_data
from helpers.steps import settings
from orthofit.assess.assessment import assess
from orthofit.config.thresholds import load_thresholds
from orthofit.measure.case import measure_case
from orthofit.model.case import Case, FootMeasurements, Patient
from orthofit.pipeline.inputs import read_case
from orthofit.report.summary import assessment_dict

ADULT = 40


def _assess(age: float = ADULT, thresholds=None, **left):
    case = Case(Patient("SHOP", age), left=FootMeasurements(**left), right=FootMeasurements())
    return assess(measure_case(case), settings(thresholds=thresholds)).left


@pytest.mark.shared_data
def test_the_ratio_and_its_spread_are_those_of_the_ansur_ii_feet():
    """thresholds.toml's 0.7404 ± 0.0143 is what the 6,068 ANSUR II adults give, and ± 2 SD
    holds about 95 % of them (so the interval's coverage factor means what it says)."""
    with open(shared_data("anthropometry", "ansur2_feet.csv"), newline="") as fh:
        ratios = [float(r["balloffootlength_mm"]) / float(r["footlength_mm"]) for r in csv.DictReader(fh)]
    n = len(ratios)
    mean = sum(ratios) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in ratios) / (n - 1))
    rule = load_thresholds().truncated_length
    assert n == 6068
    assert abs(rule.ratio_mean - mean) < 0.00005 and abs(rule.ratio_sd - sd) < 0.00005
    inside = sum(abs(x - mean) <= rule.coverage_factor * sd for x in ratios) / n
    assert 0.94 < inside < 0.96


def test_the_estimate_and_its_interval_follow_the_documented_formula():
    """clinical-basis.md §2.5's worked figures: a 260 mm foot, a 65 mm dorsal height."""
    foot = _assess(foot_length_mm=260, dorsal_height_standing_mm=65)
    e = foot.ahi_estimate
    t = e.truncated_length
    assert t.value_mm == pytest.approx(0.7404 * 260)
    assert t.plus_minus_mm == pytest.approx(2 * math.hypot(0.0143 * 260, 0.7404 * 1.5))  # 7.76 mm
    assert e.value == pytest.approx(65 / (0.7404 * 260))
    relative = math.sqrt((0.0143 / 0.7404) ** 2 + (1.5 / 65) ** 2 + (1.5 / 260) ** 2)
    assert (e.low, e.high) == pytest.approx((e.value * (1 - 2 * relative), e.value * (1 + 2 * relative)))
    assert (round(e.value, 3), round(e.high - e.value, 3)) == (0.338, 0.021)
    assert foot.indices["ahi_standing"] == e.value  # reported, marked as estimated below
    assert foot.findings[0].value_text == f"≈{e.value:.3f} ({e.low:.3f} to {e.high:.3f}, truncated length estimated)"


def test_a_foot_whose_interval_spans_a_band_edge_gets_no_arch_type_and_is_told_what_to_measure():
    # 63 / (0.7404 x 248) = 0.343, interval 0.322-0.365 across the 0.356 edge of normal and high
    foot = _assess(foot_length_mm=248, dorsal_height_standing_mm=63)
    label = foot.arch_type
    assert label.value is None and label.decided_by is None
    assert [f.measure for f in label.undecided] == ["ahi_standing"]
    assert label.undecided[0].spans == ("normal arch", "high arch")
    reasons = " ".join(foot.reasons)
    assert "Arch type not determined" in reasons
    assert "measure the truncated foot length (heel to the 1st metatarsal head) to decide" in reasons
    assert "longer than 177.0 mm is normal arch; shorter is high arch" in reasons  # 63 / 0.356 = 176.97
    assert "no measure present has a threshold for this age" not in reasons  # not the children's reason
    detail = assessment_dict_of(foot)["arch_type_detail"]
    assert detail["undecided"][0]["would_decide"] == "truncated_foot_length_mm"
    assert detail["undecided"][0]["bands"] == ["normal arch", "high arch"]


def assessment_dict_of(foot):
    """The JSON of a foot as ``assess --json`` prints it."""
    from orthofit.report.summary import _foot_dict

    return _foot_dict(foot)


@pytest.mark.parametrize("delta_mm, arch", [(+0.5, "normal"), (-0.5, "cavus")])
def test_the_length_the_message_names_is_the_one_that_decides(delta_mm, arch):
    """Measuring the truncated length as the message says gives the band it promises."""
    undecided = _assess(foot_length_mm=248, dorsal_height_standing_mm=63)
    cut = float(re.search(r"longer than ([\d.]+) mm", undecided.arch_type.undecided[0].note)[1])
    measured = _assess(foot_length_mm=248, dorsal_height_standing_mm=63, truncated_foot_length_mm=cut + delta_mm)
    assert measured.arch_type.value == arch
    assert measured.ahi_estimate is None and measured.findings[0].estimate is None


@pytest.mark.parametrize(
    "dorsal_mm, arch, band", [(58, "normal", "normal arch"), (80, "cavus", "high arch"), (45, "planus", "low arch")]
)
def test_a_clear_foot_is_labelled_naming_the_estimate(dorsal_mm, arch, band):
    foot = _assess(foot_length_mm=250, dorsal_height_standing_mm=dorsal_mm)
    label = foot.arch_type
    assert label.value == arch and label.decided_by.measure == "ahi_standing" and label.decided_by.band == band
    e = label.decided_by.estimate
    assert e is not None and not label.undecided
    reasons = " ".join(foot.reasons)
    assert f"Arch type {arch}, from Arch Height Index (standing) ≈{e.value:.3f}" in reasons
    assert "truncated length estimated" in reasons
    assert "estimated as 0.7404 × foot length 250 mm = 185.1 ± 7.5 mm" in reasons
    assert "its whole interval lies in one band" in reasons
    d = assessment_dict_of(foot)
    assert d["arch_type_detail"]["decided_by_estimate"] is True
    assert d["estimates"]["truncated_foot_length_mm"] == {
        "value": 185.1,
        "plus_minus": 7.5,
        "ratio_to_foot_length": 0.7404,
        "source": e.truncated_length.source,
    }


def test_a_measured_truncated_length_is_not_estimated():
    foot = _assess(foot_length_mm=250, dorsal_height_standing_mm=63, truncated_foot_length_mm=185)
    assert foot.ahi_estimate is None and foot.arch_type.decided_by.estimate is None
    assert foot.indices["ahi_standing"] == pytest.approx(63 / 185)
    assert assessment_dict_of(foot)["estimates"] == {}
    assert assessment_dict_of(foot)["arch_type_detail"]["decided_by_estimate"] is False
    assert "estimated" not in " ".join(foot.reasons)


def test_without_a_dorsal_height_nothing_is_estimated():
    foot = _assess(foot_length_mm=250, ball_width_mm=96)
    assert foot.ahi_estimate is None and foot.indices["ahi_standing"] is None
    assert foot.arch_type.value is None and not foot.arch_type.undecided


def test_when_the_estimate_cannot_decide_the_next_measure_does():
    foot = _assess(foot_length_mm=248, dorsal_height_standing_mm=63, navicular_height_standing_mm=45)
    label = foot.arch_type
    assert label.value == "normal" and label.decided_by.measure == "navicular_height_mm"
    assert [f.measure for f in label.undecided] == ["ahi_standing"]
    reasons = " ".join(foot.reasons)
    assert "Arch Height Index (standing) ≈0.343" in reasons and "not used for the label: its interval spans" in reasons
    assert "the label comes from the Navicular height (standing)" in reasons


def test_a_wider_interval_names_every_band_it_reaches(tmp_path):
    f = tmp_path / "wide.toml"
    f.write_text("[truncated_length_estimate]\ncoverage_factor = 4.0\ndorsal_height_uncertainty_mm = 10.0\n")
    foot = _assess(thresholds=load_thresholds(f), foot_length_mm=250, dorsal_height_standing_mm=58)
    u = foot.arch_type.undecided[0]
    assert u.spans == ("low arch", "normal arch", "high arch")
    cut_high, cut_low = 58 / 0.356, 58 / 0.275  # the normal band's two edges as truncated lengths
    assert (
        f"longer than {cut_low:.1f} mm is low arch; {cut_high:.1f} to {cut_low:.1f} mm is normal arch; "
        f"under {cut_high:.1f} mm is high arch"
    ) in u.note


def test_a_child_gets_the_estimate_reported_but_no_label():
    foot = _assess(age=10, foot_length_mm=220, dorsal_height_standing_mm=55)
    assert foot.ahi_estimate is not None and foot.arch_type.value is None
    assert not foot.arch_type.undecided  # no band at this age, so nothing to decide between
    assert "not validated for children" in " ".join(foot.reasons)


def test_the_arch_edge_height_is_reported_and_never_labels():
    foot = _assess(foot_length_mm=250, arch_edge_height_mm=4)
    assert foot.arch_type.value is None
    assert "Arch edge height (a shop scanner's arch height) 4.0 mm: reported only" in " ".join(foot.reasons)


def test_the_bundled_shop_example_one_foot_undecided_one_labelled():
    a = assess(measure_case(read_case(EXAMPLES / "shop-scanner.csv")), settings())
    assert a.left.arch_type.value is None and a.left.arch_type.undecided
    assert a.right.arch_type.value == "normal" and a.right.arch_type.decided_by.estimate is not None
    d = assessment_dict(a)
    assert d["feet"]["right"]["arch_type_detail"]["decided_by_estimate"] is True


def test_the_prescription_and_the_fhir_export_say_why_the_arch_is_undetermined():
    from fhir.resources.R4B.bundle import Bundle

    from orthofit.export.fhir import LABEL_SYSTEM, visit_bundle
    from orthofit.geometry.features import FEATURES
    from orthofit.model.enums import Side
    from orthofit.prescribe.prescription import prescribe

    s = settings()
    a = assess(measure_case(read_case(EXAMPLES / "shop-scanner.csv")), s)
    rx = {side: prescribe(a, side, s, None, FEATURES) for side in Side}
    assert any("measure the truncated foot length" in r for r in rx[Side.LEFT].reasons)
    bundle = visit_bundle(a.case, a, rx, visit_id="v", issued="2026-11-20")
    (getattr(Bundle, "model_validate", None) or Bundle.parse_obj)(bundle)
    observations = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]
    labels = [o for o in observations if o["code"]["coding"][0]["system"] == LABEL_SYSTEM]
    arch = [o for o in labels if o["code"]["coding"][0]["code"] == "arch_type"]
    assert len(arch) == 2
    texts = [o["dataAbsentReason"]["text"] for o in arch if "dataAbsentReason" in o]
    assert len(texts) == 1 and "measure the truncated foot length" in texts[0]
    decided = [o for o in arch if "valueCodeableConcept" in o]
    assert len(decided) == 1 and decided[0]["valueCodeableConcept"]["coding"][0]["code"] == "normal"
    assert "truncated length estimated" in decided[0]["note"][0]["text"]


def test_an_interval_reaching_zero_stops_there_and_no_band_edge_at_zero_is_divided_by(tmp_path):
    """A user's thresholds may widen the interval past 0 and end a band at 0: no AHI is 0 or
    below, so the interval stops at 0 and the deciding lengths stay finite."""
    f = tmp_path / "odd.toml"
    f.write_text(
        "[truncated_length_estimate]\ncoverage_factor = 4.0\ndorsal_height_uncertainty_mm = 20.0\n"
        "[ahi_standing]\ngroups = [{ min_age_years = 0, bands = ["
        "{ label = 'none', suggests = 'planus', upper = 0, upper_inclusive = true }, "
        "{ label = 'low', suggests = 'planus', upper = 0.3 }, { label = 'high', suggests = 'cavus' }] }]\n"
    )
    foot = _assess(thresholds=load_thresholds(f), foot_length_mm=250, dorsal_height_standing_mm=20)
    assert foot.ahi_estimate.low == 0.0 and foot.ahi_estimate.high > 0.3
    u = foot.arch_type.undecided[0]
    assert u.spans == ("low", "high")
    assert f"longer than {20 / 0.3:.1f} mm is low; shorter is high" in u.note
