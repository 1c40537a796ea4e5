"""The insole's top surface as a height field z = f(x, y) over its outline (right-foot frame).

Each feature is one named component (mm above the floor contributed at each point); the top
is their sum. Every component is smooth (raised cosines and smoothsteps), so a 1.5 mm mesh
follows it to well under 0.1 mm. Where a feature sits along the foot is a fraction of foot
length or a landmark (:mod:`orthofit.geometry.outline`), marked [D] where it is a design choice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import LineString, Point, Polygon, box

from orthofit.geometry.outline import FootDimensions, Landmarks, landmarks
from orthofit.config.params import InsoleParams

#: Heel seat and rearfoot regions along the foot, fractions of foot length [D]:
#: features of the rearfoot act fully up to REAR_FULL and fade out by REAR_END.
REAR_FULL = 0.25
REAR_END = 0.42
#: The heel cup fades out along the medial and lateral borders between these fractions [D].
CUP_FULL = 0.22
CUP_END = 0.40
#: Flanges run along the midfoot between these fractions, fading at both ends [D].
FLANGE_FROM, FLANGE_TO = 0.22, 0.68
#: Lateral arch support (under the cuboid) centre and half-length, fractions [D].
LATERAL_ARCH_AT, LATERAL_ARCH_HALF = 0.45, 0.14
LATERAL_ARCH_WIDTH_MM = 25.0
#: Heel-spur relief centre: under the medial calcaneal tubercle [D].
SPUR_AT = 0.13
SPUR_MEDIAL_OF_CENTRE = 0.10   # fraction of heel width
#: Metatarsal heads 2-4: this far along the line MTH1 -> MTH5 [D].
MTH24_FRACTION = 0.45
_BORDER_STEP_MM = 0.25


@dataclass(frozen=True)
class SurfaceContext:
    """What the height field needs besides the parameters, precomputed once per insole."""

    outline: Polygon
    foot: FootDimensions
    marks: Landmarks
    border_x: np.ndarray      # (k,) x samples of the outline, mm
    border_medial: np.ndarray  # (k,) medial border y at border_x
    border_lateral: np.ndarray  # (k,) lateral border y at border_x
    boundary: np.ndarray       # (k, 2) dense samples along the outline, in order
    boundary_tree: object      # scipy cKDTree of ``boundary``

    @classmethod
    def build(cls, outline: Polygon, foot: FootDimensions) -> "SurfaceContext":
        from scipy.spatial import cKDTree

        x0, _, x1, _ = outline.bounds
        xs = np.linspace(x0 + 1e-6, x1 - 1e-6, max(int((x1 - x0) / 0.5), 8))
        lines = shapely.linestrings(np.stack([np.stack([xs, np.full_like(xs, -1e3)], 1),
                                              np.stack([xs, np.full_like(xs, 1e3)], 1)], 1))
        b = shapely.bounds(shapely.intersection(lines, outline))
        ok = np.isfinite(b[:, 1])
        ring = np.asarray(shapely.segmentize(outline.exterior, _BORDER_STEP_MM).coords)[:-1]
        return cls(outline, foot, landmarks(foot), xs[ok], b[ok, 3], b[ok, 1], ring, cKDTree(ring))

    def distance_to_edge(self, xy: np.ndarray) -> np.ndarray:
        """Exact distance (mm) from each point to the outline.

        The nearest sample only picks the two segments next to it; the distance to those is
        exact. Distance to the nearest sample alone is off by up to half the sample spacing,
        which a steep heel-cup wall turns into millimetres of height.
        """
        k = len(self.boundary)
        i = self.boundary_tree.query(xy)[1]
        best = np.full(len(xy), np.inf)
        for a_idx, b_idx in (((i - 1) % k, i), (i, (i + 1) % k)):
            a, b = self.boundary[a_idx], self.boundary[b_idx]
            ab = b - a
            t = np.clip(np.einsum("ij,ij->i", xy - a, ab) / np.einsum("ij,ij->i", ab, ab), 0.0, 1.0)
            best = np.minimum(best, np.linalg.norm(xy - (a + t[:, None] * ab), axis=1))
        return best


def _smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    """0 below e0, 1 above e1, C1-smooth between (e1 < e0 reverses it)."""
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _raised_cosine(x: np.ndarray, centre: float, half: float) -> np.ndarray:
    """1 at centre, falling smoothly to 0 at centre +- half."""
    u = np.clip(np.abs(x - centre) / half, 0.0, 1.0)
    return 0.5 * (1.0 + np.cos(np.pi * u))


def _extent(ctx: SurfaceContext, x0: float, x1: float) -> tuple[float, float]:
    """Most lateral and most medial border y between x0 and x1."""
    m = (ctx.border_x >= x0) & (ctx.border_x <= x1)
    return float(ctx.border_lateral[m].min()), float(ctx.border_medial[m].max())


def arch_shape(fx: np.ndarray, t_med: np.ndarray, p: InsoleParams) -> np.ndarray:
    """The medial arch support's shape, 1 at its apex: a raised cosine along the foot (``fx``,
    fraction of foot length) times a fade in from the medial border (``t_med``, mm)."""
    along = _raised_cosine(fx, p.arch_apex_pct / 100.0, p.arch_length_pct / 200.0)
    plateau = p.arch_width_mm - p.arch_blend_mm
    across = _smoothstep(p.arch_width_mm, plateau, t_med) if p.arch_blend_mm > 0 else (t_med <= plateau) * 1.0
    return along * across


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
    x, y = xy[:, 0], xy[:, 1]
    fl = ctx.foot.foot_length_mm
    h = ctx.foot.heel_width_mm
    fx = x / fl
    y_med = np.interp(x, ctx.border_x, ctx.border_medial)
    y_lat = np.interp(x, ctx.border_x, ctx.border_lateral)
    t_med = np.maximum(y_med - y, 0.0)          # distance in from the medial border
    t_lat = np.maximum(y - y_lat, 0.0)          # distance in from the lateral border
    d_edge = ctx.distance_to_edge(xy)
    rear = _smoothstep(REAR_END, REAR_FULL, fx)  # 1 in the rearfoot, 0 ahead of it
    ball_x = ctx.marks.mth5_x_mm
    c: dict[str, np.ndarray] = {}

    # Base: rearfoot thickness tapering to forefoot thickness between heel and ball.
    taper = _smoothstep(REAR_FULL * fl, ball_x - 10.0, x)
    c["base"] = p.base_thickness_rearfoot_mm + (p.base_thickness_forefoot_mm - p.base_thickness_rearfoot_mm) * taper

    if p.heel_cup_depth_mm > 0:
        wall = np.clip(1.0 - d_edge / p.heel_cup_wall_width_mm, 0.0, 1.0) ** 2
        c["heel_cup"] = p.heel_cup_depth_mm * wall * _smoothstep(CUP_END, CUP_FULL, fx)

    if p.arch_height_mm > 0:
        c["arch"] = p.arch_height_mm * arch_shape(fx, t_med, p)

    if p.lateral_arch_height_mm > 0:
        along = _raised_cosine(fx, LATERAL_ARCH_AT, LATERAL_ARCH_HALF)
        c["lateral_arch"] = p.lateral_arch_height_mm * along * _smoothstep(LATERAL_ARCH_WIDTH_MM, 0.0, t_lat)

    mx, my = ctx.marks.mth_line_point(MTH24_FRACTION)
    if p.met_pad_height_mm > 0:
        cx = mx - p.met_pad_offset_mm - p.met_pad_length_mm / 2.0
        r = np.hypot((x - cx) / (p.met_pad_length_mm / 2.0), (y - my) / (p.met_pad_width_mm / 2.0))
        c["met_pad"] = p.met_pad_height_mm * _raised_cosine(r, 0.0, 1.0)

    if p.met_bar_height_mm > 0:
        # A bar parallel to the line of metatarsal heads, proximal to it by the pad offset.
        ax, ay = ctx.marks.mth1_x_mm, ctx.marks.mth1_y_mm
        bx, by = ctx.marks.mth5_x_mm, ctx.marks.mth5_y_mm
        n = np.array([by - ay, ax - bx])
        n = n / np.linalg.norm(n) * np.sign(n[0] or 1.0)     # unit normal pointing toward the toes
        dist = (x - ax) * n[0] + (y - ay) * n[1]               # + in front of the head line
        centre = -(p.met_pad_offset_mm + p.met_bar_length_mm / 2.0)
        c["met_bar"] = p.met_bar_height_mm * _raised_cosine(dist, centre, p.met_bar_length_mm / 2.0)

    # Posts are planar wedges: the rise is measured from one straight line per region (its
    # widest lateral or medial border), not from the local border, so the tilt is a plane.
    rear_lat, rear_med = _extent(ctx, 0.0, REAR_END * fl)
    if p.rearfoot_post_deg != 0:
        slope = np.tan(np.radians(abs(p.rearfoot_post_deg)))
        rise = (y - rear_lat) if p.rearfoot_post_deg > 0 else (rear_med - y)
        c["rearfoot_post"] = slope * np.maximum(rise, 0.0) * rear

    if p.forefoot_post_deg != 0:
        fore_lat, fore_med = _extent(ctx, ball_x - 0.12 * fl, np.inf)
        slope = np.tan(np.radians(abs(p.forefoot_post_deg)))
        rise = (y - fore_lat) if p.forefoot_post_deg > 0 else (fore_med - y)
        fore = _smoothstep(ball_x - 0.12 * fl, ball_x - 0.02 * fl, x)
        c["forefoot_post"] = slope * np.maximum(rise, 0.0) * fore

    if p.medial_heel_skive_mm > 0:
        # Kirby skive: a varus wedge under the medial half of the heel seat, rising smoothly
        # from the heel's midline to its full depth at the medial border.
        centre = 0.5 * (rear_med + rear_lat)
        ramp = _smoothstep(centre, rear_med, y)
        c["medial_heel_skive"] = p.medial_heel_skive_mm * ramp * rear

    if p.heel_lift_mm > 0:
        c["heel_lift"] = p.heel_lift_mm * _smoothstep(ball_x, REAR_FULL * fl, x)

    if p.heel_cushion_mm > 0:
        c["heel_cushion"] = p.heel_cushion_mm * rear

    if p.heel_spur_relief_mm > 0:
        r = np.hypot(x - SPUR_AT * fl, y - SPUR_MEDIAL_OF_CENTRE * h) / (p.heel_spur_relief_diameter_mm / 2.0)
        c["heel_spur_relief"] = -p.heel_spur_relief_mm * _raised_cosine(r, 0.0, 1.0)

    midfoot = _smoothstep(FLANGE_FROM, FLANGE_FROM + 0.08, fx) * _smoothstep(FLANGE_TO, FLANGE_TO - 0.08, fx)
    if p.medial_flange_mm > 0:
        c["medial_flange"] = p.medial_flange_mm * _smoothstep(p.flange_width_mm, 0.0, t_med) * midfoot
    if p.lateral_flange_mm > 0:
        c["lateral_flange"] = p.lateral_flange_mm * _smoothstep(p.flange_width_mm, 0.0, t_lat) * midfoot
    return c


def top_height(xy: np.ndarray, ctx: SurfaceContext, p: InsoleParams) -> np.ndarray:
    """Height of the top surface at ``xy`` (n, 2), mm."""
    return np.sum(list(height_components(xy, ctx, p).values()), axis=0)


@dataclass(frozen=True)
class Refinement:
    """Where the mesh must be finer than its base edge length to follow steep features."""

    border_edge_mm: float | None = None
    border_depth_mm: float = 0.0
    zones: tuple[tuple[Polygon, float], ...] = ()


def refinement(ctx: SurfaceContext, p: InsoleParams, edge_mm: float, tolerance_mm: float) -> Refinement:
    """The finer edge lengths steep features need to stay within ``tolerance_mm`` of design.

    Linear triangles of size h miss a surface of curvature z'' by about z'' h² / 8, so a
    feature needs h = sqrt(8 tol / z''). Curvatures: heel-cup wall D (1 - d/W)²: 2 D / W²;
    smoothstep of height H over w: 6 H / w²; raised cosine of height H and half-length l:
    H pi² / (2 l²).
    """
    def need(curv: float) -> float | None:
        if curv <= 0:
            return None
        h = float(np.sqrt(8.0 * tolerance_mm / curv))
        return max(h, 0.15) if h < edge_mm else None

    fl = ctx.foot.foot_length_mm
    border_curv, border_depth = 0.0, 0.0
    if p.heel_cup_depth_mm > 0:
        border_curv, border_depth = 2.0 * p.heel_cup_depth_mm / p.heel_cup_wall_width_mm ** 2, p.heel_cup_wall_width_mm
    flange = max(p.medial_flange_mm, p.lateral_flange_mm)
    if flange > 0:
        border_curv = max(border_curv, 6.0 * flange / p.flange_width_mm ** 2)
        border_depth = max(border_depth, p.flange_width_mm)
    border_edge = need(border_curv)

    zones: list[tuple[Polygon, float]] = []
    half_cos = np.pi ** 2 / 2.0
    mx, my = ctx.marks.mth_line_point(MTH24_FRACTION)
    if p.met_pad_height_mm > 0:
        r = min(p.met_pad_length_mm, p.met_pad_width_mm) / 2.0
        e = need(p.met_pad_height_mm * half_cos / r ** 2)
        if e:
            cx = mx - p.met_pad_offset_mm - p.met_pad_length_mm / 2.0
            zones.append((affinity.scale(Point(cx, my).buffer(1.0, 32), p.met_pad_length_mm / 2.0,
                                         p.met_pad_width_mm / 2.0), e))
    if p.met_bar_height_mm > 0:
        e = need(p.met_bar_height_mm * half_cos / (p.met_bar_length_mm / 2.0) ** 2)
        if e:
            a = np.array([ctx.marks.mth1_x_mm, ctx.marks.mth1_y_mm])
            b = np.array([ctx.marks.mth5_x_mm, ctx.marks.mth5_y_mm])
            n = np.array([b[1] - a[1], a[0] - b[0]])
            n = n / np.linalg.norm(n) * np.sign(n[0] or 1.0)
            shift = -(p.met_pad_offset_mm + p.met_bar_length_mm / 2.0) * n
            d = (a - b) / np.linalg.norm(a - b)
            line = LineString([b + shift - 200 * d, a + shift + 200 * d])
            zones.append((line.buffer(p.met_bar_length_mm / 2.0, cap_style="flat").intersection(ctx.outline), e))
    if p.heel_spur_relief_mm > 0:
        r = p.heel_spur_relief_diameter_mm / 2.0
        e = need(p.heel_spur_relief_mm * half_cos / r ** 2)
        if e:
            zones.append((Point(SPUR_AT * fl, SPUR_MEDIAL_OF_CENTRE * ctx.foot.heel_width_mm).buffer(r, 32), e))
    if p.arch_height_mm > 0:
        half = p.arch_length_pct / 200.0 * fl
        curv = p.arch_height_mm * half_cos / half ** 2
        if p.arch_blend_mm > 0:
            curv = max(curv, 6.0 * p.arch_height_mm / p.arch_blend_mm ** 2)
        e = need(curv)
        if e:
            x0 = p.arch_apex_pct / 100.0 * fl - half
            m = (ctx.border_x >= x0) & (ctx.border_x <= x0 + 2 * half)
            lo, hi = ctx.border_medial[m].min(), ctx.border_medial[m].max()
            zones.append((ctx.outline.intersection(box(x0, lo - p.arch_width_mm - 1.0, x0 + 2 * half, hi + 1.0)), e))
    # Grow each zone by one base edge so the change from fine to coarse happens where the
    # feature is already flat. Zones stop about two edges short of the outline, so a steep
    # feature that runs to the edge (a met bar, an arch blended over a few mm) keeps a coarse
    # strip there: see the benchmark for its figures.
    zones = [(z.buffer(edge_mm).intersection(ctx.outline), e) for z, e in zones]
    return Refinement(border_edge, border_depth if border_edge else 0.0, tuple(zones))
