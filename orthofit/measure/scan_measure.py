"""Measuring an oriented foot scan (orthofit frame, mm), each measure with its definition and
an uncertainty.

Uncertainty = sqrt((mesh edge / 2)² + method²): the first term is how far the surface may lie
between vertices, the second how well the definition's landmark is found on a surface (a
design estimate [D], listed in :data:`METHOD_ERROR_MM`). Orientation errors add little (1° of
floor tilt moves a 60 mm height by about 1 mm) and are inside the method term.

Which measures a scan can give depends on how it was taken (the user says): a standing scan
gives the standing heights and a footprint; a sitting one the sitting heights; a
non-weight-bearing scan or a foam-box impression gives neither a footprint nor loaded heights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from orthofit.errors import FootprintError
from orthofit.measure.footprint import FootprintIndices, footprint_indices
from orthofit.measure.orient import OrientedScan
from orthofit.measure.raster import cells_outline, rasterize_triangles, smooth_outline
from orthofit.model.enums import ScanCondition, Side

#: Contact height for a scan footprint: the sole within this height of the floor [D]. Glass-
#: plate scans flatten the contact to within a fraction of a millimetre; 2 mm also takes in the
#: soft edge of the contact. Configurable.
FOOTPRINT_HEIGHT_MM = 2.0
#: Cell size of the grid the footprint contact is drawn on, mm [D]. The cells lie within half
#: a cell diagonal (0.35 mm) of the contact triangles and are smoothed over half a cell: far
#: finer than footprint indices need (a pressure plate's cells are 5 mm), and the outline's
#: vertex count is set by its perimeter, however dense the mesh (orthofit.measure.raster).
FOOTPRINT_PITCH_MM = 0.5
#: How well each definition's landmark is found on a scanned surface, mm [D].
METHOD_ERROR_MM = {
    "foot_length_mm": 1.0,
    "ball_width_mm": 1.5,
    "heel_width_mm": 2.0,
    "ball_girth_mm": 4.0,
    "truncated_foot_length_mm": 5.0,
    "dorsal_height_standing_mm": 1.5,
    "dorsal_height_sitting_mm": 1.5,
    "instep_height_mm": 2.0,
    "plantar_arch_height_mm": 2.0,
    "navicular_height_standing_mm": 6.0,
}
DEFINITIONS = {
    "foot_length_mm": (
        "heel (pternion) to the tip of the longest toe, along the foot axis (AIST; clinical-basis.md §4.1)"
    ),
    "ball_width_mm": "largest breadth across the foot axis between 55 and 85 % of foot length (clinical-basis.md §4.1)",
    "heel_width_mm": "largest breadth across the foot axis between 5 and 25 % of foot length, "
    "below 15 % of foot length in height (below the malleoli)",
    "ball_girth_mm": "around the foot through the 1st and 5th metatarsal heads (convex, as a tape lies; "
    "clinical-basis.md §4.1)",
    "truncated_foot_length_mm": "heel to the 1st metatarsal head: the medial bulge of the forefoot "
    "between 62 and 80 % of foot length (metatarsale tibiale), along the axis",
    "dorsal_height_standing_mm": "top of the foot at 50 % of foot length, standing (AHI; clinical-basis.md §2.1)",
    "dorsal_height_sitting_mm": "top of the foot at 50 % of foot length, unloaded (AHI; clinical-basis.md §2.1)",
    "instep_height_mm": "top of the foot at 55 % of foot length (the cuneiform prominence) [D]",
    "plantar_arch_height_mm": "highest point of the sole's medial arch above the floor, 30-60 % of foot "
    "length, medial 40 % of the width",
    "navicular_height_standing_mm": "ESTIMATE: height of the navicular prominence, taken as the most medial "
    "point of the midfoot's medial surface (35-50 % of foot length, 15-70 mm "
    "high); a shape landmark, not palpation: expect about ±6 mm [D]",
}


@dataclass(frozen=True)
class Measure:
    name: str
    value: float | None
    uncertainty_mm: float | None
    definition: str
    note: str | None = None  # why it was not measured


@dataclass(frozen=True)
class ScanMeasurements:
    side: Side
    condition: ScanCondition
    measures: dict[str, Measure]
    footprint: FootprintIndices | None
    footprint_height_mm: float
    footprint_note: str | None
    edge_mm: float
    footprint_rings: tuple = ()  # the contact outline(s), (n, 2) arrays, mm (plan view)

    def values(self) -> dict[str, float]:
        """The measured values by case-file field name (not-measured ones left out)."""
        return {k: m.value for k, m in self.measures.items() if m.value is not None}


def _robust_extremes(a: np.ndarray) -> tuple[float, float]:
    """Min and max ignoring the few most extreme points (noise), mm."""
    k = max(2, int(0.0005 * len(a)))
    part = np.partition(a, (k, len(a) - 1 - k))
    return float(part[k]), float(part[len(a) - 1 - k])


def _breadth(y: np.ndarray) -> float:
    lo, hi = _robust_extremes(y) if len(y) > 20 else (y.min(), y.max())
    return hi - lo


def measure_scan(
    scan: OrientedScan, condition: ScanCondition, footprint_height_mm: float = FOOTPRINT_HEIGHT_MM
) -> ScanMeasurements:
    """Measure an oriented scan (see the module docstring for the definitions)."""
    v, f = scan.vertices, scan.faces
    x, y, z = v.T
    edges = np.linalg.norm(v[f[:, [1, 2, 0]]] - v[f], axis=2)
    edge = float(np.median(edges))
    x0, x1 = _robust_extremes(x)
    fl = x1 - x0
    medial = scan.side.medial_sign * y  # > 0 toward the medial side
    values: dict[str, float | None] = {"foot_length_mm": fl}
    notes: dict[str, str] = {}

    half = max(1.0, 0.6 * edge)  # a slice must hold vertices on a coarse mesh

    def slice_at(frac: float) -> np.ndarray:
        return np.abs(x - (x0 + frac * fl)) <= half

    widths = [_breadth(y[s]) for c in np.arange(0.55, 0.85, 0.01) if (s := slice_at(c)).sum() > 5]
    values["ball_width_mm"] = max(widths) if widths else None
    heel = (x > x0 + 0.05 * fl) & (x < x0 + 0.25 * fl) & (z < 0.15 * fl)
    hw = [_breadth(y[heel & slice_at(c)]) for c in np.arange(0.05, 0.25, 0.01) if (heel & slice_at(c)).sum() > 5]
    values["heel_width_mm"] = max(hw) if hw else None
    # 1st MTH: the medial bulge of the forefoot (62-80 % of the length: in front of it the
    # hallux can bulge further); 5th MTH: the lateral bulge.
    low = z < 30.0
    fm = (x > x0 + 0.62 * fl) & (x < x0 + 0.80 * fl) & low
    mth1 = v[fm][np.argmax(medial[fm])] if fm.any() else None
    lat = (x > x0 + 0.5 * fl) & (x < x0 + 0.8 * fl) & low
    mth5 = v[lat][np.argmin(medial[lat])] if lat.any() else None
    values["truncated_foot_length_mm"] = float(mth1[0] - x0) if mth1 is not None else None
    values["ball_girth_mm"] = _girth(v, mth1, mth5) if mth1 is not None and mth5 is not None else None
    top50 = slice_at(0.50)
    top55 = slice_at(0.55)
    dorsal = float(z[top50].max()) if top50.any() else None
    loaded = condition is ScanCondition.STANDING
    height_name = "dorsal_height_standing_mm" if loaded else "dorsal_height_sitting_mm"
    other = "dorsal_height_sitting_mm" if loaded else "dorsal_height_standing_mm"
    if condition in (ScanCondition.STANDING, ScanCondition.SITTING):
        values[height_name] = dorsal
    else:
        notes[height_name] = f"a {condition.value} scan is not loaded like a sitting or standing foot"
    notes[other] = f"needs a {'sitting' if loaded else 'standing'} scan"
    values["instep_height_mm"] = float(z[top55].max()) if top55.any() else None
    if condition in (ScanCondition.STANDING, ScanCondition.SITTING):
        values["plantar_arch_height_mm"] = _plantar_arch(v, f, medial, x0, fl, max(3.0, 1.5 * edge))
    else:
        notes["plantar_arch_height_mm"] = (
            f"a {condition.value} foot does not rest its midfoot on a plane: "
            "the arch height needs a standing or sitting scan"
        )
    if loaded:
        values["navicular_height_standing_mm"] = _navicular(x, z, medial, x0, fl)
    else:
        notes["navicular_height_standing_mm"] = "needs a standing scan"
    measures = {}
    for name, definition in DEFINITIONS.items():
        val = values.get(name)
        unc = None if val is None else float(np.hypot(edge / 2.0, METHOD_ERROR_MM[name]))
        measures[name] = Measure(
            name,
            None if val is None else round(float(val), 2),
            None if unc is None else round(unc, 2),
            definition,
            notes.get(name) if val is None else None,
        )
    fp, fp_note, rings = None, None, ()
    if loaded:
        fp, fp_note, rings = _footprint(v, f, scan.side, footprint_height_mm)
    else:
        fp_note = f"footprint indices need a standing (weight-bearing) scan; this one is {condition.value}"
    return ScanMeasurements(scan.side, condition, measures, fp, footprint_height_mm, fp_note, edge, rings)


def _girth(v: np.ndarray, mth1: np.ndarray, mth5: np.ndarray) -> float | None:
    """Convex perimeter of the section through both metatarsal heads (a vertical plane)."""
    d = mth1[:2] - mth5[:2]
    n = np.array([-d[1], d[0]]) / np.linalg.norm(d)
    near = np.abs((v[:, :2] - mth1[:2]) @ n) < 2.0
    if near.sum() < 10:
        return None
    along = (v[near, :2] - mth1[:2]) @ (d / np.linalg.norm(d))
    pts = np.column_stack([along, v[near, 2]])
    return float(shapely.MultiPoint(pts).convex_hull.length)


def _plantar_arch(v, f, medial, x0, fl, cell: float) -> float | None:
    """Highest point of the underside (downward-facing faces) in the medial midfoot.

    Columns are ``cell`` mm wide, wider than the mesh's triangles, so that every column holds
    some of the sole and its lowest face is the sole, not a higher overhang.
    """
    tri = v[f]
    cross = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    down = cross[:, 2] < -0.7 * np.linalg.norm(cross, axis=1)  # the sole, not the overhanging side wall
    c = tri.mean(axis=1)
    m = medial[f].mean(axis=1)
    region = down & (c[:, 0] > x0 + 0.3 * fl) & (c[:, 0] < x0 + 0.6 * fl)
    if region.sum() < 5:
        return None
    cut = m[region].max() - 0.4 * np.ptp(m[region])
    sel = region & (m >= cut)
    if not sel.any():
        return None
    # The underside in each column is its lowest face.
    key = np.floor(c[sel, 0] / cell).astype(int) * 100000 + np.floor(m[sel] / cell).astype(int)
    order = np.argsort(key)
    key, zs = key[order], c[sel, 2][order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    return float(np.minimum.reduceat(zs, starts).max())


def _navicular(x, z, medial, x0, fl) -> float | None:
    region = (x > x0 + 0.35 * fl) & (x < x0 + 0.50 * fl) & (z > 15.0) & (z < 70.0)
    if region.sum() < 5:
        return None
    return float(z[region][np.argmax(medial[region])])


def _footprint(v, f, side: Side, height: float) -> tuple[FootprintIndices | None, str | None, tuple]:
    """Footprint indices of the contact: the triangles lying wholly within ``height`` mm of
    the floor, seen from below, as grid cells (:mod:`orthofit.measure.raster`) smoothed into an
    outline; parts of 50 mm² or less are specks.
    """
    low = (v[:, 2] <= height)[f].all(axis=1)
    if low.sum() < 20:
        return None, f"no sole contact within {height:g} mm of the floor: footprint indices not available", ()
    mask, origin = rasterize_triangles(v[:, :2][f[low]], FOOTPRINT_PITCH_MM)
    contact = smooth_outline(cells_outline(mask, FOOTPRINT_PITCH_MM, origin), FOOTPRINT_PITCH_MM)
    parts = [g for g in getattr(contact, "geoms", [contact]) if g.geom_type == "Polygon" and g.area > 50]
    rings = [np.asarray(g.exterior.coords)[:-1] for g in parts]
    try:
        return footprint_indices(rings, side), None, tuple(rings)
    except FootprintError as err:
        return None, f"footprint indices not available: {err}", ()
