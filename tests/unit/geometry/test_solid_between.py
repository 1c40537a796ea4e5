"""The solid between two height fields (orthofit/geometry/solid.py: extrude_between), the
construction of issue 15's insoles: a bottom that follows a shoe's footbed, a top above it."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import Point, box

from orthofit.geometry.solid import GeometryError, extrude_between
from orthofit.model.meshcheck import check_edges


def _footbed(xy):
    """A shoe's footbed: the heel 8 mm above the ball (a drop), the toes sprung 6 mm, the
    sides curving up 2 mm."""
    x, y = xy[:, 0], xy[:, 1]
    drop = 8.0 * np.clip(1.0 - x / 180.0, 0.0, 1.0)
    spring = 6.0 * np.clip((x - 200.0) / 60.0, 0.0, 1.0) ** 2
    return drop + spring + 2.0 * (y / 45.0) ** 2


def test_a_uniform_sheet_on_a_curved_footbed_is_a_closed_solid_of_its_volume():
    outline = box(0.0, -45.0, 260.0, 45.0)
    solid, check = extrude_between(outline, lambda p: _footbed(p) + 3.0, _footbed, 1.5, 2.5)
    assert check.watertight and check.winding_consistent
    assert check.volume_mm3 == pytest.approx(outline.area * 3.0, rel=1e-6)  # 3 mm everywhere
    edges = check_edges(solid.faces, len(solid.vertices))
    assert edges.closed and edges.open_edges == 0
    z = solid.vertices[:, 2]
    assert z.max() > 10.0 and z.min() == pytest.approx(0.0, abs=0.01)  # it follows the footbed


def test_a_cup_wall_of_set_thickness_is_not_a_block():
    """A heel cup whose bottom rises under the rim: the same top as an extruded block, a
    third of the material."""
    outline = Point(0.0, 0.0).buffer(35.0, quad_segs=32)

    def top(p):
        r = np.hypot(p[:, 0], p[:, 1])
        return 3.0 + 15.0 * np.clip((r - 20.0) / 15.0, 0.0, 1.0) ** 2

    def bottom(p):
        return np.maximum(0.0, top(p) - 3.0)

    _, block = extrude_between(outline, top, lambda p: np.zeros(len(p)), 1.0, 2.5)
    _, wall = extrude_between(outline, top, bottom, 1.0, 2.5)
    assert wall.volume_mm3 == pytest.approx(outline.area * 3.0, rel=0.01)
    assert wall.volume_mm3 < 0.5 * block.volume_mm3


def test_a_solid_thinner_than_asked_is_refused_with_where():
    outline = box(0.0, -40.0, 200.0, 40.0)
    with pytest.raises(GeometryError, match=r"1\.00 mm thick at x = 200 mm.*thinner than 2\.5 mm"):
        extrude_between(outline, lambda p: 4.0 - 3.0 * p[:, 0] / 200.0, lambda p: np.zeros(len(p)), 1.5, 2.5)
