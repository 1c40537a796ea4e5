"""Walking pressure in the two documents: the lab sheet's section (pictures on one kPa
scale, the regions' table, before and after against the target), the patient report's
picture and sentences within its four pages, and the figure itself (issue 18)."""

from __future__ import annotations

import io
import subprocess

import numpy as np
import pytest
from pypdf import PdfReader

from helpers.repo import shared_data
from helpers.steps import assess_case, settings
from helpers.walking import base_print, region_cell, walk, write_asf
from orthofit.io.case_file import load_case
from orthofit.io.pressure import load_recordings
from orthofit.measure.walking.analysis import analyse_recording
from orthofit.model.enums import Side
from orthofit.pipeline.insoles import make_insoles
from orthofit.report.document import make_documents
from orthofit.report.pressure_figure import PRESSURE_PALETTE, colours, nice_max, picture_data, pressure_figure

pytestmark = pytest.mark.shared_data

LABELS = {"scale": "Highest pressure (kPa)", "path": "centre of pressure", "schematic": "schematic"}

CASE = """
[patient]
id = "P-WALK"
name = "Walker"
age = 55
weight_kg = 80

[symptoms]
foot_pain = ["forefoot"]

[left]
foot_length_mm = 262
ball_width_mm = 100
heel_width_mm = 65
fpi6 = [0, 1, 1, 0, 1, 0]
pressure = "pedar.asc"

[right]
foot_length_mm = 318
ball_width_mm = 110
heel_width_mm = 70
fpi6 = [0, 1, 1, 0, 1, 0]
pressure = "after.asf"
pressure_before = "before.asf"
"""


def pages_text(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("walk")
    base = base_print()
    r, c = region_cell(base, 0.73, 0.45)
    before = base.copy()
    before[r, c] = 650.0
    after = before.copy()
    after[r, c] = 300.0  # -54 %
    write_asf(tmp / "before.asf", walk(before), "MATSCAN")
    write_asf(tmp / "after.asf", walk(after), "MATSCAN")
    (tmp / "pedar.asc").write_bytes(shared_data("pressure", "vendor", "pedar_example.asc").read_bytes())
    (tmp / "case.toml").write_text(CASE, encoding="utf-8")
    a = assess_case(load_case(tmp / "case.toml"))
    s = settings()
    outputs = make_insoles(a, s, list(Side))
    report, lab = make_documents(a, outputs, s, date="2026-12-03")
    return a, report, lab, expected_after(a, before, (r, c))


def expected_after(a, base, hot) -> float:
    """The 2nd-3rd heads' peak after: the hot cell's 300 kPa or the region's next highest cell."""
    from orthofit.measure.walking.regions import Region

    step = a.measured.right.walking_before.step
    cells = step.region_map == list(Region).index(Region.MTH2_3)
    cells[hot] = False
    return max(300.0, float(base[cells].max()))


def test_lab_sheet_section(documents):
    _, _, lab, after = documents
    text = " ".join(pages_text(lab))
    assert "Walking pressure" in text and "Before and after" in text
    assert "pedar" in text and "after.asf" in text
    for head in ("L Peak kPa", "R Peak kPa", "L/R SI %", "Before kPa", "After kPa", "Target met"):
        assert head in text, head
    change = 100 * (after / 650 - 1)
    assert f"MTH2-3 650 {after:.0f} {change:+.0f} %" in text  # the hot spot's row: before, after, change
    assert "Target: a peak under 200 kPa or at least 25 % lower" in text
    assert "pressure offload under the" in text  # the prescription's reason


def test_patient_report_keeps_four_pages_and_says_it_plainly(documents, tmp_path):
    _, report, _, after = documents
    pages = pages_text(report)
    assert len(pages) <= 4
    text = " ".join(pages)
    assert "How your feet pressed when you walked" in text
    assert f"went from 650 to {after:.0f} kPa ({100 * (after / 650 - 1):+.0f} %)" in text
    assert "not to scale" in text and "schematic" not in text
    for word in ("CPEI", "MTH", "kPa·s", "symmetry index"):
        assert word not in text, word
    # every page renders
    (tmp_path / "r.pdf").write_bytes(report)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(tmp_path / "r.pdf"), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == len(pages)


def test_the_figure_draws_every_loaded_sensor_on_one_scale():
    rec = load_recordings(shared_data("pressure", "vendor", "emed_test.lst"))[0]
    (w,) = analyse_recording(rec)
    pic = picture_data(w)
    assert len(pic["quads"]) == int((np.nan_to_num(w.max_kpa) > 0).sum())
    assert pic["cop"] is not None and len(pic["cop"]) > 10
    vmax = nice_max(pic["peak"])
    assert vmax == 400.0 and nice_max(655) == 700.0
    d = pressure_figure([pic, pic], ["Before", "After"], 480, vmax, LABELS, True)
    assert d.width == 480 and d.height > 100
    # the scale's ends are the palette's ends
    lo, hi = colours(np.array([0.0, vmax]), vmax)
    assert lo.hexval()[2:] == PRESSURE_PALETTE[0][1:] and hi.hexval()[2:] == PRESSURE_PALETTE[-1][1:]
    # pedar: a schematic picture, said so
    left, _ = load_recordings(shared_data("pressure", "vendor", "pedar_example.asc"))
    (pw,) = analyse_recording(left)
    pp = picture_data(pw)
    assert pp["schematic"] and pp["cop"] is None
    assert len(pp["quads"]) == int((np.nan_to_num(pw.max_kpa) > 0).sum()) <= 99
