"""Loading and orienting real foot scans; every kind of bad scan file."""

from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pytest
import trimesh

from orthofit.enums import Side
from orthofit.orient import orient_scan
from orthofit.scan_io import ScanError, load_scan

from conftest import shared_data

SCANS = {"dupontgu-left": ("dupontgu_left_foot_m.stl", Side.LEFT),
         "dupontgu-right": ("dupontgu_right_foot_m.stl", Side.RIGHT),
         "find-left": ("find_template_lowres_left_m.obj", Side.LEFT)}


@pytest.fixture(scope="module")
def scans():
    return {k: load_scan(shared_data("scans", f)) for k, (f, _) in SCANS.items()}


def test_units_are_inferred_and_reported(scans):
    for s in scans.values():
        assert s.units == "m" and s.units_inferred
        assert any("units inferred as m" in n for n in s.notes)
        assert 260 <= np.ptp(s.vertices, axis=0).max() <= 290


def test_file_name_words_never_change_the_units(tmp_path):
    """trimesh would read 'foot' or 'in' in a name as a unit; we must not."""
    for name in ("foot_scan_in.stl", "left_foot_mm.stl", "scan_in_metres.stl"):
        p = tmp_path / name
        shutil.copy(shared_data("scans", "dupontgu_left_foot_m.stl"), p)
        s = load_scan(p)
        assert s.units == "m"
        assert np.ptp(s.vertices, axis=0).max() == pytest.approx(276.3, abs=0.5)


def test_explicit_units(tmp_path):
    s = load_scan(shared_data("scans", "dupontgu_left_foot_m.stl"), units="m")
    assert not s.units_inferred
    with pytest.raises(ScanError, match="use --units m"):
        load_scan(shared_data("scans", "dupontgu_left_foot_m.stl"), units="mm")
    with pytest.raises(ScanError, match="not known"):
        load_scan(shared_data("scans", "dupontgu_left_foot_m.stl"), units="furlong")


def _write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("name, data, words", [
    ("empty.stl", b"", "empty"),
    ("blank.obj", b"   \n\n", "empty"),
    ("random.stl", bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8)), "corrupt binary STL"),
    ("short.stl", b"\x00" * 40, "too short"),
    ("fake-text.stl", b"solid x\n" + bytes(range(128, 256)), "not text"),
    ("junk.obj", b"hello\nthis is not an obj\n", "no triangles"),
    ("junk.ply", b"ply\nformat ascii 1.0\nnonsense\n", "not a readable PLY"),
    ("text.stl", b"solid x\nendsolid x\n", "no triangles"),
    ("scan.step", b"ISO-10303-21;", "STL, OBJ or PLY"),
])
def test_bad_scan_files(tmp_path, name, data, words):
    with pytest.raises(ScanError, match=words):
        load_scan(_write(tmp_path, name, data))


def test_truncated_nan_missing_folder_and_tiny(tmp_path):
    whole = shared_data("scans", "dupontgu_left_foot_m.stl").read_bytes()
    with pytest.raises(ScanError, match="truncated"):
        load_scan(_write(tmp_path, "trunc.stl", whole[:3000]))
    box = trimesh.creation.icosphere(subdivisions=3, radius=100.0)
    v = np.asarray(box.vertices).copy()
    v[5, 1] = np.nan
    bad = trimesh.Trimesh(v, box.faces, process=False)
    with pytest.raises(ScanError, match="NaN"):
        load_scan(_write(tmp_path, "nan.obj", bad.export(file_type="obj").encode()))
    with pytest.raises(ScanError, match="not found"):
        load_scan(tmp_path / "missing.stl")
    (tmp_path / "d.stl").mkdir()
    with pytest.raises(ScanError, match="folder"):
        load_scan(tmp_path / "d.stl")
    tiny = trimesh.creation.box((200, 90, 60))
    with pytest.raises(ScanError, match="too coarse"):
        load_scan(_write(tmp_path, "box.stl", tiny.export(file_type="stl")))


def test_small_defects_are_mended_and_reported(tmp_path):
    m = trimesh.load(shared_data("scans", "dupontgu_left_foot_m.stl"), force="mesh")
    inside_out = trimesh.Trimesh(m.vertices, m.faces[:, ::-1])
    s = load_scan(_write(tmp_path, "inv.stl", inside_out.export(file_type="stl")), units="m")
    assert any("inside-out" in n for n in s.notes)
    holed = trimesh.Trimesh(m.vertices, m.faces[5:])
    s = load_scan(_write(tmp_path, "holes.stl", holed.export(file_type="stl")), units="m")
    assert any("holes filled" in n or "not closed" in n for n in s.notes)


@pytest.mark.parametrize("key", list(SCANS))
def test_real_scans_orient(scans, key):
    s = scans[key]
    o = orient_scan(s)
    expected = SCANS[key][1]
    assert o.side is expected and o.side_from_scan is expected
    v = o.vertices
    assert v[:, 0].min() == pytest.approx(0.0, abs=1e-6)
    assert 255 <= np.ptp(v[:, 0]) <= 285
    if key.startswith("dupontgu"):
        assert o.floor == "flat contact" and o.flat_contact_mm2 > 10000
        # z = 0 is the glass: the middle of the flat contact, a scanner's noise either side
        assert -1.0 < v[:, 2].min() < 0.0
        assert np.median(v[v[:, 2] < 1.0, 2]) == pytest.approx(0.0, abs=0.3)
        assert np.ptp(v[:, 2]) == pytest.approx(99.4, abs=1.5)     # cut about 100 mm above the floor
    else:
        assert o.floor == "support plane"                          # not weight-bearing: no flat contact
        assert v[:, 2].min() == pytest.approx(0.0, abs=1e-6)       # resting on its lowest point
    # mirrored, it is the other foot
    m = orient_scan(replace(s, vertices=s.vertices * np.array([1, -1, 1]), faces=s.faces[:, ::-1]))
    assert m.side is expected.other


def test_given_side_wins_and_a_disagreement_is_reported(scans):
    o = orient_scan(scans["dupontgu-left"], side=Side.RIGHT)
    assert o.side is Side.RIGHT and o.side_from_scan is Side.LEFT
    assert any("looks like a left foot" in n for n in o.notes)


@pytest.mark.parametrize("seed", range(4))
def test_any_pose(scans, seed):
    """A real scan turned and moved anywhere orients to the same foot."""
    rng = np.random.default_rng(seed)
    s = scans["dupontgu-right"]
    R = trimesh.transformations.random_rotation_matrix(rng.random(3))[:3, :3]
    moved = replace(s, vertices=s.vertices @ R.T + rng.uniform(-500, 500, 3))
    a, b = orient_scan(s), orient_scan(moved)
    assert b.side is Side.RIGHT
    assert np.ptp(b.vertices[:, 0]) == pytest.approx(np.ptp(a.vertices[:, 0]), abs=1.0)
    assert np.ptp(b.vertices[:, 2]) == pytest.approx(np.ptp(a.vertices[:, 2]), abs=1.0)
