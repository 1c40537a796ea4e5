"""Contact rasters: triangles -> cells -> run rectangles -> outline (orthofit.measure.raster)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from orthofit.measure.raster import cells_outline, rasterize_triangles, run_rectangles, smooth_outline

PITCH = 0.5


def _area(tri, pitch=PITCH):
    mask, _ = rasterize_triangles(np.asarray(tri, float), pitch)
    return mask.sum() * pitch**2


def _grid_triangles(x0, y0, x1, y1, step, rng):
    """A rectangle cut into a fine grid of triangles (a dense mesh's sole), windings mixed."""
    xs, ys = np.arange(x0, x1 + step / 2, step), np.arange(y0, y1 + step / 2, step)
    gx, gy = np.meshgrid(xs, ys)
    p = np.stack([gx, gy], axis=-1)
    a, b, c, d = p[:-1, :-1], p[:-1, 1:], p[1:, 1:], p[1:, :-1]
    tri = np.concatenate([np.stack([a, b, c], -2).reshape(-1, 3, 2), np.stack([a, c, d], -2).reshape(-1, 3, 2)])
    flip = rng.random(len(tri)) < 0.5
    tri[flip] = tri[flip][:, ::-1]
    return tri


@pytest.mark.parametrize("offset", [(0.0, 0.0), (3.1, -7.37), (0.123, 0.456)])
def test_a_triangle_has_its_area_in_either_winding(offset):
    tri = np.array([[[0.0, 0.0], [40.0, 0.0], [0.0, 30.0]]]) + offset
    m1, o1 = rasterize_triangles(tri, PITCH)
    m2, o2 = rasterize_triangles(tri[:, ::-1], PITCH)
    assert np.array_equal(m1, m2) and np.array_equal(o1, o2)
    # each cell on the border is in or out: the error is at most half a cell along it
    assert m1.sum() * PITCH**2 == pytest.approx(600.0, abs=120.0 * PITCH / 2)


def test_a_rectangle_on_cell_borders_is_exact():
    rect = [[[1.0, 2.0], [11.0, 2.0], [11.0, 7.0]], [[1.0, 2.0], [11.0, 7.0], [1.0, 7.0]]]
    mask, origin = rasterize_triangles(rect, PITCH)
    assert mask.sum() * PITCH**2 == 50.0
    assert mask.all() and mask.shape == (10, 20) and np.array_equal(origin, [1.0, 2.0])


@pytest.mark.parametrize(
    "square",
    [
        [[[10.0, 10.0], [0.0, 0.0], [10.0, 0.0]], [[0.0, 0.0], [10.0, 10.0], [0.0, 10.0]]],  # counter-clockwise
        [[[0.0, 0.0], [10.0, 10.0], [10.0, 0.0]], [[10.0, 10.0], [0.0, 0.0], [0.0, 10.0]]],  # clockwise
    ],
)
def test_centres_on_a_shared_edge_count(square):
    """Cell centres on the diagonal both triangles share (each triangle's first edge)."""
    assert _area(square) == 100.0


def test_huge_triangles_are_chunked_and_exact():
    """A 200 x 100 mm rectangle in two triangles: 80 000 cells in one box."""
    rect = [[[0.0, 0.0], [200.0, 0.0], [200.0, 100.0]], [[200.0, 100.0], [0.0, 100.0], [0.0, 0.0]]]
    assert _area(rect) == 20000.0


def test_a_fine_mesh_leaves_no_gaps():
    """Triangles smaller than a cell, shared edges through cell centres: every cell counted."""
    tri = _grid_triangles(0.0, 0.0, 10.0, 10.0, 0.25, np.random.default_rng(1))
    mask, _ = rasterize_triangles(tri, PITCH)
    assert mask.all() and mask.sum() * PITCH**2 == 100.0
    tri = _grid_triangles(0.0, 0.0, 10.0, 10.0, 0.3, np.random.default_rng(2))
    assert _area(tri) == pytest.approx(10.2**2, abs=4 * 10.2 * PITCH / 2)


def test_mixed_sizes_and_degenerate_triangles():
    rng = np.random.default_rng(3)
    small = _grid_triangles(0.0, 0.0, 5.0, 5.0, 0.25, rng)
    big = np.array([[[20.0, 0.0], [60.0, 0.0], [60.0, 30.0]]])
    flat = np.array([[[0.0, 40.25], [30.0, 40.25], [15.0, 40.25]]])  # through cell centres, no area
    mask, origin = rasterize_triangles(np.concatenate([small, big, flat]), PITCH)
    assert mask.sum() * PITCH**2 == pytest.approx(25.0 + 600.0, abs=120.0 * PITCH / 2)
    assert mask.shape[0] == 81 and not mask[80].any()


def test_empty_input():
    mask, _ = rasterize_triangles(np.zeros((0, 3, 2)), PITCH)
    assert mask.size == 0
    assert cells_outline(np.zeros((4, 5), bool), PITCH).is_empty


def test_run_rectangles_cover_exactly_the_cells():
    rng = np.random.default_rng(4)
    mask = rng.random((40, 60)) < 0.6
    rects = run_rectangles(mask, 1.5, origin=(10.0, -3.0))
    runs = sum(np.count_nonzero(np.diff(np.r_[0, row.astype(int), 0]) == 1) for row in mask)
    assert len(rects) == runs
    outline = cells_outline(mask, 1.5, origin=(10.0, -3.0))
    assert outline.area == mask.sum() * 1.5**2
    rows, cols = np.nonzero(mask)
    x, y = 10.0 + cols * 1.5, -3.0 + rows * 1.5
    cells = shapely.union_all(shapely.box(x, y, x + 1.5, y + 1.5))  # cell by cell
    assert outline.equals(cells)


def test_smoothing_keeps_the_area_and_few_vertices():
    """A rasterized disc of radius 50 mm: the smooth outline hugs the disc, with a vertex
    count set by its perimeter, not by the staircase's corners."""
    t = np.linspace(0, 2 * np.pi, 361)
    ring = np.stack([50 * np.cos(t), 50 * np.sin(t)], 1)
    tri = np.stack([np.zeros_like(ring[:-1]), ring[:-1], ring[1:]], 1)
    mask, origin = rasterize_triangles(tri, PITCH)
    smooth = smooth_outline(cells_outline(mask, PITCH, origin), PITCH)
    assert smooth.geom_type == "Polygon" and smooth.is_valid
    assert smooth.area == pytest.approx(np.pi * 50**2, rel=0.01)
    assert shapely.get_num_coordinates(smooth) < 2 * np.pi * 50 / PITCH
    # within a cell of the circle everywhere
    r = np.hypot(*np.asarray(smooth.exterior.coords).T)
    assert np.abs(r - 50).max() < PITCH
