"""What a shoe holds: an insole's heights at the heel against its shoe type's budget.

Three heights decide whether the heel stays in the shoe's heel counter (issue 15), each
measured on the built solid (right-foot frame), above the shoe's footbed:

* the **heel seat**: the insole's thickness under the heel's centre (a point
  :data:`HEEL_CENTRE_SHARE` of the foot's length from the back, midway across);
* the **total height at the heel**: from the footbed to the highest point of the insole's
  top in the heel (behind :data:`HEEL_END_SHARE` of the foot's length);
* the **cup**: from the heel seat's top to the top of the cup's rim at the back of the heel,
  on the same line along the foot (a skive or a post tilts the heel seat across the foot,
  and raises the medial rim with it: the total height counts that, the cup does not).

The budgets are in ``orthofit/data/shoes.toml``. An insole over budget is refused with the
features that made each height and the shoe types that would hold it
(:func:`budget_problems`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orthofit.config.params import InsoleParams, ShoeType
from orthofit.config.shoes import ShoeSpec, shoe_spec
from orthofit.geometry.build import Insole
from orthofit.geometry.construction import footbed_height
from orthofit.geometry.field import SurfaceContext
from orthofit.model.enums import Side

#: The heel's centre of load lies this share of foot length from the back of the heel [D]
#: (half a heel width of 0.25 x foot length: the heel-width ratio of the outline).
HEEL_CENTRE_SHARE = 0.125
#: The heel, where its counter holds it, ends this share of foot length from the back [D]
#: (the heel seat of a last is its rear quarter; oneandawl.org, last measurements [S]).
HEEL_END_SHARE = 0.25


@dataclass(frozen=True)
class HeelHeights:
    """An insole's heights at the heel, mm (see the module docstring)."""

    heel_seat_mm: float
    heel_total_mm: float
    cup_mm: float

    def as_dict(self) -> dict[str, float]:
        return {"heel seat": self.heel_seat_mm, "heel total": self.heel_total_mm, "cup": self.cup_mm}


def surface_z(v: np.ndarray, faces: np.ndarray, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Highest and lowest z of the mesh straight above/below each point ((k, 2) -> (k,), (k,))."""
    tri = v[faces]
    # Only the triangles whose plan bounding box meets the points' (a line across the heel
    # touches a few hundred of the insole's tens of thousands).
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    near = (tri[:, :, 0].max(axis=1) >= lo[0]) & (tri[:, :, 0].min(axis=1) <= hi[0])
    near &= (tri[:, :, 1].max(axis=1) >= lo[1]) & (tri[:, :, 1].min(axis=1) <= hi[1])
    tri = tri[near]
    a, b, c = tri[:, 0, :2], tri[:, 1, :2], tri[:, 2, :2]
    hi = np.full(len(xy), -np.inf)
    lo = np.full(len(xy), np.inf)
    den = (b[:, 1] - c[:, 1]) * (a[:, 0] - c[:, 0]) + (c[:, 0] - b[:, 0]) * (a[:, 1] - c[:, 1])
    ok = np.abs(den) > 1e-12
    for k, p in enumerate(xy):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            w1 = ((b[:, 1] - c[:, 1]) * (p[0] - c[:, 0]) + (c[:, 0] - b[:, 0]) * (p[1] - c[:, 1])) / den
            w2 = ((c[:, 1] - a[:, 1]) * (p[0] - c[:, 0]) + (a[:, 0] - c[:, 0]) * (p[1] - c[:, 1])) / den
            w3 = 1.0 - w1 - w2
        inside = ok & (w1 >= -1e-9) & (w2 >= -1e-9) & (w3 >= -1e-9)
        if inside.any():
            z = w1[inside] * tri[inside, 0, 2] + w2[inside] * tri[inside, 1, 2] + w3[inside] * tri[inside, 2, 2]
            hi[k], lo[k] = z.max(), z.min()
    return hi, lo


def heel_heights(insole: Insole) -> HeelHeights:
    """The heel seat, total heel height and cup of a built insole, mm."""
    solid = insole.solid.mirrored_y() if insole.side is Side.LEFT else insole.solid
    v, f = solid.vertices, solid.faces
    ctx = SurfaceContext.build(insole.outline, insole.foot)
    length = insole.foot.foot_length_mm
    x_c = HEEL_CENTRE_SHARE * length
    y_c = float(np.interp(x_c, ctx.border_x, (ctx.border_medial + ctx.border_lateral) / 2.0))
    top_c, bottom_c = surface_z(v, f, np.array([[x_c, y_c]]))
    heel = v[:, 0] <= HEEL_END_SHARE * length
    xy = v[heel, :2]
    bed = footbed_height(xy, ctx, shoe_spec(insole.params.shoe), insole.params.length_allowance_mm)
    above = v[heel, 2] - bed
    # The rim at the back, on the heel seat's line: the highest top point along it.
    back = np.column_stack([np.linspace(0.0, x_c, 120), np.full(120, y_c)])
    rim, _ = surface_z(v, f, back)
    return HeelHeights(
        heel_seat_mm=float(top_c[0] - bottom_c[0]),
        heel_total_mm=float(above.max()),
        cup_mm=float(np.nanmax(np.where(np.isfinite(rim), rim, np.nan)) - top_c[0]),
    )


def budget_problems(heights: HeelHeights, p: InsoleParams) -> list[str]:
    """What is over the shoe type's budget, each with the features to trade; [] if it fits."""
    spec = shoe_spec(p.shoe)
    out = []
    if heights.heel_seat_mm > spec.heel_seat_max_mm + _SLACK_MM:
        out.append(
            f"the heel seat is {heights.heel_seat_mm:.1f} mm thick, more than {spec.a_shoe}'s "
            f"{spec.heel_seat_max_mm:g} mm: {_trade(p, _SEAT_FEATURES)}"
            + _roomier(spec, "heel_seat_max_mm", heights.heel_seat_mm)
        )
    if heights.cup_mm > spec.cup_max_mm + _SLACK_MM:
        out.append(
            f"the heel cup stands {heights.cup_mm:.1f} mm above the heel seat, more than {spec.a_shoe}'s "
            f"{spec.cup_max_mm:g} mm: {_trade(p, _CUP_FEATURES)}{_roomier(spec, 'cup_max_mm', heights.cup_mm)}"
        )
    if heights.heel_total_mm > spec.heel_total_max_mm + _SLACK_MM:
        out.append(
            f"the insole stands {heights.heel_total_mm:.1f} mm above the footbed at the heel, more than "
            f"{spec.a_shoe}'s {spec.heel_total_max_mm:g} mm: "
            f"{_trade(p, _SEAT_FEATURES + _CUP_FEATURES)}{_roomier(spec, 'heel_total_max_mm', heights.heel_total_mm)}"
        )
    return out


#: Heights within this of a budget pass, mm [D]: the budgets are whole millimetres of design
#: (a 16 mm cup in a shoe that holds 16 mm); the built rim stands up to a few tenths higher
#: where the cup's wall meets the rounded lip.
_SLACK_MM = 0.5
#: The parameters that thicken the heel seat, and those that raise the cup, in the order a
#: clinician would give them up first [D].
_SEAT_FEATURES = (
    "heel_cushion_mm",
    "heel_lift_mm",
    "base_thickness_rearfoot_mm",
    "medial_heel_skive_mm",
    "rearfoot_post_deg",
)
_CUP_FEATURES = ("heel_cup_depth_mm", "medial_heel_skive_mm")


def _trade(p: InsoleParams, names: tuple[str, ...]) -> str:
    """The phrase "reduce a (1), b (2) or c (3)" for the named parameters this insole uses."""
    used = [f"{n} ({p.value(n):g})" for n in dict.fromkeys(names) if p.value(n) != 0]
    if not used:
        return "no feature to trade"
    return "reduce " + (", ".join(used[:-1]) + " or " if len(used) > 1 else "") + used[-1]


def _roomier(spec: ShoeSpec, field: str, needed: float) -> str:
    fits = [s.value for s in ShoeType if getattr(shoe_spec(s), field) + _SLACK_MM >= needed and s is not spec.shoe]
    return f", or make it for a roomier shoe (--set shoe={fits[0]})" if fits else ""
