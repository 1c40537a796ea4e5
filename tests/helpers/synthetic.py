"""Synthetic feet with known truth, for the scan tests.

A synthetic foot: the anatomical insole outline of a foot of known size as its plan, vertical
sides, a sole and a dorsum that rises to the ankle and peaks medially. Its true length and
ball width come from the outline polygon itself. The sole is flat (a weight-bearing scan
pressed on glass) or curved (a relaxed, non-weight-bearing foot: heel and toes curl up 18 mm
and the medial arch lifts 10 mm). A leg may rise from the rearfoot: an elliptic tube 68 by
78 mm across, leaning ``leg_tilt_deg`` toward the toes (negative: toward the heel, as a
plantarflexed foot's leg does), cut ``leg_height_mm`` along its axis and left open (a rim) or
closed (a flat cap), as scanners leave it. ``dorsum_medial=False`` puts the dorsum's peak
on the lateral side, so that the side cues disagree. ``toe_sulcus_mm`` raises a ridge that high
under the toes' bases (the toe sulcus), so that the toe pads' contact is apart from the ball's;
``medial_arch_mm`` lifts the sole toward its medial border at mid-foot (a standing arch).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from orthofit.config.params import InsoleParams
from orthofit.geometry.outline import FootDimensions, insole_outline
from orthofit.geometry.solid import triangulate_outline

#: Where a synthetic foot's toe sulcus runs: x = SULCUS_AT x length + SULCUS_SLOPE x y (mm,
#: heel at 0, medial +y).
SULCUS_AT = 0.80
SULCUS_SLOPE = 0.15


@dataclass(frozen=True)
class SyntheticFoot:
    vertices: np.ndarray  # (n, 3) mm, a right foot: heel at x = x0, toes +x, medial +y
    faces: np.ndarray  # (m, 3)
    length_mm: float  # true foot length (the outline's)
    ball_width_mm: float  # true largest breadth at 55-85 % of the length
    toe_free_plan: object = None  # with a toe sulcus: the plan outline cut along it (shapely)
    arch_edge_mm: float = 0.0  # the sole's highest point on the medial border at 30-60 %


def synthetic_foot(
    fl: float,
    ball: float,
    heel: float,
    *,
    curved_sole: bool = False,
    leg_tilt_deg: float | None = None,
    leg_height_mm: float = 250.0,
    leg_open: bool = True,
    pitch_mm: float = 3.0,
    dorsum_medial: bool = True,
    toe_sulcus_mm: float = 0.0,
    medial_arch_mm: float = 0.0,
) -> SyntheticFoot:
    dims = FootDimensions.from_measurements(fl - 10.0, ball, heel)
    outline = insole_outline(dims, InsoleParams(length_allowance_mm=10.0))
    x0, _, x1, _ = outline.bounds
    length = x1 - x0

    def sole(xy):
        x, y = (xy[:, 0] - x0) / length, xy[:, 1]
        # the toe sulcus: a ridge under the toes' bases, further forward medially (+y)
        ridge = toe_sulcus_mm * np.exp(-((((xy[:, 0] - x0) - (SULCUS_AT * length + SULCUS_SLOPE * y)) / 6.0) ** 2))
        # a standing foot's medial arch: the sole lifts toward the medial border at mid-foot
        ridge = ridge + medial_arch_mm * np.exp(-(((x - 0.45) / 0.12) ** 2)) * np.clip(y / 45.0, 0.0, 1.0)
        if not curved_sole:
            return ridge
        rocker = 18.0 * ((x - 0.45) / 0.55) ** 2
        arch = 10.0 * np.exp(-(((x - 0.45) / 0.15) ** 2)) * (0.5 + 0.5 * np.tanh(y / 10.0))
        return rocker + arch + ridge

    def top(xy):
        x, y = (xy[:, 0] - x0) / length, xy[:, 1]
        ankle = 30.0 + 55.0 * np.clip((0.55 - x) / 0.35, 0, 1) ** 1.5  # high at the heel
        # the dorsum peaks over the medial arch (or, to confuse the side cues, laterally)
        medial = 8.0 * (0.5 + 0.5 * np.tanh((y if dorsum_medial else -y) / 12.0))
        return sole(xy) + ankle + medial * np.clip((0.85 - x) / 0.3, 0, 1)

    # Top and sole on the same even lattice, like a scanner's mesh, joined by vertical walls.
    pts, tri, n_ring = triangulate_outline(outline, pitch_mm)
    n = len(pts)
    v = np.vstack([np.column_stack([pts, top(pts)]), np.column_stack([pts, sole(pts)])])
    i = np.arange(n_ring)
    j = (i + 1) % n_ring
    f = np.vstack([tri, tri[:, ::-1] + n, np.column_stack([i, n + i, n + j]), np.column_stack([i, n + j, j])])
    # the medial arch's edge: the sole's height under the outline's medial border, 30-60 %
    ring = np.asarray(outline.segmentize(0.5).exterior.coords)
    mid = ring[(ring[:, 0] > x0 + 0.30 * length) & (ring[:, 0] < x0 + 0.60 * length) & (ring[:, 1] > 0)]
    arch_edge = float(sole(mid).max()) if len(mid) else 0.0
    toe_free = None
    if toe_sulcus_mm:
        line = np.array([[x0 + SULCUS_AT * length + SULCUS_SLOPE * y, y] for y in (-500.0, 500.0)])
        behind = shapely.Polygon(np.vstack([line, [[x0 - 500.0, 500.0], [x0 - 500.0, -500.0]]]))
        toe_free = shapely.intersection(outline, behind)
    if leg_tilt_deg is not None:
        v, f = _with_leg(v, f, x0 + 0.22 * length, leg_tilt_deg, leg_height_mm, leg_open)
    # The truth, from the outline, along the foot axis as orthofit defines it (the heel's middle
    # at 15 % of length to the middle of the medial bulge at 62-80 % and the lateral at 50-80 %):
    # the length, and the largest breadth across the axis at 55-85 % of length.
    outline = _along_foot_axis(outline)
    x0, _, x1, _ = outline.bounds
    length = x1 - x0
    xs = x0 + length * np.linspace(0.55, 0.85, 200)
    lines = shapely.linestrings(
        np.stack([np.stack([xs, np.full_like(xs, -500)], 1), np.stack([xs, np.full_like(xs, 500)], 1)], 1)
    )
    b = shapely.bounds(shapely.intersection(lines, outline))
    return SyntheticFoot(v, f, float(length), float(np.max(b[:, 3] - b[:, 1])), toe_free, arch_edge)


def _with_leg(v, f, x_leg, tilt_deg, height, open_top):
    import manifold3d

    foot = manifold3d.Manifold(manifold3d.Mesh(v.astype(np.float32), f.astype(np.uint32)))
    leg = manifold3d.Manifold.cylinder(height, 34.0, 34.0, 96).scale([1.0, 1.15, 1.0])
    leg = leg.rotate([0.0, tilt_deg, 0.0]).translate([x_leg, 0.0, 25.0])
    mesh = (foot + leg).to_mesh()
    V = np.asarray(mesh.vert_properties)[:, :3].astype(float)
    F = np.asarray(mesh.tri_verts).astype(np.int64)
    if open_top:  # the scanner's cut left open: drop the cap
        t = V[F]
        nrm = np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0])
        nrm /= np.linalg.norm(nrm, axis=1)[:, None]
        axis = np.array([np.sin(np.radians(tilt_deg)), 0.0, np.cos(np.radians(tilt_deg))])
        F = F[~((nrm @ axis > 0.99) & (t[:, :, 2].min(axis=1) > 100.0))]
    return V, F


def _along_foot_axis(outline):
    """The outline turned so that its foot axis is +x."""
    from shapely import affinity

    for _ in range(2):
        x0, _, x1, _ = outline.bounds
        length = x1 - x0

        def band(a, b, outline=outline, x0=x0, length=length):
            return shapely.intersection(outline, shapely.box(x0 + a * length, -500, x0 + b * length, 500))

        heel = shapely.intersection(
            outline.exterior, shapely.box(x0 + 0.15 * length - 0.01, -500, x0 + 0.15 * length + 0.01, 500)
        )
        hy = 0.5 * (heel.bounds[1] + heel.bounds[3])
        first = np.asarray(band(0.62, 0.80).exterior.coords)
        fifth = np.asarray(band(0.50, 0.80).exterior.coords)
        m1 = first[np.argmax(first[:, 1])]
        m5 = fifth[np.argmin(fifth[:, 1])]
        ball = 0.5 * (m1 + m5)
        angle = np.degrees(np.arctan2(ball[1] - hy, ball[0] - (x0 + 0.15 * length)))
        outline = affinity.rotate(outline, -angle, origin=(0, 0))
    return outline
