"""Walking analysis on synthetic recordings whose answers are known exactly: the
centre-of-pressure path, contact time, force, pressure-time integral, regional peaks, steps,
and CPEI's construction."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import Polygon

from helpers.repo import shared_data
from orthofit.io.grid_file import load_grid
from orthofit.io.pressure.recording import checked
from orthofit.measure.pressure import analyse_grid
from orthofit.measure.walking.analysis import _cpei, analyse_recording
from orthofit.measure.walking.compare import symmetry_index
from orthofit.measure.walking.regions import PEDAR_REGIONS, Region
from orthofit.model.enums import PressureSystem, Side

DT = 0.01
PITCH = 5.0


@pytest.fixture(scope="module")
def base():
    """The real mean footprint of 104 people (MUN104, right foot), kPa-like values, row 0 south."""
    return load_grid(shared_data("pressure", "MUN104R.csv"), PITCH).values


def rolling(base: np.ndarray, n: int = 60, pad: int = 5) -> np.ndarray:
    """A foot rolling from heel to toe: frame t shows the print's rows up to a front edge and
    from a back edge that both move forward (heel strike to toe-off), with zero frames around."""
    rows = base.shape[0]
    lo = np.flatnonzero(base.any(axis=1))[0]
    hi = np.flatnonzero(base.any(axis=1))[-1]
    frames = np.zeros((n + 2 * pad, *base.shape))
    for t in range(n):
        front = lo + (hi - lo + 1) * min(1.0, 2 * (t + 1) / n)
        back = lo + (hi - lo + 1) * max(0.0, 2 * t / n - 1.0)
        r = np.arange(rows)
        frames[pad + t] = base * ((r >= back) & (r < front))[:, None]
    return frames


def recording(frames, in_shoe=False, side=None, cell=(PITCH, PITCH), frame_s=DT):
    return checked("synthetic", PressureSystem.EMED, np.asarray(frames, dtype=np.float32), cell, frame_s, side, in_shoe)


@pytest.mark.shared_data
def test_cop_contact_time_force_and_pti_are_exact(base):
    frames = rolling(base)
    (walk,) = analyse_recording(recording(frames))
    (step,) = walk.steps
    assert step.complete and walk.side is Side.RIGHT
    loaded = frames.sum(axis=(1, 2)) > 0.05 * frames.sum(axis=(1, 2)).max()
    first, last = np.flatnonzero(loaded)[[0, -1]]
    assert step.contact_time_s == pytest.approx((last - first + 1) * DT)
    # force = sum of pressure x 25 mm² (kPa x mm² = 1e-3 N)
    assert step.force_n == pytest.approx(frames[first : last + 1].sum(axis=(1, 2)) * 25 / 1000)
    # PTI picture = each cell's pressures summed x the frame time
    pti = frames[first : last + 1].sum(axis=0) * DT
    inside = ~np.isnan(step.pti_kpa_s)
    assert np.allclose(step.pti_kpa_s[inside], pti[inside])
    # the path: each frame's pressure-weighted centre in the plate's plan, mapped into the frame
    r, c = np.mgrid[0 : base.shape[0], 0 : base.shape[1]]
    plan_x, plan_y = (c + 0.5) * PITCH, (r + 0.5) * PITCH
    part = frames[first : last + 1]
    w = part.sum(axis=(1, 2))
    plan = np.column_stack([(part * plan_x).sum(axis=(1, 2)) / w, (part * plan_y).sum(axis=(1, 2)) / w])
    expect = step.footprint.frame.apply(plan)
    assert np.allclose(step.cop_mm, expect, atol=1e-6)
    # heel to toe: the path runs forward
    assert step.cop_mm[-1, 0] - step.cop_mm[0, 0] > 0.6 * (base.any(axis=1).sum() * PITCH)


@pytest.mark.shared_data
def test_a_known_hot_spot_is_the_regional_peak(base):
    frames = rolling(base)
    (plain,) = analyse_recording(recording(frames))
    # a hot spot under the first metatarsal head: the forefoot cell most medial at 65 % of the length
    step = plain.step
    mth1 = np.argwhere(step.region_map == list(Region).index(Region.MTH1))
    r, c = mth1[len(mth1) // 2]
    hot = frames.copy()
    hot[:, r, c] = np.where(hot[:, r, c] > 0, 650.0, 0.0)
    (walk,) = analyse_recording(recording(hot))
    assert walk.region(Region.MTH1).peak_kpa == pytest.approx(650.0)
    assert walk.peak_kpa == pytest.approx(650.0)
    for region in Region:
        if region is not Region.MTH1 and plain.region(region) is not None:
            assert walk.region(region).peak_kpa == pytest.approx(plain.region(region).peak_kpa)
    # the regions are where a podiatrist expects them on a right foot (medial = +y)
    xy = walk.step.sensor_xy_mm
    y_of = {
        reg: xy[walk.step.region_map == k][:, 1].mean()
        for k, reg in enumerate(Region)
        if (walk.step.region_map == k).any()
    }
    x_of = {
        reg: xy[walk.step.region_map == k][:, 0].mean()
        for k, reg in enumerate(Region)
        if (walk.step.region_map == k).any()
    }
    assert y_of[Region.MTH1] > y_of[Region.MTH2_3] > y_of[Region.MTH4_5]
    assert y_of[Region.HEEL_MEDIAL] > y_of[Region.HEEL_LATERAL]
    assert y_of[Region.HALLUX] > y_of[Region.LESSER_TOES]
    assert x_of[Region.HEEL_MEDIAL] < x_of[Region.MIDFOOT] < x_of[Region.MTH2_3] < x_of[Region.HALLUX]


@pytest.mark.shared_data
def test_a_mirrored_recording_is_the_other_foot_with_the_same_figures(base):
    frames = rolling(base)
    (right,) = analyse_recording(recording(frames))
    (left,) = analyse_recording(recording(frames[:, :, ::-1]))
    assert (right.side, left.side) == (Side.RIGHT, Side.LEFT)
    assert left.cpei_pct == pytest.approx(right.cpei_pct, abs=1e-6)
    for region in Region:
        if right.region(region) is not None:
            assert left.region(region).peak_kpa == pytest.approx(right.region(region).peak_kpa)
    assert left.progression_deg == pytest.approx(right.progression_deg, abs=1e-6)


@pytest.mark.shared_data
def test_in_shoe_steps_partial_steps_and_the_average(base):
    one = rolling(base, n=60, pad=10)[5:]  # 5 empty frames, the roll, 10 empty frames
    walk = np.concatenate([one[30:], one, one, one[:40]])  # cut at both ends
    (a,) = analyse_recording(recording(walk, in_shoe=True, side=Side.RIGHT))
    assert len(a.steps) == 4
    assert [s.complete for s in a.steps] == [False, True, True, False]
    assert a.used == (2, 3)
    assert a.contact_time_s == pytest.approx(a.steps[1].contact_time_s)
    assert any("cut off" in n for n in a.notes)


@pytest.mark.shared_data
def test_two_prints_on_a_plate_at_once_are_two_steps(base):
    frames = rolling(base)
    wide = np.zeros((frames.shape[0], frames.shape[1], frames.shape[2] * 2 + 10))
    wide[:, :, : base.shape[1]] = frames[:, :, ::-1]  # a left foot
    wide[:, :, -base.shape[1] :] = frames  # and a right one, 50 mm apart
    found = analyse_recording(recording(wide))
    assert [a.side for a in found] == [Side.LEFT, Side.RIGHT]
    assert [len(a.steps) for a in found] == [1, 1]
    assert symmetry_index(1.0, 1.0) == 0 and symmetry_index(100.0, 300.0) == pytest.approx(100.0)


def test_cpei_construction_by_hand():
    """A 300 x 100 mm print; the path bows 10 mm laterally at the distal third: CPEI 10 %."""
    from orthofit.measure.pressure import GridFootprint

    ring = ((0, -50), (300, -50), (300, 50), (0, 50))
    path_x = np.array([0.0, 100.0, 200.0, 300.0])
    for side in Side:
        y = np.array([0.0, -5.0, -10.0, 0.0]) * side.medial_sign  # lateral = -y for a right foot
        fp = GridFootprint(side, side, ((ring),), None, None, "none found", ())
        cop = np.column_stack([path_x, y])
        force = np.ones(4)
        assert _cpei(cop, force, fp, side) == pytest.approx(10.0)
        # a path bowing medially gives a negative CPEI
        assert _cpei(np.column_stack([path_x, -y]), force, fp, side) == pytest.approx(-10.0)
    assert Polygon(ring).area == 30000


def test_pedar_regions_cover_every_sensor_once():
    sensors = [n for ns in PEDAR_REGIONS.values() for n in ns]
    assert sorted(sensors) == list(range(1, 100))
    assert set(PEDAR_REGIONS[Region.HALLUX]) < set(range(83, 100))


@pytest.mark.shared_data
def test_single_picture_is_one_step_without_timing(base):
    (a,) = analyse_recording(recording(base[None], frame_s=None))
    assert len(a.steps) == 1 and a.contact_time_s is None and a.cpei_pct is None
    assert a.region(Region.MTH2_3).pti_kpa_s is None
    # the same print as the static footprint
    static = analyse_grid(load_grid(shared_data("pressure", "MUN104R.csv"), PITCH))
    assert a.arch_index == pytest.approx(static.indices.arch_index)
