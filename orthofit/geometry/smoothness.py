"""How smooth an insole is to stand on, measured on the built solid (issue 15's rules).

Three measures, each with the limit a lab would hold it to:

* the steepest slope of the top surface away from the rim: the surface under the foot may
  rise to a heel cup or an arch, but a slope steeper than :data:`MAX_SLOPE_DEG` inside the
  rim band is a wall or a cliff the foot meets edge-on (the scan-fitted tray's medial wall);
* the largest step: the largest rise between neighbouring samples of the top surface (the
  vertices of its mesh, where the design or the scan was sampled), scaled to a run of
  :data:`STEP_PITCH_MM`; a step of more than :data:`MAX_STEP_MM` is a ledge a foot feels;
* the deepest notch in the outline: the outline closed by a disc of radius
  :data:`MIN_NOTCH_RADIUS_MM` (``buffer(r).buffer(-r)``) fills every inlet narrower than the
  disc; how far the filled area reaches into the outline is the notch's depth (the gaps
  between the toes a scan-fitted outline copied).

The heel cup's wall and the flanges are the walls an insole is meant to have: they are held
to their own limit, :data:`MAX_CUP_SLOPE_DEG`. The builder raises :class:`~orthofit.errors.DesignError`
(a user error: the prescription asks for it) on an insole that breaks a rule, as it raises on a
solid that is not closed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon

#: Steepest slope of the top surface inside the rim band, degrees [D]: 45° is where a
#: surface turns from something the foot stands on into a wall it presses against.
MAX_SLOPE_DEG = 45.0
#: The rim band: the top surface within this distance of the outline may be steeper (the
#: rounded lip of a heel cup or a flange), mm [D].
RIM_BAND_MM = 6.0
#: Steepest slope of a designed wall (the heel cup's inner wall, a flange), degrees [D]: the
#: walls an insole is meant to have (they hold the heel, or the midfoot's side); 72° admits
#: Huppin's 20-22 mm deep cup over the default 14 mm wall (71°), and a steeper wall must be
#: made wider.
MAX_CUP_SLOPE_DEG = 72.0
#: Largest rise between neighbouring 1 mm samples of the top surface inside the rim band,
#: mm [D]: a rise of 1 mm over 1 mm is the 45° slope.
MAX_STEP_MM = 1.0
#: Sample pitch of the step measure, mm.
STEP_PITCH_MM = 1.0
#: Smallest radius of an inlet in the outline, mm [D]: a toe gap is 2-4 mm wide; an
#: outline a lab cuts follows a 10 mm radius at least.
MIN_NOTCH_RADIUS_MM = 5.0
#: Deepest such inlet allowed, mm [D].
MAX_NOTCH_DEPTH_MM = 0.5


@dataclass(frozen=True)
class Smoothness:
    """An insole's smoothness measures (see the module docstring)."""

    max_slope_deg: float
    max_slope_at_mm: tuple[float, float]  # (x, y) of the steepest face
    max_step_mm: float
    max_step_at_mm: tuple[float, float]
    max_notch_depth_mm: float
    max_cup_slope_deg: float = 0.0
    max_cup_slope_at_mm: tuple[float, float] = (0.0, 0.0)

    @property
    def broken_rules(self) -> tuple[str, ...]:
        """The rules this insole breaks, each as a phrase with the figure and its limit."""
        out = []
        if self.max_slope_deg > MAX_SLOPE_DEG:
            x, y = self.max_slope_at_mm
            out.append(
                f"a {self.max_slope_deg:.0f}° slope at x = {x:.0f} mm, y = {y:.0f} mm "
                f"(at most {MAX_SLOPE_DEG:g}° inside the {RIM_BAND_MM:g} mm rim)"
            )
        if self.max_cup_slope_deg > MAX_CUP_SLOPE_DEG:
            x, y = self.max_cup_slope_at_mm
            out.append(
                f"a {self.max_cup_slope_deg:.0f}° wall (heel cup or flange) at x = {x:.0f} mm, y = {y:.0f} mm "
                f"(at most {MAX_CUP_SLOPE_DEG:g}°; widen heel_cup_wall_width_mm or flange_width_mm, or lower it)"
            )
        if self.max_step_mm > MAX_STEP_MM:
            x, y = self.max_step_at_mm
            out.append(
                f"a {self.max_step_mm:.1f} mm step at x = {x:.0f} mm, y = {y:.0f} mm "
                f"(at most {MAX_STEP_MM:g} mm per mm)"
            )
        if self.max_notch_depth_mm > MAX_NOTCH_DEPTH_MM:
            out.append(
                f"a notch {self.max_notch_depth_mm:.1f} mm deep in the outline (none narrower than a "
                f"{MIN_NOTCH_RADIUS_MM:g} mm radius deeper than {MAX_NOTCH_DEPTH_MM:g} mm)"
            )
        return tuple(out)


def smoothness(
    vertices: np.ndarray, faces: np.ndarray, outline: Polygon, cup_wall: Polygon | None = None
) -> Smoothness:
    """Measure a built insole.

    Parameters
    ----------
    vertices : (n, 3) float
        The solid's vertices, mm, in the frame of ``outline`` (z up, the top surface facing up).
    faces : (m, 3) int
        Its triangles, outward-wound.
    outline : Polygon
        Its outline in plan, mm.
    cup_wall : Polygon, optional
        Where the designed walls rise, the heel cup's and the flanges' (held to
        :data:`MAX_CUP_SLOPE_DEG` instead of :data:`MAX_SLOPE_DEG`, and left out of the step
        measure, whose 1 mm per mm is the same 45°).
    """
    normal = _normals(vertices, faces)
    length = np.linalg.norm(normal, axis=1)
    up = np.flatnonzero(normal[:, 2] > 1e-9 * length)  # the top (walls are vertical, the bottom faces down)
    normal, length, top = normal[up], length[up], faces[up]
    centre = vertices[top].mean(axis=1)
    slope = np.degrees(np.arccos(np.clip(normal[:, 2] / length, -1.0, 1.0)))
    inner = outline.buffer(-RIM_BAND_MM)
    inside = (not inner.is_empty) & shapely.contains_xy(inner, centre[:, 0], centre[:, 1])
    in_cup = np.zeros(len(top), dtype=bool)
    if cup_wall is not None and not cup_wall.is_empty:
        in_cup[inside] = shapely.contains_xy(cup_wall, centre[inside, 0], centre[inside, 1])
        inner = inner.difference(cup_wall)
    max_slope, slope_at = _steepest(slope, centre, inside & ~in_cup)
    cup_slope, cup_at = _steepest(slope, centre, in_cup)
    step, step_at = _max_step(vertices, top, inner)
    return Smoothness(max_slope, slope_at, step, step_at, _notch_depth(outline), cup_slope, cup_at)


def _normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Each face's normal, length twice its area ((m, 3))."""
    a, b, c = vertices[faces[:, 0]], vertices[faces[:, 1]], vertices[faces[:, 2]]
    return np.cross(b - a, c - a)


def _steepest(slope: np.ndarray, centre: np.ndarray, mask: np.ndarray) -> tuple[float, tuple[float, float]]:
    """The steepest of the masked faces and where it is."""
    if not mask.any():
        return 0.0, (0.0, 0.0)
    k = int(np.argmax(np.where(mask, slope, -1.0)))
    return float(slope[k]), (float(centre[k, 0]), float(centre[k, 1]))


def cup_wall_region(outline: Polygon, wall_width_mm: float, cup_end_x_mm: float) -> Polygon:
    """The band along the outline where a heel cup's wall rises: ``wall_width_mm`` deep, from
    the heel to ``cup_end_x_mm``.
    """
    from shapely.geometry import box

    x0, y0, _, y1 = outline.bounds
    band = outline.difference(outline.buffer(-wall_width_mm))
    return band.intersection(box(x0 - 1.0, y0 - 1.0, cup_end_x_mm, y1 + 1.0))


def _max_step(v: np.ndarray, top: np.ndarray, inner) -> tuple[float, tuple[float, float]]:
    """The largest rise per mm between neighbouring vertices of the top surface inside
    ``inner`` (both ends of a mesh edge inside), mm per mm.

    The mesh's vertices are where the designed (or scanned) surface was sampled; a ledge
    between two samples is a rise over the short horizontal run of the edge that joins them,
    which is the ledge's rise per mm whatever the mesh's spacing.
    """
    if len(top) == 0 or inner.is_empty:
        return 0.0, (0.0, 0.0)
    e = np.concatenate([top[:, [0, 1]], top[:, [1, 2]], top[:, [2, 0]]])
    used = np.zeros(len(v), dtype=bool)
    used[top.ravel()] = True  # each inner edge is seen twice; that does not change the maximum
    ok = np.zeros(len(v), dtype=bool)
    ok[used] = shapely.contains_xy(inner, v[used, 0], v[used, 1])
    e = e[ok[e[:, 0]] & ok[e[:, 1]]]
    if len(e) == 0:
        return 0.0, (0.0, 0.0)
    a, b = v[e[:, 0]], v[e[:, 1]]
    run = np.maximum(np.hypot(b[:, 0] - a[:, 0], b[:, 1] - a[:, 1]), 1e-9)
    rise = np.abs(b[:, 2] - a[:, 2]) / run * STEP_PITCH_MM
    k = int(np.argmax(rise))
    mid = (a[k] + b[k]) / 2.0
    return float(rise[k]), (float(mid[0]), float(mid[1]))


def _notch_depth(outline: Polygon) -> float:
    """How far the inlets narrower than :data:`MIN_NOTCH_RADIUS_MM` reach into the outline, mm."""
    r = MIN_NOTCH_RADIUS_MM
    # 8 segments a quarter circle: the arc is within 0.03 mm of the true disc at 5 mm.
    closed = outline.buffer(r, quad_segs=8).buffer(-r, quad_segs=8)
    filled = closed.difference(outline)
    # Round-off leaves slivers along the whole outline; an inlet worth measuring has area.
    parts = [g for g in getattr(filled, "geoms", [filled]) if not g.is_empty and g.area > _SLIVER_MM2]
    if not parts:
        return 0.0
    # The depth of a filled inlet: the furthest point of it from the closed outline's edge.
    p = np.concatenate([np.asarray(g.exterior.coords) for g in parts])
    return float(shapely.distance(shapely.points(p), closed.exterior).max())


#: Pieces of the closed-minus-outline area smaller than this are round-off, mm² [D]: a notch
#: 0.5 mm deep and 1 mm wide, the smallest the rule cares about, is 0.25 mm².
_SLIVER_MM2 = 0.05
