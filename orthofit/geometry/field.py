"""What every insole feature's height, refinement and zone share: the outline's context, the
per-point quantities computed once, the smooth profile functions and the result types.

The top of an insole is a height field z = f(x, y) over its outline (right-foot frame); each
feature (:mod:`orthofit.geometry.features`) adds named components to it. Every component is
smooth (raised cosines and smoothsteps), so a 1.5 mm mesh follows it to well under 0.1 mm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import Point, Polygon

from orthofit.geometry.outline import FootDimensions, Landmarks, landmarks

#: Heel seat and rearfoot regions along the foot, fractions of foot length [D]:
#: features of the rearfoot act fully up to REAR_FULL and fade out by REAR_END.
REAR_FULL = 0.25
REAR_END = 0.42
_BORDER_STEP_MM = 0.25
#: Spacing of the x samples of the medial and lateral borders, mm (they are interpolated).
_BORDER_X_STEP_MM = 1.0


@dataclass(frozen=True)
class SurfaceContext:
    """What the height field needs besides the parameters, precomputed once per insole."""

    outline: Polygon
    foot: FootDimensions
    marks: Landmarks
    border_x: np.ndarray  # (k,) x samples of the outline, mm
    border_medial: np.ndarray  # (k,) medial border y at border_x
    border_lateral: np.ndarray  # (k,) lateral border y at border_x
    boundary: np.ndarray  # (k, 2) dense samples along the outline, in order
    boundary_tree: cKDTree  # nearest-sample lookup on ``boundary``
    #: The last points asked of :meth:`distance_to_edge` and their distances: a construction
    #: asks again for the points the features just measured.
    _last: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, outline: Polygon, foot: FootDimensions) -> SurfaceContext:
        x0, _, x1, _ = outline.bounds
        xs = np.linspace(x0 + 1e-6, x1 - 1e-6, max(int((x1 - x0) / _BORDER_X_STEP_MM), 8))
        lateral, medial = border_extent(np.asarray(outline.exterior.coords), xs)
        ok = np.isfinite(lateral)
        ring = np.asarray(shapely.segmentize(outline.exterior, _BORDER_STEP_MM).coords)[:-1]
        return cls(outline, foot, landmarks(foot), xs[ok], medial[ok], lateral[ok], ring, cKDTree(ring))

    def distance_to_edge(self, xy: np.ndarray) -> np.ndarray:
        """Exact distance (mm) from each point to the outline.

        The nearest sample only picks the two segments next to it; the distance to those is
        exact. Distance to the nearest sample alone is off by up to half the sample spacing,
        which a steep heel-cup wall turns into millimetres of height.
        """
        if self._last.get("xy") is xy:
            return self._last["d"]
        k = len(self.boundary)
        i = self.boundary_tree.query(xy)[1]
        best = np.full(len(xy), np.inf)
        for a_idx, b_idx in (((i - 1) % k, i), (i, (i + 1) % k)):
            a, b = self.boundary[a_idx], self.boundary[b_idx]
            ab = b - a
            t = np.clip(np.einsum("ij,ij->i", xy - a, ab) / np.einsum("ij,ij->i", ab, ab), 0.0, 1.0)
            best = np.minimum(best, np.linalg.norm(xy - (a + t[:, None] * ab), axis=1))
        self._last.update(xy=xy, d=best)
        return best

    def extent(self, x0: float, x1: float) -> tuple[float, float]:
        """Most lateral and most medial border y between x0 and x1."""
        m = (self.border_x >= x0) & (self.border_x <= x1)
        return float(self.border_lateral[m].min()), float(self.border_medial[m].max())


def border_extent(ring: np.ndarray, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest y where each vertical line x = xs crosses the closed ring ((k, 2),
    first point repeated last), NaN where it misses: the outline's lateral and medial borders.

    The same as intersecting each line with the polygon (shapely, which took 20 ms an insole):
    for a simple ring the crossings' extremes are the intersection's bounds.
    """
    a, b = ring[:-1], ring[1:]
    lo, hi = np.minimum(a[:, 0], b[:, 0]), np.maximum(a[:, 0], b[:, 0])
    cross = (xs[:, None] >= lo[None, :]) & (xs[:, None] <= hi[None, :]) & (hi > lo)[None, :]
    dx = np.where(hi > lo, b[:, 0] - a[:, 0], 1.0)
    t = (xs[:, None] - a[None, :, 0]) / dx[None, :]
    y = a[None, :, 1] + t * (b[None, :, 1] - a[None, :, 1])
    with np.errstate(invalid="ignore"):
        lateral = np.where(cross, y, np.inf).min(axis=1)
        medial = np.where(cross, y, -np.inf).max(axis=1)
    missed = ~cross.any(axis=1)
    lateral[missed] = np.nan
    medial[missed] = np.nan
    return lateral, medial


@dataclass(frozen=True)
class SurfacePoints:
    """The per-point quantities the features' heights share, computed once per evaluation.

    All arrays are (n,) over the points ``xy`` (n, 2), right-foot frame, mm.
    """

    ctx: SurfaceContext
    x: np.ndarray
    y: np.ndarray
    fx: np.ndarray  # x as a fraction of foot length
    t_med: np.ndarray  # distance in from the medial border, mm
    t_lat: np.ndarray  # distance in from the lateral border, mm
    d_edge: np.ndarray  # distance to the outline, mm
    rear: np.ndarray  # 1 in the rearfoot, 0 ahead of it
    rear_lat: float  # most lateral border y of the rearfoot region, mm
    rear_med: float  # most medial border y of the rearfoot region, mm

    @classmethod
    def at(cls, xy: np.ndarray, ctx: SurfaceContext) -> SurfacePoints:
        x, y = xy[:, 0], xy[:, 1]
        fx = x / ctx.foot.foot_length_mm
        y_med = np.interp(x, ctx.border_x, ctx.border_medial)
        y_lat = np.interp(x, ctx.border_x, ctx.border_lateral)
        rear_lat, rear_med = ctx.extent(0.0, REAR_END * ctx.foot.foot_length_mm)
        return cls(
            ctx,
            x,
            y,
            fx,
            np.maximum(y_med - y, 0.0),
            np.maximum(y - y_lat, 0.0),
            ctx.distance_to_edge(xy),
            smoothstep(REAR_END, REAR_FULL, fx),
            rear_lat,
            rear_med,
        )

    @property
    def foot_length_mm(self) -> float:
        return self.ctx.foot.foot_length_mm

    @property
    def ball_x_mm(self) -> float:
        """X of the 5th metatarsal head: where the ball begins."""
        return self.ctx.marks.mth5_x_mm


@dataclass(frozen=True)
class RefineZone:
    """A region whose mesh edge must be at most ``edge_mm``; ``broad`` zones (a whole arch)
    are meshed after the local ones (pads, recesses).
    """

    region: Polygon
    edge_mm: float
    broad: bool = False


@dataclass(frozen=True)
class FeatureRefinement:
    """What one feature needs of the mesh: a border strip of curvature ``border_curvature``
    (1/mm) and depth ``border_depth_mm``, and local zones.
    """

    border_curvature: float = 0.0
    border_depth_mm: float = 0.0
    zones: tuple[RefineZone, ...] = ()


@dataclass(frozen=True)
class ZoneSpot:
    """A spot the 3MF prints at its own infill density: a disc (centre, radius) or, with
    ``region``, any polygon; ``around_pct`` is the density it is graded from (the zone it
    sits in), ``density_pct`` its own.
    """

    name: str
    density_pct: float
    around_pct: float
    centre_mm: tuple[float, float] = (0.0, 0.0)
    radius_mm: float = 0.0
    region: Polygon | None = None


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    """0 below e0, 1 above e1, C1-smooth between (e1 < e0 reverses it)."""
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def raised_cosine(x: np.ndarray, centre: float, half: float) -> np.ndarray:
    """1 at centre, falling smoothly to 0 at centre +- half."""
    u = np.clip(np.abs(x - centre) / half, 0.0, 1.0)
    return 0.5 * (1.0 + np.cos(np.pi * u))


#: Curvature of a raised cosine of height H and half-length l is H pi² / (2 l²): this factor.
HALF_COSINE_CURVATURE = np.pi**2 / 2.0


def dome(pts: SurfacePoints, centre: tuple[float, float], radius_mm: float) -> np.ndarray:
    """A round raised cosine: 1 at ``centre`` (x, y mm), 0 from ``radius_mm`` out ((n,) over the points)."""
    r = np.hypot(pts.x - centre[0], pts.y - centre[1]) / radius_mm
    return raised_cosine(r, 0.0, 1.0)


def dome_refinement(
    centre: tuple[float, float], height_mm: float, radius_mm: float, need: Callable[[float], float | None]
) -> FeatureRefinement:
    """The fine zone a :func:`dome` of ``height_mm`` needs (its curvature is H pi² / (2 r²)), if any."""
    e = need(height_mm * HALF_COSINE_CURVATURE / radius_mm**2)
    if not e:
        return FeatureRefinement()
    return FeatureRefinement(zones=(RefineZone(Point(centre).buffer(radius_mm, 32), e),))
