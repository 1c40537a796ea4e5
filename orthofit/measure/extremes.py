"""Where a surface ends along a direction, measured on the surface, not on its vertices.

The extreme of a scanned surface along a direction is taken where the surface beyond it has
:data:`TRIM_AREA_MM2` of area: a distance set by the surface's shape (on a toe tip of 10 mm
radius, 0.16 mm behind the very tip), not by how many vertices it has. The previous rule
dropped a fixed share of the vertices, which put the end of a foot 0.9-1.3 mm short on every
real mesh and moved with the meshing. A lone spike (a scanner's stray point) carries less
area than this and is cut off.
"""

from __future__ import annotations

import numpy as np

#: Area of surface left beyond an extreme, mm² [D]: a 3 mm spike on a 1 mm mesh carries less.
TRIM_AREA_MM2 = 10.0


def _area_beyond(h: np.ndarray, area: np.ndarray, t: float) -> float:
    """Area of the triangles' parts above level ``t``; ``h`` (m, 3) their corners' heights,
    sorted ascending per row, ``area`` (m,) their areas (the part of a triangle above a level
    is a quadratic of it on either side of its middle corner).
    """
    h0, h1, h2 = h[:, 0], h[:, 1], h[:, 2]
    out = np.zeros(len(h))
    whole = t <= h0
    out[whole] = area[whole]
    top = (t > h0) & (t < h2) & (t >= h1)  # only the top corner above: a small triangle
    d = (h2 - h0) * (h2 - h1)
    out[top] = area[top] * (h2[top] - t) ** 2 / np.where(d[top] > 0, d[top], 1.0)
    low = (t > h0) & (t < h1)  # only the bottom corner below
    d = (h1 - h0) * (h2 - h0)
    out[low] = area[low] * (1.0 - (t - h0[low]) ** 2 / np.where(d[low] > 0, d[low], 1.0))
    return float(out.sum())


def surface_extreme(
    vertices: np.ndarray, faces: np.ndarray, direction: np.ndarray, trim_mm2: float = TRIM_AREA_MM2
) -> float:
    """How far the surface reaches along ``direction``, mm (see the module docstring).

    Parameters
    ----------
    vertices : (n, 3) float
        mm.
    faces : (m, 3) int
        The triangles to consider (a region of the surface).
    direction : (3,) float
        Unit vector.
    """
    if len(faces) == 0:
        raise ValueError("no surface to measure")
    hv = vertices @ direction
    h = np.sort(hv[faces], axis=1)
    top = float(h[:, 2].max())
    tri = vertices[faces]
    area = 0.5 * np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1)
    near = h[:, 2] > top - 30.0  # only the faces within reach of the trimmed level
    h, area = h[near], area[near]
    if area.sum() <= trim_mm2:
        return top
    lo, hi = top - 30.0, top
    for _ in range(40):  # bisection to well under a micrometre
        mid = 0.5 * (lo + hi)
        if _area_beyond(h, area, mid) > trim_mm2:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def bulge(pts: np.ndarray, out: np.ndarray, band_mm: float = 1.5) -> np.ndarray:
    """Where a side bulges furthest: the mean of ``pts`` (n, 3) within ``band_mm`` of the
    furthest along ``out`` (n,), mm (one vertex would move with the meshing, not with the foot).
    """
    return pts[out >= out.max() - band_mm].mean(axis=0)
