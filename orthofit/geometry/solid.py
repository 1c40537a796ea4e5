"""A closed solid from an outline and a height field: smooth top, flat bottom, vertical walls.

Construction (engineering.md §2, prototyped and timed): the outline ring is segmentized to
edge length h, interior points lie on a hex grid of spacing h, and scipy's Delaunay
triangulates both; zero-area slivers (Qhull makes them along collinear ring points) are
dropped. The top takes z = f(x, y); the bottom is a ring-only triangulation at z = 0 (by
manifold3d, so it spends few faces on the flat); walls are two triangles per ring edge.

:func:`check_solid` verifies every mesh: closed, consistently wound, positive volume.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon

from orthofit.errors import OrthofitError


class GeometryError(OrthofitError):
    """The builder produced, or was asked for, geometry that is not a valid printable solid."""


@dataclass(frozen=True)
class Solid:
    """A triangle mesh: vertices (n, 3) float mm and faces (m, 3) int, outward-wound."""

    vertices: np.ndarray
    faces: np.ndarray

    def mirrored_y(self) -> Solid:
        """The mirror image in y (right <-> left); face order flips to keep the winding outward."""
        v = self.vertices * np.array([1.0, -1.0, 1.0])
        return Solid(v, self.faces[:, ::-1].copy())


#: Delaunay runs only on points closer to the outline than this many edge lengths; deeper in,
#: the hex lattice is triangulated directly. Exact because an equilateral lattice's Delaunay
#: triangulation is unique and is left alone wherever ring points are further than one
#: circumradius (0.58 h) away: the two meet along lattice edges at depth BAND - 2 h.
_BAND_EDGES = 4.0


def triangulate_outline(
    outline: Polygon,
    edge_mm: float,
    border_edge_mm: float | None = None,
    border_depth_mm: float = 0.0,
    zones: Sequence[tuple[Polygon, float]] = (),
) -> tuple[np.ndarray, np.ndarray, int]:
    """Triangulate the inside of ``outline``.

    With ``border_edge_mm`` < ``edge_mm``, a strip ``border_depth_mm`` wide along the outline
    is meshed finer (offset rings), for features that rise steeply at the edge (a deep heel
    cup); the ring and the walls then use the finer spacing too. Each of ``zones`` (a polygon
    and its edge length) is meshed with a finer hex lattice, for small steep features inside.

    Returns
    -------
    points : (n, 2) float
        The ring points first (in order around the outline), then the interior points.
    triangles : (m, 3) int
        Counter-clockwise seen from +z.
    n_ring : int
        How many of ``points`` are on the ring.
    """
    from scipy.spatial import Delaunay, cKDTree

    h = edge_mm
    fine = border_edge_mm is not None and border_edge_mm < h and border_depth_mm > 0
    if not fine:
        # Always one offset ring a row inside the outline: a regular boundary layer, so the
        # triangles along the edge (where heel cups and flanges rise) are no larger than h.
        fine, border_edge_mm, border_depth_mm = True, h, h * np.sqrt(3.0) / 2.0
    ring_step: float = h if border_edge_mm is None else border_edge_mm
    ring = _clean_ring(np.asarray(shapely.segmentize(outline.exterior, ring_step).coords)[:-1], 0.1 * ring_step)
    if not shapely.geometry.LinearRing(ring).is_ccw:
        ring = ring[::-1]
    n_ring = len(ring)
    extra = np.empty((0, 2))
    skip = 0.0  # lattice points shallower than this are replaced by the fine strip
    if fine:
        step = border_edge_mm * np.sqrt(3.0) / 2.0
        offsets = np.arange(step, border_depth_mm + step / 2, step)
        # An offset may split (a narrow heel under a wide cup wall) or vanish: take every part.
        shrunk = [outline.buffer(-d, quad_segs=8) for d in offsets]
        offsets = offsets[[not g.is_empty for g in shrunk]]
        rings = [
            shapely.segmentize(part.exterior, border_edge_mm)
            for g in shrunk
            if not g.is_empty
            for part in getattr(g, "geoms", [g])
        ]
        extra = np.vstack([np.asarray(r.coords)[:-1] for r in rings]) if rings else np.empty((0, 2))
        skip = (offsets[-1] if len(offsets) else 0.0) + 0.6 * h
    # The hex lattice, row j offset by h/2 on odd rows, kept 0.6 h inside the outline.
    inner = outline.buffer(-max(0.6 * h, skip))
    x0, y0, x1, y1 = outline.bounds
    dy = h * np.sqrt(3.0) / 2.0
    rows, cols = int((y1 - y0) / dy) + 2, int((x1 - x0) / h) + 2
    row_idx, col_idx = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    gx = x0 + col_idx * h + (row_idx % 2) * (h / 2.0)
    gy = y0 + row_idx * dy
    inside = shapely.contains_xy(inner, gx.ravel(), gy.ravel()).reshape(rows, cols)
    index = np.full((rows, cols), -1, dtype=np.int64)
    # Fine zones: their own lattice and boundary points replace the coarse lattice there.
    clipped = [(z.intersection(inner.buffer(-h)), e) for z, e in zones if e < h]
    clipped = [(z, e) for z, e in clipped if not z.is_empty and z.area > 0]
    for zone, e in clipped:
        inside &= ~shapely.contains_xy(zone.buffer(0.6 * h), gx, gy)
        zx0, zy0, zx1, zy1 = zone.bounds
        zdy = e * np.sqrt(3.0) / 2.0
        zj, zi = np.meshgrid(np.arange(int((zy1 - zy0) / zdy) + 2), np.arange(int((zx1 - zx0) / e) + 2), indexing="ij")
        fx, fy = zx0 + zi * e + (zj % 2) * (e / 2.0), zy0 + zj * zdy
        keep = shapely.contains_xy(zone.buffer(-0.6 * e), fx, fy)
        edge_pts = np.concatenate(
            [
                np.asarray(shapely.segmentize(r, e).coords)[:-1]
                for g in getattr(zone, "geoms", [zone])
                for r in [g.exterior]
            ]
        )
        extra = np.vstack([extra, np.column_stack([fx[keep], fy[keep]]), edge_pts])
    n_fine = n_ring + len(extra)
    index[inside] = n_fine + np.arange(inside.sum())
    grid = np.column_stack([gx[inside], gy[inside]])
    pts = np.vstack([ring, extra, grid])
    # Clearance of each lattice point from everything that is not plain lattice: the fine
    # border strip and the fine zones. Fine points themselves always go to Delaunay.
    clearance = np.full(len(pts), -1.0)
    clearance[n_fine:] = cKDTree(ring).query(grid)[0] - skip
    for zone, _ in clipped:
        clearance[n_fine:] = np.minimum(clearance[n_fine:], shapely.distance(zone, shapely.points(grid)))
    deep = clearance >= (_BAND_EDGES - 1.0) * h

    # Structured lattice triangles (two per lattice cell), kept when all corners are deep.
    a, b = index[:-1, :-1], index[:-1, 1:]
    c, d = index[1:, :-1], index[1:, 1:]
    even = (np.arange(rows - 1) % 2 == 0)[:, None]
    t1 = np.where(even[..., None], np.stack([a, b, c], -1), np.stack([a, b, d], -1)).reshape(-1, 3)
    t2 = np.where(even[..., None], np.stack([b, d, c], -1), np.stack([a, d, c], -1)).reshape(-1, 3)
    lattice = np.vstack([t1, t2])
    lattice = lattice[(lattice >= 0).all(axis=1)]
    lattice = lattice[deep[lattice].all(axis=1)]

    # Delaunay on the ring and the lattice points of the band; keep the triangles that touch
    # a shallow point (the rest is lattice, taken above, or spans the hole).
    band = np.flatnonzero(clearance < (_BAND_EDGES + 1.0) * h)
    # Guard points outside the outline keep it off the convex hull of the Delaunay input:
    # Qhull triangulates collinear hull points (a straight sulcus cut) with zero-area slivers,
    # and dropping those would leave a ring edge out of the mesh.
    guard = np.asarray(shapely.segmentize(outline.convex_hull.buffer(3.0 * h, quad_segs=4).exterior, 2.0 * h).coords)[
        :-1
    ]
    simplices = Delaunay(np.vstack([pts[band], guard])).simplices
    simplices = simplices[(simplices < len(band)).all(axis=1)]
    tri = band[simplices]
    tri = tri[~deep[tri].all(axis=1)]
    tri = np.vstack([lattice, tri])

    p0, p1, p2 = pts[tri[:, 0]], pts[tri[:, 1]], pts[tri[:, 2]]
    cross = (p1[:, 0] - p0[:, 0]) * (p2[:, 1] - p0[:, 1]) - (p1[:, 1] - p0[:, 1]) * (p2[:, 0] - p0[:, 0])
    tri = np.where((cross < 0)[:, None], tri[:, [0, 2, 1]], tri)
    keep = np.abs(cross) > 1e-12 * h * h  # drop Qhull's zero-area slivers
    centroid = (p0 + p1 + p2) / 3.0
    keep &= shapely.contains_xy(outline, centroid[:, 0], centroid[:, 1])
    tri = tri[keep]
    _check_boundary_is_ring(tri, n_ring, len(pts))
    return pts, tri, n_ring


def _clean_ring(ring: np.ndarray, min_gap: float) -> np.ndarray:
    """Drop ring vertices closer than ``min_gap`` to their predecessor (cyclically).

    Near-duplicate vertices (left by buffering, say) make zero-area slivers that Qhull drops,
    and with them a ring edge: the solid would not be closed.
    """
    gap = np.linalg.norm(ring - np.roll(ring, 1, axis=0), axis=1)
    keep = gap >= min_gap
    keep[0] = True
    return ring[keep]


def _edge_keys(tri: np.ndarray, n: int) -> np.ndarray:
    """Each undirected edge of the triangles as one int64 key."""
    e = np.concatenate([tri[:, [0, 1]], tri[:, [1, 2]], tri[:, [2, 0]]])
    e.sort(axis=1)
    return e[:, 0] * n + e[:, 1]


def _check_boundary_is_ring(tri: np.ndarray, n_ring: int, n: int) -> None:
    """Every edge is used once (the ring) or twice (inside), and the once-used edges are
    exactly the ring's edges.
    """
    keys, counts = np.unique(_edge_keys(tri, n), return_counts=True)
    i = np.arange(n_ring, dtype=np.int64)
    j = (i + 1) % n_ring
    ring_keys = np.sort(np.minimum(i, j) * n + np.maximum(i, j))
    if (counts > 2).any() or not np.array_equal(keys[counts == 1], ring_keys):
        raise GeometryError(
            "the outline triangulation is not a clean disc (its boundary is not the outline); try another resolution"
        )


def extrude_height_field(
    outline: Polygon,
    height: Callable[[np.ndarray], np.ndarray],
    edge_mm: float,
    border_edge_mm: float | None = None,
    border_depth_mm: float = 0.0,
    zones: Sequence[tuple[Polygon, float]] = (),
) -> tuple[Solid, SolidCheck]:
    """The solid between z = 0 and z = height(x, y) over ``outline``.

    Parameters
    ----------
    height : callable
        (n, 2) points -> (n,) heights in mm; must be > 0 everywhere.
    edge_mm : float
        Target edge length of the top and wall triangles, mm.
    border_edge_mm, border_depth_mm, zones : optional
        Finer meshing along the outline and in zones (see :func:`triangulate_outline`).
    """
    import manifold3d

    pts, tri, n_ring = triangulate_outline(outline, edge_mm, border_edge_mm, border_depth_mm, zones)
    z = np.asarray(height(pts), dtype=float)
    if not np.all(np.isfinite(z)) or z.min() <= 0:
        raise GeometryError(f"the top surface reaches {np.nanmin(z):.2f} mm: it must stay above the floor")
    n = len(pts)
    top = np.column_stack([pts, z])
    bottom = np.column_stack([pts[:n_ring], np.zeros(n_ring)])
    vertices = np.vstack([top, bottom])
    bottom_tri = np.asarray(manifold3d.triangulate([pts[:n_ring]]), dtype=np.int64)
    # manifold3d returns CCW triangles seen from +z; the bottom faces down, so flip them.
    bottom_faces = bottom_tri[:, ::-1] + n
    i = np.arange(n_ring)
    j = (i + 1) % n_ring
    # Ring is CCW from above, so outward walls go top(i) -> bottom(i) -> bottom(j) ...
    walls = np.concatenate([np.column_stack([i, n + i, n + j]), np.column_stack([i, n + j, j])])
    faces = np.vstack([tri, bottom_faces, walls]).astype(np.int64)
    solid = Solid(vertices, faces)
    return solid, check_solid(solid)


def extrude_between(
    outline: Polygon,
    top: Callable[[np.ndarray], np.ndarray],
    bottom: Callable[[np.ndarray], np.ndarray],
    edge_mm: float,
    min_thickness_mm: float,
    border_edge_mm: float | None = None,
    border_depth_mm: float = 0.0,
    zones: Sequence[tuple[Polygon, float]] = (),
) -> tuple[Solid, SolidCheck]:
    """The solid between two height fields over ``outline``: z = bottom(x, y) to z = top(x, y).

    The construction issue 15's insoles need: a bottom that follows a shoe's footbed (its
    heel-to-toe drop, toe spring and transverse curve) rather than a flat plane, and a heel
    cup that is a wall of set thickness (the bottom rising under the rim) rather than a solid
    block. Top and bottom share one triangulation of the outline (so the thickness is checked
    at every vertex); the walls join their rings.

    Parameters
    ----------
    top, bottom : callable
        (n, 2) points -> (n,) heights, mm.
    edge_mm : float
        Target edge length of the triangles, mm.
    min_thickness_mm : float
        top - bottom must be at least this everywhere (> 0), mm.
    border_edge_mm, border_depth_mm, zones : optional
        Finer meshing along the outline and in zones (see :func:`triangulate_outline`).

    Raises
    ------
    GeometryError
        Thinner than ``min_thickness_mm`` somewhere (where is said), or not a valid solid.
    """
    if not min_thickness_mm > 0:
        raise GeometryError(f"min_thickness_mm must be positive, not {min_thickness_mm}")
    pts, tri, n_ring = triangulate_outline(outline, edge_mm, border_edge_mm, border_depth_mm, zones)
    zt = np.asarray(top(pts), dtype=float)
    zb = np.asarray(bottom(pts), dtype=float)
    if not (np.isfinite(zt).all() and np.isfinite(zb).all()):
        raise GeometryError("a surface of the solid is not finite")
    thickness = zt - zb
    k = int(np.argmin(thickness))
    if thickness[k] < min_thickness_mm - 1e-9:
        raise GeometryError(
            f"the solid would be {thickness[k]:.2f} mm thick at x = {pts[k, 0]:.0f} mm, y = {pts[k, 1]:.0f} mm, "
            f"thinner than {min_thickness_mm:g} mm"
        )
    solid = _closed(np.column_stack([pts, zt]), np.column_stack([pts, zb]), tri, n_ring)
    check = check_solid(solid)
    return solid, SolidCheck(
        check.watertight, check.winding_consistent, check.volume_mm3, float(thickness[k]), len(tri)
    )


def _closed(top: np.ndarray, bottom: np.ndarray, tri: np.ndarray, n_ring: int) -> Solid:
    """Two surfaces on one triangulation ((n, 3) vertices each, the ring's first) joined by
    walls into one solid: the top's triangles, the bottom's reversed, two per ring edge.
    """
    n = len(top)
    i = np.arange(n_ring)
    j = (i + 1) % n_ring
    # The ring is CCW from above: outward walls go top(i) -> bottom(i) -> bottom(j) ...
    walls = np.concatenate([np.column_stack([i, n + i, n + j]), np.column_stack([i, n + j, j])])
    faces = np.vstack([tri, tri[:, ::-1] + n, walls]).astype(np.int64)
    return Solid(np.vstack([top, bottom]), faces)


@dataclass(frozen=True)
class SolidCheck:
    watertight: bool
    winding_consistent: bool
    volume_mm3: float
    min_thickness_mm: float = float("nan")  # top to bottom, where the builder measures it
    top_faces: int = 0  # the solid's first top_faces faces are its top surface (0: not known)


def check_solid(solid: Solid) -> SolidCheck:
    """Raise :class:`GeometryError` unless ``solid`` is closed, consistently wound and of
    positive volume (an inside-out mesh is watertight with negative volume).
    """
    from orthofit.model.meshcheck import check_edges, triangle_checks

    faces = np.asarray(solid.faces)
    repeated = (faces[:, 0] == faces[:, 1]) | (faces[:, 1] == faces[:, 2]) | (faces[:, 0] == faces[:, 2])
    edges = check_edges(faces, len(solid.vertices))
    _, volume = triangle_checks(np.asarray(solid.vertices, dtype=float), faces)
    watertight = edges.watertight and not repeated.any()
    result = SolidCheck(bool(watertight), bool(edges.consistent), float(volume) if watertight else float("nan"))
    if not (result.watertight and result.winding_consistent and result.volume_mm3 > 0):
        raise GeometryError(
            f"the insole mesh is not a valid solid (watertight={result.watertight}, "
            f"winding consistent={result.winding_consistent}, volume={result.volume_mm3:.1f} "
            "mm³); nothing was written"
        )
    return result


def vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Unit normals at the vertices of a surface mesh, each the area-weighted mean of its
    faces' normals ((n, 3); faces wound counter-clockwise seen from the side they point to).
    """
    v = vertices[faces]
    fn = np.cross(v[:, 1] - v[:, 0], v[:, 2] - v[:, 0])  # length = 2 x area: area weighting
    out = np.zeros_like(vertices)
    for k in range(3):
        np.add.at(out, faces[:, k], fn)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def extrude_shell(
    outline: Polygon,
    surfaces: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]],
    thickness_mm: float,
    edge_mm: float,
    border_edge_mm: float | None = None,
    border_depth_mm: float = 0.0,
    zones: Sequence[tuple[Polygon, float]] = (),
) -> tuple[Solid, SolidCheck]:
    """A shell of uniform thickness under a height field, with an optional solid post.

    The bottom is the top moved ``thickness_mm`` along the top's vertex normals, so the shell
    is that thick square to its surface wherever it curves gently (radius well above the
    thickness), as a shell formed from a sheet is. Where ``post`` weighs 1 the bottom drops
    straight down to ``post_bottom`` instead (a rearfoot post filling the space to a footbed).

    Parameters
    ----------
    surfaces : callable
        (n, 2) points -> (top (n,), post_bottom (n,), post (n,) in [0, 1]), mm.
    thickness_mm : float
        The shell's thickness, mm (> 0).
    """
    if not thickness_mm > 0:
        raise GeometryError(f"the shell thickness must be positive, not {thickness_mm}")
    pts, tri, n_ring = triangulate_outline(outline, edge_mm, border_edge_mm, border_depth_mm, zones)
    zt, post_bottom, post = (np.asarray(a, dtype=float) for a in surfaces(pts))
    if not (np.isfinite(zt).all() and np.isfinite(post_bottom).all()):
        raise GeometryError("a surface of the solid is not finite")
    top = np.column_stack([pts, zt])
    offset = top - thickness_mm * vertex_normals(top, tri)
    straight = np.column_stack([pts, np.minimum(post_bottom, offset[:, 2])])
    bottom = offset + post[:, None] * (straight - offset)
    solid = _closed(top, bottom, tri, n_ring)
    check = check_solid(solid)
    return solid, SolidCheck(check.watertight, check.winding_consistent, check.volume_mm3, thickness_mm, len(tri))
