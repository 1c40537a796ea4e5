"""Pressure offload: a shallow recess printed soft under each region a walking recording found
overloaded, placed at that region's measured peak.

The prescription rule (clinical-basis.md §10.6) reads the foot's walking analysis
(:attr:`orthofit.measure.case.MeasuredFoot.walking`) and marks a region when

* the foot is at risk (a diabetes red flag is recorded) and, on an in-shoe recording, the
  region's peak reaches the offloading target (200 kPa, Owings 2009; thresholds
  ``[pressure]``), or
* the region hurts (forefoot pain for the metatarsal heads and the big toe, heel pain for the
  heel) and its peak is the foot's hot spot: at least ``hot_spot_share`` of the foot's highest
  regional peak.

A marked region gets a recess of its ``offload_<region>_mm`` amount (``profiles/_rules.toml``
``[pressure_offload]``) centred on its peak, a disc at ``infill_offload_pct``, and a reason
that names the pressure. When a metatarsal head is marked the insole also gets a metatarsal
pad, and whenever it has one the pad is placed from the measured heads: its distal edge
``met_pad_offset_mm`` behind the second and third heads' peak (Hastings 2007).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orthofit.config.params import InsoleParams
from orthofit.geometry.features.protocol import EdgeNeed, InsoleFeature
from orthofit.geometry.field import FeatureRefinement, SurfaceContext, SurfacePoints, ZoneSpot, dome, dome_refinement
from orthofit.geometry.outline import FootDimensions, Landmarks
from orthofit.measure.walking.regions import Region
from orthofit.model.case import FootPainSite
from orthofit.prescribe.prescription import RuleContext

#: The red flag that makes a foot one at risk, for which the absolute target applies.
AT_RISK_FLAG = "diabetes_with_neuropathy_or_ulcer"


@dataclass(frozen=True)
class Spot:
    """One offloadable region: its parameter key, the walking regions it covers, its recess
    radius (mm, [D]: about the size of the structure), the infill parameter around it and the
    pain site that makes it a target.
    """

    key: str
    regions: tuple[str, ...]
    radius_mm: float
    around: str
    pain: tuple[FootPainSite, ...]
    label: str


SPOTS = (
    Spot("heel", ("heel medial", "heel lateral"), 18.0, "infill_heel_pct", (FootPainSite.HEEL,), "heel"),
    Spot("mth1", ("MTH1",), 12.0, "infill_forefoot_pct", (FootPainSite.FOREFOOT,), "1st metatarsal head"),
    Spot("mth2_3", ("MTH2-3",), 14.0, "infill_forefoot_pct", (FootPainSite.FOREFOOT,), "2nd-3rd metatarsal heads"),
    Spot("mth4_5", ("MTH4-5",), 12.0, "infill_forefoot_pct", (FootPainSite.FOREFOOT,), "4th-5th metatarsal heads"),
    Spot("hallux", ("hallux",), 11.0, "infill_forefoot_pct", (FootPainSite.FOREFOOT, FootPainSite.TOES), "big toe"),
)
_METATARSAL = ("mth1", "mth2_3", "mth4_5")


def usual_centre(key: str, foot: FootDimensions, marks: Landmarks) -> tuple[float, float]:
    """Where a region usually is, right-foot frame, mm [D]: the heel's centre at 15 % of the
    length, the heads on the line MTH1-MTH5, the big toe's pad at 90 % of the length and a
    quarter of the ball's width medial.
    """
    fl = foot.foot_length_mm
    if key == "heel":
        return 0.15 * fl, 0.0
    if key == "mth1":
        return marks.mth_line_point(0.0)
    if key == "mth2_3":
        return marks.mth_line_point(0.35)
    if key == "mth4_5":
        return marks.mth_line_point(0.85)
    return 0.90 * fl, 0.25 * foot.ball_width_mm


#: Where along the foot each recess may sit, shares of the foot's length [D]: the heel's
#: within the rearfoot (where the base is the rearfoot's thickness), the heads' and the big
#: toe's in the forefoot. A measured peak outside its band (a print's odd shape, a hand-typed
#: value) is moved to the band's edge, so the recess stays over the thickness it was sized for.
X_BANDS = {
    "heel": (0.12, 0.25),
    "mth1": (0.55, 0.90),
    "mth2_3": (0.55, 0.90),
    "mth4_5": (0.55, 0.90),
    "hallux": (0.75, 0.97),
}
#: How far across the foot a recess centre may sit: this share of the heel's width (the heel)
#: or the ball's (the others) from the axis [D], so the disc stays inside the insole.
Y_SHARE = 0.3


def centre(spot: Spot, foot: FootDimensions, marks: Landmarks, p: InsoleParams) -> tuple[float, float]:
    """The recess centre: the measured peak when given (``offload_<key>_x_pct``), else the usual
    place; within the region's band along the foot and across it.
    """
    x_pct = getattr(p, f"offload_{spot.key}_x_pct")
    if x_pct > 0:
        x, y = x_pct / 100.0 * foot.foot_length_mm, getattr(p, f"offload_{spot.key}_y_mm")
    else:
        x, y = usual_centre(spot.key, foot, marks)
    lo, hi = X_BANDS[spot.key]
    fl = foot.foot_length_mm
    x = min(max(x, lo * fl, spot.radius_mm + 3.0), hi * fl)
    half = Y_SHARE * (foot.heel_width_mm if spot.key == "heel" else foot.ball_width_mm)
    return x, min(max(y, -half), half)


def room_mm(p: InsoleParams | dict[str, float]) -> float:
    """How deep any offload recess may be: the thinner base (rearfoot or forefoot; between them
    the base tapers) less the insole's minimum thickness. A recess deeper than that is made
    this deep.
    """
    v = p if isinstance(p, dict) else p.as_dict()
    rear, fore, least = (
        float(v[k]) for k in ("base_thickness_rearfoot_mm", "base_thickness_forefoot_mm", "min_thickness_mm")
    )
    return round(min(rear, fore) - least, 1)


class PressureOffload(InsoleFeature):
    name = "pressure_offload"
    purpose_keys = ("pressure_offload",)

    def is_active(self, p: InsoleParams) -> bool:
        return any(getattr(p, f"offload_{s.key}_mm") > 0 for s in SPOTS)

    def _active(self, p: InsoleParams) -> list[Spot]:
        return [s for s in SPOTS if getattr(p, f"offload_{s.key}_mm") > 0]

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        room = max(room_mm(p), 0.0)
        keys, domes = [], []
        for s in self._active(p):
            c = centre(s, pts.ctx.foot, pts.ctx.marks, p)
            depth = min(getattr(p, f"offload_{s.key}_mm"), room)
            keys.append(f"offload_{s.key}")
            domes.append(-depth * dome(pts, c, s.radius_mm))
        if len(domes) < 2:
            return dict(zip(keys, domes, strict=True))
        # Where two recesses overlap (the heads' recesses are side by side) the surface takes
        # the deeper, not their sum: each is capped at the room above the minimum thickness,
        # and two summed went through it (CI's legal-parameter search: MTH1 and MTH2-3 at
        # 1 mm each on a 2 mm base left 0 mm). Each point is owed to the deepest recess there.
        stack = np.stack(domes)
        deepest = np.argmin(stack, axis=0)
        return {k: np.where(deepest == i, stack[i], 0.0) for i, k in enumerate(keys)}

    def refinement(self, ctx: SurfaceContext, p: InsoleParams, need: EdgeNeed) -> FeatureRefinement:
        zones: list = []
        for s in self._active(p):
            c = centre(s, ctx.foot, ctx.marks, p)
            zones.extend(dome_refinement(c, getattr(p, f"offload_{s.key}_mm"), s.radius_mm, need).zones)
        return FeatureRefinement(zones=tuple(zones))

    def zone_spots(self, foot: FootDimensions, marks: Landmarks, p: InsoleParams) -> tuple[ZoneSpot, ...]:
        return tuple(
            ZoneSpot(
                f"{s.label} pressure offload",
                p.infill_offload_pct,
                getattr(p, s.around),
                centre(s, foot, marks, p),
                s.radius_mm,
            )
            for s in self._active(p)
        )

    def purposes(self, p: InsoleParams) -> tuple[str, ...]:
        return ("pressure_offload",) if self.is_active(p) else ()

    def prescribe(self, ctx: RuleContext) -> None:
        walk = ctx.assessment.measured.foot(ctx.side).walking
        if walk is None:
            return
        d = ctx.draft
        targets = ctx.settings.thresholds.pressure
        at_risk = AT_RISK_FLAG in ctx.assessment.case.red_flags
        pain = set(ctx.assessment.case.symptoms.foot_pain)
        peaks = {r.region.value: r.peak_kpa for r in walk.regions}
        top = max(peaks.values())
        where = _peak_places(walk)
        marked = []
        for s in SPOTS:
            here = {name: peaks[name] for name in s.regions if name in peaks}
            if not here:
                continue
            region, peak = max(here.items(), key=lambda kv: kv[1])
            why = None
            if at_risk and walk.in_shoe and peak >= targets.offload_target_kpa:
                why = (
                    f"{region} peak {peak:.0f} kPa in the shoe, at or over the {targets.offload_target_kpa:.0f} kPa "
                    f"target for a foot at risk ({targets.target_source})"
                )
            elif pain & set(s.pain) and peak >= targets.hot_spot_share * top:
                why = (
                    f"{region} peak {peak:.0f} kPa is this foot's hot spot ({peak / top:.0%} of its highest, "
                    f"{top:.0f} kPa) where it hurts ({targets.hot_spot_source})"
                )
            if why is None:
                continue
            depth = ctx.amounts.get(f"offload_{s.key}_mm", 0.0)
            if depth <= 0:
                continue
            blocked = _blocked_by(d, s.key)
            if blocked:
                d.reasons.append(f"no pressure offload under the {s.label} although {why}: {blocked}")
                continue
            room = room_mm(d.values)
            if room < MIN_RECESS_MM:
                d.reasons.append(
                    f"no pressure offload under the {s.label} although {why}: the insole is too thin there for a "
                    f"recess ({room:g} mm above its minimum); thicken it or offload by hand"
                )
                continue
            depth = min(depth, room)
            d.at_least(f"offload_{s.key}_mm", depth)
            recess = f"{depth:g} mm recess and soft infill"
            place = where.get(region)
            if place is not None:
                d.values[f"offload_{s.key}_x_pct"] = round(place[0], 1)
                d.values[f"offload_{s.key}_y_mm"] = round(place[1], 1)
                at = f" at {place[0]:.0f} % of the foot's length, {abs(place[1]):.0f} mm {_side_word(place[1])}"
            else:
                at = " at its usual place (the recording has no sensor positions)"
            d.reasons.append(
                f"pressure offload under the {s.label}: {recess}{at}; {why} (walking recording {walk.source})"
            )
            marked.append(s.key)
        self._met_pad(ctx, marked, peaks, where)

    def _met_pad(self, ctx: RuleContext, marked: list[str], peaks: dict[str, float], where: dict) -> None:
        """A pad for marked heads; any pad placed from the measured second and third heads."""
        d = ctx.draft
        if any(k in _METATARSAL for k in marked) and d.get("met_pad_height_mm") <= 0:
            height = ctx.settings.profile.rules.forefoot_pain.met_pad_height_mm
            d.values["met_pad_height_mm"] = height
            d.reasons.append(
                f"metatarsal pad {height:g} mm: a metatarsal head is overloaded in walking; a pad just behind the "
                "heads moves load off them (Hastings 2007; clinical-basis.md §5)"
            )
        place = where.get("MTH2-3")
        if d.get("met_pad_height_mm") > 0 and place is not None:
            d.values["met_pad_at_pct"] = round(place[0], 1)
            d.reasons.append(
                f"metatarsal pad placed from the walking recording: the 2nd-3rd heads peak ({peaks['MTH2-3']:.0f} kPa) "
                f"at {place[0]:.0f} % of the foot's length, the pad's front edge {d.get('met_pad_offset_mm'):g} mm "
                "behind it (Hastings 2007: 6-11 mm; clinical-basis.md §5)"
            )


#: A recess shallower than this is not worth cutting, mm [D]: thinner than two printed layers.
MIN_RECESS_MM = 0.5


#: Recesses of other features at the same place: one recess there is enough.
_SAME_PLACE = {"heel": "heel_spur_relief_mm", "mth1": "reverse_mortons_mm"}


def _blocked_by(d, key: str) -> str | None:
    """Why a recess cannot go there (another feature's recess is there), or None."""
    other = _SAME_PLACE.get(key)
    if other and d.get(other) > 0:
        what = "the heel-spur recess" if key == "heel" else "the first-ray cut-out"
        return f"{what} already relieves that spot"
    return None


def _side_word(y_mm: float) -> str:
    return "medial of the axis" if y_mm >= 0 else "lateral of the axis"


def _peak_places(walk) -> dict[str, tuple[float, float]]:
    """Each region's peak cell in the representative step: (% of the print's length from the
    heel, mm across with medial positive); empty without sensor positions (pedar).
    """
    step = walk.step
    if step.sensor_xy_mm is None:
        return {}
    loaded = np.nan_to_num(step.max_kpa) > 0
    xy = step.sensor_xy_mm
    x, y = xy[..., 0], xy[..., 1] * walk.side.medial_sign
    x0, x1 = float(x[loaded].min()), float(x[loaded].max())
    length = max(x1 - x0, 1.0)
    out = {}
    values = np.nan_to_num(step.max_kpa)
    for k, region in enumerate(Region):
        cells = step.region_map == k
        if not cells.any():
            continue
        i = np.unravel_index(np.argmax(np.where(cells, values, -1.0)), values.shape)
        out[region.value] = (100.0 * (float(x[i]) - x0) / length, float(y[i]))
    return out


FEATURE = PressureOffload()
