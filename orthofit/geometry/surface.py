"""The insole's top surface as a height field z = f(x, y) over its outline (right-foot frame).

Each feature (:mod:`orthofit.geometry.features`) contributes named components (mm above the
floor at each point); the top is their sum, in the registry's order. Where a feature sits
along the foot is a fraction of foot length or a landmark (:mod:`orthofit.geometry.outline`),
marked [D] where it is a design choice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from shapely.geometry import Polygon

from orthofit.config.params import InsoleParams
from orthofit.geometry.features import FEATURES
from orthofit.geometry.field import REAR_END, REAR_FULL, SurfaceContext, SurfacePoints

__all__ = [
    "REAR_END",
    "REAR_FULL",
    "Refinement",
    "SurfaceContext",
    "height_components",
    "need_edge",
    "refinement",
    "top_height",
]


def height_components(xy: np.ndarray, ctx: SurfaceContext, p: InsoleParams) -> dict[str, np.ndarray]:
    """Each feature's contribution to the top height at the points ``xy``.

    Parameters
    ----------
    xy : (n, 2) float
        Points inside the outline, right-foot frame, mm.

    Returns
    -------
    dict of str -> (n,) float
        mm; the top surface is the sum. Zero-valued features are left out.
    """
    pts = SurfacePoints.at(xy, ctx)
    c: dict[str, np.ndarray] = {}
    for feature in FEATURES:
        c.update(feature.heights(pts, p))
    return c


def top_height(xy: np.ndarray, ctx: SurfaceContext, p: InsoleParams) -> np.ndarray:
    """Height of the top surface at ``xy`` (n, 2), mm."""
    return np.sum(list(height_components(xy, ctx, p).values()), axis=0)


def need_edge(curv: float, edge_mm: float, tolerance_mm: float) -> float | None:
    """The edge length a surface of curvature ``curv`` (1/mm) needs to stay within
    ``tolerance_mm`` (linear triangles of size h miss it by about curv h² / 8), or None when
    ``edge_mm`` already does.
    """
    if curv <= 0:
        return None
    h = float(np.sqrt(8.0 * tolerance_mm / curv))
    return max(h, 0.15) if h < edge_mm else None


@dataclass(frozen=True)
class Refinement:
    """Where the mesh must be finer than its base edge length to follow steep features."""

    border_edge_mm: float | None = None
    border_depth_mm: float = 0.0
    zones: tuple[tuple[Polygon, float], ...] = ()


def refinement(ctx: SurfaceContext, p: InsoleParams, edge_mm: float, tolerance_mm: float) -> Refinement:
    """The finer edge lengths steep features need to stay within ``tolerance_mm`` of design.

    Linear triangles of size h miss a surface of curvature z'' by about z'' h² / 8, so a
    feature needs h = sqrt(8 tol / z''). Each feature gives the curvature of its steepest
    part (see its module); features along the border (a heel-cup wall, a flange) share one
    fine strip along the outline, as steep as the steepest of them; local zones (a pad, a
    recess) are meshed before broad ones (a whole arch).
    """

    def need(curv: float) -> float | None:
        return need_edge(curv, edge_mm, tolerance_mm)

    parts = [feature.refinement(ctx, p, need) for feature in FEATURES]
    border_curv = max((r.border_curvature for r in parts), default=0.0)
    border_depth = max((r.border_depth_mm for r in parts), default=0.0)
    border_edge = need(border_curv)
    found = [z for r in parts for z in r.zones]
    ordered = [z for z in found if not z.broad] + [z for z in found if z.broad]
    # Grow each zone by one base edge so the change from fine to coarse happens where the
    # feature is already flat. Zones stop about two edges short of the outline, so a steep
    # feature that runs to the edge (a met bar, an arch blended over a few mm) keeps a coarse
    # strip there: see the benchmark for its figures.
    zones = tuple((z.region.buffer(edge_mm).intersection(ctx.outline), z.edge_mm) for z in ordered)
    return Refinement(border_edge, border_depth if border_edge else 0.0, zones)
