"""How an insole is made from its thickness field: the two constructions of issue 15.

The features (:mod:`orthofit.geometry.features`) give a thickness field t(x, y) over the
outline: how far the foot-contact surface stands above the shoe's footbed. A construction
turns it into a top and a bottom surface:

* **full-contact** (:func:`full_contact_surfaces`): the bottom is the shoe's footbed
  (:func:`footbed_height`: the heel-to-toe drop, the toe spring and the dish across the heel
  seat of the shoe type), the top is footbed + t. Under the heel cup the bottom rises with the
  cup, so the cup is a wall ``heel_cup_wall_mm`` thick (measured square to its slope), not a
  solid block; and within ``rim_radius_mm`` of the outline the top rolls down to
  ``min_thickness_mm``, a rounded lip instead of a cliff.
* **shell** (:func:`shell_surfaces`): a functional orthosis shell, 3/4 length, whose top is
  the same foot-contact surface and whose bottom is that surface moved ``shell_thickness_mm``
  along its normals (uniform thickness, as a vacuum-formed polypropylene shell is); under
  the heel a rearfoot post fills down to the footbed (``shell_post_pct`` of foot length,
  0 = no post).

Every number not from a source is a design choice [D] (docs/insole-constructions.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orthofit.config.params import InsoleParams
from orthofit.config.shoes import ShoeSpec, shoe_spec
from orthofit.geometry.field import REAR_END, REAR_FULL, SurfaceContext, smoothstep

#: Where the heel seat of the footbed ends and its fall to the ball begins, fraction of foot
#: length [D]: the heel seat is the rear quarter of a last (oneandawl.org, last measurements:
#: heel length "often approximated as one quarter of standard last length") [S].
HEEL_SEAT_END = REAR_FULL
#: The toe spring starts this far ahead of the 1st metatarsal head, mm [D] (the ball's
#: flexion line runs through the metatarsal heads; the toe rises ahead of it).
TOE_SPRING_START_MM = 10.0
#: The shoe types' drops and toe springs are an adult's (a last for a foot of about this
#: length, mm); a shorter foot's are scaled down in proportion [D].
ADULT_LAST_MM = 250.0
#: Share of the heel-seat dish the footbed keeps under the forefoot [D].
FOREFOOT_DISH_SHARE = 0.3


def footbed_height(
    xy: np.ndarray, ctx: SurfaceContext, spec: ShoeSpec, length_allowance_mm: float = 15.0
) -> np.ndarray:
    """Height of the shoe's footbed under the points ``xy``, mm (lowest, 0, under the ball).

    Parameters
    ----------
    xy : (n, 2) float
        Points inside the outline, right-foot frame, mm.
    ctx : SurfaceContext
        The outline's context (its medial and lateral borders, the foot's landmarks).
    spec : ShoeSpec
        The shoe type: drop, toe spring and heel dish.
    length_allowance_mm : float
        The insole's length beyond the toes: the last's toe point, where the toe spring is
        reached, lies that far ahead of the foot whatever the insole's own length (a sulcus
        or 3/4 insole ends before it).

    Returns
    -------
    (n,) float
        mm above the lowest point of the footbed.
    """
    x, y = xy[:, 0], xy[:, 1]
    length = ctx.foot.foot_length_mm
    scale = min(1.0, length / ADULT_LAST_MM)  # a child's last is the adult's, scaled
    ball = min(ctx.marks.mth5_x_mm, ctx.marks.mth1_x_mm)
    # The drop: a heel seat at drop_mm, a smooth fall through the waist to the ball.
    z = scale * spec.drop_mm * smoothstep(ball - 10.0, HEEL_SEAT_END * length, x)
    # The toe spring: a parabola from just ahead of the 1st metatarsal head to the toe point of
    # the last (foot + allowance), where it reaches toe_spring_mm.
    start = ctx.marks.mth1_x_mm + TOE_SPRING_START_MM
    tip = max(length + length_allowance_mm, start + 1.0)
    u = np.clip((x - start) / (tip - start), 0.0, 1.0)
    z = z + scale * spec.toe_spring_mm * u * u
    # The dish across the footbed: a parabola between the borders at each x.
    med = np.interp(x, ctx.border_x, ctx.border_medial)
    lat = np.interp(x, ctx.border_x, ctx.border_lateral)
    half = np.maximum((med - lat) / 2.0, 1.0)
    across = np.clip(np.abs(y - (med + lat) / 2.0) / half, 0.0, 1.0) ** 2
    dish = (
        scale
        * spec.heel_dish_mm
        * (FOREFOOT_DISH_SHARE + (1 - FOREFOOT_DISH_SHARE) * smoothstep(ball, REAR_END * length, x))
    )
    return z + dish * across


@dataclass(frozen=True)
class Surfaces:
    """Top and bottom of the solid at some points, and the parts they were made of (all (n,) mm)."""

    top: np.ndarray
    bottom: np.ndarray
    footbed: np.ndarray
    thickness: np.ndarray  # the features' thickness field t (before the cup wall and lip)


def cup_slope(d_edge: np.ndarray, fx: np.ndarray, p: InsoleParams) -> np.ndarray:
    """Slope (rise per mm, >= 0) of the heel cup's inner wall, the derivative of
    :class:`~orthofit.geometry.features.heel_cup.HeelCup`'s D (1 - d/W)² fade.
    """
    from orthofit.geometry.features.heel_cup import CUP_END, CUP_FULL, rim_distance

    if p.heel_cup_depth_mm <= 0:
        return np.zeros_like(d_edge)
    w = p.heel_cup_wall_width_mm
    d = rim_distance(d_edge, p)
    return 2.0 * p.heel_cup_depth_mm / w * np.clip(1.0 - d / w, 0.0, 1.0) * smoothstep(CUP_END, CUP_FULL, fx)


def full_contact_surfaces(
    xy: np.ndarray, ctx: SurfaceContext, p: InsoleParams, parts: dict[str, np.ndarray]
) -> Surfaces:
    """Top and bottom of the full-contact insole at ``xy`` (see the module docstring), from
    the features' thickness components ``parts`` there (name -> (n,) mm).
    """
    t = np.sum(list(parts.values()), axis=0)
    bed = footbed_height(xy, ctx, shoe_spec(p.shoe), p.length_allowance_mm)
    d_edge = ctx.distance_to_edge(xy)
    cup = parts.get("heel_cup", np.zeros(len(xy)))
    rest = t - cup
    # The cup as a wall: keep heel_cup_wall_mm square to the wall's slope (c sqrt(1 + g²)
    # vertically), never less than the thickness under the heel seat; the bottom rises by the rest.
    wall = p.heel_cup_wall_mm * np.sqrt(1.0 + cup_slope(d_edge, xy[:, 0] / ctx.foot.foot_length_mm, p) ** 2)
    lift = np.maximum(cup - np.maximum(wall - rest, 0.0), 0.0)
    solid = t - lift
    # The lip: within rim_radius_mm the thickness rolls down to min_thickness_mm at the edge
    # (a parabola, level with the surface inside, so the top has no kink where it starts).
    u = np.clip(d_edge / p.rim_radius_mm, 0.0, 1.0)
    edge = min(p.min_thickness_mm, float(np.min(solid)))
    solid = edge + (solid - edge) * (1.0 - (1.0 - u) ** 2)
    bottom = bed + lift
    return Surfaces(bottom + solid, bottom, bed, t)


def shell_top(xy: np.ndarray, ctx: SurfaceContext, p: InsoleParams, parts: dict[str, np.ndarray]) -> Surfaces:
    """The shell's top (the foot-contact surface) at ``xy``: the features' shape above their
    base, raised by the shell's thickness so that the shell's underside rests on the footbed
    where the shape is flat. Its underside is the top moved along its normals
    (:func:`orthofit.geometry.solid.extrude_shell`); ``bottom`` here is the footbed, where a
    rearfoot post ends.
    """
    t = np.sum(list(parts.values()), axis=0)
    shape = t - parts.get("base", 0.0)
    bed = footbed_height(xy, ctx, shoe_spec(p.shoe), p.length_allowance_mm)
    return Surfaces(bed + p.shell_thickness_mm + shape, bed, bed, t)


def post_weight(xy: np.ndarray, ctx: SurfaceContext, p: InsoleParams) -> np.ndarray:
    """1 where the shell's rearfoot post fills down to the footbed, 0 where the shell floats:
    under the heel seat, inside the heel cup's wall (the wall stays a shell: a post under it
    would be the solid block a shell avoids), fading out over 4 mm towards the wall and over
    15 mm ahead of ``shell_post_pct`` [D].
    """
    if p.shell_post_pct <= 0:
        return np.zeros(len(xy))
    end = p.shell_post_pct / 100.0 * ctx.foot.foot_length_mm
    along = smoothstep(end, end - 15.0, xy[:, 0])
    wall = p.heel_cup_wall_width_mm if p.heel_cup_depth_mm > 0 else 2.0
    inside = smoothstep(wall, wall + 4.0, ctx.distance_to_edge(xy))
    return along * inside
