"""Does the insole fit the shoe? Length, width at the ball, the heel's budget and the room
left over the instep (issue 15).

The shoe is either a shoe type (``shoe`` parameter: its inside is taken as that of a shoe
fitted to this foot, foot length + ``length_room_mm`` and ball width + ``width_room_mm``,
orthofit/data/shoes.toml) or a shoe whose inside length and ball width the lab measured
(``--shoe-inside LENGTHxWIDTH``). The room over the instep: a fitted shoe leaves the shoe
type's ``instep_room_mm`` over the instep with its own liner in; taking the liner out gives
back ``liner_mm``; the insole raises the instep by its thickness under the foot there
(interpolated between the heel seat and the ball, where the foot stands on it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString

from orthofit.config.shoes import ShoeInside, shoe_spec
from orthofit.geometry.budget import HeelHeights, budget_problems, surface_z
from orthofit.geometry.build import Insole
from orthofit.geometry.outline import landmarks
from orthofit.model.enums import Side

#: The instep (the top of the foot a shoe's lacing holds) lies over this share of foot
#: length, where the 50 % dorsal height is measured (clinical-basis.md §4.1) [S].
INSTEP_SHARE = 0.5


#: A length or width within this of the shoe's inside fits, mm [D]: an insole made to a shoe
#: size is exactly the shoe's inside long, and its outline and mesh round to a tenth.
_SLACK_MM = 0.5


@dataclass(frozen=True)
class ShoeFit:
    """The verdict: does it fit, and every line that says where it collides or what room is left."""

    fits: bool
    length_room_mm: float
    width_room_mm: float
    instep_room_mm: float
    lines: tuple[str, ...]


def ball_width(insole: Insole) -> float:
    """The insole's widest breadth square to its long axis across the ball (between the 5th
    and 1st metatarsal heads, 10 mm either side), mm: a foot's ball width is its horizontal
    breadth there (ANSUR II foot breadth, clinical-basis.md §4.1), and a shoe's inside the same.
    """
    m = landmarks(insole.foot)
    x0, y0, x1, y1 = insole.outline.bounds
    lo, hi = min(m.mth1_x_mm, m.mth5_x_mm) - 10.0, min(max(m.mth1_x_mm, m.mth5_x_mm) + 10.0, x1 - 0.5)
    widths = []
    for x in np.linspace(lo, hi, 25):
        cut = insole.outline.intersection(LineString([(x, y0 - 1.0), (x, y1 + 1.0)]))
        if not cut.is_empty:
            widths.append(float(np.ptp(np.asarray(shapely.get_coordinates(cut))[:, 1])))
    return max(widths, default=0.0)


def shoe_fit(
    insole: Insole, heights: HeelHeights, inside: ShoeInside | None = None, shoe_length_mm: float | None = None
) -> ShoeFit:
    """Whether ``insole`` fits its shoe type, or the shoe ``inside``; see the module docstring.
    ``shoe_length_mm``: the inside length of the shoe size asked for (``--shoe-size``), when no
    inside was measured.
    """
    p, foot = insole.params, insole.foot
    spec = shoe_spec(p.shoe)
    if inside is None and shoe_length_mm is not None:
        inside = ShoeInside(
            shoe_length_mm,
            foot.ball_width_mm + spec.width_room_mm,
            f"{spec.a_shoe} of the size asked for ({shoe_length_mm:.0f} mm inside)",
            width_measured=False,
        )
    if inside is None:
        inside = ShoeInside(
            foot.foot_length_mm + spec.length_room_mm,
            foot.ball_width_mm + spec.width_room_mm,
            f"{spec.a_shoe} fitted to this foot (foot + {spec.length_room_mm:g} mm long, "
            f"+ {spec.width_room_mm:g} mm wide at the ball)",
            width_measured=False,
        )
    measured = inside.width_measured  # a shoe type or size alone: its width is the foot's own
    x0, _, x1, _ = insole.outline.bounds
    length = x1 - x0
    marks = landmarks(foot)
    ball_x = (marks.mth1_x_mm + marks.mth5_x_mm) / 2.0
    width = ball_width(insole)
    length_room = inside.length_mm - length
    width_room = inside.width_mm - width
    # The foot stands on the heel seat and the ball; the instep rises with the insole between.
    fore = _thickness_at(insole, ball_x)
    heel_x = 0.125 * foot.foot_length_mm
    share = np.clip((INSTEP_SHARE * foot.foot_length_mm - heel_x) / max(ball_x - heel_x, 1.0), 0.0, 1.0)
    rise = heights.heel_seat_mm + (fore - heights.heel_seat_mm) * share
    instep_room = spec.instep_room_mm + spec.liner_mm - rise
    lines = [f"shoe: {inside.source}"]
    collide = []
    if length_room < -_SLACK_MM:
        collide.append(
            f"at the toe: the insole is {-length_room:.1f} mm longer than the shoe's inside; trim its toe end "
            "or give the shoe's size (--shoe-size)"
        )
    if width_room < -_SLACK_MM and measured:
        collide.append(
            f"at the ball (x = {ball_x:.0f} mm): the insole is {-width_room:.1f} mm wider than the shoe; "
            "lower width_allowance_mm or choose a wider fitting"
        )
    over = budget_problems(heights, p)
    collide.extend(f"at the heel: {o}" for o in over)
    if instep_room < 0:
        collide.append(
            f"over the instep: the insole raises the foot {rise:.1f} mm there, {-instep_room:.1f} mm more than "
            f"the shoe leaves ({spec.instep_room_mm:g} mm, + {spec.liner_mm:g} mm with its liner out); "
            "thin the base or choose a roomier shoe"
        )
    if collide:
        lines.extend(f"does NOT fit {c}" for c in collide)
    else:
        lines.append(
            f"fits: {length_room:.1f} mm to spare in length, "
            + (f"{width_room:.1f} mm at the ball, " if measured else f"ball {width:.1f} mm wide, ")
            + f"{instep_room:.1f} mm over the instep (with the shoe's {spec.liner_mm:g} mm liner taken out); "
            f"heel seat {heights.heel_seat_mm:.1f} of {spec.heel_seat_max_mm:g} mm, cup "
            f"{heights.cup_mm:.1f} of {spec.cup_max_mm:g} mm, {heights.heel_total_mm:.1f} of "
            f"{spec.heel_total_max_mm:g} mm above the footbed at the heel"
        )
    return ShoeFit(not collide, float(length_room), float(width_room), float(instep_room), tuple(lines))


def _thickness_at(insole: Insole, x_mm: float) -> float:
    """The insole's thickness along its midline at ``x_mm``, mm (0 beyond its end)."""
    solid = insole.solid.mirrored_y() if insole.side is Side.LEFT else insole.solid
    x0, y0, x1, y1 = insole.outline.bounds
    if x_mm >= x1 - 0.5:
        return 0.0
    cut = insole.outline.intersection(LineString([(x_mm, y0 - 1.0), (x_mm, y1 + 1.0)]))
    y = float(np.mean(np.asarray(shapely.get_coordinates(cut))[:, 1]))
    top, bottom = surface_z(solid.vertices, solid.faces, np.array([[x_mm, y]]))
    return float(top[0] - bottom[0]) if np.isfinite(top[0]) else 0.0
