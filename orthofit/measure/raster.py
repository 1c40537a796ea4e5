"""Plan-view contact areas on a grid: triangles -> cell mask -> smooth outline.

Why a grid: the union of a dense scan's sole triangles (150 000 of them on a million-face
scan) takes shapely seconds, and its outline has as many vertices as the mesh has boundary
edges, which slows every later measurement of the footprint. Marking grid cells whose
centres lie in a triangle is one vectorised pass, and the outline made from the cells has a
vertex count set by the footprint's perimeter over the pitch, whatever the mesh density.

A cell is in contact when its centre lies in a triangle (edges included), so the raster
outline lies within half a cell diagonal of the triangles' union. Cells are turned into an
outline row by row: each run of consecutive cells is one rectangle, so shapely unites a few
thousand rectangles rather than every cell.

Grids are indexed ``mask[row, col]``: rows along +y, columns along +x; cell (r, c) spans
``origin + (c, r) * pitch`` to ``origin + (c + 1, r + 1) * pitch``.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

#: Candidate cells tested at once when rasterizing (bounds memory: ~10 arrays of this many
#: floats).
_CHUNK_CELLS = 1 << 20


def rasterize_triangles(tri: np.ndarray, pitch: float) -> tuple[np.ndarray, np.ndarray]:
    """Cells whose centre lies in one of the triangles (either winding, edges included).

    Parameters
    ----------
    tri : (m, 3, 2) float
        Triangles in the plane, mm.
    pitch : float
        Cell size, mm.

    Returns
    -------
    mask : (rows, cols) bool
        Covers the triangles' bounding box.
    origin : (2,) float
        Lower left corner of cell (0, 0), mm: a multiple of ``pitch``, so that the same
        triangles give the same cells wherever the others lie.
    """
    tri = np.asarray(tri, dtype=float)
    if len(tri) == 0:
        return np.zeros((0, 0), dtype=bool), np.zeros(2)
    origin = np.floor(tri.reshape(-1, 2).min(axis=0) / pitch) * pitch
    q = (tri - origin) / pitch - 0.5  # cell units: cell (r, c) has its centre at (c, r)
    a, b, c = q[:, 0], q[:, 1], q[:, 2]  # (m, 2) each
    lo = np.ceil(np.minimum(np.minimum(a, b), c)).astype(np.int64)  # first centre column, row
    hi = np.floor(np.maximum(np.maximum(a, b), c)).astype(np.int64)  # last
    mask = np.zeros((hi[:, 1].max() + 1, hi[:, 0].max() + 1), dtype=bool)
    size = hi - lo + 1
    # A triangle with no centre in its box, or no area, marks no cell.
    keep = (size > 0).all(axis=1) & (_edge(*a.T, *b.T, *c.T) != 0)
    q, lo, size = q[keep], lo[keep], size[keep]
    # Triangles are grouped by box size rounded up to powers of two (few groups, at most 4
    # times the candidates), each group tested in one array operation.
    exponent = np.ceil(np.log2(size)).astype(np.int64)  # (k, 2)
    key = exponent[:, 0] * 64 + exponent[:, 1]
    for k in np.unique(key):
        idx = np.flatnonzero(key == k)
        bw, bh = 1 << int(k // 64), 1 << int(k % 64)
        step = max(1, _CHUNK_CELLS // (bw * bh))
        for s in range(0, len(idx), step):
            i = idx[s : s + step]
            _mark(mask, q[i], lo[i], size[i], bw, bh)
    return mask, origin


def _edge(ax, ay, bx, by, px, py) -> np.ndarray:
    """Edge function (b - a) x (p - a): positive when p is left of a -> b, zero on the line
    (arrays that broadcast).
    """
    return (bx - ax) * (py - ay) - (by - ay) * (px - ax)


def _mark(mask: np.ndarray, q: np.ndarray, lo: np.ndarray, size: np.ndarray, bw: int, bh: int) -> None:
    """Mark in ``mask`` the centres inside triangles ``q`` (k, 3, 2), cell units, whose
    boxes start at centre ``lo`` (k, 2) and hold ``size`` (k, 2) <= (bw, bh) centres.
    """
    gx, gy = np.meshgrid(np.arange(bw), np.arange(bh))
    dx, dy = gx.ravel(), gy.ravel()
    col = lo[:, :1] + dx  # (k, bw * bh) candidate centres
    row = lo[:, 1:] + dy
    in_box = (dx < size[:, :1]) & (dy < size[:, 1:])
    ax, bx, cx = (q[:, j, 0, None] for j in range(3))  # (k, 1) each: broadcast over candidates
    ay, by, cy = (q[:, j, 1, None] for j in range(3))
    e0, e1, e2 = _edge(ax, ay, bx, by, col, row), _edge(bx, by, cx, cy, col, row), _edge(cx, cy, ax, ay, col, row)
    inside = ((e0 >= 0) & (e1 >= 0) & (e2 >= 0)) | ((e0 <= 0) & (e1 <= 0) & (e2 <= 0))
    hit = inside & in_box
    mask[row[hit], col[hit]] = True


def run_rectangles(mask: np.ndarray, pitch: float, origin=(0.0, 0.0)) -> np.ndarray:
    """The cells as rectangles, one per run of consecutive cells in a row.

    Parameters
    ----------
    mask : (rows, cols) bool
    pitch : float
        Cell size, mm.
    origin : (2,) float
        Lower left corner of cell (0, 0), mm.

    Returns
    -------
    (k,) shapely Polygon array
        Together they cover exactly the marked cells.
    """
    m = np.asarray(mask, dtype=np.int8)
    edge = np.diff(np.pad(m, ((0, 0), (1, 1))), axis=1)  # +1 where a run starts, -1 after it
    # Row-major order: in each row starts and ends alternate, so the k-th start and the k-th
    # end bound the same run.
    row, start = np.nonzero(edge == 1)
    _, end = np.nonzero(edge == -1)
    x0, y0 = origin
    return shapely.box(x0 + start * pitch, y0 + row * pitch, x0 + end * pitch, y0 + (row + 1) * pitch)


def cells_outline(mask: np.ndarray, pitch: float, origin=(0.0, 0.0)) -> BaseGeometry:
    """The union of the marked cells (mm; see :func:`run_rectangles`): a Polygon or
    MultiPolygon, empty when no cell is marked.
    """
    return shapely.union_all(run_rectangles(mask, pitch, origin))


def smooth_outline(cells: BaseGeometry, pitch: float) -> BaseGeometry:
    """Smooth a cell outline: a closing then an opening of half a cell, so that outline angles
    do not follow the cell staircase; the cells themselves if that leaves nothing.

    The rounded corners are drawn with 2 segments per quarter circle (within 0.02 cell of
    the arc) and the result simplified within a fifth of a cell: shapely's default 8
    segments would leave thousands of vertices at every staircase corner, each of which
    slows the footprint measurements, for no difference a footprint index can show.

    Parameters
    ----------
    cells : shapely geometry
        Cell union, mm (see :func:`cells_outline`).
    pitch : float
        Cell size, mm.
    """
    r = 0.5 * pitch
    smooth = cells.buffer(r, quad_segs=2).buffer(-2 * r, quad_segs=2).buffer(r, quad_segs=2)
    if smooth.is_empty:
        return cells
    return smooth.simplify(0.2 * pitch)


def triangle_heights(
    xy: np.ndarray,
    z: np.ndarray,
    tri: np.ndarray,
    pitch: float,
    lowest: bool = False,
    grid: tuple[np.ndarray, tuple[int, int]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The surface's height at every cell centre, by linear interpolation in the triangles
    over it: the highest (or with ``lowest``, the lowest) where several lie over a centre.

    Measured on the surface, not at its vertices, so the same surface meshed finer or
    coarser gives the same heights.

    Parameters
    ----------
    xy : (n, 2) float
        Vertex positions in plan, mm.
    z : (n,) float
        Vertex heights, mm.
    tri : (m, 3) int
        The triangles.
    pitch : float
        Cell size, mm.
    grid : ((2,) float, (int, int)), optional
        The origin and shape of another call's grid, to rasterise on the same cells
        (by default the grid covers ``tri`` with one cell of margin).

    Returns
    -------
    heights : (rows, cols) float
        ±inf where no triangle covers the centre (-inf for the highest, +inf the lowest).
        One cell of margin all round.
    origin : (2,) float
        Lower left corner of cell (0, 0), mm.
    """
    if grid is None:
        used = np.zeros(len(xy), dtype=bool)
        used[tri.ravel()] = True  # cheaper than np.unique on 600 000 indices
        used = xy[used]
        origin = used.min(axis=0) - pitch
        shape = (
            int(np.ceil((used[:, 1].max() - origin[1]) / pitch)) + 2,
            int(np.ceil((used[:, 0].max() - origin[0]) / pitch)) + 2,
        )
    else:
        origin, shape = grid
    q = (xy - origin) / pitch - 0.5  # cell units: cell (r, c) has its centre at (c, r)
    qa, qb, qc = q[tri[:, 0]], q[tri[:, 1]], q[tri[:, 2]]
    lo = np.ceil(np.minimum(np.minimum(qa, qb), qc)).astype(np.int64)
    hi = np.floor(np.maximum(np.maximum(qa, qb), qc)).astype(np.int64)
    if grid is not None:  # the cells of another grid: clip to it
        lo = np.maximum(lo, 0)
        hi = np.minimum(hi, np.array([shape[1] - 1, shape[0] - 1]))
    size = np.clip(hi - lo + 1, 0, None)
    count = size[:, 0] * size[:, 1]
    # Most triangles of a fine mesh hold no cell centre: keep the others, then make one
    # candidate per (triangle, centre in its bounding box), all in flat arrays.
    hit = np.flatnonzero(count)
    count = count[hit]
    t = np.repeat(hit, count)
    k = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    col = lo[t, 0] + k % size[t, 0]
    row = lo[t, 1] + k // size[t, 0]
    # Each triangle's corner and edges once, then gathered per candidate as 1-D arrays (the
    # same numbers as computing them per candidate, in a third of the time).
    e0, e1 = qb - qa, qc - qa
    det = e0[:, 0] * e1[:, 1] - e0[:, 1] * e1[:, 0]
    ok = np.abs(det) > 1e-12
    det = np.where(ok, det, 1.0)
    px, py = col - qa[:, 0][t], row - qa[:, 1][t]
    e0x, e0y, e1x, e1y, det, ok = (a[t] for a in (e0[:, 0], e0[:, 1], e1[:, 0], e1[:, 1], det, ok))
    wb = (px * e1y - py * e1x) / det
    wc = (e0x * py - e0y * px) / det
    eps = 1e-9
    inside = ok & (wb >= -eps) & (wc >= -eps) & (wb + wc <= 1 + eps)
    za, zb, zc = (z[tri[t[inside], j]] for j in range(3))
    wb, wc = wb[inside], wc[inside]
    values = za + wb * (zb - za) + wc * (zc - za)
    # A centre on a shared edge is found in both triangles, with the same height.
    if lowest:
        heights = np.full(shape, np.inf)
        np.minimum.at(heights, (row[inside], col[inside]), values)
    else:
        heights = np.full(shape, -np.inf)
        np.maximum.at(heights, (row[inside], col[inside]), values)
    return heights, origin
