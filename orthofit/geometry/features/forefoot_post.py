"""Forefoot post: a planar frontal-plane wedge under the forefoot (+ varus, - valgus)."""

from __future__ import annotations

import numpy as np

from orthofit.config.params import InsoleParams
from orthofit.geometry.features.protocol import InsoleFeature
from orthofit.geometry.field import SurfacePoints, smoothstep


class ForefootPost(InsoleFeature):
    name = "forefoot_post"

    def is_active(self, p: InsoleParams) -> bool:
        return p.forefoot_post_deg != 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        if not self.is_active(p):
            return {}
        fl, ball_x = pts.foot_length_mm, pts.ball_x_mm
        fore_lat, fore_med = pts.ctx.extent(ball_x - 0.12 * fl, np.inf)
        slope = np.tan(np.radians(abs(p.forefoot_post_deg)))
        rise = (pts.y - fore_lat) if p.forefoot_post_deg > 0 else (fore_med - pts.y)
        fore = smoothstep(ball_x - 0.12 * fl, ball_x - 0.02 * fl, pts.x)
        return {"forefoot_post": slope * np.maximum(rise, 0.0) * fore}


FEATURE = ForefootPost()
