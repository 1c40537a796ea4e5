"""Lateral wedge: a valgus wedge along the whole insole, for medial knee osteoarthritis.

At each cross-section the top rises by tan(angle) for every millimetre in from the medial
border, so the lateral edge stands highest (about 8 mm across a 95 mm forefoot at 5°) and
the foot is tilted into eversion, moving the knee's load line laterally. Full length, as in
the trials (docs/clinical-basis.md §5); the report says honestly that trials found little or
no effect on knee pain (§6.4).
"""

from __future__ import annotations

import numpy as np

from orthofit.config.conditions import CONDITIONS
from orthofit.config.params import InsoleParams
from orthofit.geometry.features.protocol import InsoleFeature
from orthofit.geometry.field import SurfacePoints
from orthofit.model.enums import Pronation
from orthofit.prescribe.prescription import RuleContext, num

#: The condition that prescribes it (orthofit/data/conditions.toml).
CONDITION = "medial_knee_oa"
_SOURCE = "Bennell 2011: 5° full-length wedge; clinical-basis.md §5"


class LateralWedge(InsoleFeature):
    name = "lateral_wedge"
    purpose_keys = ("lateral_wedge",)

    def is_active(self, p: InsoleParams) -> bool:
        return p.lateral_wedge_deg > 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        if not self.is_active(p):
            return {}
        return {"lateral_wedge": np.tan(np.radians(p.lateral_wedge_deg)) * pts.t_med}

    def purposes(self, p: InsoleParams) -> tuple[str, ...]:
        return ("lateral_wedge",) if self.is_active(p) else ()

    def prescribe(self, ctx: RuleContext) -> None:
        if CONDITION not in ctx.conditions:
            return
        d = ctx.draft
        what = CONDITIONS[CONDITION]
        if ctx.assessment.is_child:
            d.reasons.append(f"no lateral wedge for a child's leg although {what} is recorded: left to the clinician")
            return
        amount = ctx.amounts.get("lateral_wedge_deg", 0.0)
        if amount <= 0 or not d.at_least("lateral_wedge_deg", amount):
            return
        d.reasons.append(
            f"lateral wedge {num(amount)}°: {what} recorded on this side; it moves some load off the "
            f"inner knee, but trials found little or no effect on knee pain ({_SOURCE}, §6.4)"
        )
        why = "a lateral wedge is prescribed for the knee, and a varus post or skive would tilt the foot the other way"
        d.remove("medial_heel_skive_mm", "medial heel skive", " mm", why)
        d.remove("rearfoot_post_deg", "varus rearfoot post", "°", why, positive_only=True)
        d.remove("forefoot_post_deg", "varus forefoot post", "°", why, positive_only=True)
        if ctx.foot.pronation.value == Pronation.PRONATED.value:
            d.reasons.append(
                "note: the wedge adds to this foot's pronation; the medial arch support is kept, and "
                "foot symptoms should be checked at review"
            )


FEATURE = LateralWedge()
