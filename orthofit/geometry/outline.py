"""The insole outline: an anatomical shape from foot length, ball width and heel width.

Built in the right-foot frame (heel at x = 0, toes +x, medial +y); the left outline is its
mirror. The shape is a closed periodic cubic spline through control points placed at
fractions of the foot's dimensions, anchored on the landmarks below, so that a long narrow
foot and a short wide one both get a foot-shaped outline (not a scaled template: widths and
lengths are set independently, as arch height does not scale with length, clinical-basis.md §0).

Landmarks (fractions are design choices [D], checked against ANSUR II means in the tests):
  * 1st metatarsal head (MTH1) at x = truncated foot length, medial border +0.42 ball width;
  * 5th metatarsal head (MTH5) 10 % of foot length behind MTH1, lateral border -0.56 ball width
    (the foot axis runs heel centre -> 2nd toe, medial of the ball's midline);
  * heel width across x = 12-25 % of foot length;
  * the toe tip at +0.10 ball width, pushed forward by the length allowance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon, box

from orthofit.config.params import InsoleLength, InsoleParams
from orthofit.errors import ValidationError

#: When truncated foot length is not measured: TFL / FL. ANSUR II mean ball-of-foot length /
#: foot length = 0.73 (../shared/data/anthropometry, 6,068 adults) [D].
TRUNCATED_RATIO = 0.73
#: When ball or heel width is not measured: ANSUR II mean breadth / length 0.38, heel 0.26 [D].
BALL_WIDTH_RATIO = 0.38
HEEL_WIDTH_RATIO = 0.26
#: Where an insole shorter than full length ends, relative to the line of metatarsal heads:
#: sulcus = 7 % of foot length in front (the toe crease), 3/4 = 5 mm behind [D].
SULCUS_PAST_MTH_FRACTION = 0.07
THREE_QUARTER_BEHIND_MTH_MM = 5.0
_OUTLINE_POINTS = 480


@dataclass(frozen=True)
class FootDimensions:
    """The foot the insole is for, in mm; ``estimated`` names the values not measured."""

    foot_length_mm: float
    ball_width_mm: float
    heel_width_mm: float
    truncated_foot_length_mm: float
    estimated: tuple[str, ...] = ()

    @classmethod
    def from_measurements(
        cls,
        foot_length_mm: float | None,
        ball_width_mm: float | None = None,
        heel_width_mm: float | None = None,
        truncated_foot_length_mm: float | None = None,
    ) -> FootDimensions:
        if foot_length_mm is None:
            raise ValidationError("an insole needs foot_length_mm for that foot; add it to the case file")
        est: list[str] = []
        if ball_width_mm is None:
            ball_width_mm, est = BALL_WIDTH_RATIO * foot_length_mm, est + ["ball_width_mm"]
        if heel_width_mm is None:
            heel_width_mm, est = HEEL_WIDTH_RATIO * foot_length_mm, est + ["heel_width_mm"]
        if truncated_foot_length_mm is None:
            truncated_foot_length_mm, est = TRUNCATED_RATIO * foot_length_mm, est + ["truncated_foot_length_mm"]
        if heel_width_mm > ball_width_mm:
            raise ValidationError(
                f"heel width ({heel_width_mm:g} mm) is larger than ball width "
                f"({ball_width_mm:g} mm): check the two measurements"
            )
        return cls(
            float(foot_length_mm),
            float(ball_width_mm),
            float(heel_width_mm),
            float(truncated_foot_length_mm),
            tuple(est),
        )


@dataclass(frozen=True)
class Landmarks:
    """Points of the foot used to place features, right-foot frame, mm."""

    mth1_x_mm: float
    mth5_x_mm: float
    mth1_y_mm: float  # centre of the 1st metatarsal head
    mth5_y_mm: float

    def mth_line_point(self, fraction: float) -> tuple[float, float]:
        """A point on the line MTH1 -> MTH5 (0 = MTH1, 1 = MTH5)."""
        return (
            self.mth1_x_mm + fraction * (self.mth5_x_mm - self.mth1_x_mm),
            self.mth1_y_mm + fraction * (self.mth5_y_mm - self.mth1_y_mm),
        )


def landmarks(foot: FootDimensions) -> Landmarks:
    x1 = foot.truncated_foot_length_mm
    return Landmarks(
        mth1_x_mm=x1,
        mth5_x_mm=x1 - 0.10 * foot.foot_length_mm,
        mth1_y_mm=0.30 * foot.ball_width_mm,
        mth5_y_mm=-0.42 * foot.ball_width_mm,
    )


def insole_outline(foot: FootDimensions, params: InsoleParams) -> Polygon:
    """The insole outline for a right foot (mirror y for a left one).

    Returns
    -------
    shapely.Polygon
        Counter-clockwise, valid, heel at x = 0; lengths in mm.
    """
    fl = foot.foot_length_mm
    b = foot.ball_width_mm + params.width_allowance_mm
    h = foot.heel_width_mm + params.width_allowance_mm
    lm = landmarks(foot)
    x1, x5 = lm.mth1_x_mm, lm.mth5_x_mm
    front = fl + params.length_allowance_mm

    def toe_x(frac: float) -> float:
        """Stretch the toe region so the tip lands on foot length + allowance."""
        x = frac * fl
        return x1 + (x - x1) * (front - x1) / (fl - x1)

    # Counter-clockwise from the back of the heel: lateral side (-y) forward, medial back.
    ctrl = np.array(
        [
            (0.0, 0.0),
            (0.035 * fl, -0.40 * h),
            (0.12 * fl, -0.50 * h),
            (0.25 * fl, -0.51 * h),
            (0.5 * (0.25 * fl + x5), -(0.51 * h + 0.45 * (0.56 * b - 0.51 * h))),
            (x5, -0.56 * b),
            (x5 + 0.07 * fl, -0.545 * b),
            (toe_x(0.87), -0.44 * b),
            (toe_x(0.94), -0.27 * b),
            (toe_x(0.985), -0.05 * b),
            (front, 0.10 * b),
            (toe_x(0.975), 0.28 * b),
            (toe_x(0.89), 0.41 * b),
            (x1, 0.43 * b),
            (0.5 * (0.25 * fl + x1), 0.5 * (0.50 * h + 0.43 * b) - 0.01 * b),
            (0.25 * fl, 0.50 * h),
            (0.12 * fl, 0.49 * h),
            (0.035 * fl, 0.39 * h),
        ]
    )
    ring = _periodic_spline(ctrl, _OUTLINE_POINTS)
    poly = Polygon(ring)
    if not poly.is_valid:
        poly = shapely.make_valid(poly)
        poly = max(getattr(poly, "geoms", [poly]), key=lambda g: g.area)
    if params.length is not InsoleLength.FULL:
        poly = _cut_short(poly, foot, lm, params.length)
    return shapely.geometry.polygon.orient(poly, 1.0)


def _periodic_spline(ctrl: np.ndarray, n: int) -> np.ndarray:
    """A smooth closed curve through the control points: the periodic C2 cubic spline with a
    chord-length parameter, sampled at ``n`` equal parameter steps.

    Solved here (a cyclic tridiagonal system for the second derivatives) rather than with
    scipy.interpolate.CubicSpline, whose import alone costs half a second of every command.
    """
    k = len(ctrl)
    pts = np.vstack([ctrl, ctrl[:1]])
    h = np.linalg.norm(np.diff(pts, axis=0), axis=1)  # (k,) segment lengths
    t = np.r_[0.0, np.cumsum(h)]
    # h[i-1] M[i-1] + 2 (h[i-1] + h[i]) M[i] + h[i] M[i+1] = 6 (d[i] - d[i-1]), indices mod k
    d = (pts[1:] - pts[:-1]) / h[:, None]  # (k, 2) slopes
    i = np.arange(k)
    a = np.zeros((k, k))
    a[i, (i - 1) % k] += h[i - 1]
    a[i, i] += 2.0 * (h[i - 1] + h)
    a[i, (i + 1) % k] += h
    m = np.linalg.solve(a, 6.0 * (d - np.roll(d, 1, axis=0)))  # (k, 2) second derivatives
    m = np.vstack([m, m[:1]])
    u = np.linspace(0.0, t[-1], n, endpoint=False)
    j = np.clip(np.searchsorted(t, u, side="right") - 1, 0, k - 1)
    hj = h[j][:, None]
    left, right = (t[j + 1] - u)[:, None], (u - t[j])[:, None]
    return (
        (m[j] * left**3 + m[j + 1] * right**3) / (6.0 * hj)
        + (pts[j] / hj - m[j] * hj / 6.0) * left
        + (pts[j + 1] / hj - m[j + 1] * hj / 6.0) * right
    )


def _cut_short(poly: Polygon, foot: FootDimensions, lm: Landmarks, length: InsoleLength) -> Polygon:
    """Cut the outline along a line parallel to the metatarsal heads, with rounded corners."""
    shift = (
        SULCUS_PAST_MTH_FRACTION * foot.foot_length_mm
        if length is InsoleLength.SULCUS
        else -THREE_QUARTER_BEHIND_MTH_MM
    )
    a = np.array([lm.mth1_x_mm + shift, lm.mth1_y_mm])
    c = np.array([lm.mth5_x_mm + shift, lm.mth5_y_mm])
    d = (a - c) / np.linalg.norm(a - c)
    far = 1000.0
    line = LineString([c - far * d, a + far * d])
    behind = line.buffer(far, single_sided=True)  # the side left of c -> a: toward the heel
    if behind.intersection(box(-1, -1, 1, 1)).is_empty:
        behind = line.buffer(-far, single_sided=True)
    cut = poly.intersection(behind)
    cut = max(getattr(cut, "geoms", [cut]), key=lambda g: g.area)
    r = 6.0
    rounded = cut.buffer(-r, quad_segs=16).buffer(r, quad_segs=16)
    return rounded if not rounded.is_empty else cut
