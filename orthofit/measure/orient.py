"""Putting a foot scan in the orthofit frame: floor z = 0, heel at x = 0, toes +x, a plan view
(a right foot's medial side +y, a left foot's -y).

Method (choices marked [D] in the constants):

1. The long axis is the first principal axis of the surface (area-weighted).
2. The floor is a support plane whose normal is roughly perpendicular to the long axis. A
   weight-bearing scan presses the sole flat against the glass: the floor is the plane with the
   largest flat contact, weighted by how far the contact runs along the foot (so an ankle cut,
   also flat, loses). A scan with no flat contact (non-weight-bearing, a foam box) rests on the
   support plane whose touching region (within a few mm) is largest.
3. The heel is the end of the long axis under the ankle (the higher end). Once the side is
   known, x is turned in the plan view onto the foot axis (:data:`FOOT_AXIS`): the shape's
   main axis is not the foot's, and a foot measured along it comes out short.
4. The side comes from the medial arch: the plantar surface of the midfoot is higher on the
   medial side. The user's side wins, and a disagreement is reported.
5. A scan that reaches above ankle height is cropped there.

Before all of this, "up" is settled by anatomy that cannot be confused: a scan is cut above
the ankle (an open rim, or a flat cap where the scanner closed it), and the cut is the narrow
end: the surface near it spans a leg's or an ankle's width, not the foot's length, while the
sole's neighbourhood spans the whole foot. When such a cut is found, the floor is sought only
on the side opposite it, and a long leg is cropped before the long axis and the floor are
fitted, so that the leg can neither tilt the axis nor offer its own cut as the floor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orthofit.io.scan_file import LoadedScan, ScanError
from orthofit.measure.directions import directions_within, fibonacci_sphere, nearest_directions
from orthofit.measure.extremes import bulge
from orthofit.measure.hull import convex_hull, exit_facet
from orthofit.model.enums import Side

#: Candidate floor normals must be within this angle of perpendicular to the long axis [D].
FLOOR_MAX_TILT_DEG = 35.0
#: A face is in flat contact with the floor if within this height and this normal angle [D].
CONTACT_HEIGHT_MM = 1.5
CONTACT_NORMAL_DEG = 25.0  # scanner noise tilts small triangles
#: Less flat contact than this means no weight-bearing floor: use the support plane [D].
MIN_FLAT_CONTACT_MM2 = 2000.0
#: Without flat contact, the support plane is the one with most surface this close [D].
SUPPORT_BAND_MM = 4.0
#: The best candidate floors (by a coarse score) that get a plane fit before the final choice.
REFINE_CANDIDATES = 8
#: Crop a scan that reaches above this share of its length (the leg) at that height [D].
CROP_HEIGHT_FRACTION = 0.40


@dataclass(frozen=True)
class OrientedScan:
    """A scan in the orthofit frame, mm."""

    vertices: np.ndarray  # (n, 3)
    faces: np.ndarray  # (m, 3)
    side: Side
    side_from_scan: Side
    floor: str  # "flat contact" or "support plane"
    flat_contact_mm2: float
    cropped_at_mm: float | None
    notes: tuple[str, ...]
    #: Whether the side cues agreed enough (:data:`SIDE_CERTAIN_SCORE`); each cue's reading.
    side_certain: bool = True
    side_cues: tuple[SideCue, ...] = ()
    #: A resampled scan's original spacing of samples, mm (LoadedScan.sample_spacing_mm).
    sample_spacing_mm: float = 0.0


def _face_data(v: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    tri = v[f]
    cross = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    area = 0.5 * np.linalg.norm(cross, axis=1)
    normal = cross / np.maximum(2 * area, 1e-12)[:, None]
    return tri.mean(axis=1), area, normal


#: The floor search looks at no more faces than this (an area-weighted sample, fixed seed):
#: a million-face scan needs no more to find its floor, and the search is faces x directions.
FLOOR_SAMPLE_FACES = 20000


def orient_scan(scan: LoadedScan, side: Side | None = None) -> OrientedScan:
    """Put ``scan`` in the orthofit frame (see the module docstring)."""
    v, f = scan.vertices, scan.faces
    notes: list[str] = []
    # The faces' data and main normals serve both the cut and, on the same faces (a scan of
    # at most FLOOR_SAMPLE_FACES, no leg cropped), the floor: computed once.
    face_data = _face_data(v, f)
    cut_modes = _normal_modes(face_data[2], face_data[1])
    cut = _ankle_cut(v, f, face_data, cut_modes)
    modes: np.ndarray | None = cut_modes
    if cut is not None:
        v, f, cropped_leg = _crop_leg(v, f, cut)
        if cropped_leg:
            notes.append(f"the leg was cropped {cropped_leg:.0f} mm from the cut before the floor was sought")
            face_data, modes = _face_data(v, f), None
    centroid, area, normal = face_data
    if len(f) > FLOOR_SAMPLE_FACES:
        pick = np.random.default_rng(0).choice(len(f), FLOOR_SAMPLE_FACES, replace=False, p=area / area.sum())
        centroid, area, normal = centroid[pick], np.full(len(pick), area.sum() / len(pick)), normal[pick]
        modes = None
    mean = (centroid * area[:, None]).sum(0) / area.sum()
    d = centroid - mean
    cov = (d * area[:, None]).T @ d
    evals, evecs = np.linalg.eigh(cov)
    e1 = evecs[:, 2]

    # Candidate floor normals: directions perpendicular-ish to the long axis, sampled on the
    # great circle around e1 and tilted toward it, plus the normals of large flat regions.
    up, floor_kind, flat_area = _find_floor(v, centroid, area, normal, e1, None if cut is None else cut.normal, modes)
    z = v @ up
    z = z - _floor_level(z.min(), centroid @ up, area, normal @ up, floor_kind)
    # The long axis, in the floor plane.
    x_axis = e1 - (e1 @ up) * up
    x_axis /= np.linalg.norm(x_axis)
    x = (v - mean) @ x_axis
    # The heel is under the ankle: the higher end.
    length = np.ptp(x)
    rear = x < x.min() + 0.3 * length
    front = x > x.max() - 0.3 * length
    if z[front].max() > z[rear].max():
        x_axis, x = -x_axis, -x
    y_axis = np.cross(up, x_axis)  # plan view: +y is to the left of the toes
    y = (v - mean) @ y_axis
    x = x - x.min()
    pts = np.column_stack([x, y, z])
    faces = f
    cropped = None
    length = np.ptp(x)
    if z.max() > CROP_HEIGHT_FRACTION * length * 1.5:  # clearly more than a foot: the leg
        cropped = CROP_HEIGHT_FRACTION * length
        pts, faces = _crop(pts, faces, cropped)
        pts[:, 0] -= pts[:, 0].min()
        notes.append(f"cropped at {cropped:.0f} mm above the floor (the scan includes the leg)")
    _check_sole(pts)
    side_from_scan, side_certain, cues, evidence = _side_from_arch(pts, faces)
    notes.append(f"side read as {side_from_scan.value} ({evidence})")
    if side is not None and side is not side_from_scan:
        said = [c.name for c in cues if c.vote == (1 if side_from_scan is Side.RIGHT else -1)]
        notes.append(
            f"the scan looks like a {side_from_scan.value} foot (by its {', '.join(said) or 'cues'}"
            f"{'' if side_certain else ', though uncertainly'}); measured as {side.value} as given"
        )
        pts[:, 1] *= -1.0  # mirror it so the arch lands on that side
        faces = faces[:, ::-1]
    side = side or side_from_scan
    for _ in range(2):  # x along the foot axis (its landmarks are found along the current x)
        pts = _turned(pts, -_foot_axis_angle(pts, side))
    pts[:, 0] -= pts[:, 0].min()
    # Centre y on the heel's midline.
    heel = pts[:, 0] < 0.2 * np.ptp(pts[:, 0])
    pts[:, 1] -= 0.5 * (pts[heel, 1].max() + pts[heel, 1].min())
    return OrientedScan(
        pts,
        faces,
        side,
        side_from_scan,
        floor_kind,
        flat_area,
        cropped,
        tuple(notes),
        side_certain,
        tuple(cues),
        scan.sample_spacing_mm,
    )


#: The foot axis [D, stated in the output]: the heel-centre-ball-centre line, from the middle of
#: the heel's breadth at 15 % of the foot's length (below 15 % of it in height) to the middle
#: of the 1st and 5th metatarsal heads (the medial bulge of the forefoot at 62-80 % of the
#: length and the lateral bulge at 50-80 %, below 30 mm), as foot scanners take it when the
#: second toe's tip cannot be told from its neighbours.
FOOT_AXIS = (
    "heel centre (middle of the heel at 15 % of length) to ball centre (middle of the 1st and 5th metatarsal heads)"
)


def _foot_axis_angle(pts: np.ndarray, side: Side) -> float:
    """The angle of the foot axis (:data:`FOOT_AXIS`) from +x in the plan view, radians; 0 if
    its landmarks are not on the scan.
    """
    x, y, z = pts.T
    x0, length = x.min(), np.ptp(x)
    medial = side.medial_sign * y
    heel = (x > x0 + 0.10 * length) & (x < x0 + 0.20 * length) & (z < 0.15 * length)
    first = (x > x0 + 0.62 * length) & (x < x0 + 0.80 * length) & (z < 30.0)
    fifth = (x > x0 + 0.50 * length) & (x < x0 + 0.80 * length) & (z < 30.0)
    if heel.sum() < 5 or first.sum() < 5 or fifth.sum() < 5:
        return 0.0
    heel_y = 0.5 * (bulge(pts[heel], y[heel])[1] + bulge(pts[heel], -y[heel])[1])
    ball = 0.5 * (bulge(pts[first], medial[first]) + bulge(pts[fifth], -medial[fifth]))
    return float(np.arctan2(ball[1] - heel_y, ball[0] - (x0 + 0.15 * length)))


def _turned(pts: np.ndarray, angle: float) -> np.ndarray:
    """``pts`` turned by ``angle`` (radians) about z."""
    c, s = np.cos(angle), np.sin(angle)
    out = pts.copy()
    out[:, 0], out[:, 1] = c * pts[:, 0] - s * pts[:, 1], s * pts[:, 0] + c * pts[:, 1]
    return out


def _candidate_dirs(
    e1: np.ndarray, step_deg: float, tilt_deg: float, centre: np.ndarray | None = None, width_deg: float = 360.0
) -> np.ndarray:
    """Unit directions around the long axis (``step_deg`` apart), tilted toward it by up to
    ``tilt_deg``; or, with ``centre``, a finer patch of them around that direction.
    """
    a = np.array([1.0, 0, 0]) if abs(e1[0]) < 0.9 else np.array([0, 1.0, 0])
    b1 = np.cross(e1, a)
    b1 /= np.linalg.norm(b1)
    b2 = np.cross(e1, b1)
    if centre is None:
        phi = np.radians(np.arange(0, 360, step_deg))
        tilt = np.radians(np.arange(-tilt_deg, tilt_deg + 1e-9, step_deg))
    else:
        phi0 = np.arctan2(centre @ b2, centre @ b1)
        tilt0 = np.arcsin(np.clip(centre @ e1, -1, 1))
        half = np.radians(width_deg / 2)
        phi = phi0 + np.arange(-half, half + 1e-9, np.radians(step_deg))
        tilt = np.clip(
            tilt0 + np.arange(-half, half + 1e-9, np.radians(step_deg)), -np.radians(tilt_deg), np.radians(tilt_deg)
        )
    P, T = np.meshgrid(phi, tilt)
    d = (
        np.cos(T)[..., None] * (np.cos(P)[..., None] * b1 + np.sin(P)[..., None] * b2) + np.sin(T)[..., None] * e1
    ).reshape(-1, 3)
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def _normal_modes(
    normal: np.ndarray, area: np.ndarray, bins: int = 2000, top: int = 12, cone_deg: float = 12.0
) -> np.ndarray:
    """The face normals shared by the most surface area: a flat sole is one such mode.

    Each of ``bins`` directions on a Fibonacci sphere scores the area of the faces whose
    normal lies within ``cone_deg`` of it: a cone, not a bin, because scanner noise scatters a
    flat sole's small triangles over many neighbouring bins while a long smooth wall keeps
    its few large ones in one. The ``top`` best directions (no two within a cone of each
    other) each give the area-weighted mean normal of their cone.
    """
    sphere = fibonacci_sphere(bins)
    weight = np.bincount(nearest_directions(normal, sphere), area, bins)
    row, col = directions_within(bins, 2 * np.sin(np.radians(cone_deg) / 2))
    # A bin's own area counts twice (once as its own neighbour), as it did when these pairs
    # came from scipy's cKDTree.sparse_distance_matrix, whose result keeps its zero diagonal.
    cone = np.bincount(row, weight[col], bins) + weight
    out: list[np.ndarray] = []
    for b in np.argsort(cone)[::-1]:
        if len(out) == top:
            break
        if out and (np.array(out) @ sphere[b]).max() > np.cos(np.radians(cone_deg)):
            continue
        n = sphere[b]
        for _ in range(4):  # mean shift: a cone centred on a bin is lopsided on the mode
            sel = normal @ n > np.cos(np.radians(cone_deg))
            m = (normal[sel] * area[sel, None]).sum(axis=0)
            if np.linalg.norm(m) < 1e-12:
                break
            n = m / np.linalg.norm(m)
        out.append(n)
    return np.array(out)


def _contact_scores(v, centroid, area, normal, e1, dirs, band_mm: float, flat_only: bool):
    """For each candidate up direction: the area within ``band_mm`` of the lowest level (and
    facing down, if ``flat_only``) and how far that contact runs along the foot.
    """
    h = centroid @ dirs.T
    # The floor level: a low percentile of the face centres, not the lowest vertex, which
    # scanner noise pulls down by about 3 sigma (a 0.5 mm noise would lift most of a flat
    # sole out of a 1.5 mm band). A face centre averages three vertices' noise.
    k = max(1, int(0.002 * len(h)))
    low = np.partition(h, k, axis=0)[k]
    near = (h - low) < band_mm
    if flat_only:
        near &= (-(normal @ dirs.T)) > np.cos(np.radians(CONTACT_NORMAL_DEG))
    contact = (area[:, None] * near).sum(axis=0)
    x = (centroid @ e1)[:, None]
    span = np.where(near, x, -np.inf).max(axis=0) - np.where(near, x, np.inf).min(axis=0)
    return contact, np.where(np.isfinite(span), span, 0.0)


def _find_floor(
    v, centroid, area, normal, e1, leg: np.ndarray | None, modes: np.ndarray | None = None
) -> tuple[np.ndarray, str, float]:
    """The floor's upward normal, how it was found, and the flat contact area (mm²); with
    ``leg`` (the ankle cut's outward normal), only floors whose up is within
    :data:`LEG_MAX_TILT_DEG` of it. ``modes`` are :func:`_normal_modes` of these faces, if
    already known.
    """
    length = np.ptp(v @ e1)
    # The floor's normal is minus the normal of the flat contact faces: try the main modes of
    # the face normals, and a sweep around the long axis.
    if modes is None:
        modes = _normal_modes(normal, area)
    dirs = np.vstack([_candidate_dirs(e1, 10.0, FLOOR_MAX_TILT_DEG), -modes])
    dirs = dirs[np.abs(dirs @ e1) <= np.sin(np.radians(FLOOR_MAX_TILT_DEG)) + 1e-9]
    if leg is not None:
        dirs = dirs[dirs @ leg >= np.cos(np.radians(LEG_MAX_TILT_DEG))]
        if len(dirs) == 0:
            return _resting_floor(v, e1, leg), "support plane", 0.0
    # A coarse score with a loose band finds the candidates; a plane fit to each one's contact
    # makes it exact (a sweep step or a noisy mode is a degree or so off, and over a foot's
    # length a degree lifts much of the sole out of the contact band).
    flat, span = _contact_scores(v, centroid, area, normal, e1, dirs, 2 * SUPPORT_BAND_MM, True)
    best = np.argsort(np.where(span >= 0.6 * length, flat, 0.0))[::-1][:REFINE_CANDIDATES]
    dirs = np.array([_refine(centroid, area, normal, d) for d in dirs[best]])
    flat, span = _contact_scores(v, centroid, area, normal, e1, dirs, CONTACT_HEIGHT_MM, True)
    # A sole pressed on glass is flat from heel to ball; an ankle cut is flat but short.
    ok = span >= 0.6 * length
    if leg is not None:  # a refined plane must still face away from the leg
        ok &= dirs @ leg >= np.cos(np.radians(LEG_MAX_TILT_DEG))
    if ok.any() and flat[ok].max() >= MIN_FLAT_CONTACT_MM2:
        k = np.flatnonzero(ok)[np.argmax(flat[ok])]
        return dirs[k], "flat contact", float(flat[k])
    # No flat contact (not weight-bearing): the foot rests, under gravity, on the facet of its
    # convex hull that lies below its centroid. "Down" is away from the ankle: the rear third
    # spreads most, across the long axis, toward the leg.
    return _resting_floor(v, e1, leg), "support plane", 0.0


def _floor_level(lowest: float, h: np.ndarray, area: np.ndarray, facing: np.ndarray, kind: str) -> float:
    """Where z = 0 goes: on the glass, the middle of the flat contact faces' heights (scanner
    noise scatters them both ways; the lowest vertex is some 3 sigma below the glass); on a
    support plane, the lowest point.
    """
    if kind != "flat contact":
        return lowest
    c = _contact_faces(h, facing)
    order = np.argsort(h[c])
    cum = np.cumsum(area[c][order])
    return float(h[c][order][np.searchsorted(cum, 0.5 * cum[-1])])


def _resting_floor(v: np.ndarray, e1: np.ndarray, leg: np.ndarray | None = None) -> np.ndarray:
    """The up direction of the plane a scan with no flat contact rests on: the facet of its
    convex hull where the ray from its centroid straight down (away from the ankle) leaves it.
    """
    if leg is not None:  # the ankle cut says which way is up
        up = leg - (leg @ e1) * e1
        up /= np.linalg.norm(up)
    else:
        x = v @ e1
        length = np.ptp(x)
        ends = [v[x < x.min() + 0.3 * length], v[x > x.max() - 0.3 * length]]
        rear = max(ends, key=lambda p: np.ptp(p - np.outer(p @ e1, e1), axis=0).max())  # the ankle end
        fore = ends[1] if rear is ends[0] else ends[0]
        r = rear - np.outer(rear @ e1, e1)
        r0 = r - r.mean(axis=0)
        up = np.linalg.eigh(r0.T @ r0)[1][:, 2]
        up = up - (up @ e1) * e1
        up /= np.linalg.norm(up)
        if (fore @ up).mean() > (rear @ up).mean():
            up = -up  # the forefoot lies low, the ankle high
    c = v.mean(axis=0)
    # The exit facet without building the hull (nor importing scipy, 0.3 s of a fresh process);
    # qhull's hull when that finds none (degenerate points) or a steep one (the rule below).
    facet = exit_facet(v, c, up)
    if facet is not None and facet @ -up > RESTING_MIN_FACING:
        return -facet
    return _resting_facet_qhull(v, c, up)


#: The resting facet must face down at least this much (the cosine of its tilt from "down").
RESTING_MIN_FACING = 0.3


def _resting_facet_qhull(v: np.ndarray, c: np.ndarray, up: np.ndarray) -> np.ndarray:
    """:func:`_resting_floor`'s facet from scipy's convex hull: of the facets facing down at
    least :data:`RESTING_MIN_FACING`, the first the ray from ``c`` along ``-up`` meets.
    """
    from scipy.spatial import ConvexHull

    hull = ConvexHull(v)
    normals = hull.equations[:, :3]  # outward unit normals
    offsets = hull.equations[:, 3]
    facing = normals @ -up
    ok = facing > RESTING_MIN_FACING
    if not ok.any():
        raise ScanError("no plane under this scan supports it: it does not look like a foot")
    t = -(normals[ok] @ c + offsets[ok]) / facing[ok]
    k = np.flatnonzero(ok)[np.argmin(np.where(t > 0, t, np.inf))]
    return -normals[k]


def _contact_faces(h: np.ndarray, facing: np.ndarray) -> np.ndarray:
    """(m,) bool: faces facing down (``facing`` = normal . up) within twice the contact height
    of the floor level, a low percentile of the face heights ``h`` (not the minimum, which
    scanner noise pulls down).
    """
    k = max(1, int(0.002 * len(h)))
    low = np.partition(h, k)[k]
    return ((h - low) < 2 * CONTACT_HEIGHT_MM) & (-facing > np.cos(np.radians(CONTACT_NORMAL_DEG)))


def _refine(centroid, area, normal, up: np.ndarray, rounds: int = 4) -> np.ndarray:
    """Fit the floor plane to the flat contact faces under ``up``, and again to the contact
    under that plane, for a precise normal.
    """
    for _ in range(rounds):
        c = _contact_faces(centroid @ up, normal @ up)
        if c.sum() < 10:
            return up
        w = area[c]
        mean = (centroid[c] * w[:, None]).sum(axis=0) / w.sum()
        d = centroid[c] - mean
        n = np.linalg.eigh((d * w[:, None]).T @ d)[1][:, 0]
        up = n if n @ up > 0 else -n
    return up


#: The leg may lean this far from the floor's normal (a relaxed, plantarflexed foot on a
#: non-weight-bearing scan leans its leg 20-30° back; standing, it is near vertical) [D].
LEG_MAX_TILT_DEG = 60.0
#: A cut is the narrow end: the surface within each distance (mm) of it spans at most that share
#: of the scan's extent across its normal [D]. An ankle or a leg against a foot's length spans
#: 0.3-0.4 within 15 mm and 0.3-0.47 within 30 mm on the shared scans and a synthetic leg; the
#: sole on glass spans 1.0, the heel's back 0.8, the toes 0.7 and a side 0.9 within 30 mm.
CUT_SLABS = ((15.0, 0.5), (30.0, 0.6))
#: An open rim or a flat cap is a cut only if it is at least this long round, or this large
#: (a small adult's ankle, 55 by 65 mm, has 2,800 mm²) [D].
CUT_MIN_RIM_MM = 120.0
CUT_MIN_CAP_MM2 = 1500.0
#: A flat cap: the faces within this distance of the scan's extreme along a direction, lying
#: within this RMS distance of one plane and covering this share of their outline [D]. A
#: scanner closes its cut with one plane; skin that flat over 1,500 mm² is a sole on glass.
CAP_BAND_MM = 1.5
CAP_RMS_MM = 0.4
CAP_MIN_FILL = 0.6
#: ... its faces within this angle of the plane's normal (scanner noise on small faces); and
#: of the surface 1.5-6 mm below the plane, at most this share faces within that angle of it
#: [D]. At a cut the skin turns away at the rim (0 % on the shared scans), while a flat
#: stretch of skin or wall runs on past the band (46-78 % on the sides and top of a foot
#: with vertical walls).
CAP_FACE_DEG = 30.0
CAP_MAX_RUN_ON = 0.25
#: A long leg is cropped this far (a share of the foot's extent across the cut's normal) above
#: the scan's lowest point along that normal, before the floor is fitted [D]: high enough to
#: keep the toes of a foot whose leg leans 30° from its floor's normal.
LEG_PRECROP_SHARE = 0.75


@dataclass(frozen=True)
class AnkleCut:
    """Where a scan was cut above the foot: a plane, its outward normal (toward the cut-off
    leg, so "up"-ish), and how it was found.
    """

    centre: np.ndarray  # (3,) mm
    normal: np.ndarray  # (3,) unit
    kind: str  # "open rim" or "flat cap"


def _span(points: np.ndarray, normal: np.ndarray) -> float:
    """The largest extent of ``points`` across ``normal``, mm (along their main axis in the plane)."""
    p = points - np.outer(points @ normal, normal)
    p = p - p.mean(axis=0)
    axis = np.linalg.eigh(p.T @ p)[1][:, 2]
    return float(np.ptp(p @ axis))


def _rims(v: np.ndarray, f: np.ndarray) -> list[np.ndarray]:
    """The vertex indices of each open rim: a closed loop of edges used by one face, each of
    its vertices on two of them (faces lost here and there leave webs of such edges, not
    loops).
    """
    e = np.sort(np.stack([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]], axis=1).reshape(-1, 2), axis=1)
    key = e[:, 0].astype(np.int64) * len(v) + e[:, 1]
    uniq, count = np.unique(key, return_counts=True)
    lone = uniq[count == 1]
    if len(lone) == 0:
        return []
    a, b = lone // len(v), lone % len(v)
    label = _components(a, b, len(v))
    ends = np.concatenate([a, b])
    degree = np.bincount(ends, minlength=len(v))
    rims = []
    for k in np.unique(label[ends]):
        members = np.unique(ends[label[ends] == k])
        if (degree[members] == 2).all():  # a simple loop: as many edges as vertices
            rims.append(members)
    return rims


def _components(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """The connected components of the graph on ``n`` vertices with edges ``a`` -- ``b``:
    (n,) each vertex's smallest fellow member (so the components come in the order
    scipy.sparse.csgraph numbers them, whose import alone costs a fresh process 0.2 s).

    Each round hooks every edge's higher root onto its lower one, then halves every path to
    a root until each vertex points at one: a loop of k vertices takes about log2(k) rounds.
    """
    label = np.arange(n)
    while True:
        la, lb = label[a], label[b]
        if np.array_equal(la, lb):
            return label
        low = np.minimum(la, lb)
        np.minimum.at(label, la, low)
        np.minimum.at(label, lb, low)
        while True:  # every vertex to its root
            up = label[label]
            if np.array_equal(up, label):
                break
            label = up


def _ankle_cut(
    v: np.ndarray, f: np.ndarray, faces: tuple[np.ndarray, np.ndarray, np.ndarray], modes: np.ndarray
) -> AnkleCut | None:
    """The cut above the ankle, if the scan shows one (see the module docstring).

    Candidates are the open rims at least :data:`CUT_MIN_RIM_MM` round and lying in a plane,
    and the flat caps (a main direction of the face normals whose faces, at least
    :data:`CUT_MIN_CAP_MM2`, lie at the scan's extreme along it). A candidate is a cut when
    the whole scan lies on one side of it and it is the narrow end; the largest one wins.
    ``faces`` are :func:`_face_data` of ``v``, ``f`` and ``modes`` their
    :func:`_normal_modes`.
    """
    centroid, area, normal = faces
    found: list[tuple[float, AnkleCut]] = []
    middle = v.mean(axis=0)
    for rim in _rims(v, f):
        p = v[rim]
        c = p.mean(axis=0)
        evals, evecs = np.linalg.eigh((p - c).T @ (p - c))
        spread = np.sqrt(np.maximum(evals, 0.0) / len(p))
        hull = convex_hull((p - c) @ evecs[:, 1:])
        if hull.length < CUT_MIN_RIM_MM or hull.area < CUT_MIN_CAP_MM2 or spread[0] > 0.05 * spread[2]:
            continue  # a small hole, or a rim that does not lie in a plane
        n = evecs[:, 0] if (middle - c) @ evecs[:, 0] < 0 else -evecs[:, 0]
        found.append((float(hull.area), AnkleCut(c, n, "open rim")))
    for n in modes:
        cap = np.zeros(len(f), bool)
        # The faces at the extreme along n, and the plane through them; a mode may be 10° or
        # more off the cap's normal, so the first bands are wide enough to hold the whole cap.
        for band in (20.0, 8.0, 3.0, CAP_BAND_MM):
            h = centroid @ n
            cap = h >= h.max() - band
            w = area[cap]
            if w.sum() < CUT_MIN_CAP_MM2:
                break
            on_cap = centroid[cap]
            c = (on_cap * w[:, None]).sum(axis=0) / w.sum()
            d = on_cap - c
            m = np.linalg.eigh((d * w[:, None]).T @ d)[1][:, 0]
            n = m if m @ n > 0 else -m
        else:
            # A scanner closes its cut with one plane and fills it: its faces lie in the plane
            # (scanner noise aside) and cover its outline.
            cap &= normal @ n > np.cos(np.radians(CAP_FACE_DEG))  # not the wall below its rim
            d = (centroid[cap] - c) @ n
            rms = np.sqrt((area[cap] * d**2).sum() / max(area[cap].sum(), 1e-9))
            a, b = np.linalg.eigh(np.eye(3) - np.outer(n, n))[1][:, 1:].T
            corners = v[f[cap]].reshape(-1, 3) - c
            hull = convex_hull(np.column_stack([corners @ a, corners @ b]))
            if (
                rms <= CAP_RMS_MM
                and area[cap].sum() >= max(CUT_MIN_CAP_MM2, CAP_MIN_FILL * hull.area)
                and _runs_on(centroid, area, normal, n) <= CAP_MAX_RUN_ON
            ):
                found.append((float(area[cap].sum()), AnkleCut(c, n, "flat cap")))
    best: AnkleCut | None = None
    best_size = 0.0
    for size, cut in found:
        h = (v - cut.centre) @ cut.normal
        if (h > 3.0).mean() > 0.01:
            continue  # the scan reaches past it: not an end
        whole = _span(v, cut.normal)
        if any(
            (h > -depth).sum() < 3 or _span(v[h > -depth], cut.normal) > share * whole for depth, share in CUT_SLABS
        ):
            continue  # the broad end (a sole on glass), or a side of the foot: not a cut
        if size > best_size:
            best, best_size = cut, size
    return best


def _runs_on(centroid: np.ndarray, area: np.ndarray, normal: np.ndarray, n: np.ndarray) -> float:
    """The share of the surface 1.5-6 mm below the extreme along ``n`` that still faces
    within :data:`CAP_FACE_DEG` of ``n`` (0 when there is none there).
    """
    h = centroid @ n
    ring = (h < h.max() - CAP_BAND_MM) & (h >= h.max() - 6.0)
    if area[ring].sum() <= 0:
        return 0.0
    return float(area[ring & (normal @ n > np.cos(np.radians(CAP_FACE_DEG)))].sum() / area[ring].sum())


def _crop_leg(v: np.ndarray, f: np.ndarray, cut: AnkleCut) -> tuple[np.ndarray, np.ndarray, float]:
    """Crop a long leg (see :data:`LEG_PRECROP_SHARE`): the kept vertices and faces, and how
    far from the cut the crop was, mm (0 when nothing was cropped).
    """
    h = (v - cut.centre) @ cut.normal  # <= 0: depth below the cut
    keep_below = h.min() + LEG_PRECROP_SHARE * _span(v, cut.normal)
    if h.max() <= keep_below:
        return v, f, 0.0
    kept, faces = _submesh(v, f, (h[f] <= keep_below).all(axis=1))
    return kept, faces, float(-keep_below)


def _submesh(pts: np.ndarray, faces: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The faces where ``keep`` (m,) holds and the vertices they use, renumbered."""
    faces = faces[keep]
    used = np.unique(faces)
    remap = np.full(len(pts), -1)
    remap[used] = np.arange(len(used))
    return pts[used], remap[faces]


#: Once oriented, the surface within this height of the floor must span at least this share of
#: the foot's length [D]: a sole does (1.0 on the shared scans, 0.97 or more on relaxed
#: synthetic feet with a leg), a leg's cut or a foot's side put on the floor does not.
SOLE_SLAB_MM = 30.0
SOLE_MIN_SPAN_SHARE = 0.8


def _check_sole(pts: np.ndarray) -> None:
    """Refuse an orientation whose floor is not under a sole (see :data:`SOLE_MIN_SPAN_SHARE`)."""
    x = pts[:, 0]
    low = pts[:, 2] < SOLE_SLAB_MM
    if np.ptp(x[low]) < SOLE_MIN_SPAN_SHARE * np.ptp(x):
        raise ScanError(
            f"it does not look like a foot from below: the surface within {SOLE_SLAB_MM:g} mm of the floor found "
            f"spans {100 * np.ptp(x[low]) / np.ptp(x):.0f} % of its length (a sole spans at least "
            f"{100 * SOLE_MIN_SPAN_SHARE:.0f} %); if it is a foot scanned with its leg, crop the leg at the ankle, "
            "flat, and try again"
        )


def _crop(pts: np.ndarray, faces: np.ndarray, height: float) -> tuple[np.ndarray, np.ndarray]:
    """Keep the faces wholly below ``height`` (an open surface is fine for measuring)."""
    kept, faces = _submesh(pts, faces, (pts[faces, 2] <= height).all(axis=1))
    if len(kept) < 10:
        raise ScanError("nothing of the foot is left below ankle height: check the scan's orientation")
    return kept, faces


#: How far each side cue must lean, mm, to vote (below it, it abstains), and its weight [D].
#: The plantar arch is the most direct evidence when a scan has relief under the midfoot.
SIDE_CUES = {
    "plantar arch": (1.5, 2.5),
    "dorsum": (3.0, 1.0),
    "ball line": (3.0, 1.0),
    "longest toe": (3.0, 1.0),
}
#: The side is taken as read when the weighted votes lean this far one way [D]: the plantar
#: arch alone, or two other cues that agree with none against them.
SIDE_CERTAIN_SCORE = 2.0
#: Points within this distance of an extreme stand for it, mm: an extreme measured on the
#: surface, not on one vertex, so that re-meshing the same surface does not move it.
_EXTREME_BAND_MM = 1.5


@dataclass(frozen=True)
class SideCue:
    """One cue's reading: ``lean_mm`` > 0 says the medial side is +y (a right foot)."""

    name: str
    lean_mm: float
    threshold_mm: float
    weight: float

    @property
    def vote(self) -> int:
        """+1 right, -1 left, 0 abstains (leans less than its threshold)."""
        return 0 if abs(self.lean_mm) < self.threshold_mm else (1 if self.lean_mm > 0 else -1)

    def text(self) -> str:
        if self.vote == 0:
            return f"{self.name} abstains ({abs(self.lean_mm):.1f} mm, under {self.threshold_mm:g})"
        return f"{self.name} says {'right' if self.vote > 0 else 'left'} by {abs(self.lean_mm):.1f} mm"


def _near_max(a: np.ndarray, band: float = _EXTREME_BAND_MM) -> np.ndarray:
    """The points within ``band`` of ``a``'s largest value (a mask)."""
    return a >= a.max() - band


def _side_cues(pts: np.ndarray) -> list[SideCue]:
    """Four cues that each lean toward where the medial side is (in the plan view a right
    foot's medial side is +y), each measured as a distance on the surface, mm:

    * plantar arch: the midfoot's underside is higher medially (when it has relief; a
      glass-plate scan flattens it): the medial third's underside minus the lateral third's;
    * dorsum: the instep's top lies over the medial arch: its offset from the centre line;
    * ball line: the ball line slopes back laterally, so the medial bulge (1st metatarsal
      head) is further forward than the lateral (5th): their difference along the foot;
    * longest toe: the longest toe (hallux or 2nd) lies medial of the forefoot's centre line.
    """
    x, y, z = pts.T
    length = np.ptp(x)
    mid = (x > 0.35 * length) & (x < 0.60 * length)
    if mid.sum() < 10:
        raise ScanError("the scan's midfoot is missing: it cannot be measured")
    ym, zm = y[mid], z[mid]
    lo, hi = ym.min(), ym.max()
    bins = np.clip(((ym - lo) / max(hi - lo, 1e-9) * 12).astype(int), 0, 11)
    under = np.full(12, np.inf)
    np.minimum.at(under, bins, zm)
    seen = under[2:10][np.isfinite(under[2:10])]
    relief = float(seen.max() - seen.min()) if len(seen) else 0.0
    arch = float(
        np.nanmean(np.where(np.isfinite(under[7:10]), under[7:10], np.nan))
        - np.nanmean(np.where(np.isfinite(under[2:5]), under[2:5], np.nan))
    )
    cues = [SideCue("plantar arch", arch if relief > 3.0 and np.isfinite(arch) else 0.0, *SIDE_CUES["plantar arch"])]
    instep = (x > 0.55 * length) & (x < 0.70 * length)  # in front of any ankle cut
    yi, zi = y[instep], z[instep]
    cues.append(SideCue("dorsum", float(yi[_near_max(zi)].mean() - 0.5 * (yi.min() + yi.max())), *SIDE_CUES["dorsum"]))
    ball = (x > 0.5 * length) & (x < 0.9 * length)
    xb, yb = x[ball], y[ball]
    medial_x = xb[_near_max(yb)].mean()
    lateral_x = xb[_near_max(-yb)].mean()
    cues.append(SideCue("ball line", float(medial_x - lateral_x), *SIDE_CUES["ball line"]))
    fore = x > 0.7 * length
    mid_fore = 0.5 * (y[fore].min() + y[fore].max())
    tip = y[_near_max(x)].mean()
    cues.append(SideCue("longest toe", float(tip - mid_fore), *SIDE_CUES["longest toe"]))
    return cues


def _side_from_arch(pts: np.ndarray, faces: np.ndarray) -> tuple[Side, bool, list[SideCue], str]:
    """Which foot: (side, certain, cues, what they said). The weighted votes decide; with
    less than :data:`SIDE_CERTAIN_SCORE` between them (cues that disagree or abstain), the
    side is a guess and the text says to give ``--side``.
    """
    cues = _side_cues(pts)
    score = sum(c.weight * c.vote for c in cues)
    side = Side.RIGHT if score > 0 else Side.LEFT
    certain = abs(score) >= SIDE_CERTAIN_SCORE
    detail = ", ".join(c.text() for c in cues)
    if not certain:
        detail += "; the side is uncertain: give --side"
    return side, certain, cues, detail
