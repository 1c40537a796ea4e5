"""Heel-spur relief: a recess under the medial calcaneal tubercle, printed soft."""

from __future__ import annotations

import numpy as np

from orthofit.config.params import InsoleParams
from orthofit.geometry.features.protocol import EdgeNeed, InsoleFeature
from orthofit.geometry.field import (
    FeatureRefinement,
    SurfaceContext,
    SurfacePoints,
    ZoneSpot,
    dome,
    dome_refinement,
)
from orthofit.geometry.outline import FootDimensions, Landmarks

#: Recess centre: under the medial calcaneal tubercle [D].
SPUR_AT = 0.13
SPUR_MEDIAL_OF_CENTRE = 0.10  # fraction of heel width


def _centre(foot: FootDimensions) -> tuple[float, float]:
    """Under the medial calcaneal tubercle, mm."""
    return SPUR_AT * foot.foot_length_mm, SPUR_MEDIAL_OF_CENTRE * foot.heel_width_mm


class HeelSpurRelief(InsoleFeature):
    name = "heel_spur_relief"
    purpose_keys = ("heel_pain",)

    def is_active(self, p: InsoleParams) -> bool:
        return p.heel_spur_relief_mm > 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        if not self.is_active(p):
            return {}
        shape = dome(pts, _centre(pts.ctx.foot), p.heel_spur_relief_diameter_mm / 2.0)
        return {"heel_spur_relief": -p.heel_spur_relief_mm * shape}

    def refinement(self, ctx: SurfaceContext, p: InsoleParams, need: EdgeNeed) -> FeatureRefinement:
        if not self.is_active(p):
            return FeatureRefinement()
        return dome_refinement(_centre(ctx.foot), p.heel_spur_relief_mm, p.heel_spur_relief_diameter_mm / 2.0, need)

    def zone_spots(self, foot: FootDimensions, marks: Landmarks, p: InsoleParams) -> tuple[ZoneSpot, ...]:
        if not self.is_active(p):
            return ()
        return (
            ZoneSpot(
                "heel-spur offload",
                p.infill_offload_pct,
                p.infill_heel_pct,
                _centre(foot),
                p.heel_spur_relief_diameter_mm / 2.0,
            ),
        )

    def purposes(self, p: InsoleParams) -> tuple[str, ...]:
        return ("heel_pain",) if self.is_active(p) else ()


FEATURE = HeelSpurRelief()
