"""Measuring a lattice insole back from its mesh: the fill fraction in a box (the mesh cut by
the box with manifold3d, exact), and where to put a box in each stiffness zone."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon, box

from orthofit.geometry import lattice as lat


def manifold(vertices: np.ndarray, faces: np.ndarray):
    import manifold3d as m3d

    mesh = m3d.Mesh(vert_properties=np.asarray(vertices, np.float32), tri_verts=np.asarray(faces, np.uint32))
    body = m3d.Manifold(mesh)
    assert body.status() == m3d.Error.NoError, body.status()
    return body


def fill_fraction(body, lo: np.ndarray, hi: np.ndarray) -> float:
    """The volume fraction of ``body`` (a manifold3d Manifold) inside the box lo..hi (mm)."""
    import manifold3d as m3d

    cube = m3d.Manifold.cube(tuple(float(x) for x in hi - lo)).translate(tuple(float(x) for x in lo))
    return (body ^ cube).volume() / cube.volume()


def ideal_fill(rho: float, cell_mm: float, lo: np.ndarray, hi: np.ndarray, step_mm: float = 0.05) -> float:
    """The designed gyroid's fill in the same box at a constant relative density ``rho``,
    sampled every ``step_mm``: equal to ``rho`` when the box spans whole cells in x and y
    and a whole number of quarter cells in z (the gyroid's slices repeat every quarter cell)."""
    if rho >= lat.SOLID_DENSITY:
        return 1.0  # a zone prescribed solid
    t = float(lat.threshold(rho))
    k = 2 * np.pi / cell_mm
    x, y, z = (np.arange(a + step_mm / 2, b, step_mm) for a, b in zip(lo, hi, strict=True))
    g = (
        np.sin(k * x)[:, None, None] * np.cos(k * y)[None, :, None]
        + np.sin(k * y)[None, :, None] * np.cos(k * z)[None, None, :]
        + np.sin(k * z)[None, None, :] * np.cos(k * x)[:, None, None]
    )
    return float((g > t).mean())


@dataclass(frozen=True)
class ZoneBox:
    zone: str
    lo: np.ndarray  # (3,) mm
    hi: np.ndarray
    quarter_cells: int  # the box's height in quarter cells (0: thinner than a quarter cell)


def zone_box(
    ring: np.ndarray,
    later: list[np.ndarray],
    outline: Polygon,
    xy: np.ndarray,
    top: np.ndarray,
    bottom: np.ndarray,
    spec: lat.LatticeSpec,
    name: str,
) -> ZoneBox | None:
    """A box one cell square in the core of the zone ``ring`` (k, 2): away from its border and
    from the ``later`` zones' rings (which win over it) by the density's blend (half a cell), inside
    the rim, and 0.5 mm clear of the underside and of the top skin over the whole square (the
    mesh's corners where the lattice meets them are not the lattice's density); the tallest
    such box on a 2 mm grid of places, None if none is 1 mm tall."""
    a = spec.cell_mm
    blend = a / 2  # twice the blur's sigma (a quarter cell): the density is the zone's there
    core = Polygon(ring).buffer(-blend).intersection(outline.buffer(-(spec.rim_mm + 1.0)))
    for other in later:
        core = core.difference(Polygon(other).buffer(blend))
    if core.is_empty:
        return None
    best = None
    x0, y0, x1, y1 = core.bounds
    for cx in np.arange(x0, x1 - a, 2.0):
        for cy in np.arange(y0, y1 - a, 2.0):
            square = box(cx, cy, cx + a, cy + a)
            if not core.contains(square):
                continue
            inside = shapely.contains_xy(square.buffer(1.0), xy[:, 0], xy[:, 1])
            if not inside.any():
                continue
            z0 = float(bottom[inside].max()) + 0.5
            z1 = float(top[inside].min()) - spec.skin_mm - 0.5
            if z1 - z0 >= 1.0 and (best is None or z1 - z0 > best[1] - best[0]):
                best = (z0, z1, cx, cy)
    if best is None:
        return None
    z0, z1, cx, cy = best
    q = int((z1 - z0) // (a / 4))
    if q:
        z1 = z0 + q * a / 4
    return ZoneBox(name, np.array([cx, cy, z0]), np.array([cx + a, cy + a, z1]), q)
