"""The heel cup: a wall rising to ``heel_cup_depth_mm`` around the heel seat."""

from __future__ import annotations

import numpy as np

from orthofit.config.params import InsoleParams
from orthofit.geometry.features.protocol import EdgeNeed, InsoleFeature
from orthofit.geometry.field import FeatureRefinement, SurfaceContext, SurfacePoints, smoothstep

#: The heel cup fades out along the medial and lateral borders between these fractions [D].
CUP_FULL = 0.22
CUP_END = 0.40


class HeelCup(InsoleFeature):
    name = "heel_cup"

    def is_active(self, p: InsoleParams) -> bool:
        return p.heel_cup_depth_mm > 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        if not self.is_active(p):
            return {}
        wall = np.clip(1.0 - pts.d_edge / p.heel_cup_wall_width_mm, 0.0, 1.0) ** 2
        return {"heel_cup": p.heel_cup_depth_mm * wall * smoothstep(CUP_END, CUP_FULL, pts.fx)}

    def refinement(self, ctx: SurfaceContext, p: InsoleParams, need: EdgeNeed) -> FeatureRefinement:
        # Curvature of the wall D (1 - d/W)²: 2 D / W².
        if not self.is_active(p):
            return FeatureRefinement()
        return FeatureRefinement(2.0 * p.heel_cup_depth_mm / p.heel_cup_wall_width_mm**2, p.heel_cup_wall_width_mm)


FEATURE = HeelCup()
