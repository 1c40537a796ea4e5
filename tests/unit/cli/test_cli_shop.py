"""A shop scanner's CSV on the command line (issue 14): taken wherever a case file is, its
fields in a case file too, and bad input is exit 2 with one line saying what to fix."""

from __future__ import annotations

import hashlib
import json

import pytest

from helpers.repo import EXAMPLES

SHOP = EXAMPLES / "shop-scanner.csv"


def _one_line_exit_2(r, *words):
    assert r.code == 2, r
    assert r.out == "", r
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("orthofit: error: ") and "Traceback" not in r.err, r
    for w in words:
        assert w in r.err, r


def test_assess_takes_the_shop_csv(cli):
    r = cli("assess", SHOP)
    assert r.code == 0, r
    assert "≈0.343 (estimated, 0.322-0.365)" in r.out and "measure the truncated foot length" in r.out
    r = cli("assess", SHOP, "--json")
    assert r.code == 0, r
    feet = json.loads(r.out)["feet"]
    assert feet["left"]["arch_type"] is None and feet["right"]["arch_type"] == "normal"
    assert feet["right"]["measurement_sources"]["arch_edge_height_mm"] == "typed"


def test_fit_takes_the_shop_csv_and_its_manifest_names_it(cli, tmp_path):
    r = cli("fit", SHOP, "--out", tmp_path)
    assert r.code == 0, r
    manifest = json.loads((tmp_path / "EX-SHOP-manifest.json").read_text())
    assert manifest["inputs"] == {str(SHOP): hashlib.sha256(SHOP.read_bytes()).hexdigest()}
    assert (tmp_path / "EX-SHOP-left.stl").exists() and (tmp_path / "EX-SHOP-right.stl").exists()


@pytest.mark.parametrize(
    "text, words",
    [
        ("id,age,side,foot_length_cm\nP-1,40,left,25\n", ("foot_length_cm is in centimetres", "foot_length_mm")),
        ("id,age,foot_length_mm\nP-1,40,250\n", ("no side column",)),
        ("id,age,side,foot_length_mm\nP-1,40,left,26.5\n", ("out of range", "looks like centimetres")),
        ("id,age,side,foot_length_mm,instep_height_mm\nP-1,40,left,250,60\n", ("dorsal_height_standing_mm",)),
        ("id,age,side,foot_length_mm\nP-1,40,left,250\nP-2,40,right,250\n", ("one patient",)),
    ],
    ids=["unit", "missing-column", "out-of-range", "instep", "two-patients"],
)
@pytest.mark.parametrize("command", ["assess", "fit"])
def test_a_bad_shop_csv_is_exit_2_and_one_line(cli, tmp_path, command, text, words):
    path = tmp_path / "shop.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    r = cli(command, path, *(("--out", out) if command == "fit" else ()))
    _one_line_exit_2(r, "shop.csv", *words)
    assert not out.exists()


def test_a_binary_shop_csv_is_exit_2_and_prints_none_of_it(cli, tmp_path):
    path = tmp_path / "shop.csv"
    path.write_bytes(b"\x1b[2J\x00\xff" * 500)
    r = cli("assess", path)
    _one_line_exit_2(r, "NUL bytes")
    assert "\x1b" not in r.err


CASE = """\
[patient]
id = "P-1"
age = 40

[left]
foot_length_mm = 250
dorsal_height_standing_mm = 80
ball_girth_mm = 240
arch_edge_height_mm = {edge}
"""


def test_a_case_file_takes_the_scanner_fields(cli, tmp_path):
    path = tmp_path / "case.toml"
    path.write_text(CASE.format(edge=14))
    r = cli("assess", path, "--json")
    assert r.code == 0, r
    left = json.loads(r.out)["feet"]["left"]
    assert left["arch_type"] == "cavus" and left["arch_type_detail"]["decided_by_estimate"] is True
    assert "Arch edge height (a shop scanner's arch height) 14.0 mm: reported only" in " ".join(left["reasons"])


def test_an_arch_edge_height_below_the_floor_is_refused_in_a_case_file(cli, tmp_path):
    path = tmp_path / "case.toml"
    path.write_text(CASE.format(edge=-1.4))
    _one_line_exit_2(cli("assess", path), "left.arch_edge_height_mm = -1.4 is out of range", "0 to 80 mm")


def test_the_batch_lab_csv_takes_the_scanner_fields_by_side(tmp_path):
    from orthofit.io.case_file import parse_case
    from orthofit.io.lab_csv import read_cases

    path = tmp_path / "lab.csv"
    path.write_text("id,age,left_foot_length_mm,left_arch_edge_height_mm,left_ball_girth_mm\nP-1,40,250,14,240\n")
    (row,) = read_cases(path)
    case = parse_case(row.table, source=row.source)
    assert (case.left.arch_edge_height_mm, case.left.ball_girth_mm) == (14.0, 240.0)
