"""Metatarsal pad and metatarsal bar, proximal to the metatarsal heads."""

from __future__ import annotations

import numpy as np
from shapely import affinity
from shapely.geometry import LineString, Point

from orthofit.config.params import InsoleParams
from orthofit.geometry.features.protocol import EdgeNeed, InsoleFeature
from orthofit.geometry.field import (
    HALF_COSINE_CURVATURE,
    FeatureRefinement,
    RefineZone,
    SurfaceContext,
    SurfacePoints,
    ZoneSpot,
    raised_cosine,
)
from orthofit.geometry.outline import FootDimensions, Landmarks

#: Metatarsal heads 2-4: this far along the line MTH1 -> MTH5 [D].
MTH24_FRACTION = 0.45
#: Radius of the offloaded disc under metatarsal heads 2-4, mm [D] (about the heads' spread).
MET_OFFLOAD_RADIUS_MM = 14.0


def _head_line_normal(ctx: SurfaceContext) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """MTH1, MTH5 (mm) and the unit normal of the line of metatarsal heads pointing toward the toes."""
    a = np.array([ctx.marks.mth1_x_mm, ctx.marks.mth1_y_mm])
    b = np.array([ctx.marks.mth5_x_mm, ctx.marks.mth5_y_mm])
    n = np.array([b[1] - a[1], a[0] - b[0]])
    return a, b, n / np.linalg.norm(n) * np.sign(n[0] or 1.0)


def _heads(foot: FootDimensions, marks: Landmarks, p: InsoleParams) -> tuple[float, float]:
    """Metatarsal heads 2-4 (mm): on the line MTH1-MTH5, moved along the foot to where a walking
    recording measured them (``met_pad_at_pct``) when it did.
    """
    mx, my = marks.mth_line_point(MTH24_FRACTION)
    if p.met_pad_at_pct > 0:
        mx = p.met_pad_at_pct / 100.0 * foot.foot_length_mm
    return mx, my


class Metatarsal(InsoleFeature):
    name = "metatarsal"
    purpose_keys = ("met_pad",)

    def is_active(self, p: InsoleParams) -> bool:
        return p.met_pad_height_mm > 0 or p.met_bar_height_mm > 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        c: dict[str, np.ndarray] = {}
        x, y = pts.x, pts.y
        mx, my = _heads(pts.ctx.foot, pts.ctx.marks, p)
        if p.met_pad_height_mm > 0:
            cx = mx - p.met_pad_offset_mm - p.met_pad_length_mm / 2.0
            r = np.hypot((x - cx) / (p.met_pad_length_mm / 2.0), (y - my) / (p.met_pad_width_mm / 2.0))
            c["met_pad"] = p.met_pad_height_mm * raised_cosine(r, 0.0, 1.0)
        if p.met_bar_height_mm > 0:
            # A bar parallel to the line of metatarsal heads, proximal to it by the pad offset.
            ax, ay = pts.ctx.marks.mth1_x_mm, pts.ctx.marks.mth1_y_mm
            bx, by = pts.ctx.marks.mth5_x_mm, pts.ctx.marks.mth5_y_mm
            n = np.array([by - ay, ax - bx])
            n = n / np.linalg.norm(n) * np.sign(n[0] or 1.0)  # unit normal pointing toward the toes
            dist = (x - ax) * n[0] + (y - ay) * n[1]  # + in front of the head line
            centre = -(p.met_pad_offset_mm + p.met_bar_length_mm / 2.0)
            c["met_bar"] = p.met_bar_height_mm * raised_cosine(dist, centre, p.met_bar_length_mm / 2.0)
        return c

    def refinement(self, ctx: SurfaceContext, p: InsoleParams, need: EdgeNeed) -> FeatureRefinement:
        zones = []
        mx, my = _heads(ctx.foot, ctx.marks, p)
        if p.met_pad_height_mm > 0:
            r = min(p.met_pad_length_mm, p.met_pad_width_mm) / 2.0
            e = need(p.met_pad_height_mm * HALF_COSINE_CURVATURE / r**2)
            if e:
                cx = mx - p.met_pad_offset_mm - p.met_pad_length_mm / 2.0
                zones.append(
                    RefineZone(
                        affinity.scale(
                            Point(cx, my).buffer(1.0, 32), p.met_pad_length_mm / 2.0, p.met_pad_width_mm / 2.0
                        ),
                        e,
                    )
                )
        if p.met_bar_height_mm > 0:
            e = need(p.met_bar_height_mm * HALF_COSINE_CURVATURE / (p.met_bar_length_mm / 2.0) ** 2)
            if e:
                a, b, n = _head_line_normal(ctx)
                shift = -(p.met_pad_offset_mm + p.met_bar_length_mm / 2.0) * n
                d = (a - b) / np.linalg.norm(a - b)
                line = LineString([b + shift - 200 * d, a + shift + 200 * d])
                zones.append(
                    RefineZone(line.buffer(p.met_bar_length_mm / 2.0, cap_style="flat").intersection(ctx.outline), e)
                )
        return FeatureRefinement(zones=tuple(zones))

    def zone_spots(self, foot: FootDimensions, marks: Landmarks, p: InsoleParams) -> tuple[ZoneSpot, ...]:
        if not self.is_active(p):
            return ()
        mx, my = _heads(foot, marks, p)
        return (
            ZoneSpot(
                "metatarsal heads 2-4 offload",
                p.infill_offload_pct,
                p.infill_forefoot_pct,
                (mx, my),
                MET_OFFLOAD_RADIUS_MM,
            ),
        )

    def purposes(self, p: InsoleParams) -> tuple[str, ...]:
        return ("met_pad",) if self.is_active(p) else ()


FEATURE = Metatarsal()
