"""`orthofit insole` options and bad input, in-process (the ``cli`` fixture). Every example
built and reloaded: tests/integration/test_insole_examples.py; sliced:
tests/integration/test_prusaslicer.py."""

from __future__ import annotations

import pytest
import trimesh

from helpers.repo import EXAMPLES


def test_side_length_profile_and_set(cli, tmp_path):
    r = cli(
        "insole",
        EXAMPLES / "normal-adult.toml",
        "--out",
        tmp_path,
        "--side",
        "left",
        "--length",
        "3/4",
        "--profile",
        "sport",
        "--set",
        "heel_cup_depth_mm=18",
        "--set",
        "met_pad_height_mm=3",
    )
    assert r.code == 0, r.err
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["EX-NORMAL-left.3mf", "EX-NORMAL-left.prusa.3mf", "EX-NORMAL-left.stl"]
    m = trimesh.load(tmp_path / "EX-NORMAL-left.stl", force="mesh")
    assert m.extents[0] < 190  # 3/4 length ends behind the metatarsal heads (TFL 178 mm)
    assert "heel_cup_depth_mm = 18" in r.out and "set by the clinician" in r.out
    assert "profile sport" in r.out


def test_slicer_chooses_the_projects_written_beside_the_plain_3mf(cli, tmp_path):
    """Issue 16: ``--slicer`` picks the slicer projects; the STL and the plain 3MF are always
    written; a slicer orthofit does not write for is refused in one line, nothing written."""
    case = EXAMPLES / "normal-adult.toml"
    for slicer, projects in (
        ("cura", [".cura.3mf"]),
        ("orca", [".orca.3mf"]),
        ("all", [".cura.3mf", ".orca.3mf", ".prusa.3mf"]),
    ):
        out = tmp_path / slicer
        r = cli("insole", case, "--out", out, "--side", "left", "--slicer", slicer)
        assert r.code == 0, r.err
        expected = [f"EX-NORMAL-left{e}" for e in (".3mf", *projects, ".stl")]
        assert sorted(p.name for p in out.iterdir()) == sorted(expected)
    r = cli("insole", case, "--out", tmp_path / "bad", "--side", "left", "--slicer", "simplify3d")
    assert r.code == 2 and "--slicer" in r.err and "simplify3d" in r.err
    assert not (tmp_path / "bad").exists()


def test_user_profile_by_path(cli, tmp_path):
    prof = tmp_path / "mine.toml"
    prof.write_text('name = "mine"\ndescription = "test"\n[params]\nheel_cup_depth_mm = 9\n')
    r = cli("insole", EXAMPLES / "normal-adult.toml", "--out", tmp_path / "o", "--profile", prof, "--side", "right")
    assert r.code == 0, r.err
    assert "profile mine" in r.out and "heel_cup_depth_mm = 9" in r.out


@pytest.mark.parametrize(
    "args, words",
    [
        (["--set", "heel_cup_depth_mm=40"], "heel_cup_depth_mm = 40 is out of range"),
        (["--set", "heel_cup_dept_mm=10"], "heel_cup_depth_mm"),
        (["--set", "heel_cup_depth_mm"], "name=value"),
        (["--set", "heel_cup_depth_mm=deep"], "must be a number"),
        (["--profile", "sporty"], "sport"),
        (["--profile", "missing.toml"], "missing.toml"),
        (["--set", "medial_heel_skive_mm=1"], "Kirby"),
    ],
    ids=[
        "out-of-range",
        "misspelt",
        "no-equals",
        "not-a-number",
        "unknown-profile",
        "missing-profile-file",
        "skive-1mm",
    ],
)
def test_bad_insole_options(cli, tmp_path, args, words):
    out = tmp_path / "out"
    r = cli("insole", EXAMPLES / "normal-adult.toml", "--out", out, *args)
    assert r.code == 2, r.err
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("orthofit: error:"), r.err
    assert words in lines[0]
    assert not out.exists() or not any(out.iterdir())


def test_unwritable_output_folder_leaves_nothing(cli, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    r = cli("insole", EXAMPLES / "normal-adult.toml", "--out", blocked)
    assert r.code == 2
    assert "is a file, not a folder" in r.err and "Traceback" not in r.err
    r = cli("insole", EXAMPLES / "normal-adult.toml", "--out", blocked / "sub")  # a folder inside a file
    assert r.code == 2
    assert r.err.startswith("orthofit: error: cannot create the output folder") and "Traceback" not in r.err
    assert blocked.read_text() == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_foot_without_length_is_a_clear_error(cli, tmp_path):
    case = tmp_path / "c.toml"
    case.write_text('[patient]\nid = "P-1"\nage = 40\n[right]\nfoot_length_mm = 250\n')
    r = cli("insole", case, "--out", tmp_path / "o")
    assert r.code == 2
    assert "left foot has no foot_length_mm" in r.err and "--side right" in r.err
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())
    assert cli("insole", case, "--out", tmp_path / "o", "--side", "right").code == 0


def test_shoe_size_sets_the_insole_length(cli, tmp_path):
    r = cli(
        "insole", EXAMPLES / "flat-pronated-adult.toml", "--out", tmp_path, "--side", "right", "--shoe-size", "eu:43"
    )
    assert r.code == 0, r.err
    assert "from the shoe size EU 43" in r.out
    m = trimesh.load(tmp_path / "EX-FLAT-right.stl", force="mesh")
    assert m.extents[0] == pytest.approx(43 / 1.5 * 10, abs=0.5)


@pytest.mark.parametrize(
    "size, words",
    [
        ("eu:41", "too short"),
        ("eu:47", "too long"),
        ("fr:41", "SYSTEM:SIZE"),
        ("eu", "SYSTEM:SIZE"),
        ("eu:big", "SYSTEM:SIZE"),
    ],
)
def test_bad_shoe_size(cli, tmp_path, size, words):
    r = cli("insole", EXAMPLES / "flat-pronated-adult.toml", "--out", tmp_path / "o", "--shoe-size", size)
    assert r.code == 2 and words in r.err and "Traceback" not in r.err
    assert not (tmp_path / "o").exists()


def test_insole_command_prints_the_zones(cli, tmp_path):
    r = cli(
        "insole", EXAMPLES / "normal-adult.toml", "--out", tmp_path, "--profile", "plantar-heel-pain", "--side", "left"
    )
    assert r.code == 0, r.err
    zones = "heel 12 %, arch 30 %, forefoot 20 %, heel-spur offload 10 %"
    assert f"stiffness zones (infill, in the slicer projects): {zones}" in r.out
