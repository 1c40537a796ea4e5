"""The heel cup: a wall rising to ``heel_cup_depth_mm`` around the heel seat."""

from __future__ import annotations

import numpy as np

from orthofit.config.params import InsoleParams
from orthofit.geometry.features.protocol import EdgeNeed, InsoleFeature
from orthofit.geometry.field import FeatureRefinement, SurfaceContext, SurfacePoints, smoothstep

#: The heel cup fades out along the medial and lateral borders between these fractions [D]:
#: it holds the heel (the rear quarter of the foot) and is gone before the arch support
#: reaches its height, so that from the side the arch reads as a dome of its own, not as a
#: ramp down from the cup's rim (issue 15).
CUP_FULL = 0.18
CUP_END = 0.32


def rim_distance(d_edge: np.ndarray, p: InsoleParams) -> np.ndarray:
    """Distance from the cup's rim, mm: a full-contact insole's rim stands ``rim_radius_mm``
    inside the outline, where its rounded lip begins (the lip rolls down from there), so the
    cup reaches its full depth; a shell's rim is its cut edge.
    """
    inset = p.rim_radius_mm if _lipped(p) else 0.0
    return np.maximum(d_edge - inset, 0.0)


def _lipped(p: InsoleParams) -> bool:
    """Whether the insole's top edge is a rounded lip (the full-contact construction)."""
    from orthofit.config.params import Construction

    return p.construction is Construction.FULL_CONTACT


class HeelCup(InsoleFeature):
    name = "heel_cup"

    def is_active(self, p: InsoleParams) -> bool:
        return p.heel_cup_depth_mm > 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        if not self.is_active(p):
            return {}
        wall = np.clip(1.0 - rim_distance(pts.d_edge, p) / p.heel_cup_wall_width_mm, 0.0, 1.0) ** 2
        return {"heel_cup": p.heel_cup_depth_mm * wall * smoothstep(CUP_END, CUP_FULL, pts.fx)}

    def refinement(self, ctx: SurfaceContext, p: InsoleParams, need: EdgeNeed) -> FeatureRefinement:
        # Curvature of the wall D (1 - d/W)²: 2 D / W².
        if not self.is_active(p):
            return FeatureRefinement()
        reach = p.heel_cup_wall_width_mm + (p.rim_radius_mm if _lipped(p) else 0.0)
        return FeatureRefinement(2.0 * p.heel_cup_depth_mm / p.heel_cup_wall_width_mm**2, reach)


FEATURE = HeelCup()
