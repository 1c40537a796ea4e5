"""Convex hulls without scipy: a plane point set's hull (shapely's), and the facet of a 3D
point set's hull that a ray from inside leaves through (a small linear program), for the
resting plane of a scan with no flat contact.
"""

from __future__ import annotations

import numpy as np
import shapely


def convex_hull(points: np.ndarray) -> shapely.Geometry:
    """The convex hull of (n, 2) points: shapely's, the same geometry to the bit, from one
    LineString through them (a MultiPoint makes a Python object of every point first: 0.6 s
    for a million-face scan's flat sole).
    """
    return shapely.LineString(points).convex_hull if len(points) > 1 else shapely.MultiPoint(points).convex_hull


#: Most pivots of :func:`exit_facet` (a scan's takes about ten).
_MAX_PIVOTS = 200
#: Barycentric weights within this of 0 put the exit on an edge or a vertex of the hull.
_TIE = 1e-9
#: On such a tie the ray is moved this far (a share of the points' extent) and tried again.
_NUDGE = 1e-7
_TIED = "tied"


def exit_facet(points: np.ndarray, centre: np.ndarray, up: np.ndarray) -> np.ndarray | None:
    """The outward unit normal of the facet of the convex hull of ``points`` (n, 3) through
    which the ray from ``centre`` (inside it) along ``-up`` (a unit vector) leaves; None
    when the points are degenerate.

    Seen along ``up`` with ``centre`` at the origin of the plan, the facet is the plane
    z = g . xy + h below every point with the highest h: a linear program in (g, h), solved
    by pivoting on the points that touch the plane (h = min_i z_i - g . xy_i is concave in
    g; each pivot moves g along an edge of it). Optimal when the origin lies inside the
    triangle of the three touching points' plans. A ray through an edge or a vertex of the
    hull (a symmetric shape: a sphere's lowest vertex straight below its centre) meets
    several facets; it is moved by :data:`_NUDGE` of the points' extent, so that it meets one
    of them.
    """
    plan = _plan_basis(up)
    d = points - centre
    xy, z = d @ plan.T, d @ up
    scale = max(float(np.ptp(xy)), float(np.ptp(z)), 1e-12)
    touching = _lowest_plane(xy, z, scale)
    if touching is _TIED:
        touching = _lowest_plane(xy - _NUDGE * scale * np.array([1.0, 0.5**0.5]), z, scale)
    if not isinstance(touching, list):
        return None
    return _facet_normal(points, touching, up, scale)


def _lowest_plane(xy: np.ndarray, z: np.ndarray, scale: float) -> list[int] | str | None:
    """The three points (indices) whose plane is :func:`exit_facet`'s, :data:`_TIED` when the
    origin lies on an edge or at a vertex of the points' lower hull, None if degenerate.
    """
    touching = [int(np.argmin(z))]
    g = np.zeros(2)
    for _ in range(_MAX_PIVOTS):
        if len(touching) == 3:
            weights = _barycentric(xy[touching])
            if weights is None:
                return None
            if np.abs(weights).min() <= _TIE:
                return _TIED
            if weights.min() > 0:
                return touching
            del touching[int(np.argmin(weights))]
        step = _ascent(xy[touching], scale)
        if step is None:
            return _TIED  # the origin is on the touching point, or on the line of two
        value = z - xy @ g
        rise = xy @ step - xy[touching[0]] @ step  # how fast each point's slack shrinks
        rise[touching] = 0.0
        can = rise > 1e-12 * scale
        if not can.any():
            return None
        t = np.maximum(value - value[touching[0]], 0.0)[can] / rise[can]
        g = g + t.min() * step
        touching.append(int(np.flatnonzero(can)[np.argmin(t)]))
    return None


def _plan_basis(up: np.ndarray) -> np.ndarray:
    """(2, 3) two unit vectors perpendicular to ``up`` and to each other."""
    a = np.array([1.0, 0.0, 0.0]) if abs(up[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    b1 = np.cross(up, a)
    b1 /= np.linalg.norm(b1)
    return np.array([b1, np.cross(up, b1)])


def _ascent(touching_xy: np.ndarray, scale: float) -> np.ndarray | None:
    """The unit direction in g along which the touching points' plane rises over the origin
    and they all keep touching; None if there is none (the origin is at the point, or on the
    line of the two).
    """
    if len(touching_xy) == 1:
        norm = float(np.linalg.norm(touching_xy[0]))
        return None if norm <= 1e-12 * scale else -touching_xy[0] / norm
    a, b = touching_xy
    e = np.array([b[1] - a[1], a[0] - b[0]])  # perpendicular to a -> b
    norm = float(np.linalg.norm(e))
    if norm <= 1e-12 * scale:
        return None
    e /= norm
    s = float(a @ e)  # the plane's height over the origin changes by -s per unit step
    if abs(s) <= 1e-12 * scale:
        return None
    return -e if s > 0 else e


def _barycentric(tri: np.ndarray) -> np.ndarray | None:
    """The weights (3,) that make the origin from the corners ``tri`` (3, 2); None for a
    degenerate triangle.
    """
    m = np.array([tri[:, 0], tri[:, 1], np.ones(3)])
    if abs(np.linalg.det(m)) <= 1e-12 * max(float(np.abs(tri).max()), 1.0) ** 2:
        return None
    return np.linalg.solve(m, np.array([0.0, 0.0, 1.0]))


def _facet_normal(points: np.ndarray, touching: list[int], up: np.ndarray, scale: float) -> np.ndarray | None:
    """The outward (downward) unit normal of the plane through the three touching points;
    None unless every point lies on its inner side (to rounding).
    """
    p0, p1, p2 = points[touching]
    n = np.cross(p1 - p0, p2 - p0)
    n /= np.linalg.norm(n)
    if n @ up > 0:
        n = -n
    if ((points - p0) @ n).max() > 1e-9 * scale:
        return None
    return n
