"""`orthofit insole`: files, reproducibility, reload as solids, slicing, and bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile

import pytest
import trimesh

from conftest import EXAMPLES, ROOT
from slicer import extrusion_moves, slice_file

CLI = ROOT / "cli.py"


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(CLI), *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every example case built once, both sides."""
    out = {}
    for case in sorted(EXAMPLES.glob("*.toml")):
        d = tmp_path_factory.mktemp(case.stem)
        r = run("insole", case, "--out", d)
        assert r.returncode == 0, r.stderr
        out[case.stem] = (d, r.stdout)
    return out


def patient_id(stem):
    import tomllib
    return tomllib.loads((EXAMPLES / f"{stem}.toml").read_text("utf-8"))["patient"]["id"]


def test_writes_stl_and_3mf_for_both_sides(built):
    for stem, (d, stdout) in built.items():
        pid = patient_id(stem)
        names = sorted(p.name for p in d.iterdir())
        assert names == sorted(f"{pid}-{s}.{e}" for s in ("left", "right") for e in ("stl", "3mf")), stem
        assert "Left insole" in stdout and "Right insole" in stdout
        assert "thinnest point" in stdout and "fits" in stdout


@pytest.mark.parametrize("stem", ["flat-pronated-adult", "child", "red-flag"])
def test_stl_and_3mf_reload_as_the_same_closed_solid(built, stem):
    d, _ = built[stem]
    pid = patient_id(stem)
    for side in ("left", "right"):
        stl = trimesh.load(d / f"{pid}-{side}.stl", force="mesh")
        tmf = trimesh.load(d / f"{pid}-{side}.3mf", force="mesh", process=False)
        # The 3MF's object also holds the stiffness-zone modifiers; PrusaSlicer's config names
        # the triangle range of the printed part (the first volume).
        with zipfile.ZipFile(d / f"{pid}-{side}.3mf") as z:
            config = z.read("Metadata/Slic3r_PE_model.config").decode()
        first, last = map(int, re.search(r'<volume firstid="(\d+)" lastid="(\d+)">', config).groups())
        assert first == 0 and 'value="ModelPart"' in config.split("</volume>")[0]
        tmf = trimesh.Trimesh(tmf.vertices, tmf.faces[first:last + 1])
        tmf.remove_unreferenced_vertices()
        for m in (stl, tmf):
            assert m.is_watertight and m.is_winding_consistent and m.volume > 0
        assert tmf.volume == pytest.approx(stl.volume, rel=1e-4)


def test_3mf_carries_the_prescription(built):
    d, _ = built["flat-pronated-adult"]
    with zipfile.ZipFile(d / "EX-FLAT-right.3mf") as z:
        model = z.read("3D/3dmodel.model").decode("utf-8")
    assert 'unit="millimeter"' in model
    assert 'name="EX-FLAT-right"' in model
    import xml.etree.ElementTree as ET
    root = ET.fromstring(model)
    meta = {m.get("name"): m.text for m in root.iter("{http://schemas.microsoft.com/3dmanufacturing/core/2015/02}metadata")}
    rx = json.loads(meta["orthofit:prescription"])
    assert rx["medial_heel_skive_mm"] == 6.0 and rx["heel_cup_depth_mm"] >= 20
    assert any("skive" in r for r in json.loads(meta["orthofit:reasons"]))


def test_two_builds_are_byte_identical(tmp_path):
    case = EXAMPLES / "asymmetric-adult.toml"
    a, b = tmp_path / "a", tmp_path / "b"
    assert run("insole", case, "--out", a).returncode == 0
    assert run("insole", case, "--out", b).returncode == 0
    for f in a.iterdir():
        assert f.read_bytes() == (b / f.name).read_bytes(), f.name


def test_every_example_slices_with_prusaslicer(built, tmp_path):
    for stem, (d, _) in built.items():
        for f in sorted(d.glob("*.3mf")):
            gcode = slice_file(f, tmp_path)
            assert extrusion_moves(gcode.read_text()) > 1000, f.name


def test_side_length_profile_and_set(tmp_path):
    r = run("insole", EXAMPLES / "normal-adult.toml", "--out", tmp_path, "--side", "left", "--length", "3/4",
            "--profile", "sport", "--set", "heel_cup_depth_mm=18", "--set", "met_pad_height_mm=3")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["EX-NORMAL-left.3mf", "EX-NORMAL-left.stl"]
    m = trimesh.load(tmp_path / "EX-NORMAL-left.stl", force="mesh")
    assert m.extents[0] < 190          # 3/4 length ends behind the metatarsal heads (TFL 178 mm)
    assert "heel_cup_depth_mm = 18" in r.stdout and "set by the clinician" in r.stdout
    assert "profile sport" in r.stdout


def test_user_profile_by_path(tmp_path):
    prof = tmp_path / "mine.toml"
    prof.write_text('name = "mine"\ndescription = "test"\n[params]\nheel_cup_depth_mm = 9\n')
    r = run("insole", EXAMPLES / "normal-adult.toml", "--out", tmp_path / "o", "--profile", prof, "--side", "right")
    assert r.returncode == 0, r.stderr
    assert "profile mine" in r.stdout and "heel_cup_depth_mm = 9" in r.stdout


@pytest.mark.parametrize("args, words", [
    (["--set", "heel_cup_depth_mm=40"], "heel_cup_depth_mm = 40 is out of range"),
    (["--set", "heel_cup_dept_mm=10"], "heel_cup_depth_mm"),
    (["--set", "heel_cup_depth_mm"], "name=value"),
    (["--set", "heel_cup_depth_mm=deep"], "must be a number"),
    (["--profile", "sporty"], "sport"),
    (["--profile", "missing.toml"], "missing.toml"),
    (["--set", "medial_heel_skive_mm=1"], "Kirby"),
], ids=["out-of-range", "misspelt", "no-equals", "not-a-number", "unknown-profile", "missing-profile-file", "skive-1mm"])
def test_bad_insole_options(tmp_path, args, words):
    out = tmp_path / "out"
    r = run("insole", EXAMPLES / "normal-adult.toml", "--out", out, *args)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("orthofit: error:"), r.stderr
    assert words in lines[0]
    assert not out.exists() or not any(out.iterdir())


def test_unwritable_output_folder_leaves_nothing(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    r = run("insole", EXAMPLES / "normal-adult.toml", "--out", blocked)
    assert r.returncode == 2
    assert "is a file, not a folder" in r.stderr and "Traceback" not in r.stderr
    r = run("insole", EXAMPLES / "normal-adult.toml", "--out", blocked / "sub")   # a folder inside a file
    assert r.returncode == 2
    assert r.stderr.startswith("orthofit: error: cannot create the output folder") and "Traceback" not in r.stderr
    assert blocked.read_text() == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_write_failure_midway_leaves_no_file(tmp_path, monkeypatch):
    """If writing the second file fails, the first is not left behind either."""
    import os
    from orthofit.errors import OutputError
    from orthofit.io.output import write_files

    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OutputError, match="No space left"):
        write_files(tmp_path, {"a.stl": b"1", "b.3mf": b"2"})
    monkeypatch.setattr(os, "replace", real_replace)
    assert calls and list(tmp_path.iterdir()) == []


def test_a_foot_without_length_is_a_clear_error(tmp_path):
    case = tmp_path / "c.toml"
    case.write_text('[patient]\nid = "P-1"\nage = 40\n[right]\nfoot_length_mm = 250\n')
    r = run("insole", case, "--out", tmp_path / "o")
    assert r.returncode == 2
    assert "left foot has no foot_length_mm" in r.stderr and "--side right" in r.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())
    assert run("insole", case, "--out", tmp_path / "o", "--side", "right").returncode == 0


def test_last_length_inverts_the_sizing_formulas(thresholds):
    from orthofit.assess.sizing import last_length_mm, shoe_size

    r = thresholds.sizing
    assert last_length_mm("eu", 42, r) == pytest.approx(280.0)            # clinical.md §7.7 example 8
    assert last_length_mm("uk", 8, r) == pytest.approx(33 / 3 * 25.4)
    assert last_length_mm("us-men", 9, r) == pytest.approx(last_length_mm("uk", 8, r))
    assert last_length_mm("us-women", 10, r) == pytest.approx(last_length_mm("us-men", 9, r))
    assert last_length_mm("mondopoint", 265, r) == pytest.approx(280.0)
    s = shoe_size(265, r)
    assert last_length_mm("eu", s.eu, r) == pytest.approx(s.last_length_mm, abs=5)


def test_shoe_size_sets_the_insole_length(tmp_path):
    r = run("insole", EXAMPLES / "flat-pronated-adult.toml", "--out", tmp_path, "--side", "right", "--shoe-size", "eu:43")
    assert r.returncode == 0, r.stderr
    assert "from the shoe size EU 43" in r.stdout
    m = trimesh.load(tmp_path / "EX-FLAT-right.stl", force="mesh")
    assert m.extents[0] == pytest.approx(43 / 1.5 * 10, abs=0.5)


@pytest.mark.parametrize("size, words", [("eu:41", "too short"), ("eu:47", "too long"), ("fr:41", "SYSTEM:SIZE"),
                                         ("eu", "SYSTEM:SIZE"), ("eu:big", "SYSTEM:SIZE")])
def test_bad_shoe_size(tmp_path, size, words):
    r = run("insole", EXAMPLES / "flat-pronated-adult.toml", "--out", tmp_path / "o", "--shoe-size", size)
    assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists()
