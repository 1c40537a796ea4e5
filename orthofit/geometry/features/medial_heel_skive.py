"""Kirby medial heel skive: a varus wedge under the medial half of the heel seat."""

from __future__ import annotations

import numpy as np

from orthofit.config.params import InsoleParams
from orthofit.geometry.features.protocol import InsoleFeature
from orthofit.geometry.field import SurfacePoints, smoothstep


class MedialHeelSkive(InsoleFeature):
    name = "medial_heel_skive"
    purpose_keys = ("posting",)

    def is_active(self, p: InsoleParams) -> bool:
        return p.medial_heel_skive_mm > 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        # Rising smoothly from the heel's midline to its full depth at the medial border.
        if not self.is_active(p):
            return {}
        centre = 0.5 * (pts.rear_med + pts.rear_lat)
        ramp = smoothstep(centre, pts.rear_med, pts.y)
        return {"medial_heel_skive": p.medial_heel_skive_mm * ramp * pts.rear}

    def purposes(self, p: InsoleParams) -> tuple[str, ...]:
        return ("posting",) if self.is_active(p) else ()


FEATURE = MedialHeelSkive()
