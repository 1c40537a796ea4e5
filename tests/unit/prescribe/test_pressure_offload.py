"""Walking pressure in a case: the labels' reasons, a pressure-guided prescription on
recordings with a known hot spot, and the before/after comparison on a pair with known
changes (issue 18). The recordings are written as Tekscan movies from the real MUN104 mean
footprint rolled from heel to toe, so every figure is known."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.walking import base_print, region_cell, walk, write_asf
from orthofit.assess.assessment import assess
from orthofit.config.settings import load_settings
from orthofit.errors import PressureError
from orthofit.geometry.features import FEATURES
from orthofit.measure.walking.regions import Region
from orthofit.model.enums import Side
from orthofit.pipeline.inputs import load_measured_case
from orthofit.prescribe.prescription import prescribe

pytestmark = pytest.mark.shared_data

HOT_KPA = 650.0

CASE = """
[patient]
id = "P-WALK"
age = 55
weight_kg = 80

[symptoms]
foot_pain = {pain}

[red_flags]
diabetes_with_neuropathy_or_ulcer = {at_risk}

[right]
foot_length_mm = 318
ball_width_mm = 110
heel_width_mm = 70
fpi6 = [0, 1, 1, 0, 1, 0]
pressure = "walk.asf"
{before}
"""


def hot(base: np.ndarray, x_share: float = 0.73, across: float = 0.45) -> tuple[np.ndarray, tuple[int, int]]:
    """``base`` with one cell under the 2nd-3rd metatarsal heads raised to HOT_KPA."""
    r, c = region_cell(base, x_share, across)
    out = base.copy()
    out[r, c] = HOT_KPA
    return out, (r, c)


def case(tmp_path, frames, sensor="FSCAN", pain="[]", at_risk="false", before=None):
    write_asf(tmp_path / "walk.asf", frames, sensor)
    extra = ""
    if before is not None:
        write_asf(tmp_path / "before.asf", before, sensor)
        extra = 'pressure_before = "before.asf"'
    (tmp_path / "case.toml").write_text(CASE.format(pain=pain, at_risk=at_risk, before=extra), encoding="utf-8")
    return tmp_path / "case.toml"


def rx(path):
    settings = load_settings()
    a = assess(load_measured_case(path), settings)
    return a, prescribe(a, Side.RIGHT, settings, features=FEATURES)


def test_an_at_risk_foot_gets_its_hot_spot_offloaded_where_it_was_measured(tmp_path):
    frames, (r, c) = hot(base_print())
    a, p = rx(case(tmp_path, walk(frames), at_risk="true"))
    w = a.measured.right.walking
    assert w.region(Region.MTH2_3).peak_kpa == pytest.approx(HOT_KPA)
    v = p.params
    assert v.offload_mth2_3_mm > 0
    # centred on the hot cell: its place in the print's frame, as a share of the print's length
    step = w.step
    xy = step.sensor_xy_mm
    loaded = np.nan_to_num(step.max_kpa) > 0
    x0, x1 = xy[..., 0][loaded].min(), xy[..., 0][loaded].max()
    assert v.offload_mth2_3_x_pct == pytest.approx(100 * (xy[r, c, 0] - x0) / (x1 - x0), abs=0.06)
    assert v.offload_mth2_3_y_mm == pytest.approx(xy[r, c, 1], abs=0.06)  # a right foot: medial +y
    reason = next(t for t in p.reasons if t.startswith("pressure offload under the 2nd-3rd"))
    assert "650 kPa" in reason and "200 kPa" in reason
    # in-shoe and at risk: every region at or over 200 kPa is offloaded, the others are not
    for spot, regions in (("heel", ("heel medial", "heel lateral")), ("mth1", ("MTH1",)), ("hallux", ("hallux",))):
        peak = max(w.region(Region(n)).peak_kpa for n in regions)
        assert (getattr(v, f"offload_{spot}_mm") > 0) == (peak >= 200), spot
    # a metatarsal head overloaded: a pad, placed from the measured heads
    assert v.met_pad_height_mm > 0 and v.met_pad_at_pct == pytest.approx(v.offload_mth2_3_x_pct, abs=0.06)
    assert any("metatarsal pad placed from the walking recording" in t for t in p.reasons)


def test_a_foot_not_at_risk_and_without_pain_is_not_offloaded(tmp_path):
    frames, _ = hot(base_print())
    _, p = rx(case(tmp_path, walk(frames)))
    assert not any(k.startswith("offload_") and k.endswith("_mm") and v > 0 for k, v in p.params.as_dict().items())
    assert p.params.met_pad_height_mm == 0


def test_forefoot_pain_offloads_the_hot_spot_only(tmp_path):
    frames, _ = hot(base_print())
    _, p = rx(case(tmp_path, walk(frames), sensor="MATSCAN", pain='["forefoot"]'))
    v = p.params
    assert v.offload_mth2_3_mm > 0  # 650 kPa: the foot's highest
    assert v.offload_mth1_mm == 0 and v.offload_hallux_mm == 0 and v.offload_heel_mm == 0
    assert any("hot spot" in t and "650 kPa" in t for t in p.reasons)


def test_walking_evidence_takes_part_in_the_labels(tmp_path):
    a, _ = rx(case(tmp_path, walk(base_print()), sensor="MATSCAN"))
    foot = a.right
    assert foot.indices["cpei_pct"] is not None and foot.indices["arch_index_walking"] is not None
    text = " ".join(foot.reasons)
    assert "CPEI (walking)" in text and "Arch Index (walking)" in text
    # in-shoe: reported, not classified
    a, _ = rx(case(tmp_path, walk(base_print()), sensor="FSCAN"))
    assert a.right.indices["cpei_pct"] is None
    assert any("in-shoe, so its CPEI" in n for n in a.right.notes)


def test_before_and_after_with_known_changes(tmp_path):
    base, (r, c) = hot(base_print())
    after = base.copy()
    mth = np.zeros_like(base, dtype=bool)
    mth[r, c] = True
    after[mth] *= 0.6  # the hot spot 40 % lower with the insole
    a, _ = rx(case(tmp_path, walk(after), before=walk(base)))
    change = a.measured.right.pressure_change
    mth23 = change.region(Region.MTH2_3)
    assert mth23.before_peak_kpa == pytest.approx(HOT_KPA)
    assert mth23.after_peak_kpa == pytest.approx(max(0.6 * HOT_KPA, _region_max(a, Region.MTH2_3, base, (r, c))))
    assert mth23.peak_change_pct == pytest.approx(100 * (mth23.after_peak_kpa / HOT_KPA - 1))
    th = load_settings().thresholds.pressure
    assert mth23.meets(th.offload_target_kpa, th.reduction_target_pct)
    for other in change.regions:
        if other.region is not Region.MTH2_3:
            assert other.peak_change_pct == pytest.approx(0.0, abs=1e-6)
            assert other.meets(th.offload_target_kpa, th.reduction_target_pct) == (other.after_peak_kpa < 200)


def _region_max(a, region, base, skip):
    """The highest cell of ``region`` in ``base`` other than ``skip``."""
    step = a.measured.right.walking_before.step
    cells = step.region_map == list(Region).index(region)
    cells[skip] = False
    return float(base[cells].max())


def test_a_recording_of_the_other_foot_is_one_line(tmp_path):
    # the MUN104 print is a right foot; named for the left, its arch says so in the notes, and a
    # pedar file without a right insole would be refused: here a file that does not exist
    path = case(tmp_path, walk(base_print()))
    (tmp_path / "walk.asf").unlink()
    with pytest.raises(PressureError, match="right.pressure: .*not found"):
        rx(path)
