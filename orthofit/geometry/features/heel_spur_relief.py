"""Heel-spur relief: a recess under the medial calcaneal tubercle, printed soft."""

from __future__ import annotations

import numpy as np
from shapely.geometry import Point

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

#: Recess centre: under the medial calcaneal tubercle [D].
SPUR_AT = 0.13
SPUR_MEDIAL_OF_CENTRE = 0.10  # fraction of heel width


class HeelSpurRelief(InsoleFeature):
    name = "heel_spur_relief"
    purpose_keys = ("heel_pain",)

    def is_active(self, p: InsoleParams) -> bool:
        return p.heel_spur_relief_mm > 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        if not self.is_active(p):
            return {}
        fl, h = pts.foot_length_mm, pts.ctx.foot.heel_width_mm
        r = np.hypot(pts.x - SPUR_AT * fl, pts.y - SPUR_MEDIAL_OF_CENTRE * h) / (p.heel_spur_relief_diameter_mm / 2.0)
        return {"heel_spur_relief": -p.heel_spur_relief_mm * raised_cosine(r, 0.0, 1.0)}

    def refinement(self, ctx: SurfaceContext, p: InsoleParams, need: EdgeNeed) -> FeatureRefinement:
        if not self.is_active(p):
            return FeatureRefinement()
        r = p.heel_spur_relief_diameter_mm / 2.0
        e = need(p.heel_spur_relief_mm * HALF_COSINE_CURVATURE / r**2)
        if not e:
            return FeatureRefinement()
        centre = Point(SPUR_AT * ctx.foot.foot_length_mm, SPUR_MEDIAL_OF_CENTRE * ctx.foot.heel_width_mm)
        return FeatureRefinement(zones=(RefineZone(centre.buffer(r, 32), e),))

    def zone_spots(self, foot: FootDimensions, marks: Landmarks, p: InsoleParams) -> tuple[ZoneSpot, ...]:
        if not self.is_active(p):
            return ()
        return (
            ZoneSpot(
                "heel-spur offload",
                p.infill_offload_pct,
                p.infill_heel_pct,
                (SPUR_AT * foot.foot_length_mm, SPUR_MEDIAL_OF_CENTRE * foot.heel_width_mm),
                p.heel_spur_relief_diameter_mm / 2.0,
            ),
        )

    def purposes(self, p: InsoleParams) -> tuple[str, ...]:
        return ("heel_pain",) if self.is_active(p) else ()


FEATURE = HeelSpurRelief()
