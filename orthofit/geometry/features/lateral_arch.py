"""Lateral longitudinal arch support under the cuboid."""

from __future__ import annotations

import numpy as np

from orthofit.config.params import InsoleParams
from orthofit.geometry.features.protocol import InsoleFeature
from orthofit.geometry.field import SurfacePoints, raised_cosine, smoothstep

#: Centre and half-length along the foot, fractions of foot length, and width, mm [D].
LATERAL_ARCH_AT, LATERAL_ARCH_HALF = 0.45, 0.14
LATERAL_ARCH_WIDTH_MM = 25.0


class LateralArch(InsoleFeature):
    name = "lateral_arch"
    purpose_keys = ("lateral",)

    def is_active(self, p: InsoleParams) -> bool:
        return p.lateral_arch_height_mm > 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        if not self.is_active(p):
            return {}
        along = raised_cosine(pts.fx, LATERAL_ARCH_AT, LATERAL_ARCH_HALF)
        return {"lateral_arch": p.lateral_arch_height_mm * along * smoothstep(LATERAL_ARCH_WIDTH_MM, 0.0, pts.t_lat)}

    def purposes(self, p: InsoleParams) -> tuple[str, ...]:
        return ("lateral",) if self.is_active(p) else ()


FEATURE = LateralArch()
