"""Medial and lateral flanges: raised edges along the midfoot."""

from __future__ import annotations

import numpy as np

from orthofit.config.params import InsoleParams
from orthofit.geometry.features.protocol import EdgeNeed, InsoleFeature
from orthofit.geometry.field import FeatureRefinement, SurfaceContext, SurfacePoints, smoothstep

#: Flanges run along the midfoot between these fractions of foot length, fading at both ends [D].
FLANGE_FROM, FLANGE_TO = 0.22, 0.68


class Flanges(InsoleFeature):
    name = "flanges"
    purpose_keys = ("lateral",)

    def is_active(self, p: InsoleParams) -> bool:
        return p.medial_flange_mm > 0 or p.lateral_flange_mm > 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        c: dict[str, np.ndarray] = {}
        fx = pts.fx
        midfoot = smoothstep(FLANGE_FROM, FLANGE_FROM + 0.08, fx) * smoothstep(FLANGE_TO, FLANGE_TO - 0.08, fx)
        if p.medial_flange_mm > 0:
            c["medial_flange"] = p.medial_flange_mm * smoothstep(p.flange_width_mm, 0.0, pts.t_med) * midfoot
        if p.lateral_flange_mm > 0:
            c["lateral_flange"] = p.lateral_flange_mm * smoothstep(p.flange_width_mm, 0.0, pts.t_lat) * midfoot
        return c

    def refinement(self, ctx: SurfaceContext, p: InsoleParams, need: EdgeNeed) -> FeatureRefinement:
        # Curvature of a smoothstep of height H over w: 6 H / w².
        flange = max(p.medial_flange_mm, p.lateral_flange_mm)
        if flange <= 0:
            return FeatureRefinement()
        return FeatureRefinement(6.0 * flange / p.flange_width_mm**2, p.flange_width_mm)

    def purposes(self, p: InsoleParams) -> tuple[str, ...]:
        return ("lateral",) if p.lateral_flange_mm > 0 else ()


FEATURE = Flanges()
