"""Checks of a triangle mesh in numpy: how its edges pair up (closed? consistently wound?),
which triangles are degenerate, and the volume it encloses. Used on every insole before it
is written and on every scan as it is loaded; trimesh's equivalents are slower and importing
trimesh alone costs most of a second of a command's start-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: A triangle is degenerate when its height over either of its first two edges is at most
#: this, mm: trimesh's ``nondegenerate_faces`` rule and tolerance (``tol.merge``), kept so
#: that the same triangles are removed as before.
DEGENERATE_HEIGHT_MM = 1e-8


@dataclass(frozen=True)
class EdgeCheck:
    """How the triangles meet along their edges (trimesh's definitions).

    watertight: every edge is shared by exactly two triangles. consistent: every edge shared
    by exactly two triangles runs in opposite directions in them (edges on one triangle or
    on more than two are not judged). open_edges: edges on one triangle only; crowded_edges:
    on more than two; closed: every edge on an even number (watertight, or closed where some
    part collapsed onto itself).
    """

    watertight: bool
    consistent: bool
    open_edges: int
    crowded_edges: int = 0  # edges on more than two triangles
    closed: bool = True  # every edge on an even number of triangles (two, or four where a part collapsed)


def check_edges(faces: np.ndarray, n_vertices: int) -> EdgeCheck:
    """Watertightness and winding, from how often and which way each edge is used.

    Parameters
    ----------
    faces : (m, 3) int
        Triangles without repeated indices.
    n_vertices : int
        Number of vertices (the indices are below it).
    """
    a = faces.ravel().astype(np.int64)
    b = faces[:, [1, 2, 0]].ravel().astype(np.int64)
    forward = a < b
    # One key per use of an edge: its (low, high) vertices, and in the lowest bit whether it
    # runs low -> high. Sorted, the uses of an edge lie side by side. numpy's sort, not a
    # scipy.sparse sum of duplicates: importing scipy.sparse cost a fresh `orthofit scan`
    # 0.2 s, the sort costs 0.05 s more on a million triangles.
    key = np.sort(((np.where(forward, a, b) * n_vertices + np.where(forward, b, a)) << 1) | forward)
    if len(key) == 0:
        return EdgeCheck(True, True, 0)
    edge = key >> 1
    start = np.flatnonzero(np.r_[True, edge[1:] != edge[:-1]])
    count = np.diff(np.r_[start, len(key)])
    runs_forward = np.add.reduceat(key & 1, start)
    two = count == 2
    return EdgeCheck(
        bool(two.all()),
        bool((runs_forward[two] == 1).all()),
        int((count == 1).sum()),
        int((count > 2).sum()),
        bool((count % 2 == 0).all()),
    )


def triangle_checks(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, float]:
    """Which triangles are proper, and the volume they enclose.

    Parameters
    ----------
    vertices : (n, 3) float, mm
    faces : (m, 3) int

    Returns
    -------
    nondegenerate : (m,) bool
        Triangles whose heights over their first two edges exceed
        :data:`DEGENERATE_HEIGHT_MM` (so repeated corners and zero area are degenerate).
    volume : float
        Signed volume of the nondegenerate triangles, mm³: the sum of the tetrahedra from the
        origin, ``p0 . (p1 - p0) x (p2 - p0) / 6``. Negative when a closed surface faces
        inward; meaningless for an open one.
    """
    # Gathering (m, 3) per coordinate is several times faster than gathering (m, 3, 3) rows.
    x, y, z = (c[faces] for c in np.ascontiguousarray(vertices.T))
    ux, uy, uz = x[:, 1] - x[:, 0], y[:, 1] - y[:, 0], z[:, 1] - z[:, 0]  # first edge
    vx, vy, vz = x[:, 2] - x[:, 0], y[:, 2] - y[:, 0], z[:, 2] - z[:, 0]  # second edge
    nx, ny, nz = uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx  # length: twice the area
    area2 = nx * nx + ny * ny + nz * nz
    l1, l2 = ux * ux + uy * uy + uz * uz, vx * vx + vy * vy + vz * vz
    tol2 = DEGENERATE_HEIGHT_MM**2
    # height = 2 area / base, compared squared and multiplied out: a zero base needs no division
    ok = (l1 > tol2) & (l2 > tol2) & (area2 > tol2 * l1) & (area2 > tol2 * l2)
    volume = float((x[:, 0] * nx + y[:, 0] * ny + z[:, 0] * nz)[ok].sum()) / 6.0
    return ok, volume
