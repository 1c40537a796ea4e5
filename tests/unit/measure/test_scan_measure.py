"""Scan measurements on the real scans in ../shared/data/scans: definitions, uncertainties,
plausible values, and what a non-weight-bearing scan cannot give."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.repo import shared_data
from orthofit.io.scan_file import load_scan
from orthofit.measure.orient import orient_scan
from orthofit.measure.scan_measure import ScanCondition, measure_scan
from orthofit.model.enums import Side

# the real scans of ../shared/data/scans
pytestmark = pytest.mark.shared_data


@pytest.mark.parametrize(
    "name, side", [("dupontgu_left_foot_m.stl", Side.LEFT), ("dupontgu_right_foot_m.stl", Side.RIGHT)]
)
def test_real_standing_scans(name, side):
    o = orient_scan(load_scan(shared_data("scans", name)))
    m = measure_scan(o, ScanCondition.STANDING)
    assert o.side is side
    extent = np.ptp(o.vertices[:, 0])  # along the foot axis found
    assert m.measures["foot_length_mm"].value == pytest.approx(extent, abs=3.0)
    for name_, lo, hi in [
        ("ball_width_mm", 85, 125),
        ("truncated_foot_length_mm", 180, 215),
        ("dorsal_height_standing_mm", 55, 90),
        ("navicular_height_standing_mm", 25, 60),
        ("plantar_arch_height_mm", 0, 30),
    ]:
        assert lo <= m.measures[name_].value <= hi, name_
    for meas in m.measures.values():
        assert meas.definition
        assert (meas.value is None) == (meas.uncertainty_mm is None)
        assert meas.value is not None or meas.note
    assert m.footprint is not None  # a standing scan gives a footprint


def test_real_non_weight_bearing_scan_says_what_it_cannot_give():
    o = orient_scan(load_scan(shared_data("scans", "find_template_lowres_left_m.obj")))
    m = measure_scan(o, ScanCondition.NON_WEIGHT_BEARING)
    assert o.side is Side.LEFT and o.floor == "support plane"
    assert 260 <= m.measures["foot_length_mm"].value <= 285
    assert m.footprint is None and "standing" in m.footprint_note
    for name in (
        "dorsal_height_standing_mm",
        "dorsal_height_sitting_mm",
        "navicular_height_standing_mm",
        "plantar_arch_height_mm",
    ):
        assert m.measures[name].value is None and m.measures[name].note
