"""Footprint indices from a footprint outline: Arch Index, Chippaux-Smirak, Staheli, Clarke.

Conventions (clinical-basis.md §1.0; one choice, documented once):

* **Toes** are removed first. Outlines lying wholly in front of the ball line (the widest
  cross-section of the front half) are toe prints; a single outline with a narrow neck in
  front of the ball (the toe sulcus) is cut at the neck. An outline with neither is taken as
  toe-free, and the result says so. A scan's footprint is cut before it gets here, along the
  toe sulcus its sole shows (:func:`orthofit.measure.scan_measure.toe_sulcus`): the caller
  says so (``toes_cut``), and these rules are skipped.
* **Foot axis**: from the heel centre (centroid of the rear quarter of the toe-free print) to
  the forefoot centre (centroid of its front fifth). A traced outline does not mark the 2nd
  toe; the forefoot centre lies on the 2nd-3rd metatarsal, so this line is within a few
  degrees of the heel -> 2nd-toe axis of Cavanagh & Rodgers. Computed twice, the second
  time in the frame of the first.
* The toe-free print is split into thirds along the axis between the perpendicular tangents
  at its rear and front: forefoot A, midfoot B, heel C. ``AI = B / (A + B + C)`` by area.
* **Widths** are measured perpendicular to the foot axis, as the total contact length of the
  cross-section (a split cross-section counts its parts): Chippaux-Smirak = narrowest midfoot
  width / widest forefoot width x 100; Staheli = narrowest midfoot width / widest heel width.
* **Clarke's angle**: the medial tangent line is the edge of the print's convex hull on the
  medial side at mid-length; the angle is between it and the line from the 1st metatarsal
  head (the medial-most point of the forefoot third) to the deepest point of the medial
  concavity (the medial border point furthest from the tangent).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from orthofit.errors import FootprintError
from orthofit.measure.indices import arch_index, chippaux_smirak_pct, staheli
from orthofit.model.enums import Side

#: Cross-section spacing for the width profile, mm.
_STEP_MM = 0.5
#: A neck counts as the toe sulcus when the outline widens again in front of it by this
#: fraction of the ball width.
_NECK_RISE = 0.10
_MIN_AREA_MM2 = 1000.0
_LENGTH_RANGE_MM = (50.0, 400.0)
#: A foot print's widest part as a fraction of its length: 31-46 % in 6,068 adults' feet
#: (ANSUR II breadth over length, ../shared/data/anthropometry), wider apart for children
#: and flat feet; a shape outside is not a foot print [D].
_WIDTH_FRACTION = (0.2, 0.65)


@dataclass(frozen=True)
class FootprintIndices:
    """Indices and the geometry behind them (mm, mm², degrees)."""

    arch_index: float
    chippaux_smirak_pct: float
    staheli: float
    clarke_angle_deg: float | None
    area_forefoot_mm2: float
    area_midfoot_mm2: float
    area_heel_mm2: float
    forefoot_width_mm: float
    midfoot_min_width_mm: float
    heel_width_mm: float
    print_length_mm: float  # toe-free print, along the axis
    axis_origin_mm: tuple[float, float]  # rear tangent point on the axis, input frame
    axis_direction: tuple[float, float]  # unit vector heel -> toes, input frame
    toes_removed: str  # "islands", "neck", "sulcus" (a scan's) or "none found"
    notes: tuple[str, ...]


def footprint_indices(rings, side: Side, toes_cut: str | None = None) -> FootprintIndices:
    """Measure a footprint outline.

    Parameters
    ----------
    rings : sequence of (n, 2) array_like of float
        One or more closed outlines in mm, in the orthofit frame (heel toward x = 0, toes
        toward +x; medial side +y for a right foot, -y for a left foot).
    side : Side
        Which foot; decides the medial side for Clarke's angle.
    toes_cut : str, optional
        How the caller already cut the toes off (a scan's toe sulcus): the outline's own
        toe rules are then skipped and this is reported as ``toes_removed``.

    Raises
    ------
    FootprintError
        The outline is degenerate, too small or too large to be a foot.
    """
    local, origin, direction, s_min, length, toes, notes = _axis_frame(rings, side, toes_cut)
    cuts = s_min + length * np.array([0.0, 1 / 3, 2 / 3, 1.0])
    _, t_min, _, t_max = local.bounds
    pad = 1.0
    heel_area, mid_area, fore_area = (
        local.intersection(
            box(cuts[i] - (pad if i == 0 else 0), t_min - pad, cuts[i + 1] + (pad if i == 2 else 0), t_max + pad)
        ).area
        for i in range(3)
    )
    (_, heel_w), (_, mid_w), (_, fore_w) = _width_extremes(local, cuts)
    clarke = _clarke_angle(local, s_min, length)
    if clarke is None:
        notes.append("Clarke's angle could not be measured: no medial tangent across the arch")
    origin_xy = origin + direction * s_min
    return FootprintIndices(
        arch_index=arch_index(fore_area, mid_area, heel_area),
        chippaux_smirak_pct=chippaux_smirak_pct(mid_w, fore_w),
        staheli=staheli(mid_w, heel_w),
        clarke_angle_deg=clarke,
        area_forefoot_mm2=fore_area,
        area_midfoot_mm2=mid_area,
        area_heel_mm2=heel_area,
        forefoot_width_mm=fore_w,
        midfoot_min_width_mm=mid_w,
        heel_width_mm=heel_w,
        print_length_mm=length,
        axis_origin_mm=(float(origin_xy[0]), float(origin_xy[1])),
        axis_direction=(float(direction[0]), float(direction[1])),
        toes_removed=toes,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class WidthSection:
    """The cross-section behind one width of Chippaux-Smirak or Staheli (mm, input frame)."""

    region: str  # "forefoot", "midfoot" or "heel"
    distance_mm: float  # from the rear tangent point, along the foot axis
    width_mm: float  # total contact length: the value the index uses
    segments_mm: tuple[tuple[tuple[float, float], tuple[float, float]], ...]  # contact parts


def width_sections(rings, side: Side) -> tuple[WidthSection, WidthSection, WidthSection]:
    """Where :func:`footprint_indices` measures its widths, for drawing them.

    Parameters
    ----------
    rings : sequence of (n, 2) array_like of float
        As for :func:`footprint_indices`.
    side : Side
        Which foot.

    Returns
    -------
    tuple of WidthSection
        The forefoot's widest, the midfoot's narrowest and the heel's widest cross-section,
        each perpendicular to the foot axis. ``segments_mm`` holds one ((x0, y0), (x1, y1))
        pair per contact part of the section (none when the midfoot has no contact).

    Raises
    ------
    FootprintError
        As :func:`footprint_indices`.
    """
    local, origin, direction, s_min, length, _, _ = _axis_frame(rings, side)
    cuts = s_min + length * np.array([0.0, 1 / 3, 2 / 3, 1.0])
    normal = np.array([-direction[1], direction[0]]) * side.medial_sign
    sections = []
    for region, (s, width) in zip(("heel", "midfoot", "forefoot"), _width_extremes(local, cuts), strict=True):
        # The same line _width_profile intersects, so the parts add up to the index's width;
        # merged, because a section along an outline edge comes back cut at its vertices.
        line = shapely.linestrings([[s, -1000.0], [s, 1000.0]])
        parts = [np.asarray(g.coords)[[0, -1]] for g in _parts_of_lines(shapely.line_merge(line.intersection(local)))]
        segments = tuple(
            (_input_point(a, origin, direction, normal), _input_point(b, origin, direction, normal)) for a, b in parts
        )
        sections.append(WidthSection(region, float(s - s_min), float(width), segments))
    heel, mid, fore = sections
    return fore, mid, heel


def _input_point(p: np.ndarray, origin: np.ndarray, direction: np.ndarray, normal: np.ndarray) -> tuple[float, float]:
    """A point (s, t) of the foot-axis frame back in the input frame."""
    x, y = origin + p[0] * direction + p[1] * normal
    return float(x), float(y)


def _axis_frame(rings, side: Side, toes_cut: str | None = None):
    """Toe-free print in the foot-axis frame: (local geometry, origin, direction, s_min,
    length, toes_removed, notes); s along the axis (heel -> toes), t across it, medial t > 0.
    """
    geom = _to_geometry(rings)
    notes: list[str] = []
    geom, toes = (geom, toes_cut) if toes_cut else _remove_toes(geom)
    if toes == "none found":
        notes.append(
            "footprint: no toe print found, so the outline was taken as toe-free "
            "(give the toes as separate outlines if it includes them)"
        )
    origin, direction = _foot_axis(geom)
    # Frame of the axis: s along it (heel -> toes), t across it with the medial side positive.
    normal = np.array([-direction[1], direction[0]]) * side.medial_sign
    local = _transform(geom, origin, direction, normal)
    s_min, _, s_max, _ = local.bounds
    length = s_max - s_min
    if not _LENGTH_RANGE_MM[0] <= length <= _LENGTH_RANGE_MM[1]:
        raise FootprintError(
            f"the toe-free footprint is {length:.0f} mm long; a foot print is "
            f"{_LENGTH_RANGE_MM[0]:g}-{_LENGTH_RANGE_MM[1]:g} mm: check that footprint_mm is in millimetres"
        )
    width = local.bounds[3] - local.bounds[1]
    if not _WIDTH_FRACTION[0] <= width / length <= _WIDTH_FRACTION[1]:
        raise FootprintError(
            f"the toe-free footprint is {width:.0f} mm wide over {length:.0f} mm of length; a foot print's "
            f"width is {100 * _WIDTH_FRACTION[0]:.0f}-{100 * _WIDTH_FRACTION[1]:.0f} % of its length: check the points"
        )
    return local, origin, direction, s_min, length, toes, notes


def _width_extremes(local: BaseGeometry, cuts: np.ndarray) -> tuple[tuple[float, float], ...]:
    """(s, width) of the heel's widest, the midfoot's narrowest and the forefoot's widest
    cross-section; ``cuts`` (4,) are the third boundaries along s.
    """
    out = []
    for i, pick in ((0, np.argmax), (1, np.argmin), (2, np.argmax)):
        s, w = _width_profile(local, cuts[i], cuts[i + 1])
        k = int(pick(w))
        out.append((s[k], w[k]))
    return tuple(out)


def _parts_of_lines(geom: BaseGeometry) -> list:
    """The non-empty line parts of a line-polygon intersection."""
    return [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "LineString" and not g.is_empty]


def _to_geometry(rings) -> BaseGeometry:
    polys = []
    for ring in rings:
        pts = np.asarray(ring, dtype=float)
        if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) < 3:
            raise FootprintError("each footprint outline needs at least 3 [x, y] points")
        poly = Polygon(pts)
        if not poly.is_valid:
            _check_crossings(pts)  # make_valid takes minutes on a tangle of crossings
            poly = shapely.make_valid(poly)
        polys.append(poly)
    geom = shapely.union_all(polys)
    geom = _polygons_only(geom)
    if geom.is_empty or geom.area < _MIN_AREA_MM2:
        raise FootprintError(
            f"the footprint outline encloses {geom.area:.0f} mm²; a foot print is at least "
            f"{_MIN_AREA_MM2:g} mm²: check the points (in mm, in order around the outline)"
        )
    return geom


#: Most places where a footprint outline may cross or touch itself: a traced print can touch
#: itself where the toes meet the ball; more is points out of order, not an outline [D].
MAX_SELF_CROSSINGS = 8


def _check_crossings(pts: np.ndarray) -> None:
    """Count where the closed outline ``pts`` (n, 2) mm crosses or touches itself; refuse it
    beyond :data:`MAX_SELF_CROSSINGS`. Vectorised over blocks of segments and stopping at the
    limit, so a 2,000-point tangle costs well under a second.
    """
    a = pts
    b = np.roll(pts, -1, axis=0)
    n = len(a)
    idx = np.arange(n)
    found = 0
    where = a[0]
    for start in range(0, n, 256):
        i = idx[start : start + 256, None]
        # segments i and j (j > i + 1, and not the closing pair 0 / n-1) that intersect
        cand = (idx[None, :] > i + 1) & ~((i == 0) & (idx[None, :] == n - 1))
        d1 = _orient(a[i], b[i], a[None, :])
        d2 = _orient(a[i], b[i], b[None, :])
        d3 = _orient(a[None, :], b[None, :], a[i])
        d4 = _orient(a[None, :], b[None, :], b[i])
        hit = cand & (d1 * d2 <= 0) & (d3 * d4 <= 0) & ~((d1 == 0) & (d2 == 0))  # collinear overlaps aside
        found += int(hit.sum())
        if found == int(hit.sum()) and hit.any():
            where = a[start + int(np.argwhere(hit)[0][0])]
        if found > MAX_SELF_CROSSINGS:
            raise FootprintError(
                f"the footprint outline crosses itself more than {MAX_SELF_CROSSINGS} times (first near x = "
                f"{where[0]:.0f}, y = {where[1]:.0f} mm): give the points in order around the outline"
            )


def _orient(p: np.ndarray, q: np.ndarray, r: np.ndarray) -> np.ndarray:
    """The sign of the turn p -> q -> r (broadcast over leading axes; last axis x, y)."""
    return np.sign(
        (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1]) - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0])
    )


def _polygons_only(geom: BaseGeometry) -> BaseGeometry:
    """Drop the lines and points make_valid can leave from a self-touching outline."""
    parts = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, (Polygon, MultiPolygon))]
    return shapely.union_all(parts) if parts else Polygon()


def _parts(geom: BaseGeometry) -> list[Polygon]:
    return list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]


def _width_profile(
    geom: BaseGeometry, s0: float, s1: float, origin=(0.0, 0.0), direction=(1.0, 0.0)
) -> tuple[np.ndarray, np.ndarray]:
    """Contact width of cross-sections perpendicular to ``direction`` at s in [s0, s1]."""
    s = _grid(s0, s1)
    return s, _sections(geom, s, origin, direction)[0]


def _grid(s0: float, s1: float) -> np.ndarray:
    """Cross-section positions from ``s0`` to ``s1``, :data:`_STEP_MM` apart, mm."""
    return np.arange(s0, s1 + _STEP_MM / 2, _STEP_MM)


#: Half-length of a cross-section line, mm: beyond any foot print.
_REACH_MM = 1000.0


def _sections(
    geom: BaseGeometry, s: np.ndarray, origin=(0.0, 0.0), direction=(1.0, 0.0)
) -> tuple[np.ndarray, np.ndarray]:
    """Cross-sections of ``geom`` perpendicular to ``direction`` at ``s`` (k,) mm from
    ``origin``: each one's contact width (the length of line inside, parts added up) and its
    topmost contact along the normal (NaN where it misses the print).

    Computed from where the outline's edges cross each line: along a line that passes
    through no outline vertex, inside and outside alternate at the crossings, so the width
    is the sum of every second gap between the sorted crossings. This is shapely's
    line-polygon intersection to rounding, without building a geometry per line (the
    intersections were half of a scan's measuring time). A line through a vertex (a print
    traced on a grid, a vertical edge of a cell outline) is ambiguous there and goes to
    shapely as before.
    """
    s = np.asarray(s, dtype=float)
    o, d = np.asarray(origin, dtype=float), np.asarray(direction, dtype=float)
    n = np.array([-d[1], d[0]])
    a, b = _outline_edges(geom, o, d, n)
    on_vertex = _equals_any(s, a[:, 0])
    width, top = _crossing_sections(a, b, s, ~on_vertex)
    if on_vertex.any():
        centres = o + s[on_vertex, None] * d
        lines = shapely.linestrings(np.stack([centres - _REACH_MM * n, centres + _REACH_MM * n], axis=1))
        cut = shapely.intersection(lines, geom)
        width[on_vertex] = shapely.length(cut)
        top[on_vertex] = [np.nan if g.is_empty else float(((shapely.get_coordinates(g) - o) @ n).max()) for g in cut]
    return width, top


def _equals_any(s: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``np.isin(s, values)`` by a binary search (np.isin's first call imports numpy.ma)."""
    ordered = np.sort(values)
    i = np.minimum(np.searchsorted(ordered, s), max(len(ordered) - 1, 0))
    return ordered[i] == s if len(ordered) else np.zeros(len(s), dtype=bool)


def _outline_edges(geom: BaseGeometry, origin: np.ndarray, d: np.ndarray, n: np.ndarray):
    """Every ring edge of ``geom`` (shells and holes) as start and end points (m, 2) in the
    (along ``d``, along ``n``) frame from ``origin``.
    """
    starts, ends = [], []
    for poly in getattr(geom, "geoms", [geom]):
        if not isinstance(poly, Polygon):
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = (np.asarray(ring.coords)[:, :2] - origin) @ np.array([d, n]).T
            starts.append(xy[:-1])
            ends.append(xy[1:])
    if not starts:
        return np.empty((0, 2)), np.empty((0, 2))
    return np.concatenate(starts), np.concatenate(ends)


def _crossing_sections(a: np.ndarray, b: np.ndarray, s: np.ndarray, use: np.ndarray):
    """Width and topmost crossing of each line s = ``s[k]`` (ascending) where ``use[k]``,
    from the edges ``a`` -> ``b`` (m, 2) that cross it; 0 and NaN elsewhere.
    """
    width, top = np.zeros(len(s)), np.full(len(s), np.nan)
    lo, hi = np.minimum(a[:, 0], b[:, 0]), np.maximum(a[:, 0], b[:, 0])
    # The lines strictly between an edge's ends (no line in use passes through a vertex).
    first, stop = np.searchsorted(s, lo, "right"), np.searchsorted(s, hi, "left")
    count = np.maximum(stop - first, 0)
    edge = np.repeat(np.arange(len(a)), count)
    line = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count) + first[edge]
    keep = use[line]
    edge, line = edge[keep], line[keep]
    if len(line) == 0:
        return width, top
    pa, pb = a[edge], b[edge]
    t = pa[:, 1] + (s[line] - pa[:, 0]) * (pb[:, 1] - pa[:, 1]) / (pb[:, 0] - pa[:, 0])
    order = np.lexsort((t, line))
    line, t = line[order], t[order]
    start = np.r_[0, np.flatnonzero(np.diff(line)) + 1]
    rank = np.arange(len(line)) - np.repeat(start, np.diff(np.r_[start, len(line)]))
    enter = np.flatnonzero(rank % 2 == 0)  # each entry is followed by its exit on that line
    width += np.bincount(line[enter], t[enter + 1] - t[enter], len(s))
    top[line[np.r_[start[1:], len(line)] - 1]] = t[np.r_[start[1:], len(line)] - 1]
    return width, top


def _remove_toes(geom: BaseGeometry) -> tuple[BaseGeometry, str]:
    """Remove the toe prints (see the module docstring for the rule)."""
    x0, _, x1, _ = geom.bounds
    s, w = _width_profile(geom, x0, x1)
    front = s >= x0 + 0.5 * (x1 - x0)
    i_ball = np.flatnonzero(front)[np.argmax(w[front])]
    ball_x, ball_w = s[i_ball], w[i_ball]
    parts = _parts(geom)
    if len(parts) > 1:
        kept = [p for p in parts if p.bounds[0] <= ball_x]
        if len(kept) < len(parts):
            return shapely.union_all(kept), "islands"
    # A neck (the toe sulcus): the section in front of the ball with the largest widening
    # still ahead of it.
    ahead = np.flatnonzero(s > ball_x)
    if len(ahead) > 2:
        wa = w[ahead]
        max_ahead = np.append(np.maximum.accumulate(wa[::-1])[::-1][1:], 0.0)
        rise = max_ahead - wa
        k = int(np.argmax(rise))
        if rise[k] > _NECK_RISE * ball_w:
            cut = s[ahead[k]]
            x_lo, y_lo, _, y_hi = geom.bounds
            return _polygons_only(geom.intersection(box(x_lo - 1, y_lo - 1, cut, y_hi + 1))), "neck"
    return geom, "none found"


def _foot_axis(geom: BaseGeometry) -> tuple[np.ndarray, np.ndarray]:
    """Origin (any point on the axis) and unit direction heel -> toes, input frame."""
    origin = np.zeros(2)
    direction = np.array([1.0, 0.0])
    for _ in range(2):
        normal = np.array([-direction[1], direction[0]])
        local = _transform(geom, origin, direction, normal)
        s0, t0, s1, t1 = local.bounds
        length = s1 - s0
        heel = local.intersection(box(s0 - 1, t0 - 1, s0 + 0.25 * length, t1 + 1)).centroid
        fore = local.intersection(box(s1 - 0.2 * length, t0 - 1, s1 + 1, t1 + 1)).centroid
        h = origin + heel.x * direction + heel.y * normal
        f = origin + fore.x * direction + fore.y * normal
        new = f - h
        direction = new / np.linalg.norm(new)
        origin = h
    return origin, direction


def _transform(geom: BaseGeometry, origin, direction, normal) -> BaseGeometry:
    """Express ``geom`` in (s, t) = (along ``direction``, along ``normal``) from ``origin``."""
    matrix = np.array([direction, normal])

    def to_local(coords: np.ndarray) -> np.ndarray:
        return (coords - origin) @ matrix.T

    return shapely.transform(geom, to_local)


def _clarke_angle(local: BaseGeometry, s_min: float, length: float) -> float | None:
    """Clarke's angle in degrees, in the axis frame (t > 0 medial)."""
    hull = np.asarray(local.convex_hull.exterior.coords)
    mid = s_min + length / 2
    p, q = hull[:-1], hull[1:]
    spans = (np.minimum(p[:, 0], q[:, 0]) <= mid) & (np.maximum(p[:, 0], q[:, 0]) >= mid)
    if not spans.any():
        return None
    # Of the hull edges crossing mid-length, the medial one has the larger t there.
    idx = np.flatnonzero(spans)
    frac = (mid - p[idx, 0]) / np.where(q[idx, 0] == p[idx, 0], 1.0, q[idx, 0] - p[idx, 0])
    t_mid = p[idx, 1] + frac * (q[idx, 1] - p[idx, 1])
    e = idx[np.argmax(t_mid)]
    a, b = p[e], q[e]
    heel_touch = a if a[0] < b[0] else b
    back = heel_touch - (b if a[0] < b[0] else a)
    u = back / max(np.linalg.norm(back), 1e-12)  # along the tangent, toward the heel
    # The 1st metatarsal head: the medial-most point of the forefoot third (clinical-basis.md §1.4),
    # not the point where the border meets the tangent, which slides along a flat border.
    border = np.concatenate([np.asarray(poly.exterior.coords) for poly in _parts(local)])
    fore_third = border[border[:, 0] >= s_min + 2.0 * length / 3.0]
    if len(fore_third) == 0:
        return None
    fore = fore_third[np.argmax(fore_third[:, 1])]
    # The deepest point of the medial concavity: of the medial-most contact of each
    # cross-section between the heel's touch point and the 1st MTH, the furthest from the
    # medial tangent line.
    s_grid = _grid(heel_touch[0] + _STEP_MM, fore[0] - _STEP_MM)
    if len(s_grid) == 0:
        return 0.0
    t_medial = _sections(local, s_grid)[1]
    keep = np.isfinite(t_medial)
    if not keep.any():
        return None
    pts = np.stack([s_grid[keep], t_medial[keep]], axis=1)
    rel = pts - heel_touch
    depth = np.abs(rel[:, 0] * u[1] - rel[:, 1] * u[0])
    k = int(np.argmax(depth))
    if depth[k] < 1e-6:
        return 0.0
    # The angle between the two lines: the tangent (toward the heel) and 1st MTH -> deepest point.
    d = pts[k] - fore
    cos = np.clip(d @ u / max(np.linalg.norm(d), 1e-12), -1.0, 1.0)
    return float(np.degrees(np.arccos(cos)))
