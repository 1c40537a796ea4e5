"""Resampling a dense triangle mesh onto a coarser one by vertex clustering.

A scanner's million triangles sample a foot far more finely than any of its measures needs
(their uncertainty comes from the surface's resolution, and a resolution of 1-2 mm costs
less than 1 mm of any measure; tests/unit/measure/test_scan_dense.py). Vertex clustering
(Rossignac & Borrel 1993, the decimation of VTK's ``vtkQuadricClustering`` without the
quadrics) replaces all the vertices in one cell of a regular grid by their mean and keeps
the triangles whose corners land in three different cells. It costs one pass over the
triangles, against the seconds a quadric edge-collapse decimation takes on a million
(fast_simplification: 4.5 s here), and a closed surface stays closed: every edge is still
shared by an even number of consistently wound triangles (some by four where a thin part
collapses).
"""

from __future__ import annotations

import numpy as np


def cluster_vertices(vertices: np.ndarray, faces: np.ndarray, cell_mm: float) -> tuple[np.ndarray, np.ndarray]:
    """The mesh resampled on a grid of ``cell_mm``: one vertex per occupied cell.

    Parameters
    ----------
    vertices : (n, 3) float
        Vertices, mm. Need not be merged: the three corners of every triangle of a binary
        STL, one row each, cluster just as well (equal points share a cell).
    faces : (m, 3) int
        Triangles.
    cell_mm : float
        Grid cell edge, mm (> 0).

    Returns
    -------
    vertices : (k, 3) float64
        The mean of the vertices in each occupied cell, mm.
    faces : (j, 3) int64
        The triangles whose corners land in three distinct cells, those on the same three
        cells merged: wound as most of them are, as many times as that winding outnumbers
        the other (two with opposite windings are a sliver folded flat, and both vanish;
        nearly always one is left).
    """
    if cell_mm <= 0:
        raise ValueError(f"cell_mm must be positive, not {cell_mm}")
    # Per coordinate, as contiguous columns: several times faster than (n, 3) rows.
    cols = np.ascontiguousarray(np.asarray(vertices).T)
    key = np.zeros(cols.shape[1], dtype=np.int64)
    for c in cols:
        q = ((c - c.min()) * (1.0 / cell_mm)).astype(np.int64)
        key *= int(q.max()) + 1
        key += q
    # Cells numbered in key order through a table over all cells (at most a few million for
    # a foot at 1 mm), not by sorting three million keys.
    occupied = np.zeros(int(key.max()) + 1, dtype=bool)
    occupied[key] = True
    number = np.cumsum(occupied, dtype=np.int64) - 1
    label = number[key]
    k = int(number[-1]) + 1
    count = np.bincount(label, minlength=k)
    out_v = np.column_stack([np.bincount(label, c.astype(np.float64), minlength=k) for c in cols]) / count[:, None]
    f = label[np.asarray(faces)]
    f = f[(f[:, 0] != f[:, 1]) & (f[:, 1] != f[:, 2]) & (f[:, 2] != f[:, 0])]
    if len(f) == 0:
        return out_v, np.empty((0, 3), dtype=np.int64)
    s = np.sort(f, axis=1)
    tri_key = (s[:, 0] * k + s[:, 1]) * k + s[:, 2]
    order = np.argsort(tri_key)
    ts = tri_key[order]
    start = np.flatnonzero(np.r_[True, ts[1:] != ts[:-1]])
    # +1 when a triangle's corners are an even permutation of their sorted order, -1 when odd
    a, b, c = f.T
    swaps = (a > b).astype(np.int64) + (a > c) + (b > c)
    net = np.add.reduceat((1 - 2 * (swaps & 1))[order], start)
    first = s[order[start]]
    # |net| copies, wound as the majority: the triangles' oriented edges still cancel in
    # pairs, so a closed surface stays closed (a triangle kept once where two of one winding
    # met would leave its edges on an odd number of triangles).
    out_f = np.repeat(np.where((net > 0)[:, None], first, first[:, [0, 2, 1]]), np.abs(net), axis=0)
    return out_v, np.ascontiguousarray(out_f)


#: Face normals closer than this are one facet's (a subdivision's or a scanner's flat
#: patch), not two samples of the surface: about the 0.05° by which the measures tell a
#: bent edge from a flat one (orthofit/measure/scan_measure.py, CREASE_DEG) [D].
FACET_NORMAL_STEP = 1e-3


def surface_samples(vertices: np.ndarray, faces: np.ndarray) -> tuple[float, float]:
    """A mesh's area and the spacing of its independent samples of the surface.

    A resampled mesh's own spacing is the resampling grid's, however coarsely the surface
    was scanned; the scan's is what the uncertainty needs. Counted here as the number of
    distinct facet orientations (face normals to :data:`FACET_NORMAL_STEP`): the faces of a
    subdivided triangle share one, a scanner's do not. An even triangulation with edge h has
    4 A / (√3 h²) triangles, so the spacing is sqrt(4 A / (√3 n)) for n distinct facets,
    which on a scanner's mesh is about its edge length.

    Parameters
    ----------
    vertices : (n, 3) float
        mm.
    faces : (m, 3) int

    Returns
    -------
    area_mm2 : float
    spacing_mm : float
    """
    x, y, z = (c[faces] for c in np.ascontiguousarray(np.asarray(vertices).T))
    ux, uy, uz = x[:, 1] - x[:, 0], y[:, 1] - y[:, 0], z[:, 1] - z[:, 0]
    wx, wy, wz = x[:, 2] - x[:, 0], y[:, 2] - y[:, 0], z[:, 2] - z[:, 0]
    nx, ny, nz = uy * wz - uz * wy, uz * wx - ux * wz, ux * wy - uy * wx
    double = np.sqrt(nx * nx + ny * ny + nz * nz)
    area = 0.5 * float(double.sum(dtype=np.float64))
    ok = double > 0
    scale = 1.0 / (FACET_NORMAL_STEP * double[ok])
    bins = int(np.ceil(2.0 / FACET_NORMAL_STEP)) + 2
    key = np.zeros(int(ok.sum()), dtype=np.int64)
    for n in (nx, ny, nz):
        key *= bins
        key += np.rint(n[ok] * scale).astype(np.int64) + bins // 2
    key.sort()
    facets = int(1 + np.count_nonzero(key[1:] != key[:-1])) if len(key) else 0
    if facets == 0 or area <= 0:
        return area, 0.0
    return area, float(np.sqrt(4.0 * area / (np.sqrt(3.0) * facets)))
