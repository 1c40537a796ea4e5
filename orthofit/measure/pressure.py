"""Footprints and pressure plates: a grid (CSV or PNG) -> contact outline -> indices, CPEI.

Grid conventions (documented once): a CSV has one line per grid row and one value per cell,
0 = no contact; row 0 is the bottom of the plate ("south") and column 0 its left ("west"),
as a pressure plate's software plots it (origin at the lower left). A PNG is a picture: its
top row is north. ``pitch_mm`` is the cell size.

From the contact cells:

* the outline is the union of the cells, smoothed by a closing then an opening of half a
  cell (engineering.md §2) so that footprint angles do not follow the pixel staircase;
* the long axis is the principal axis of the contact cells; the toes are at the wider end;
* the side comes from the medial arch: the midfoot contact lies lateral of the line joining
  heel and forefoot; the user may override it, and a disagreement is reported;
* with pressures, the toes are cut off where the peak pressure dips between the metatarsal
  heads and the toes (the sulcus), so the Arch Index excludes them (clinical-basis.md §1.0).

CPEI (Song et al. 1996) is defined on the centre-of-pressure path of a walking step. A single
pressure image has no path, so orthofit reports a static proxy, named as such: the load line
joins the pressure-weighted centres of the cross-sections, and its lateral excursion from
the heel-to-toe construction line at 2/3 of the foot's length, over the foot's width there,
x 100. It is not comparable to dynamic CPEI values (USMA: 22.7 %, clinical-basis.md §7.1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon, box

from orthofit.errors import FootprintError, shown
from orthofit.io.grid_file import PressureGrid
from orthofit.measure.footprint import FootprintIndices, footprint_indices
from orthofit.measure.raster import cells_outline
from orthofit.model.enums import Side

#: Contact components smaller than this share of the largest one are noise [D].
_MIN_COMPONENT_SHARE = 0.01
#: The toe sulcus is searched for in the front 40 % of the print [D].
_TOE_SEARCH_FRACTION = 0.40
#: CPEI proxy: where along the foot the excursion is measured (Song 1996: distal third).
CPEI_AT_FRACTION = 2.0 / 3.0


@dataclass(frozen=True)
class PlanFrame:
    """The map from a grid's plan (east, north mm) to the orthofit frame of the foot on it:
    x from the heel along the print's long axis, y across it (a right foot's medial side +y).
    """

    origin: tuple[float, float]  # the contact cells' centroid, grid mm
    axis_u: tuple[float, float]  # unit vector heel -> toes, grid plan
    axis_v: tuple[float, float]  # axis_u turned +90 degrees
    s0: float  # the heel's coordinate along axis_u, from the origin
    mirror: float  # -1 when the print is measured as the other side than it looks

    def apply(self, xy: np.ndarray) -> np.ndarray:
        """(n, 2) grid plan mm -> (n, 2) orthofit frame mm."""
        d = np.asarray(xy, dtype=float) - np.asarray(self.origin)
        return np.column_stack([d @ np.asarray(self.axis_u) - self.s0, (d @ np.asarray(self.axis_v)) * self.mirror])


@dataclass(frozen=True)
class GridFootprint:
    side: Side
    side_from_print: Side  # what the medial arch says
    outline_rings: tuple  # toe-free print and toe prints, orthofit frame, mm
    indices: FootprintIndices
    cpei_proxy_pct: float | None
    toe_cut: str  # "pressure dip", "separate", or "none found"
    notes: tuple[str, ...]
    frame: PlanFrame | None = None  # grid plan -> orthofit frame
    toe_x_mm: float | None = None  # where the toes begin (the pressure dip), orthofit frame


def analyse_grid(grid: PressureGrid, side: Side | None = None, threshold: float = 0.0) -> GridFootprint:
    """Outline, side, footprint indices and the CPEI proxy of a grid.

    Parameters
    ----------
    side : Side, optional
        Overrides the side read from the print (a disagreement is noted).
    threshold : float
        Cells above this value are in contact (in the grid's unit; 0 = any load).
    """
    if not (isinstance(threshold, (int, float)) and math.isfinite(threshold) and threshold >= 0):
        raise FootprintError(
            f"contact threshold {shown(threshold)}: give a number 0 or more, in the grid's unit (0 = any load)"
        )
    mask = grid.values > threshold
    if not mask.any():
        raise FootprintError(
            f"no cell of {grid.source or 'the grid'} is above the contact threshold {threshold:g}; give a lower one"
        )
    mask = _drop_specks(mask)
    rows, cols = np.nonzero(mask)
    p = grid.pitch_mm
    centres = np.column_stack([(cols + 0.5) * p, (rows + 0.5) * p])  # east, north, mm
    weights = grid.values[rows, cols]
    axis_u, axis_v = _principal_axes(centres)
    s = (centres - centres.mean(axis=0)) @ axis_u
    t = (centres - centres.mean(axis=0)) @ axis_v
    length = np.ptp(s)
    if not 50 <= length <= 400:
        raise FootprintError(f"the print is {length:.0f} mm long; check the pixel pitch ({p:g} mm per cell)")
    # Toes at the wider end.
    front = s > s.min() + 0.75 * length
    back = s < s.min() + 0.25 * length
    if np.ptp(t[front]) < np.ptp(t[back]):
        # Turn the frame by 180 degrees (both axes), keeping it right-handed: flipping only
        # the long axis would mirror the print and swap left for right.
        axis_u, axis_v, s, t = -axis_u, -axis_v, -s, -t
    # Lateral = where the midfoot contact lies, relative to the heel-forefoot line.
    s0 = s.min()
    heel_c = t[s < s0 + 0.2 * length].mean()
    fore_c = t[s > s0 + 0.6 * length].mean()
    mid = (s > s0 + 0.4 * length) & (s < s0 + 0.6 * length)
    line_at_mid = heel_c + (fore_c - heel_c) * (0.5 - 0.1) / (0.7 - 0.1)
    lateral_sign = np.sign(t[mid].mean() - line_at_mid) or 1.0
    # In a right-handed plan view (x toward the toes, y to the left) the right foot's
    # medial side is +y. axis_v is axis_u turned +90 degrees, so +t is "left".
    side_from_print = Side.RIGHT if lateral_sign < 0 else Side.LEFT
    side = side or side_from_print
    notes = []
    if side is not side_from_print:
        notes.append(
            f"the print looks like a {side_from_print.value} foot (its arch is on that side); "
            f"measured as {side.value} as given"
        )
    # Orthofit frame: x from the heel along the axis, y = t (a plan view: a right foot's
    # medial side is +y, a left foot's -y). Only when the user names the other side is the
    # print mirrored, so that its arch lands on that side's medial side.
    mirror = 1.0 if side is side_from_print else -1.0

    c = centres.mean(axis=0)
    frame = PlanFrame(
        (float(c[0]), float(c[1])),
        (float(axis_u[0]), float(axis_u[1])),
        (float(axis_v[0]), float(axis_v[1])),
        float(s0),
        mirror,
    )
    to_frame = frame.apply

    cells = cells_outline(mask, p)
    cells = shapely.transform(cells, to_frame)
    r = 0.5 * p
    smooth = cells.buffer(r).buffer(-2 * r).buffer(r)
    smooth = smooth if not smooth.is_empty else cells
    fs = s - s0  # x of each cell in the frame
    toe_cut = "none found"
    cut = None
    if grid.has_pressure:
        cut = _toe_sulcus(fs, weights, p)
        if cut is not None:
            x0, y0, x1, y1 = smooth.bounds
            body = smooth.intersection(box(x0 - 1, y0 - 1, cut, y1 + 1))
            toes = smooth.intersection(box(cut + 0.5 * p, y0 - 1, x1 + 1, y1 + 1))
            smooth = shapely.union_all([body, toes])
            toe_cut = "pressure dip"
    polys = [g for g in getattr(smooth, "geoms", [smooth]) if isinstance(g, Polygon) and g.area > 4 * p * p]
    if len(polys) > 1 and toe_cut == "none found":
        toe_cut = "separate"
    rings = tuple(tuple(map(tuple, np.asarray(g.exterior.coords)[:-1])) for g in polys)
    fp = footprint_indices(rings, side)
    cpei = None
    if grid.has_pressure:
        cpei = _cpei_proxy(to_frame(centres), weights, side, p)
    else:
        notes.append("a picture gives contact only: no pressure, so no CPEI")
    return GridFootprint(side, side_from_print, rings, fp, cpei, toe_cut, tuple(notes + list(fp.notes)), frame, cut)


def _drop_specks(mask: np.ndarray) -> np.ndarray:
    from scipy import ndimage

    labels, n = ndimage.label(mask)
    if n <= 1:
        return mask
    sizes = ndimage.sum(mask, labels, index=np.arange(1, n + 1))
    keep = np.flatnonzero(sizes >= _MIN_COMPONENT_SHARE * sizes.max()) + 1
    return np.isin(labels, keep)


def _principal_axes(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = xy - xy.mean(axis=0)
    _, vecs = np.linalg.eigh(d.T @ d)
    u = vecs[:, 1]
    return u, np.array([-u[1], u[0]])


def _toe_sulcus(x: np.ndarray, w: np.ndarray, pitch: float) -> float | None:
    """The x of the pressure dip between the metatarsal heads and the toes, or None."""
    bins = np.floor((x - x.min()) / pitch).astype(int)
    peak = np.zeros(bins.max() + 1)
    np.maximum.at(peak, bins, w)
    n = len(peak)
    start = int(n * (1 - _TOE_SEARCH_FRACTION))
    front = peak[start:]
    if len(front) < 4:
        return None
    mth = int(np.argmax(front))  # metatarsal heads: the peak
    ahead = front[mth:]
    if len(ahead) < 3:
        return None
    # The sulcus: the point ahead of the heads with the largest rise still in front of it
    # (the toe pads), not the low-pressure toe tip.
    rise = np.append(np.maximum.accumulate(ahead[::-1])[::-1][1:], 0.0) - ahead
    dip = int(np.argmax(rise))
    if dip == 0 or rise[dip] < 0.15 * front[mth]:
        return None
    return x.min() + (start + mth + dip + 0.5) * pitch


def _cpei_proxy(xy: np.ndarray, w: np.ndarray, side: Side, pitch: float) -> float | None:
    """Static CPEI proxy, % (see the module docstring)."""
    x, y = xy[:, 0], xy[:, 1] * side.medial_sign  # y > 0 medial for both feet
    bins = np.floor((x - x.min()) / pitch).astype(int)
    n = bins.max() + 1
    load = np.bincount(bins, w, n)
    has = load > 0
    centre_y = np.bincount(bins, w * y, n)[has] / load[has]
    centre_x = (np.arange(n)[has] + 0.5) * pitch + x.min()
    if len(centre_x) < 5:
        return None
    at = x.min() + CPEI_AT_FRACTION * np.ptp(x)
    line = np.interp(at, [centre_x[0], centre_x[-1]], [centre_y[0], centre_y[-1]])
    excursion = line - np.interp(at, centre_x, centre_y)  # lateral of the line = positive
    k = np.abs(x - at) <= pitch / 2
    width = np.ptp(y[k]) + pitch if k.any() else np.nan
    return float(100.0 * excursion / width)


__all__ = ["GridFootprint", "PlanFrame", "analyse_grid", "CPEI_AT_FRACTION"]
