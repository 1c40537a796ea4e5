"""Heel lift for a measured leg-length difference, tapering to zero at the ball."""

from __future__ import annotations

import numpy as np

from orthofit.config.params import InsoleParams
from orthofit.geometry.features.protocol import InsoleFeature
from orthofit.geometry.field import REAR_FULL, SurfacePoints, smoothstep


class HeelLift(InsoleFeature):
    name = "heel_lift"
    purpose_keys = ("heel_lift",)

    def is_active(self, p: InsoleParams) -> bool:
        return p.heel_lift_mm > 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        if not self.is_active(p):
            return {}
        return {"heel_lift": p.heel_lift_mm * smoothstep(pts.ball_x_mm, REAR_FULL * pts.foot_length_mm, pts.x)}

    def purposes(self, p: InsoleParams) -> tuple[str, ...]:
        return ("heel_lift",) if self.is_active(p) else ()


FEATURE = HeelLift()
