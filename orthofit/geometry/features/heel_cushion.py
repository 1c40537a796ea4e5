"""Extra cushioning thickness under the heel."""

from __future__ import annotations

import numpy as np

from orthofit.config.params import InsoleParams
from orthofit.geometry.features.protocol import InsoleFeature
from orthofit.geometry.field import SurfacePoints


class HeelCushion(InsoleFeature):
    name = "heel_cushion"
    purpose_keys = ("cushion",)

    def is_active(self, p: InsoleParams) -> bool:
        return p.heel_cushion_mm > 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        return {"heel_cushion": p.heel_cushion_mm * pts.rear} if self.is_active(p) else {}

    def purposes(self, p: InsoleParams) -> tuple[str, ...]:
        return ("cushion",) if self.is_active(p) else ()


FEATURE = HeelCushion()
