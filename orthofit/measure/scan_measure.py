"""Measuring an oriented foot scan (orthofit frame, mm), each measure with its definition and
an uncertainty.

Uncertainty = sqrt((surface resolution / 2)² + method²): the first term is how far the true
surface may lie between the scan's samples of it, the second how well the definition's
landmark is found on a surface (a design estimate [D], listed in :data:`METHOD_ERROR_MM`).
The resolution is the spacing of the surface's independent samples
(:func:`surface_resolution_mm`), not the triangles' size: subdividing a mesh adds triangles
but no samples of the foot, so it must not make a measure look more certain. Orientation
errors add little (1° of floor tilt moves a 60 mm height by about 1 mm) and are inside the
method term.

Which measures a scan can give depends on how it was taken (the user says): a standing scan
gives the standing heights and a footprint; a sitting one the sitting heights; a
non-weight-bearing scan or a foam-box impression gives neither a footprint nor loaded heights.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from orthofit.errors import FootprintError
from orthofit.measure.extremes import bulge, surface_extreme
from orthofit.measure.footprint import FootprintIndices, footprint_indices
from orthofit.measure.hull import convex_hull
from orthofit.measure.orient import OrientedScan
from orthofit.measure.raster import cells_outline, smooth_outline, triangle_heights
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
    "arch_edge_height_mm": 2.5,
}
DEFINITIONS = {
    "foot_length_mm": (
        "heel (pternion) to the tip of the longest toe, along the foot axis: the heel-centre-ball-centre "
        "line (ISO 7250-1 foot length; clinical-basis.md §4.1)"
    ),
    "ball_width_mm": "medial to lateral extreme of the forefoot (55-85 % of foot length: the 1st and 5th "
    "metatarsal heads) perpendicular to the foot axis (ISO 7250-1 foot breadth; clinical-basis.md §4.1)",
    "heel_width_mm": "medial to lateral extreme of the heel (5-25 % of foot length, below 15 % of foot length "
    "in height: below the malleoli) perpendicular to the foot axis",
    "ball_girth_mm": "around the foot through the 1st and 5th metatarsal heads (convex, as a tape lies; "
    "clinical-basis.md §4.1)",
    "truncated_foot_length_mm": "heel to the 1st metatarsal head: the medial bulge of the forefoot "
    "between 62 and 80 % of foot length (metatarsale tibiale), along the axis",
    "dorsal_height_standing_mm": "top of the foot at 50 % of foot length, standing: what shoe fitters and foot "
    "scanners call the instep height, and the height the Arch Height Index (the arch label) uses "
    "(clinical-basis.md §2.1)",
    "dorsal_height_sitting_mm": "top of the foot at 50 % of foot length, unloaded (AHI; clinical-basis.md §2.1)",
    "instep_height_mm": "top of the foot at 55 % of foot length (the cuneiform prominence) [D]; not the "
    "shoe fitters' instep, which is the dorsal height at 50 %; not used by the arch label",
    "plantar_arch_height_mm": "highest point of the sole's medial arch above the floor, 30-60 % of foot "
    "length, medial 40 % of the width (the underside within 45° of facing down); shapes the "
    "scan-fitted insole's arch, not used by the arch label",
    "arch_edge_height_mm": "height above the floor of the medial arch's edge, where the sole turns into the "
    "medial side: in cross-sections at 30-60 % of foot length, the point furthest toward medial-and-down at 45°; "
    "the highest of these [D]. What foot scanners print as 'arch height'; not the plantar arch apex, and not used "
    "by the arch label",
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
    edge_mm: float  # the median triangle edge, mm (slices are at least this thick)
    footprint_rings: tuple = ()  # the contact outline(s), (n, 2) arrays, mm (plan view)
    resolution_mm: float = 0.0  # spacing of the surface's samples (surface_resolution_mm)

    def values(self) -> dict[str, float]:
        """The measured values by case-file field name (not-measured ones left out)."""
        return {k: m.value for k, m in self.measures.items() if m.value is not None}


#: Neighbouring faces closer to coplanar than this are one flat piece of surface (the new
#: edges of a subdivision, a scanner's flat patches), not two samples of it [D].
CREASE_DEG = 0.05


def surface_resolution_mm(v: np.ndarray, f: np.ndarray) -> float:
    """The spacing of a mesh's independent samples of its surface, mm.

    An even triangulation with edge h has 2√3 / h of edge length per mm² of surface; only the
    edges where the surface bends (faces more than :data:`CREASE_DEG` apart) sample its
    shape, so the resolution is 2√3 × area / (length of those edges). Subdividing a mesh
    leaves it unchanged (its new edges are flat); decimating raises it; on a scanner's mesh,
    which bends at nearly every edge, it is about the edge length.

    Parameters
    ----------
    v : (n, 3) float
        Vertices, mm.
    f : (m, 3) int
        Triangles.
    """
    tri = v[f]
    cross = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    norm = np.linalg.norm(cross, axis=1)
    area = 0.5 * float(norm.sum())
    unit = cross / np.where(norm > 0, norm, 1.0)[:, None]
    # Faces sharing an edge: each face's three edges as sorted vertex pairs, one int64 key
    # each; equal keys side by side after sorting are the two faces of an edge.
    e = np.sort(np.stack([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]], axis=1).reshape(-1, 2), axis=1)
    key = e[:, 0].astype(np.int64) * len(v) + e[:, 1]
    order = np.argsort(key, kind="stable")
    same = key[order[1:]] == key[order[:-1]]
    first, second = order[:-1][same], order[1:][same]
    if len(first) == 0:
        return float(np.sqrt(area)) if area > 0 else 0.0
    cos = np.einsum("ij,ij->i", unit[first // 3], unit[second // 3])
    bent = first[cos < np.cos(np.radians(CREASE_DEG))]
    length = float(np.linalg.norm(v[e[bent, 0]] - v[e[bent, 1]], axis=1).sum())
    if length <= 0:  # every face coplanar: a flat plate, sampled by its outline only
        return float(np.sqrt(area))
    return 2.0 * np.sqrt(3.0) * area / length


def _median(a: np.ndarray) -> float:
    """``np.median(a)``, the same value, without its first call importing numpy.ma (25 ms of
    a fresh `orthofit scan`).
    """
    n = a.size
    if n == 0:
        return float("nan")
    part = np.partition(a.ravel(), [(n - 1) // 2, n // 2])
    return float((part[(n - 1) // 2] + part[n // 2]) / 2)


def _section_breadth(v: np.ndarray, e: np.ndarray, xs: np.ndarray, below: float | None = None) -> float | None:
    """The largest breadth of the surface's cross-sections perpendicular to the foot axis at
    ``xs`` (ascending, mm along it), counting only the section below ``below`` mm if given, mm.

    Each section is where the triangle edges ``e`` (k, 2) (:func:`mesh_edges`) cross the
    plane x = c, so it is the surface's own, however the surface is meshed (the vertices near
    a plane move with the meshing); the crossings are :func:`_plane_points`'.
    """
    p, plane = _plane_points(v, e, xs)
    crossing = np.bincount(plane, minlength=len(xs))
    if below is not None:
        keep = p[:, 2] < below
        p, plane = p[keep], plane[keep]
    ok = (crossing >= 4) & (np.bincount(plane, minlength=len(xs)) >= 4)
    if not ok.any():
        return None
    y_max, y_min = np.full(len(xs), -np.inf), np.full(len(xs), np.inf)
    np.maximum.at(y_max, plane, p[:, 1])
    np.minimum.at(y_min, plane, p[:, 1])
    return float((y_max - y_min)[ok].max())


def mesh_edges(f: np.ndarray) -> np.ndarray:
    """The distinct edges of triangles ``f`` (m, 3), as (k, 2) vertex pairs, lower first,
    in ascending order: ``np.unique(..., axis=0)``'s result, from one sorted int64 key per
    edge, several times faster (and without np.unique, whose first call imports numpy.ma).
    """
    e = np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), axis=1).astype(np.int64)
    n = int(e.max()) + 1 if len(e) else 1
    key = np.sort(e[:, 0] * n + e[:, 1])
    key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
    return np.column_stack([key // n, key % n])


def measure_scan(
    scan: OrientedScan, condition: ScanCondition, footprint_height_mm: float = FOOTPRINT_HEIGHT_MM
) -> ScanMeasurements:
    """Measure an oriented scan (see the module docstring for the definitions)."""
    v, f = scan.vertices, scan.faces
    x, y, z = v.T
    edges = np.linalg.norm(v[f[:, [1, 2, 0]]] - v[f], axis=2)
    edge = _median(edges)
    # A resampled scan is no better sampled than the scanner sampled it.
    resolution = max(surface_resolution_mm(v, f), scan.sample_spacing_mm)
    ex = np.array([1.0, 0.0, 0.0])
    # The pternion and the toe tip are on the foot, not on a leg that leans back over the
    # heel (a relaxed, plantarflexed foot's): the ends are sought on the surface that reaches
    # below FOOT_END_HEIGHT_SHARE of the scan's extent.
    foot_part = f[v[f, 2].min(axis=1) < FOOT_END_HEIGHT_SHARE * np.ptp(x)]
    x0, x1 = -surface_extreme(v, foot_part, -ex), surface_extreme(v, foot_part, ex)
    fl = x1 - x0
    medial = scan.side.medial_sign * y  # > 0 toward the medial side
    values: dict[str, float | None] = {"foot_length_mm": fl}
    notes: dict[str, str] = {}

    half = max(1.0, 0.6 * edge)  # a slice must hold vertices on a coarse mesh

    def slice_at(frac: float) -> np.ndarray:
        return np.abs(x - (x0 + frac * fl)) <= half

    e = mesh_edges(f)
    values["ball_width_mm"] = _section_breadth(v, e, x0 + fl * np.arange(0.55, 0.851, 0.01))
    values["heel_width_mm"] = _section_breadth(v, e, x0 + fl * np.arange(0.05, 0.251, 0.01), below=0.15 * fl)
    # 1st MTH: the medial bulge of the forefoot (62-80 % of the length: in front of it the
    # hallux can bulge further); 5th MTH: the lateral bulge.
    low = z < 30.0
    fm = (x > x0 + 0.62 * fl) & (x < x0 + 0.80 * fl) & low
    mth1 = bulge(v[fm], medial[fm]) if fm.any() else None
    lat = (x > x0 + 0.5 * fl) & (x < x0 + 0.8 * fl) & low
    mth5 = bulge(v[lat], -medial[lat]) if lat.any() else None
    values["truncated_foot_length_mm"] = float(mth1[0] - x0) if mth1 is not None else None
    values["ball_girth_mm"] = _girth(v, f, mth1, mth5) if mth1 is not None and mth5 is not None else None
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
        values["plantar_arch_height_mm"] = _plantar_arch(v, f, medial, x0, fl)
    else:
        notes["plantar_arch_height_mm"] = (
            f"a {condition.value} foot does not rest its midfoot on a plane: "
            "the arch height needs a standing or sitting scan"
        )
    if condition in (ScanCondition.STANDING, ScanCondition.SITTING):
        values["arch_edge_height_mm"] = _arch_edge(v, e, scan.side.medial_sign, x0, fl)
    else:
        notes["arch_edge_height_mm"] = f"a {condition.value} foot does not rest on a floor to measure it from"
    if loaded:
        values["navicular_height_standing_mm"] = _navicular(x, z, medial, x0, fl)
    else:
        notes["navicular_height_standing_mm"] = "needs a standing scan"
    measures = {}
    for name, definition in DEFINITIONS.items():
        val = values.get(name)
        unc = None if val is None else float(np.hypot(resolution / 2.0, METHOD_ERROR_MM[name]))
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
    return ScanMeasurements(
        scan.side, condition, measures, fp, footprint_height_mm, fp_note, edge, rings, round(resolution, 2)
    )


def _girth(v: np.ndarray, f: np.ndarray, mth1: np.ndarray, mth5: np.ndarray) -> float | None:
    """Convex perimeter of the section through both metatarsal heads (a vertical plane).

    The section is the surface's own: where each triangle edge crosses the plane, so a coarse
    mesh (few vertices near the plane) gives it as well as a fine one.
    """
    d = mth1[:2] - mth5[:2]
    length = float(np.linalg.norm(d))
    if length == 0:
        return None
    u = d / length
    n = np.array([-u[1], u[0]])
    dist = (v[:, :2] - mth1[:2]) @ n  # signed distance of each vertex from the plane, mm
    above = dist[f] >= 0
    cut = f[above.any(axis=1) & ~above.all(axis=1)]  # the faces the plane passes through
    edges = mesh_edges(cut)
    da, db = dist[edges[:, 0]], dist[edges[:, 1]]
    cross = (da * db < 0) | (da == 0)
    if cross.sum() < 10:
        return None
    a, b = v[edges[cross, 0]], v[edges[cross, 1]]
    t = (da[cross] / np.where(da[cross] != db[cross], da[cross] - db[cross], 1.0))[:, None]
    pts = a + t * (b - a)
    along = (pts[:, :2] - mth1[:2]) @ u
    return float(convex_hull(np.column_stack([along, pts[:, 2]])).length)


#: Foot length's ends are sought on the surface reaching below this share of the scan's
#: length (65 mm on a 262 mm foot): the heel's rearmost point is 20-45 mm up, loaded or
#: relaxed; a leg leaning back over the heel reaches behind it above 100 mm [D].
FOOT_END_HEIGHT_SHARE = 0.25

#: Grid pitch the sole's height is sampled on for the plantar arch, mm [D].
PLANTAR_PITCH_MM = 1.0


def _plantar_arch(v, f, medial, x0, fl) -> float | None:
    """Highest point of the underside in the medial midfoot (30-60 % of the length, the
    medial 40 % of its width), mm above the floor.

    The underside is the downward-facing surface (within 45° of straight down: the sole, not
    the side wall); its height is sampled on a 1 mm grid of the plan view, each point taking
    the lowest surface over it, so the same surface meshed finer or coarser gives the same
    arch. A point counts only where that lowest surface is the underside: a triangle folded
    over (a scanner's or a resampling's; its normal flips) on the top of the foot would
    otherwise be "underside" wherever the sole is steep.
    """
    tri = v[f]
    cross = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    down = cross[:, 2] < -0.7 * np.linalg.norm(cross, axis=1)
    xs = tri[:, :, 0]
    near = (xs.max(axis=1) > x0 + 0.3 * fl) & (xs.min(axis=1) < x0 + 0.6 * fl)
    region = down & near
    if region.sum() < 5:
        return None
    plan = np.column_stack([v[:, 0], medial])
    heights, origin = triangle_heights(plan, v[:, 2], f[region], PLANTAR_PITCH_MM, lowest=True)
    lowest, _ = triangle_heights(plan, v[:, 2], f[near], PLANTAR_PITCH_MM, lowest=True, grid=(origin, heights.shape))
    rows, cols = np.indices(heights.shape)
    cx = origin[0] + (cols + 0.5) * PLANTAR_PITCH_MM
    cm = origin[1] + (rows + 0.5) * PLANTAR_PITCH_MM
    seen = np.isfinite(heights) & (heights <= lowest) & (cx > x0 + 0.3 * fl) & (cx < x0 + 0.6 * fl)
    if not seen.any():
        return None
    cut = cm[seen].max() - 0.4 * np.ptp(cm[seen])
    sel = seen & (cm >= cut)
    return float(heights[sel].max()) if sel.any() else None


def _plane_points(v: np.ndarray, e: np.ndarray, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the edges ``e`` (:func:`mesh_edges`) cross the planes x = ``xs`` (ascending): the
    (k, 3) points and, for each, the index of its plane. All planes at once: each edge meets
    the planes with ``lo <= c < hi`` (its ends' x), found by a binary search rather than a
    pass over every edge per plane.
    """
    a, b = v[e[:, 0]], v[e[:, 1]]
    lo, hi = np.minimum(a[:, 0], b[:, 0]), np.maximum(a[:, 0], b[:, 0])
    first, stop = np.searchsorted(xs, lo, "left"), np.searchsorted(xs, hi, "left")
    count = np.maximum(stop - first, 0)
    edge = np.repeat(np.arange(len(e)), count)
    plane = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count) + first[edge]
    pa, pb, c = a[edge], b[edge], xs[plane]
    t = ((c - pa[:, 0]) / (pb[:, 0] - pa[:, 0]))[:, None]
    return pa + t * (pb - pa), plane


def _arch_edge(v: np.ndarray, e: np.ndarray, medial_sign: int, x0: float, fl: float) -> float | None:
    """The medial arch's edge height (see :data:`DEFINITIONS`), mm above the floor: in each
    section, the corner toward medial-and-down (the point furthest along that 45° direction),
    where the sole turns into the medial wall; the highest of these corners.
    """
    xs = x0 + fl * np.arange(0.30, 0.601, 0.01)
    p, plane = _plane_points(v, e, xs)
    if len(p) == 0:
        return None
    corner = medial_sign * p[:, 1] - p[:, 2]
    order = np.lexsort((corner, plane))  # by plane, then by the corner score
    last = np.r_[plane[order][1:] != plane[order][:-1], True]  # each plane's best
    counts = np.bincount(plane, minlength=len(xs))
    best = order[last]
    best = best[counts[plane[best]] >= 4]
    return float(p[best, 2].max()) if len(best) else None


def _navicular(x, z, medial, x0, fl) -> float | None:
    region = (x > x0 + 0.35 * fl) & (x < x0 + 0.50 * fl) & (z > 15.0) & (z < 70.0)
    if region.sum() < 5:
        return None
    return float(z[region][np.argmax(medial[region])])


def _footprint(v, f, side: Side, height: float) -> tuple[FootprintIndices | None, str | None, tuple]:
    """Footprint indices of the contact: where the surface lies within ``height`` mm of the
    floor, seen from below, as grid cells (:mod:`orthofit.measure.raster`) smoothed into an
    outline; parts of 50 mm² or less are specks.

    The surface's lowest height is sampled at every cell centre inside the triangles that
    reach below ``height`` (not "triangles lying wholly below it", which made the contact
    grow as the same surface was meshed finer).
    """
    low = (v[:, 2] <= height)[f].any(axis=1)
    if low.sum() < 20:
        return None, f"no sole contact within {height:g} mm of the floor: footprint indices not available", ()
    heights, origin = triangle_heights(v[:, :2], v[:, 2], f[low], FOOTPRINT_PITCH_MM, lowest=True)
    mask = heights <= height
    # the sole under the forefoot only (the sulcus is looked for there): faces facing down
    tri = v[f]
    normal_z = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])[:, 2]
    x_lo, x_hi = v[:, 0].min(), v[:, 0].max()
    fore = (normal_z < 0) & (tri[:, :, 0].max(axis=1) > x_lo + 0.55 * (x_hi - x_lo))
    sole, sole_origin = triangle_heights(v[:, :2], v[:, 2], f[fore], SULCUS_PITCH_MM, lowest=True)
    sulcus = toe_sulcus(sole, sole_origin, SULCUS_PITCH_MM, height, x_lo + 0.6 * (x_hi - x_lo))
    toes_cut = None
    if sulcus is not None:
        a, b = sulcus
        cx = origin[0] + (np.arange(mask.shape[1]) + 0.5) * FOOTPRINT_PITCH_MM
        cy = origin[1] + (np.arange(mask.shape[0]) + 0.5) * FOOTPRINT_PITCH_MM
        mask &= cx[None, :] < a + b * cy[:, None]  # the toe pads' contact lies in front of it
        toes_cut = "sulcus"
    contact = smooth_outline(cells_outline(mask, FOOTPRINT_PITCH_MM, origin), FOOTPRINT_PITCH_MM)
    parts = [g for g in getattr(contact, "geoms", [contact]) if g.geom_type == "Polygon" and g.area > 50]
    rings = [np.asarray(g.exterior.coords)[:-1] for g in parts]
    try:
        fp = footprint_indices(rings, side, toes_cut)
    except FootprintError as err:
        return None, f"footprint indices not available: {err}", ()
    if fp.toes_removed == "none found":  # the outline's rule's advice does not fit a scan
        fp = replace(
            fp,
            notes=tuple(n for n in fp.notes if not n.startswith("footprint: no toe print found"))
            + (
                "footprint: the scan's sole shows no toe sulcus (it touches the floor from the ball to "
                "the toe pads without rising, as on a glass plate), so the print keeps the toes and its "
                "indices read flatter than a toe-free print's",
            ),
        )
    return fp, None, tuple(rings)


#: Toe sulcus on a scan [D]: the sole is sampled on a 1 mm grid and read in bands 8 mm wide
#: across the forefoot; in a band, the sulcus is the highest point of the underside between
#: the ball's contact and the toe pads' contact, at least SULCUS_RISE_MM above the contact
#: height. Two bands or more make a line (the sulcus runs obliquely, as the ball line does).
SULCUS_PITCH_MM = 1.0
SULCUS_BAND_MM = 8.0
SULCUS_RISE_MM = 1.0


def toe_sulcus(
    heights: np.ndarray, origin: np.ndarray, pitch: float, contact_mm: float, from_x: float | None = None
) -> tuple[float, float] | None:
    """The toe sulcus of a scanned sole, as the line x = a + b y in the plan view (mm), or
    None when the sole shows none (a glass-plate scan whose underside is flat to the toe
    tips, or toes that do not touch).

    Parameters
    ----------
    heights : (rows, cols) float
        The sole's lowest height over each cell (NaN where there is no surface), mm; rows
        along y, columns along x (:func:`orthofit.measure.raster.triangle_heights`).
    origin : (2,) float
        The grid's corner (x, y), mm.
    pitch : float
        Cell size, mm.
    contact_mm : float
        What counts as contact: the footprint height, mm.
    from_x : float, optional
        Where the forefoot starts, mm; by default 60 % of the way along the contact.
    """
    xs = origin[0] + (np.arange(heights.shape[1]) + 0.5) * pitch
    ys = origin[1] + (np.arange(heights.shape[0]) + 0.5) * pitch
    touching = np.isfinite(heights) & (heights <= contact_mm)
    if not touching.any():
        return None
    seen = np.flatnonzero(touching.any(axis=0))
    x0, x1 = xs[seen[0]], xs[seen[-1]]
    length = x1 - x0
    points = []
    for lo in np.arange(ys[0], ys[-1], SULCUS_BAND_MM):
        rows = (ys >= lo) & (ys < lo + SULCUS_BAND_MM)
        h = np.where(np.isfinite(heights[rows]), heights[rows], np.inf).min(axis=0)
        fore = xs > (x0 + 0.6 * length if from_x is None else from_x)
        contact = fore & (h <= contact_mm)
        if contact.sum() < 2:
            continue
        idx = np.flatnonzero(contact)
        gaps = np.flatnonzero(np.diff(idx) > 1)  # a run of contact, a rise, another run
        for g in gaps:
            between = slice(idx[g] + 1, idx[g + 1])
            peak = h[between]
            if np.isfinite(peak).all() and peak.max() >= contact_mm + SULCUS_RISE_MM:
                k = idx[g] + 1 + int(np.argmax(peak))
                points.append((xs[k], lo + 0.5 * SULCUS_BAND_MM))
                break
    if len(points) < 2:
        return None
    px, py = np.array(points).T
    if np.ptp(py) <= 0:
        return None
    b, a = np.polyfit(py, px, 1)
    return float(a), float(b)
