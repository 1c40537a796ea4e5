"""The worked examples of clinical-basis.md §7.7, one test each (formula consistency)."""

from __future__ import annotations

import pytest

from orthofit.measure import indices as ix
from orthofit.model.enums import NavicularDropCriterion


@pytest.mark.parametrize(
    "areas, expected_ai, expected_label",
    [
        ((4000, 2000, 3000), 2000 / 9000, "normal arch"),
        ((4000, 1500, 3000), 1500 / 8500, "high arch"),
        ((4000, 3500, 3000), 3500 / 10500, "flat (low) arch"),
    ],
    ids=["normal", "high", "flat"],
)
def test_example1_arch_index(thresholds, areas, expected_ai, expected_label):
    ai = ix.arch_index(*areas)
    assert ai == pytest.approx(expected_ai)
    assert round(ai, 4) in (0.2222, 0.1765, 0.3333)
    assert thresholds.classify("arch_index", ai, 40).band.label == expected_label


def test_example1_arch_index_boundaries(thresholds):
    assert thresholds.classify("arch_index", 0.21, 40).band.suggests == "cavus"
    assert thresholds.classify("arch_index", 0.26, 40).band.suggests == "planus"


def test_example2_chippaux_smirak():
    assert ix.chippaux_smirak_pct(30, 95) == pytest.approx(31.58, abs=0.005)


def test_example3_staheli_and_children(thresholds):
    assert ix.staheli(30, 55) == pytest.approx(0.545, abs=0.0005)
    assert thresholds.classify("staheli", 1.10, 4).band.label == "flat for age"
    assert thresholds.classify("staheli", 1.10, 8).band.label == "not flat for age"


def test_example4_ahi():
    assert ix.arch_height_index(62, 180) == pytest.approx(0.3444, abs=0.00005)


def test_example5_ari_drop_ahf():
    assert ix.arch_rigidity_index(60, 64) == pytest.approx(0.9375)
    assert ix.arch_drop_mm(64, 60) == pytest.approx(4.0)
    assert ix.arch_height_flexibility_mm_per_kn(64, 60, 75) == pytest.approx(13.59, abs=0.005)


@pytest.mark.parametrize(
    "items, total, label",
    [
        ((1, 1, 2, 1, 1, 0), 6, "pronated"),
        ((1, 1, 1, 1, 1, 0), 5, "normal"),
        ((-1, -1, -1, -1, -1, 0), -5, "highly supinated"),
    ],
)
def test_example6_fpi(thresholds, items, total, label):
    assert ix.fpi6_total(items) == total
    assert thresholds.classify("fpi6_total", total, 40).band.label == label


def test_example7_navicular_drop_criteria(thresholds):
    by = {c: thresholds.classify("navicular_drop_mm", 12, 40, c).band.suggests for c in NavicularDropCriterion}
    assert by[NavicularDropCriterion.MUELLER] == "pronated"
    assert by[NavicularDropCriterion.BECKETT] == "neutral"
    assert by[NavicularDropCriterion.BRODY] == "neutral"
    assert thresholds.nd_default_criterion is NavicularDropCriterion.MUELLER


def test_example8_sizing(thresholds):
    from orthofit.assess.sizing import shoe_size

    s = shoe_size(265, thresholds.sizing)
    assert s.last_length_mm == 280
    assert s.mondopoint == "265"
    assert s.eu == 42
    # Brannock, from the foot: 3 x 265 / 25.4 - 23 = 8.30 -> 8.5; - 22 = 9.30 -> 9.5 (the
    # last-based rule of orthofit before issue 14 gave 8 and 9).
    assert s.uk == "8.5"
    assert s.us_men == "9.5"
    assert s.us_women == "10.5"


def test_example9_heel_lift(thresholds):
    assert ix.heel_lift_mm(10, thresholds.heel_lift_fraction, thresholds.heel_lift_min_difference_mm) == 7.0
    assert ix.heel_lift_mm(4.9, thresholds.heel_lift_fraction, thresholds.heel_lift_min_difference_mm) == 0.0
    assert ix.heel_lift_mm(5, thresholds.heel_lift_fraction, thresholds.heel_lift_min_difference_mm) == 3.5


def test_example10_malleolar_valgus_index():
    assert ix.malleolar_valgus_index_pct(8, 70, 0) == pytest.approx(11.43, abs=0.005)
