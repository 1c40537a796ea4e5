"""Morton's extension: a stiff raise under the 1st metatarsophalangeal joint and the hallux,
for hallux limitus or rigidus.

It runs from the distal half of the 1st metatarsal to just short of the toe tip, from the
medial border to midway between the 1st and 2nd metatarsal heads, with faded edges so no
step lies under the 2nd head; the zone under it prints at ``mortons_extension_infill_pct``
so it bends less. Positions and fades are design choices [D] (docs/clinical-basis.md §5).
"""

from __future__ import annotations

import numpy as np
from shapely.geometry import box

from orthofit.config.conditions import CONDITIONS
from orthofit.config.params import InsoleLength, InsoleParams
from orthofit.geometry.features.protocol import EdgeNeed, InsoleFeature
from orthofit.geometry.field import FeatureRefinement, RefineZone, SurfaceContext, SurfacePoints, ZoneSpot, smoothstep
from orthofit.geometry.outline import FootDimensions, Landmarks
from orthofit.prescribe.prescription import RuleContext, num

#: The conditions that prescribe it (orthofit/data/conditions.toml).
CONDITIONS_FOR = ("hallux_limitus", "hallux_rigidus")
#: Starts this far behind the 1st metatarsal head, fading in over FADE; ends this far short of
#: the toe tip, fractions of foot length [D].
START_BEHIND_MTH1 = 0.08
END_SHORT_OF_TOE = 0.02
FADE = 0.05
#: The 2nd metatarsal head lies this far along the line MTH1 -> MTH5 [D]; the extension reaches
#: midway to it, fading over BLEND_MM.
MTH2_FRACTION = 0.20
BLEND_MM = 8.0


def _extent(foot_length_mm: float, marks: Landmarks) -> tuple[float, float, float]:
    """X where it starts (full height), x where it ends, and y of its lateral edge, mm."""
    x0 = marks.mth1_x_mm - START_BEHIND_MTH1 * foot_length_mm
    x1 = (1.0 - END_SHORT_OF_TOE) * foot_length_mm
    y_edge = 0.5 * (marks.mth1_y_mm + marks.mth_line_point(MTH2_FRACTION)[1])
    return x0, x1, y_edge


class MortonsExtension(InsoleFeature):
    name = "mortons_extension"
    purpose_keys = ("mortons_extension",)

    def is_active(self, p: InsoleParams) -> bool:
        return p.mortons_extension_mm > 0

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        if not self.is_active(p):
            return {}
        fl = pts.foot_length_mm
        x0, x1, y_edge = _extent(fl, pts.ctx.marks)
        along = smoothstep(x0 - FADE * fl, x0, pts.x) * smoothstep(x1, x1 - FADE * fl, pts.x)
        across = smoothstep(y_edge - BLEND_MM / 2.0, y_edge + BLEND_MM / 2.0, pts.y)
        return {"mortons_extension": p.mortons_extension_mm * along * across}

    def refinement(self, ctx: SurfaceContext, p: InsoleParams, need: EdgeNeed) -> FeatureRefinement:
        # Its steepest part is the fade across, a smoothstep of height H over BLEND_MM: 6 H / w².
        if not self.is_active(p):
            return FeatureRefinement()
        e = need(6.0 * p.mortons_extension_mm / BLEND_MM**2)
        if not e:
            return FeatureRefinement()
        fl = ctx.foot.foot_length_mm
        x0, x1, y_edge = _extent(fl, ctx.marks)
        strip = box(x0 - FADE * fl, y_edge - BLEND_MM, x1, y_edge + BLEND_MM)
        return FeatureRefinement(zones=(RefineZone(strip, e),))

    def zone_spots(self, foot: FootDimensions, marks: Landmarks, p: InsoleParams) -> tuple[ZoneSpot, ...]:
        if not self.is_active(p):
            return ()
        x0, x1, y_edge = _extent(foot.foot_length_mm, marks)
        # Reaches past the medial border: a modifier only acts inside the insole.
        region = box(x0 - FADE * foot.foot_length_mm, y_edge, x1, y_edge + foot.ball_width_mm)
        return (
            ZoneSpot(
                "Morton's extension (stiff)", p.mortons_extension_infill_pct, p.infill_forefoot_pct, region=region
            ),
        )

    def purposes(self, p: InsoleParams) -> tuple[str, ...]:
        return ("mortons_extension",) if self.is_active(p) else ()

    def prescribe(self, ctx: RuleContext) -> None:
        found = [c for c in CONDITIONS_FOR if c in ctx.conditions]
        if not found:
            return
        d = ctx.draft
        what = " and ".join(CONDITIONS[c] for c in found)
        if "functional_hallux_limitus" in ctx.conditions:
            d.reasons.append(
                f"no Morton's extension or first-ray cut-out: {what} and functional hallux limitus are "
                "both recorded, and the two call for opposite devices; left to the clinician"
            )
            return
        if ctx.assessment.is_child:
            d.reasons.append(f"no Morton's extension for a child although {what} is recorded: left to the clinician")
            return
        amount = ctx.amounts.get("mortons_extension_mm", 0.0)
        if amount <= 0 or not d.at_least("mortons_extension_mm", amount):
            return
        stiff = ctx.amounts.get("mortons_extension_infill_pct", d.get("mortons_extension_infill_pct"))
        d.values["mortons_extension_infill_pct"] = stiff
        d.reasons.append(
            f"Morton's extension {num(amount)} mm at {num(stiff)} % infill: {what} recorded; it makes "
            "the big-toe joint bend less (low certainty: Menz 2016, Welsh 2010; thickness a design "
            "choice, clinical-basis.md §5). A carbon-fibre or polypropylene plate is stiffer than any TPU print"
        )
        if InsoleLength(d.values["length"]) is not InsoleLength.FULL:
            d.values["length"] = InsoleLength.FULL.value
            d.reasons.append("length full: a Morton's extension runs under the big toe, so the insole must reach it")
        if ctx.foot.pronation.value == "supinated" or ctx.foot.arch_type.value == "cavus":
            d.reasons.append("note: a Morton's extension favours supination at toe-off; check this foot at review")


FEATURE = MortonsExtension()
