"""Rearfoot post: a planar frontal-plane wedge under the rearfoot (+ varus, - valgus)."""

from __future__ import annotations

import numpy as np

from orthofit.config.params import InsoleParams
from orthofit.geometry.features.protocol import InsoleFeature
from orthofit.geometry.field import SurfacePoints


class RearfootPost(InsoleFeature):
    name = "rearfoot_post"
    purpose_keys = ("posting",)

    def is_active(self, p: InsoleParams) -> bool:
        return p.rearfoot_post_deg != 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        # Posts are planar wedges: the rise is measured from one straight line per region (its
        # widest lateral or medial border), not from the local border, so the tilt is a plane.
        if not self.is_active(p):
            return {}
        slope = np.tan(np.radians(abs(p.rearfoot_post_deg)))
        rise = (pts.y - pts.rear_lat) if p.rearfoot_post_deg > 0 else (pts.rear_med - pts.y)
        return {"rearfoot_post": slope * np.maximum(rise, 0.0) * pts.rear}

    def purposes(self, p: InsoleParams) -> tuple[str, ...]:
        return ("posting",) if p.rearfoot_post_deg > 0 else ()


FEATURE = RearfootPost()
