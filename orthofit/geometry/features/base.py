"""The base: the insole's own thickness, tapering from the rearfoot to the forefoot."""

from __future__ import annotations

import numpy as np

from orthofit.config.params import InsoleParams
from orthofit.geometry.features.protocol import InsoleFeature
from orthofit.geometry.field import REAR_FULL, SurfacePoints, smoothstep


class Base(InsoleFeature):
    name = "base"

    def is_active(self, p: InsoleParams) -> bool:
        return True

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        # Rearfoot thickness tapering to forefoot thickness between heel and ball.
        taper = smoothstep(REAR_FULL * pts.foot_length_mm, pts.ball_x_mm - 10.0, pts.x)
        return {
            "base": p.base_thickness_rearfoot_mm + (p.base_thickness_forefoot_mm - p.base_thickness_rearfoot_mm) * taper
        }


FEATURE = Base()
