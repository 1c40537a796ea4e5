"""Hostile inputs that must give exit 2 and one line (issue 12, "Inputs"): names with control
characters or of absurd length, report templates with format specs, thresholds that would
divide by zero or overflow, an out-of-range SOURCE_DATE_EPOCH, TOML nested without end or
holding 400-digit numbers, special and oversized files, scans that are not feet, footprints
that are not outlines, grids that are not pressures; and error messages that never print
what a file holds."""

from __future__ import annotations

import pytest

from helpers.repo import EXAMPLES

CASE = EXAMPLES / "normal-adult.toml"


def _one_line_exit_2(r, *words):
    assert r.code == 2, r
    assert "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1, r
    for w in words:
        assert w in r.err, r


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("name", "Ann\x1b[31m Red", ("patient.name", "U+001B")),
        ("name", "Nul\x00byte", ("patient.name", "U+0000")),
        ("name", "x" * 1_000_000, ("patient.name", "1000000 characters")),
    ],
    ids=["escape", "nul", "1MB"],
)
def test_names_with_control_characters_or_absurd_length_are_refused_at_once(cli, tmp_path, field, value, words):
    text = CASE.read_text(encoding="utf-8").replace('name = "Maria Jensen"', f"{field} = {_toml_string(value)}", 1)
    case = tmp_path / "c.toml"
    case.write_text(text, encoding="utf-8")
    r = cli("assess", case)
    _one_line_exit_2(r, *words)
    assert "\x1b" not in r.out + r.err


def _toml_string(value: str) -> str:
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04X}" for c in value) + '"'


@pytest.mark.parametrize("text", ["{patient:>100000000}", "{patient:d}", "{}", "{0}", "{patient!r}"])
def test_template_fields_with_formats_or_without_names_are_refused(cli, tmp_path, text):
    from orthofit.config.templates import templates_dir

    shipped = templates_dir().joinpath("report.toml").read_text(encoding="utf-8")
    bad = tmp_path / "t.toml"
    bad.write_text(shipped.replace('patient_line = "Patient: {patient}"', f'patient_line = "Patient: {text}"', 1))
    r = cli("report", CASE, "--out", tmp_path / "r.pdf", "--template", bad)
    _one_line_exit_2(r, "summary.patient_line")
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.parametrize(
    "table, key, value",
    [
        ("sizing", "half_size_step", "0"),
        ("sizing", "mondopoint_step_mm", "0"),
        ("sizing", "allowance_mm", "1e308"),
        ("leg_length", "heel_lift_fraction", "7"),
    ],
)
def test_thresholds_out_of_their_legal_range_are_refused(cli, tmp_path, table, key, value):
    th = tmp_path / "th.toml"
    th.write_text(f"[{table}]\n{key} = {value}\n")
    r = cli("assess", CASE, "--thresholds", th)
    _one_line_exit_2(r, f"{table}.{key}", "out of range")


@pytest.mark.parametrize("epoch", ["99999999999999999999", "9" * 40])
def test_an_out_of_range_source_date_epoch_is_one_line(cli, tmp_path, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    text = CASE.read_text(encoding="utf-8")
    case = tmp_path / "c.toml"
    case.write_text(text.split("[clinician]")[0] if "[clinician]" in text else text, encoding="utf-8")
    r = cli("report", case, "--out", tmp_path / "r.pdf")
    _one_line_exit_2(r, "SOURCE_DATE_EPOCH")
    assert not (tmp_path / "r.pdf").exists()


# --- TOML that is not a case ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, words",
    [
        ("a = " + "[" * 100_000 + "]" * 100_000 + "\n", ("nests",)),
        ("a = " + "[" * 40 + "]" * 40 + "\n", ("nests", "32")),
    ],
    ids=["100k-deep", "40-deep"],
)
@pytest.mark.parametrize("option", ["case", "--profile", "--thresholds", "--template"])
def test_toml_nested_without_end_is_refused(cli, tmp_path, text, words, option):
    bad = tmp_path / "deep.toml"
    bad.write_text(text)
    r = _with_file(cli, tmp_path, option, bad)
    _one_line_exit_2(r, *words)


def _with_file(cli, tmp_path, option, path):
    if option == "case":
        return cli("assess", path)
    if option == "--template":
        return cli("report", CASE, "--out", tmp_path / "r.pdf", option, path)
    if option == "--profile":
        return cli("fit", CASE, "--out", tmp_path / "out", option, path)
    return cli("assess", CASE, option, path)


@pytest.mark.parametrize("where", ["age", "fpi6", "footprint", "profile", "thresholds"])
def test_whole_numbers_of_400_digits_are_refused(cli, tmp_path, where):
    big = "9" * 400
    text = CASE.read_text(encoding="utf-8")
    args: tuple = ()
    if where == "age":
        text = text.replace("age = 38", f"age = {big}", 1)
    elif where == "fpi6":
        text = text.replace("fpi6 = [0, 1, 1, 0, 1, 0]", f"fpi6 = [{big}, 1, 1, 0, 1, 0]", 1)
    elif where == "footprint":
        text = text.replace("[[150.9, 47.0],", f"[[{big}, 47.0],", 1)
    elif where == "profile":
        (tmp_path / "p.toml").write_text(f'name = "p"\nbase = "neutral"\n[params]\narch_height_mm = {big}\n')
        r = cli("fit", CASE, "--out", tmp_path / "out", "--profile", tmp_path / "p.toml")
        _one_line_exit_2(r, "400 digits")
        return
    else:
        (tmp_path / "th.toml").write_text(f"[sizing]\nhalf_size_step = {big}\n")
        args = ("--thresholds", tmp_path / "th.toml")
    case = tmp_path / "c.toml"
    case.write_text(text, encoding="utf-8")
    r = cli("assess", case, *args)
    _one_line_exit_2(r, "400 digits")
    assert big not in r.err


# --- special and oversized files ----------------------------------------------------------


def _scan_case(tmp_path, scan, units="mm"):
    text = (EXAMPLES / "scanned-adult.toml").read_text(encoding="utf-8")
    for side in ("left", "right"):
        text = text.replace(f'scan = "scans/dupontgu_{side}_foot_m.stl"', f'scan = "{scan}"', 1)
    text = text.replace('scan_units = "m"', f'scan_units = "{units}"')
    case = tmp_path / "scan-case.toml"
    case.write_text(text, encoding="utf-8")
    return case


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "dev-null", "folder"])
def test_a_scan_that_is_not_a_regular_file_is_refused_without_reading_it(cli, tmp_path, kind):
    import os

    if kind == "fifo":
        path = tmp_path / "pipe.stl"
        os.mkfifo(path)  # opening it for reading would wait for a writer for ever
    elif kind == "folder":
        path = tmp_path / "folder.stl"
        path.mkdir()
    else:
        path = tmp_path / "dev.stl"
        path.symlink_to("/dev/zero" if kind == "dev-zero" else "/dev/null")
    r = cli("assess", _scan_case(tmp_path, path))
    _one_line_exit_2(r, "left.scan")
    assert "folder" in r.err if kind == "folder" else "not a regular file" in r.err


@pytest.mark.parametrize("option", ["--profile", "--thresholds", "--template"])
def test_dev_zero_as_a_settings_file_is_refused(cli, tmp_path, option):
    link = tmp_path / "zero.toml"
    link.symlink_to("/dev/zero")
    r = _with_file(cli, tmp_path, option, link)
    _one_line_exit_2(r, "not a regular file", "character device")


@pytest.mark.parametrize(
    "name, what, limit_mb",
    [("scan.stl", "scan", 60), ("case.toml", "case", 1), ("profile.toml", "profile", 1), ("grid.csv", "grid", 20)],
)
def test_a_file_over_its_size_limit_is_refused_before_it_is_read(cli, tmp_path, name, what, limit_mb):
    path = tmp_path / name
    with open(path, "wb") as fh:  # sparse: no disk is used, and nothing may read it
        fh.truncate(limit_mb * (1 << 20) + 1)
    if what == "scan":
        r = cli("assess", _scan_case(tmp_path, path))
    elif what == "case":
        r = cli("assess", path)
    elif what == "profile":
        r = cli("fit", CASE, "--out", tmp_path / "out", "--profile", path)
    else:
        r = cli("footprint", path, "--pitch", "5")
    _one_line_exit_2(r, f"at most {limit_mb} MB", "Input limits")


def test_a_binary_stl_header_promising_too_many_triangles_is_refused(cli, tmp_path):
    import struct

    n = 1_250_000
    path = tmp_path / "huge.stl"
    with open(path, "wb") as fh:
        fh.write(b"\0" * 80 + struct.pack("<I", n))
        fh.truncate(84 + 50 * n)  # sparse, 62.5 MB: under the byte limit (60 MiB), over the triangle one
    r = cli("assess", _scan_case(tmp_path, path))
    _one_line_exit_2(r, "1,250,000 triangles", "at most 1,200,000")


# --- scans that are not feet ----------------------------------------------------------------


def _shape(kind):
    import numpy as np
    import trimesh

    if kind == "sphere":
        return trimesh.creation.icosphere(4, radius=100.0)
    if kind == "box":
        return trimesh.creation.box((260.0, 100.0, 80.0)).subdivide().subdivide().subdivide()
    if kind == "plate":
        return trimesh.creation.box((260.0, 100.0, 3.0)).subdivide().subdivide().subdivide()
    v = np.array([[i, 0.0, 0.0] for i in range(300)])  # "collinear": every triangle on one line
    return trimesh.Trimesh(v, np.array([[i, i + 1, i + 2] for i in range(297)]), process=False)


@pytest.mark.parametrize(
    "kind, words",
    [
        ("sphere", ("does not look like a foot", "% of its length")),
        ("box", ("does not look like a foot", "tapers")),
        ("plate", ("does not look like a foot", "flat")),
        ("collinear", ("degenerate",)),
    ],
)
def test_a_scan_that_is_not_a_foot_is_refused_with_what_was_found(cli, tmp_path, kind, words):
    path = tmp_path / f"{kind}.stl"
    _shape(kind).export(path)
    r = cli("fit", _scan_case(tmp_path, path), "--out", tmp_path / "out")
    _one_line_exit_2(r, "left.scan", *words)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_error_messages_never_print_what_a_file_holds(cli, tmp_path):
    """A scan linked to a secret: its bytes must not come back as a 'triangle count'."""
    secret = tmp_path / "secret"
    secret.write_bytes(b"root:$6$Qx9SECRETSALT$abcdefghijklmnopqrstuvwxyz0123456789:19000:0:99999:7:::\n" * 8)
    link = tmp_path / "foot.stl"
    link.symlink_to(secret)
    r = cli("assess", _scan_case(tmp_path, link))
    _one_line_exit_2(r, "left.scan")
    header_count = int.from_bytes(secret.read_bytes()[80:84], "little")
    for leaked in ("SECRET", "root:", str(header_count), str(84 + 50 * header_count)):
        assert leaked not in r.err, leaked


# --- footprints that are not outlines -------------------------------------------------------


def _footprint_case(tmp_path, points):
    import re

    text = CASE.read_text(encoding="utf-8")
    text = re.sub(r"footprint_mm = \[.*?\n\]\n", f"footprint_mm = {points!r}\n", text, count=1, flags=re.S)
    case = tmp_path / "c.toml"
    case.write_text(text, encoding="utf-8")
    return case


def test_a_tangle_of_random_points_is_refused_without_repairing_it(cli, tmp_path, monkeypatch):
    """300 random points cost minutes in shapely's make_valid: they must be refused first."""
    import random

    import orthofit.measure.footprint as fp

    def never(*a, **k):
        raise AssertionError("make_valid was called on a tangle")

    monkeypatch.setattr(fp.shapely, "make_valid", never)
    rng = random.Random(1)
    pts = [[round(rng.uniform(0, 250), 1), round(rng.uniform(-50, 50), 1)] for _ in range(300)]
    r = cli("assess", _footprint_case(tmp_path, pts))
    _one_line_exit_2(r, "footprint_mm", "crosses itself", "in order around the outline")


def test_a_round_outline_is_not_a_foot_print(cli, tmp_path):
    import math

    pts = [
        [round(125 + 120 * math.cos(t / 50 * math.tau), 1), round(120 * math.sin(t / 50 * math.tau), 1)]
        for t in range(50)
    ]
    r = cli("assess", _footprint_case(tmp_path, pts))
    _one_line_exit_2(r, "footprint_mm", "wide over")


def test_an_outline_of_too_many_points_is_refused(cli, tmp_path):
    pts = [[0.0, 0.0]] * 2001
    r = cli("assess", _footprint_case(tmp_path, pts))
    _one_line_exit_2(r, "2,001 points", "at most 2,000")


# --- grids that are not pressures, JSON that is strict ------------------------------------------


def test_a_picture_too_large_is_refused_from_its_header(cli, tmp_path):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (8, 8)).save(buf, format="PNG")
    data = bytearray(buf.getvalue())
    data[16:24] = (20000).to_bytes(4, "big") * 2  # the header claims 20000 x 20000 pixels
    (tmp_path / "big.png").write_bytes(bytes(data))
    r = cli("footprint", tmp_path / "big.png", "--pitch", "0.5")
    _one_line_exit_2(r, "20000 x 20000", "at most 16,000,000")


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_a_contact_threshold_that_is_not_a_number_of_the_grid_is_refused(cli, value):
    from helpers.repo import shared_data

    r = cli("footprint", shared_data("pressure", "MUN104L.csv"), "--pitch", "5", "--threshold", value)
    _one_line_exit_2(r, "contact threshold")


def test_a_grid_of_absurd_values_is_refused_and_json_is_strict(cli, tmp_path):
    import json

    import numpy as np

    grid = np.zeros((60, 30))
    grid[5:55, 8:22] = 1e308
    np.savetxt(tmp_path / "g.csv", grid, delimiter=",")
    r = cli("footprint", tmp_path / "g.csv", "--pitch", "5", "--json")
    _one_line_exit_2(r, "at most 1e+06")
    grid[5:55, 8:22] = 1e5  # large but accepted: the JSON must still be strict
    np.savetxt(tmp_path / "g.csv", grid, delimiter=",")
    r = cli("footprint", tmp_path / "g.csv", "--pitch", "5", "--json")
    assert r.code == 0, r

    def refuse(name):
        raise AssertionError(f"{name} in JSON output")

    json.loads(r.out, parse_constant=refuse)
