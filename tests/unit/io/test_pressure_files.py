"""Reading the four vendors' real recordings (../shared/data/pressure/vendor), each checked
against what its own header and data imply, and refusing damaged ones with one line."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from helpers.repo import shared_data
from orthofit.errors import PressureError
from orthofit.io.pressure import load_recordings, parse_sensor_mm
from orthofit.measure.walking.analysis import analyse_recording
from orthofit.model.enums import PressureSystem, Side

pytestmark = pytest.mark.shared_data

FOOTSCAN_MM = (7.62, 5.08)  # (length, width)


def vendor(name: str):
    return shared_data("pressure", "vendor", name)


def test_emed_matches_its_header_and_force_lines():
    (rec,) = load_recordings(vendor("emed_test.lst"))
    assert rec.system is PressureSystem.EMED and not rec.in_shoe and rec.side is None
    assert rec.n_frames == 106  # "Pict-No.: 1" .. 106
    assert rec.cell_mm == (5.0, 5.0) and rec.frame_s == pytest.approx(0.010)
    # each picture's "Force" total = sum of pressures x 0.25 cm² (kPa x cm² = 0.1 N)
    text = vendor("emed_test.lst").read_bytes().decode("latin-1")
    totals = [float(m) for m in re.findall(r"^Force(?:\t[\d.]+)*\t([\d.]+)\s*$", text, re.M)]
    assert len(totals) == 106
    force = np.nansum(rec.frames_kpa, axis=(1, 2)) * 0.25 * 0.1
    assert np.allclose(force, totals, atol=0.05)
    # the plate's window: 54 rows x 22 columns of the 64 x 95 matrix
    assert rec.frames_kpa.shape[1:] == (54, 22)


def test_fscan_matches_its_header():
    (rec,) = load_recordings(vendor("fscan_testL.asf"))
    assert rec.system is PressureSystem.TEKSCAN and rec.in_shoe
    assert rec.frames_kpa.shape == (205, 60, 21)
    assert rec.cell_mm == pytest.approx((5.08, 5.08)) and rec.frame_s == pytest.approx(0.032)
    # SENSEL_AREA 25.8064 mm2 = 5.08 x 5.08
    assert rec.cell_area_mm2 == pytest.approx(25.8064)
    text = vendor("fscan_testL.asf").read_text("latin-1")
    first = text.split("Frame 1\n")[1].split("\n\n")[0].splitlines()
    assert sum(line.count("B") for line in first) == int(np.isnan(rec.frames_kpa[0]).sum())
    # the insole outline is the same in every frame, and the file's first row is the north one
    assert (np.isnan(rec.frames_kpa) == np.isnan(rec.frames_kpa[0])).all()
    assert [c == "B" for c in first[0].split(",")] == list(np.isnan(rec.frames_kpa[0, -1]))
    # force = sum of pressure x sensel area: walking peaks at 1.0-1.4 x the 75 kg calibration weight
    force = np.nansum(rec.frames_kpa, axis=(1, 2)) * rec.cell_area_mm2 / 1000
    assert 1.0 * 75 * 9.81 < force.max() < 1.4 * 75 * 9.81


def test_pedar_holds_both_insoles():
    left, right = load_recordings(vendor("pedar_example.asc"))
    assert (left.side, right.side) == (Side.LEFT, Side.RIGHT)
    assert left.n_frames == right.n_frames == 1505  # 15.05 s at 100 Hz
    assert left.frame_s == pytest.approx(0.01) and left.cell_mm is None
    for rec in (left, right):
        numbers = rec.sensor_numbers
        assert sorted(numbers[numbers > 0]) == list(range(1, 100))
    # the first frame's values are the file's first line, sensor by sensor
    line = vendor("pedar_example.asc").read_text("latin-1").splitlines()
    first = next(ln for ln in line if ln.strip().startswith("0.01000")).split()
    values = np.array(first[1:], dtype=float)
    for rec, offset in ((left, 0), (right, 99)):
        r, c = np.nonzero(rec.sensor_numbers)
        got = rec.frames_kpa[0][r, c]
        want = values[offset + rec.sensor_numbers[r, c] - 1]
        assert np.allclose(got, want)
    (only,) = load_recordings(vendor("pedar_example.asc"), Side.RIGHT)
    assert only.side is Side.RIGHT


def test_footscan_needs_its_sensor_size_and_keeps_its_forces():
    with pytest.raises(PressureError, match="sensor size.*--sensor-mm"):
        load_recordings(vendor("footscan_test.xls"))
    (rec,) = load_recordings(vendor("footscan_test.xls"), sensor_mm=FOOTSCAN_MM)
    assert rec.system is PressureSystem.FOOTSCAN and rec.side is Side.RIGHT  # "Right foot data", 500 Hz
    assert rec.frames_kpa.shape == (329, 38, 20)  # Frame 0..328 of the 20 x 38 rectangle
    assert rec.frame_s == pytest.approx(0.002)
    # back to newtons: the sum peaks at a body weight (the export's own values)
    force = np.nansum(rec.frames_kpa, axis=(1, 2)) * rec.cell_area_mm2 / 1000
    assert force.max() == pytest.approx(735.3, abs=0.05)
    with pytest.raises(PressureError, match="no left foot"):
        load_recordings(vendor("footscan_test.xls"), Side.LEFT, FOOTSCAN_MM)


@pytest.mark.parametrize(
    ("name", "kwargs", "steps", "complete"),
    [
        ("emed_test.lst", {}, [1], [1]),
        ("fscan_testL.asf", {}, [6], [5]),  # by eye: a cut-off first contact, then five
        ("pedar_example.asc", {}, [9, 9], [9, 8]),  # standing first (left out), the right's last cut off
        ("footscan_test.xls", {"sensor_mm": FOOTSCAN_MM}, [1], [1]),
    ],
)
def test_steps_found_in_each_recording(name, kwargs, steps, complete):
    found = [a for rec in load_recordings(vendor(name), **kwargs) for a in analyse_recording(rec)]
    assert [len(a.steps) for a in found] == steps
    assert [sum(s.complete for s in a.steps) for a in found] == complete
    for a in found:
        for s in a.steps:
            assert 0.4 < s.contact_time_s < 1.2  # walking stances
    fscan = found[0]
    if name == "fscan_testL.asf":
        assert fscan.side is Side.LEFT  # the file is FrasP01L: its print's arch says left too
        assert fscan.used == (2, 3, 4, 5, 6)


def test_sensor_size_option():
    assert parse_sensor_mm("5.08x7.62") == (7.62, 5.08)
    assert parse_sensor_mm("5") == (5.0, 5.0)
    assert parse_sensor_mm([5.08, 7.62]) == (7.62, 5.08)
    for bad in ("0.1", "5x", "axb", "5x7x9", "nan", "100"):
        with pytest.raises(PressureError, match="WIDTHxLENGTH"):
            parse_sensor_mm(bad)


# ---- damaged, truncated, absurd and hostile files: one line, PressureError ----


def _write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _emed() -> bytes:
    return vendor("emed_test.lst").read_bytes()


def _asf() -> bytes:
    return vendor("fscan_testL.asf").read_bytes()


def _asc() -> bytes:
    return vendor("pedar_example.asc").read_bytes()


BROKEN = {
    "emed truncated mid-picture": ("x.lst", lambda: _emed()[: len(_emed()) // 2], "truncated|incomplete|damaged"),
    "emed a value altered": ("x.lst", lambda: _emed().replace(b"\t25.00\t35.00", b"\t95.00\t35.00", 1), "force"),
    "emed not a number": ("x.lst", lambda: _emed().replace(b"\t25.00", b"\tabc", 1), "not a number"),
    "emed no header": ("x.lst", lambda: b"hello\n", "Sensor size"),
    "emed a picture missing": ("x.lst", lambda: _emed().replace(b"Pict-No.: 5 ", b"Pict-No.: 7 "), "incomplete"),
    "asf truncated": ("x.asf", lambda: _asf()[: len(_asf()) // 2], "truncated"),
    "asf a row short": (
        "x.asf",
        lambda: _asf().replace(b"B,B,B,B,B,B,B,B,B,0,0,0,0,0,0,0,B,B,B,B,B\n", b"B,B,0\n", 1),
        "damaged",
    ),
    "asf raw units": ("x.asf", lambda: _asf().replace(b"UNITS KPa", b"UNITS Raw"), "export the movie in kPa"),
    "asf negative": ("x.asf", lambda: _asf().replace(b",0,0,0,", b",-9,0,0,", 1), "negative"),
    "asf absurd": ("x.asf", lambda: _asf().replace(b",0,0,0,", b",99999,0,0,", 1), "not plausible"),
    "asf frame time": (
        "x.asf",
        lambda: _asf().replace(b"SECONDS_PER_FRAME 0.032", b"SECONDS_PER_FRAME 0"),
        "frame time",
    ),
    "asf spacing unit": ("x.asf", lambda: _asf().replace(b"ROW_SPACING 5.08 mm", b"ROW_SPACING 5.08 furlongs"), "unit"),
    "asc truncated": ("x.asc", lambda: _asc()[: len(_asc()) - 500], "truncated|damaged"),
    "asc not kPa": ("x.asc", lambda: _asc().replace(b"values in  kPa", b"values in  N/cm2"), "kPa"),
    "asc columns": ("x.asc", lambda: _asc().replace(b"time[secs]", b"time[secs] 100"), "sensor columns"),
    # found by a fuzzing sweep: numbers that are not numbers, huge numbers, letters in a frame
    "emed a dot for a time": ("x.lst", lambda: _emed().replace(b"Time/picture:10.0 ms", b"Time/picture:. ms"), "Time"),
    "emed a huge column": ("x.lst", lambda: _emed().replace(b"\t26\t27", b"\t26" + b"9" * 30 + b"\t27", 1), "damaged"),
    "emed a huge row": ("x.lst", lambda: _emed().replace(b"\n77\t", b"\n1e400\t", 1), "damaged|range"),
    "emed nan force": ("x.lst", lambda: _emed().replace(b"\t39.63\n", b"\tnan\n", 1), "force"),
    "asf letters": ("x.asf", lambda: _asf().replace(b",0,0,0,", b",0,zz,0,", 1), "not a number"),
    "asf 1e400": ("x.asf", lambda: _asf().replace(b",0,0,0,", b",0,1e400,0,", 1), "not plausible|finite"),
    "asc letters": ("x.asc", lambda: _asc().replace(b" 32.500", b" 3x.500", 1), "numbers"),
    "asc a dot for a time": (
        "x.asc",
        lambda: _asc().replace(b"time per frame [secs]:  0.01000", b"time per frame [secs]:  ."),
        "time per frame",
    ),
    "asc 1e308": ("x.asc", lambda: _asc().replace(b" 32.500", b" 1e308", 1), "finite"),
    "asf MPa 1e36": (
        "x.asf",
        lambda: _asf().replace(b"UNITS KPa", b"UNITS MPa").replace(b",0,0,0,", b",0,1e36,0,", 1),
        "finite",
    ),
    "xls garbage": ("x.xls", lambda: b"\xd0\xcf\x11\xe0" + b"\0" * 600, "not a readable Excel"),
    "xls text": ("x.xls", lambda: b"Frame 0\n1,2\n", "not a readable Excel"),
    "empty csv": ("x.csv", lambda: b"", "empty"),
    "unknown extension": ("x.dat", lambda: b"1", "reads pressure recordings as"),
    "empty lst": ("x.lst", lambda: b"", "Sensor size"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_damaged_files_are_refused_with_one_line(tmp_path, case):
    name, make, pattern = BROKEN[case]
    path = _write(tmp_path, name, make())
    with pytest.raises(PressureError, match=pattern) as err:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a warning would be a second line on the terminal
            load_recordings(path, sensor_mm=(5.0, 5.0))
    assert "\n" not in str(err.value)


def test_a_csv_grid_is_held_to_the_grid_size_limit(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"0," * (11 << 20) + b"0\n")  # 22 MB
    with pytest.raises(PressureError, match="at most 20 MB"):
        load_recordings(big, sensor_mm=(5.0, 5.0))


def test_special_files_are_refused(tmp_path):
    import os

    fifo = tmp_path / "walk.lst"
    os.mkfifo(fifo)
    with pytest.raises(PressureError, match="not a regular file"):
        load_recordings(fifo)
    with pytest.raises(PressureError, match="not found"):
        load_recordings(tmp_path / "missing.asf")
    (tmp_path / "dir.asc").mkdir()
    with pytest.raises(PressureError, match="folder"):
        load_recordings(tmp_path / "dir.asc")
