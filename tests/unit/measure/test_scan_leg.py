"""High-detail, non-weight-bearing scans that include the leg (orthofit.measure.orient):
never placed upside down.

The foot (helpers.synthetic) has a curved sole with no floor contact and a leg rising 250 mm
from the rearfoot, leaning back (a relaxed, plantarflexed foot), upright or forward, its cut
left open or closed by a flat cap. Before the ankle cut was found first, the cut leg became
the "floor": 400 mm long and 6 mm wide.
"""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from helpers.synthetic import synthetic_foot
from orthofit.io.scan_file import UNITS_MM, load_scan
from orthofit.measure.orient import orient_scan
from orthofit.measure.scan_measure import ScanCondition, measure_scan
from orthofit.model.enums import Side

CASES = [  # tilt (deg), open cut, side, units, subdivisions (x4 faces each)
    (-25.0, True, Side.RIGHT, "mm", 0),
    (-25.0, False, Side.LEFT, "m", 1),
    (0.0, True, Side.LEFT, "in", 0),
    (0.0, False, Side.RIGHT, "mm", 1),
    (15.0, True, Side.RIGHT, "m", 0),
    (15.0, False, Side.LEFT, "mm", 0),
]


@pytest.mark.parametrize(
    "seed, tilt, open_cut, side, units, subdivide",
    [
        pytest.param(
            k,
            *c,
            id=f"{c[0]:+.0f}deg-{'open' if c[1] else 'capped'}-{c[2].value}-{c[3]}-x{4 ** c[4]}",
            marks=[pytest.mark.slow] if k else [],
        )
        for k, c in enumerate(CASES)
    ],
)
def test_a_scan_with_its_leg_is_right_way_up_in_any_pose(tmp_path, seed, tilt, open_cut, side, units, subdivide):
    rng = np.random.default_rng(seed)
    fl = rng.uniform(235, 285)
    foot = synthetic_foot(fl, 0.38 * fl, 0.26 * fl, curved_sole=True, leg_tilt_deg=tilt, leg_open=open_cut)
    v, f = foot.vertices.copy(), foot.faces.copy()
    for _ in range(subdivide):
        v, f = trimesh.remesh.subdivide(v, f)
    if side is Side.LEFT:
        v[:, 1] *= -1
        f = f[:, ::-1]
    v += rng.normal(0.0, 0.2, v.shape)  # a high-detail scanner's noise, mm
    R = trimesh.transformations.random_rotation_matrix(rng.random(3))
    R[:3, 3] = rng.uniform(-400, 400, 3)
    mesh = trimesh.Trimesh(v, f, process=False)
    mesh.apply_transform(R)
    mesh.apply_scale(1.0 / UNITS_MM[units])
    path = tmp_path / "foot.stl"
    mesh.export(path)
    o = orient_scan(load_scan(path))
    m = measure_scan(o, ScanCondition.NON_WEIGHT_BEARING)
    assert o.side is side or not o.side_certain
    assert m.measures["foot_length_mm"].value == pytest.approx(foot.length_mm, abs=2.0)
    assert m.measures["ball_width_mm"].value == pytest.approx(foot.ball_width_mm, abs=3.0)
    # right way up: the sole is at the bottom along the whole foot, the ankle above the heel
    p = o.vertices
    low = p[p[:, 2] < 25.0]
    assert np.ptp(low[:, 0]) > 0.9 * foot.length_mm
    assert p[p[:, 0] < 0.3 * foot.length_mm, 2].max() > p[p[:, 0] > 0.7 * foot.length_mm, 2].max() + 20.0
    assert p[:, 2].max() < 0.6 * foot.length_mm  # the leg cropped


def test_a_floor_that_is_not_under_a_sole_is_refused_not_measured():
    """The failure the ankle cut prevents, if it ever happens again: the leg's cut taken as
    the floor puts the foot 200 mm up; the surface near that floor spans a leg's width, not
    a foot's length, and the scan is refused with how to fix it."""
    from orthofit.io.scan_file import ScanError
    from orthofit.measure.orient import _check_sole

    foot = synthetic_foot(262, 100, 68, curved_sole=True, leg_tilt_deg=0.0)
    p = foot.vertices.copy()
    p[:, 0] -= p[:, 0].min()
    p[:, 2] -= p[:, 2].min()
    _check_sole(p)  # right way up: the sole spans the foot
    upside_down = p * np.array([1.0, 1.0, -1.0]) + np.array([0.0, 0.0, p[:, 2].max()])
    with pytest.raises(ScanError, match="does not look like a foot from below.*crop the leg at the ankle"):
        _check_sole(upside_down)
