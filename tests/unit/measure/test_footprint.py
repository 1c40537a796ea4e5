"""Footprint indices on prints of known geometry and on a real pressure footprint."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely import affinity
from shapely.geometry import Point, box

from helpers.repo import shared_data
from orthofit.errors import FootprintError
from orthofit.measure.footprint import footprint_indices
from orthofit.model.enums import Side


def rings_of(geom):
    return [list(p.exterior.coords) for p in getattr(geom, "geoms", [geom])]


def stepped_print():
    """Heel 0-80 mm (60 wide), midfoot 80-160 (30 wide), forefoot 160-240 (90 wide).

    Exact answers: AI = 2400 / 14400, CSI = 30 / 90, Staheli = 30 / 60.
    """
    return shapely.union_all([box(0, -30, 80, 30), box(80, -15, 160, 15), box(160, -45, 240, 45)])


def toes():
    return [affinity.scale(Point(255 + 4 * k, 30 - 17 * k).buffer(1, 32), 10, 7) for k in range(5)]


def test_known_geometry():
    fi = footprint_indices(rings_of(stepped_print()), Side.RIGHT)
    assert fi.arch_index == pytest.approx(2400 / 14400, abs=1e-3)
    assert fi.chippaux_smirak_pct == pytest.approx(100 * 30 / 90, abs=0.2)
    assert fi.staheli == pytest.approx(0.5, abs=0.01)
    assert fi.print_length_mm == pytest.approx(240, abs=0.5)


def test_toes_as_islands_are_removed():
    base = footprint_indices(rings_of(stepped_print()), Side.RIGHT)
    with_toes = footprint_indices(rings_of(stepped_print()) + rings_of(shapely.union_all(toes())), Side.RIGHT)
    assert with_toes.toes_removed == "islands"
    assert with_toes.arch_index == pytest.approx(base.arch_index, abs=1e-3)
    assert with_toes.chippaux_smirak_pct == pytest.approx(base.chippaux_smirak_pct, abs=0.2)


def test_toes_joined_by_a_neck_are_cut_off():
    base = footprint_indices(rings_of(stepped_print()), Side.RIGHT)
    joined = shapely.union_all([stepped_print(), box(238, -10, 248, 10), box(248, -40, 268, 40)])
    fi = footprint_indices(rings_of(joined), Side.RIGHT)
    assert fi.toes_removed == "neck"
    assert fi.arch_index == pytest.approx(base.arch_index, abs=0.01)
    assert fi.print_length_mm < 250


def test_toes_not_found_is_said():
    fi = footprint_indices(rings_of(stepped_print()), Side.RIGHT)
    assert fi.toes_removed == "none found"
    assert any("toe" in n for n in fi.notes)


@pytest.mark.parametrize("angle_deg", [-12.0, 7.0, 20.0])
def test_axis_follows_a_rotated_print(angle_deg):
    base = footprint_indices(rings_of(stepped_print()), Side.RIGHT)
    turned = affinity.translate(affinity.rotate(stepped_print(), angle_deg, origin=(0, 0)), 13, -7)
    fi = footprint_indices(rings_of(turned), Side.RIGHT)
    assert fi.arch_index == pytest.approx(base.arch_index, abs=0.005)
    assert fi.chippaux_smirak_pct == pytest.approx(base.chippaux_smirak_pct, abs=1.0)
    assert np.degrees(np.arctan2(fi.axis_direction[1], fi.axis_direction[0])) == pytest.approx(angle_deg, abs=1.0)


def arch_print():
    """A right print with a concave medial (+y) arch of known depth."""
    hull = shapely.union_all(
        [Point(30, 0).buffer(30, 64), affinity.scale(Point(190, 5).buffer(1, 64), 45, 48)]
    ).convex_hull
    cut = affinity.scale(Point(110, 60).buffer(1, 128), 60, 45)
    return hull.difference(cut)


def test_clarke_angle_uses_the_medial_side():
    right = footprint_indices(rings_of(arch_print()), Side.RIGHT)
    mirrored = affinity.scale(arch_print(), 1, -1, origin=(0, 0))
    left = footprint_indices(rings_of(mirrored), Side.LEFT)
    wrong_side = footprint_indices(rings_of(arch_print()), Side.LEFT)
    assert 20 < right.clarke_angle_deg < 70
    assert left.clarke_angle_deg == pytest.approx(right.clarke_angle_deg, abs=0.5)
    assert wrong_side.clarke_angle_deg < right.clarke_angle_deg - 10  # the lateral border is straight


def test_flat_medial_border_gives_zero_clarke():
    fi = footprint_indices(rings_of(box(0, -40, 240, 40)), Side.RIGHT)
    assert fi.clarke_angle_deg == pytest.approx(0.0, abs=1e-6)
    assert fi.arch_index == pytest.approx(1 / 3, abs=1e-3)


def test_cavus_print_with_no_midfoot_contact():
    two = shapely.union_all([box(0, -30, 75, 30), box(165, -45, 240, 45)])
    fi = footprint_indices(rings_of(two), Side.RIGHT)
    assert fi.chippaux_smirak_pct == 0.0
    assert fi.staheli == 0.0
    assert fi.arch_index == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(
    "rings, words",
    [
        ([[(0, 0), (100, 0), (200, 0)]], "mm²"),
        ([[(0, 0), (1, 0), (1, 1), (0, 1)]], "mm²"),
        ([[(0, 0), (2000, 0), (2000, 100), (0, 100)]], "long"),
    ],
    ids=["collinear", "tiny", "huge"],
)
def test_degenerate_prints_raise(rings, words):
    with pytest.raises(FootprintError, match=words):
        footprint_indices(rings, Side.RIGHT)


def real_print(name, medial_sign):
    """The MUN104 mean pressure footprint (Pataky 2011), contact = pressure > 0, 5 mm pixels."""
    grid = np.loadtxt(shared_data("pressure", name), delimiter=",")
    rows, cols = np.nonzero(grid > 0)
    pitch = 5.0
    y0, y1 = medial_sign * cols * pitch, medial_sign * (cols + 1) * pitch
    boxes = shapely.box(rows * pitch, np.minimum(y0, y1), (rows + 1) * pitch, np.maximum(y0, y1))
    return rings_of(shapely.union_all(boxes))


@pytest.mark.shared_data
def test_real_pressure_footprint_mun104():
    # Left grid: medial at high column numbers -> -y; right grid: mirrored.
    left = footprint_indices(real_print("MUN104L.csv", -1), Side.LEFT)
    right = footprint_indices(real_print("MUN104R.csv", -1), Side.RIGHT)
    for fi in (left, right):
        assert 250 <= fi.print_length_mm <= 290  # a mean adult foot at 5 mm pixels
        assert 0.18 <= fi.arch_index <= 0.32  # around the normal band (toes are merged in the mean)
        assert 15 <= fi.chippaux_smirak_pct <= 50
        assert 85 <= fi.forefoot_width_mm <= 115  # ball width of an adult foot
        assert 45 <= fi.heel_width_mm <= 75
    # A population mean is left-right symmetric.
    assert left.arch_index == pytest.approx(right.arch_index, abs=0.01)
    assert left.staheli == pytest.approx(right.staheli, abs=0.1)
