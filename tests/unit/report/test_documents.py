"""What the two documents show is true for the patient in front of them (issue 17): the body
chain colours only links whose finding is past its threshold, both insoles share one colour
scale, a heel lift shows in the side profiles, at most five gauges, and no insole is drawn or
worn for a foot that needs none."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.repo import EXAMPLES
from helpers.steps import assess_case, settings
from orthofit.config.templates import load_report_template
from orthofit.io.case_file import load_case
from orthofit.model.enums import ArchType, Pronation, Side
from orthofit.pipeline.insoles import make_insoles
from orthofit.report.content import Figure
from orthofit.report.diagrams import edge_profiles
from orthofit.report.lab_sheet import lab_content, reason_feature
from orthofit.report.patient import MAX_GAUGES, patient_content

DATE = "2026-11-21"


def _contents(name: str):
    a = assess_case(load_case(EXAMPLES / f"{name}.toml"))
    s = settings()
    sides = [sd for sd in Side if a.case.foot(sd).foot_length_mm is not None]
    outputs = make_insoles(a, s, sides)
    t = load_report_template()
    return (
        a,
        outputs,
        patient_content(a, outputs, t, s.thresholds, DATE),
        lab_content(a, outputs, t, s.thresholds, "neutral", DATE),
    )


def _figures(content, kind):
    return [b for b in content.blocks if isinstance(b, Figure) and b.kind == kind]


@pytest.mark.slow  # every example's insoles: about 8 s
@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.toml")))
def test_every_coloured_chain_link_has_its_finding_past_its_threshold(name):
    a, outputs, patient, _ = _contents(name)
    (chain,) = _figures(patient, "body_chain")
    applies = chain.data["applies"]
    feet = [a.foot(sd) for sd in Side]
    pronated = any(f.pronation.value == Pronation.PRONATED.value for f in feet)
    cavus = any(f.arch_type.value == ArchType.CAVUS.value for f in feet)
    lift = (a.asymmetry.heel_lift_mm or 0) > 0
    for key in applies:
        if key in ("pronation_tibial_rotation", "pelvic_tilt"):
            assert pronated, (name, key)
        elif key == "high_arch_shock":
            assert cavus, (name, key)
        elif key == "leg_length_pelvic_obliquity":
            assert lift and a.case.leg_length.difference_mm >= settings().thresholds.heel_lift_min_difference_mm
        elif key == "back_to_feet":
            assert a.referral.needed, (name, key)
        assert applies[key], "each coloured link names the finding that starts it"
    # and every link a finding starts is coloured
    assert ("pronation_tibial_rotation" in applies) is pronated and ("high_arch_shock" in applies) is cavus
    gauges = _figures(patient, "gauges")
    assert len(gauges) <= 1 and all(len(g.data["rows"]) <= MAX_GAUGES for g in gauges)


@pytest.mark.slow  # one example's insoles: about 2 s
def test_both_insoles_share_one_colour_scale_and_a_heel_lift_shows_in_the_profiles():
    a, outputs, _, lab = _contents("asymmetric-adult")
    tops = _figures(lab, "insole_top")
    assert len(tops) == 2 and tops[0].data["z_range"] == tops[1].data["z_range"]
    lift = {o.prescription.side: o.prescription.params.heel_lift_mm for o in outputs}
    assert lift[Side.LEFT] >= 5 and lift[Side.RIGHT] == 0
    (profiles,) = _figures(lab, "profiles")
    p = profiles.data["profiles"]
    heel = {}
    for sd in Side:
        x, top, bottom = p[sd]["centre"]  # the heel seat (the edges carry the cup's rim)
        at = (x > x[0] + 20) & (x < x[0] + 40)
        heel[sd] = float(np.median(top[at] - bottom[at]))
    # the lift: the left insole is about that much thicker under the heel
    assert abs(heel[Side.LEFT] - heel[Side.RIGHT] - lift[Side.LEFT]) < 1.5, (heel, lift)


def test_edge_profiles_see_the_medial_arch_on_the_right_side_of_each_foot():
    a = assess_case(load_case(EXAMPLES / "flat-pronated-adult.toml"))
    for o in make_insoles(a, settings(), list(Side)):
        prof = edge_profiles(o.insole.solid.vertices, o.insole.solid.faces, o.prescription.side)
        mid = {}
        for edge in ("medial", "lateral"):
            x, top, _ = prof[edge]
            at = (x > x[0] + 0.35 * np.ptp(x)) & (x < x[0] + 0.5 * np.ptp(x))
            mid[edge] = float(top[at].max())
        assert mid["medial"] > mid["lateral"] + 5, (o.prescription.side, mid)  # the arch support is medial


def test_a_foot_that_needs_no_insole_has_no_insole_picture_and_no_wearing_page():
    a, outputs, patient, lab = _contents("child")
    assert outputs == []
    assert not _figures(patient, "shaded") and len(_figures(patient, "footprint_plain")) == 2
    texts = " ".join(getattr(b, "text", "") for b in patient.blocks)
    assert "Neither foot needs an insole" in texts and "Getting used to them" not in texts
    assert "no insole made" in " ".join(getattr(b, "text", "") for b in lab.blocks)


@pytest.mark.parametrize(
    "reason, feature",
    [
        ("heel cup 14 mm: FPI-6 +8, pronated", "heel_cup"),
        ("medial heel skive 4 mm: FPI-6 +8", "medial_heel_skive"),
        ("medial arch support 13 mm (10 mm + 3 mm): AHI", "arch"),
        ("no rearfoot post or medial heel skive: the measures conflict", "rearfoot_post"),
        ("heel lift 7 mm: 70% of the measured leg-length difference", "heel_lift"),
        ("metatarsal pad 4 mm, its distal edge 8 mm proximal", "metatarsal"),
        ("neutral support: no finding calls for a modification", None),
    ],
)
def test_reasons_are_grouped_under_their_feature(reason, feature):
    assert reason_feature(reason) == feature
