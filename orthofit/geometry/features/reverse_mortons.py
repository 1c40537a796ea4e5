"""Reverse Morton's extension (first-ray cut-out): a recess under the 1st metatarsal head that
lets the first ray plantarflex, for functional hallux limitus. Printed soft like the other
offloaded spots. Depth and size are design choices [D] (docs/clinical-basis.md §5).
"""

from __future__ import annotations

import numpy as np

from orthofit.config.conditions import CONDITIONS
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
from orthofit.prescribe.prescription import RuleContext, num

#: The condition that prescribes it (orthofit/data/conditions.toml).
CONDITION = "functional_hallux_limitus"


class ReverseMortons(InsoleFeature):
    name = "reverse_mortons"
    purpose_keys = ("reverse_mortons",)

    def is_active(self, p: InsoleParams) -> bool:
        return p.reverse_mortons_mm > 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        if not self.is_active(p):
            return {}
        m = pts.ctx.marks
        shape = dome(pts, (m.mth1_x_mm, m.mth1_y_mm), p.reverse_mortons_diameter_mm / 2.0)
        return {"reverse_mortons": -p.reverse_mortons_mm * shape}

    def refinement(self, ctx: SurfaceContext, p: InsoleParams, need: EdgeNeed) -> FeatureRefinement:
        if not self.is_active(p):
            return FeatureRefinement()
        centre = (ctx.marks.mth1_x_mm, ctx.marks.mth1_y_mm)
        return dome_refinement(centre, p.reverse_mortons_mm, p.reverse_mortons_diameter_mm / 2.0, need)

    def zone_spots(self, foot: FootDimensions, marks: Landmarks, p: InsoleParams) -> tuple[ZoneSpot, ...]:
        if not self.is_active(p):
            return ()
        return (
            ZoneSpot(
                "first-ray cut-out offload",
                p.infill_offload_pct,
                p.infill_forefoot_pct,
                (marks.mth1_x_mm, marks.mth1_y_mm),
                p.reverse_mortons_diameter_mm / 2.0,
            ),
        )

    def purposes(self, p: InsoleParams) -> tuple[str, ...]:
        return ("reverse_mortons",) if self.is_active(p) else ()

    def prescribe(self, ctx: RuleContext) -> None:
        if CONDITION not in ctx.conditions:
            return
        d = ctx.draft
        what = CONDITIONS[CONDITION]
        if any(c in ctx.conditions for c in ("hallux_limitus", "hallux_rigidus")):
            return  # both kinds recorded: the Morton's extension rule says it is left to the clinician
        if ctx.assessment.is_child:
            d.reasons.append(f"no first-ray cut-out for a child although {what} is recorded: left to the clinician")
            return
        depth = ctx.amounts.get("reverse_mortons_mm", 0.0)
        if depth <= 0 or not d.at_least("reverse_mortons_mm", depth):
            return
        d.values["reverse_mortons_diameter_mm"] = ctx.amounts.get(
            "reverse_mortons_diameter_mm", d.get("reverse_mortons_diameter_mm")
        )
        d.reasons.append(
            f"first-ray cut-out (reverse Morton's extension) {num(depth)} mm deep, "
            f"{num(d.get('reverse_mortons_diameter_mm'))} mm across under the 1st metatarsal head: "
            f"{what} recorded (very low certainty: expert opinion, no trials; clinical-basis.md §5)"
        )
        # The recess must leave min_thickness_mm under the head.
        need = round(depth + d.get("min_thickness_mm"), 1)
        if d.at_least("base_thickness_forefoot_mm", need):
            d.reasons.append(
                f"forefoot base {num(need)} mm: the {num(depth)} mm cut-out must leave "
                f"{num(d.get('min_thickness_mm'))} mm under the 1st metatarsal head"
            )
        d.remove(
            "forefoot_post_deg",
            "varus forefoot post",
            "°",
            "it raises the medial forefoot, against the first-ray cut-out",
            positive_only=True,
        )
        if d.get("arch_height_mm") > 0 or d.get("arch_fill_mm") > 0:
            d.reasons.append(
                "note: a high medial arch fill can stop the first ray dropping; keep the arch fill low on this foot"
            )


FEATURE = ReverseMortons()
