"""The medial arch support: a raised cosine along the foot, faded in from the medial border."""

from __future__ import annotations

import numpy as np
from shapely.geometry import box

from orthofit.config.params import InsoleParams
from orthofit.geometry.features.protocol import EdgeNeed, InsoleFeature
from orthofit.geometry.field import (
    HALF_COSINE_CURVATURE,
    FeatureRefinement,
    RefineZone,
    SurfaceContext,
    SurfacePoints,
    raised_cosine,
    smoothstep,
)


def arch_shape(fx: np.ndarray, t_med: np.ndarray, p: InsoleParams) -> np.ndarray:
    """The medial arch support's shape, 1 at its apex: a raised cosine along the foot (``fx``,
    fraction of foot length) times a fade in from the medial border (``t_med``, mm).
    """
    along = raised_cosine(fx, p.arch_apex_pct / 100.0, p.arch_length_pct / 200.0)
    plateau = p.arch_width_mm - p.arch_blend_mm
    across = smoothstep(p.arch_width_mm, plateau, t_med) if p.arch_blend_mm > 0 else (t_med <= plateau) * 1.0
    return along * across


class Arch(InsoleFeature):
    name = "arch"
    purpose_keys = ("arch",)

    def is_active(self, p: InsoleParams) -> bool:
        return p.arch_height_mm > 0 or p.arch_fill_mm > 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        if p.arch_height_mm <= 0:
            return {}
        return {"arch": p.arch_height_mm * arch_shape(pts.fx, pts.t_med, p)}

    def refinement(self, ctx: SurfaceContext, p: InsoleParams, need: EdgeNeed) -> FeatureRefinement:
        if p.arch_height_mm <= 0:
            return FeatureRefinement()
        fl = ctx.foot.foot_length_mm
        half = p.arch_length_pct / 200.0 * fl
        curv = p.arch_height_mm * HALF_COSINE_CURVATURE / half**2
        if p.arch_blend_mm > 0:
            curv = max(curv, 6.0 * p.arch_height_mm / p.arch_blend_mm**2)  # smoothstep of H over w: 6 H / w²
        e = need(curv)
        if not e:
            return FeatureRefinement()
        x0 = p.arch_apex_pct / 100.0 * fl - half
        m = (ctx.border_x >= x0) & (ctx.border_x <= x0 + 2 * half)
        lo, hi = ctx.border_medial[m].min(), ctx.border_medial[m].max()
        region = ctx.outline.intersection(box(x0, lo - p.arch_width_mm - 1.0, x0 + 2 * half, hi + 1.0))
        return FeatureRefinement(zones=(RefineZone(region, e, broad=True),))

    def purposes(self, p: InsoleParams) -> tuple[str, ...]:
        return ("arch",) if self.is_active(p) else ()


FEATURE = Arch()
