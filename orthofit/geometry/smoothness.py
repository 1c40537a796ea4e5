"""How smooth an insole is to stand on, measured on the built solid (issue 15's rules).

Three measures, each with the limit a lab would hold it to:

* the steepest slope of the top surface away from the rim: the surface under the foot may
  rise to a heel cup or an arch, but a slope steeper than :data:`MAX_SLOPE_DEG` inside the
  rim band is a wall or a cliff the foot meets edge-on (the scan-fitted tray's medial wall);
* the largest step: the top surface's height sampled on a 1 mm grid, the largest rise
  between neighbouring samples; a step of more than :data:`MAX_STEP_MM` is a ledge a foot
  feels (a ledge is a slope too, but on a coarse mesh its steepness hides in long triangles);
* the deepest notch in the outline: the outline closed by a disc of radius
  :data:`MIN_NOTCH_RADIUS_MM` (``buffer(r).buffer(-r)``) fills every inlet narrower than the
  disc; how far the filled area reaches into the outline is the notch's depth (the gaps
  between the toes a scan-fitted outline copied).

For now these are reported (``orthofit insole`` and the lab sheet's printability lines), not
enforced: the insoles built today break them at the heel cup's rim, which issue 15's new
constructions replace; once they do, breaking a rule will raise, as a solid that is not
closed does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon

from orthofit.measure.raster import triangle_heights

#: Steepest slope of the top surface inside the rim band, degrees [D]: 45° is where a
#: surface turns from something the foot stands on into a wall it presses against.
MAX_SLOPE_DEG = 45.0
#: The rim band: the top surface within this distance of the outline may be steeper (the
#: rounded lip of a heel cup or a flange), mm [D].
RIM_BAND_MM = 6.0
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


def smoothness(vertices: np.ndarray, faces: np.ndarray, outline: Polygon) -> Smoothness:
    """Measure a built insole.

    Parameters
    ----------
    vertices : (n, 3) float
        The solid's vertices, mm, in the frame of ``outline`` (z up, the top surface facing up).
    faces : (m, 3) int
        Its triangles, outward-wound.
    outline : Polygon
        Its outline in plan, mm.
    """
    tri = vertices[faces]
    normal = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    length = np.linalg.norm(normal, axis=1)
    up = normal[:, 2] > 1e-9 * length  # the top surface (walls are vertical, the bottom faces down)
    centre = tri.mean(axis=1)
    inner = outline.buffer(-RIM_BAND_MM)
    inside = up & (not inner.is_empty) & shapely.contains_xy(inner, centre[:, 0], centre[:, 1])
    if inside.any():
        slope = np.degrees(np.arccos(np.clip(normal[inside, 2] / length[inside], -1.0, 1.0)))
        k = int(np.argmax(slope))
        max_slope = float(slope[k])
        slope_at = (float(centre[inside][k, 0]), float(centre[inside][k, 1]))
    else:
        max_slope, slope_at = 0.0, (0.0, 0.0)
    step, step_at = _max_step(vertices, faces[up], inner)
    return Smoothness(max_slope, slope_at, step, step_at, _notch_depth(outline))


def _max_step(v: np.ndarray, top: np.ndarray, inner) -> tuple[float, tuple[float, float]]:
    """The largest rise between neighbouring samples of the top surface inside ``inner``."""
    if len(top) == 0 or inner.is_empty:
        return 0.0, (0.0, 0.0)
    heights, origin = triangle_heights(v[:, :2], v[:, 2], top, STEP_PITCH_MM)
    rows, cols = np.indices(heights.shape)
    cx = origin[0] + (cols + 0.5) * STEP_PITCH_MM
    cy = origin[1] + (rows + 0.5) * STEP_PITCH_MM
    ok = np.isfinite(heights) & shapely.contains_xy(inner, cx, cy)
    best, at = 0.0, (0.0, 0.0)
    for axis in (0, 1):
        with np.errstate(invalid="ignore"):  # inf - inf outside the surface; masked below
            a = np.diff(heights, axis=axis)
        both = ok[:-1, :] & ok[1:, :] if axis == 0 else ok[:, :-1] & ok[:, 1:]
        rise = np.where(both, np.abs(a), 0.0)
        if rise.size and rise.max() > best:
            r, c = np.unravel_index(int(np.argmax(rise)), rise.shape)
            best, at = float(rise[r, c]), (float(cx[r, c]), float(cy[r, c]))
    return best, at


def _notch_depth(outline: Polygon) -> float:
    """How far the inlets narrower than :data:`MIN_NOTCH_RADIUS_MM` reach into the outline, mm."""
    r = MIN_NOTCH_RADIUS_MM
    closed = outline.buffer(r, quad_segs=16).buffer(-r, quad_segs=16)
    filled = closed.difference(outline)
    if filled.is_empty or filled.area < 1e-6:
        return 0.0
    # The depth of a filled inlet: the furthest point of it from the closed outline's edge.
    boundary = closed.exterior
    pts: list[np.ndarray] = []
    for part in getattr(filled, "geoms", [filled]):
        pts.extend(np.asarray(part.exterior.coords))
    if not pts:
        return 0.0
    p = np.asarray(pts)
    return float(shapely.distance(shapely.points(p), boundary).max())
