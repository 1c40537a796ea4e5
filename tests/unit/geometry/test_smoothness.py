"""The smoothness rules (orthofit/geometry/smoothness.py): each measure finds what it is for
and leaves a smooth insole alone."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import Polygon, box

from orthofit.geometry.smoothness import (
    MAX_NOTCH_DEPTH_MM,
    MAX_SLOPE_DEG,
    MAX_STEP_MM,
    RIM_BAND_MM,
    smoothness,
)
from orthofit.geometry.solid import extrude_height_field

PLATE = box(0.0, -40.0, 200.0, 40.0)


def _solid(outline, height, edge_mm=1.5):
    solid, _ = extrude_height_field(outline, height, edge_mm)
    return solid.vertices, solid.faces


def test_a_gentle_dome_is_within_every_rule():
    v, f = _solid(PLATE, lambda xy: 4.0 + 10.0 * np.exp(-(((xy[:, 0] - 100) / 40) ** 2 + (xy[:, 1] / 25) ** 2)))
    s = smoothness(v, f, PLATE)
    assert s.broken_rules == ()
    assert 5.0 < s.max_slope_deg < MAX_SLOPE_DEG and s.max_step_mm < MAX_STEP_MM


def test_a_cliff_under_the_foot_breaks_the_slope_and_step_rules_where_it_is():
    # a 10 mm ledge across the plate at x = 80 mm, 1 mm wide: the scan-fitted tray's wall
    v, f = _solid(PLATE, lambda xy: 3.0 + 10.0 * np.clip((xy[:, 0] - 79.5), 0.0, 1.0), edge_mm=0.5)
    s = smoothness(v, f, PLATE)
    assert s.max_slope_deg > 80.0 and abs(s.max_slope_at_mm[0] - 80.0) < 1.0
    assert s.max_step_mm > 5.0 and abs(s.max_step_at_mm[0] - 80.0) < 2.0
    assert len(s.broken_rules) == 2 and "slope at x = 80 mm" in s.broken_rules[0]


def test_a_steep_rim_lip_is_allowed():
    # the surface rises steeply only in the last 4 mm before the edge (a rounded lip)
    def lip(xy):
        d = np.minimum(np.minimum(xy[:, 0], 200.0 - xy[:, 0]), np.minimum(xy[:, 1] + 40.0, 40.0 - xy[:, 1]))
        return 3.0 + 6.0 * np.clip(1.0 - d / (RIM_BAND_MM - 2.0), 0.0, 1.0) ** 2

    v, f = _solid(PLATE, lip, edge_mm=0.5)
    assert smoothness(v, f, PLATE).broken_rules == ()


def test_a_gap_between_the_toes_is_a_notch_and_a_rounded_toe_end_is_not():
    v, f = _solid(PLATE, lambda xy: np.full(len(xy), 3.0))
    assert smoothness(v, f, PLATE).max_notch_depth_mm == pytest.approx(0.0, abs=1e-6)
    # a slot 3 mm wide and 12 mm deep into the toe end
    slotted = Polygon(PLATE.difference(box(188.0, 5.0, 201.0, 8.0)).exterior)
    v, f = _solid(slotted, lambda xy: np.full(len(xy), 3.0), edge_mm=0.5)
    s = smoothness(v, f, slotted)
    assert s.max_notch_depth_mm == pytest.approx(12.0, abs=1.0)
    assert s.max_notch_depth_mm > MAX_NOTCH_DEPTH_MM and "notch" in s.broken_rules[-1]
