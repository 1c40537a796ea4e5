"""Loading real foot scans and every kind of bad scan file (orthofit.io.scan_file), and the
fast numpy merging behind load_scan. Orienting them: tests/unit/measure/test_orient.py; the
edge and triangle checks: tests/unit/model/test_meshcheck.py."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import trimesh

from helpers.repo import shared_data
from orthofit.io.scan_file import ScanError, load_scan


@pytest.mark.shared_data
def test_units_are_inferred_and_reported(real_scans):
    for s in real_scans.values():
        assert s.units == "m" and s.units_inferred
        assert any("units inferred as m" in n for n in s.notes)
        assert 260 <= np.ptp(s.vertices, axis=0).max() <= 290


@pytest.mark.shared_data
def test_file_name_words_never_change_the_units(tmp_path):
    """trimesh would read 'foot' or 'in' in a name as a unit; we must not."""
    for name in ("foot_scan_in.stl", "left_foot_mm.stl", "scan_in_metres.stl"):
        p = tmp_path / name
        shutil.copy(shared_data("scans", "dupontgu_left_foot_m.stl"), p)
        s = load_scan(p)
        assert s.units == "m"
        assert np.ptp(s.vertices, axis=0).max() == pytest.approx(276.3, abs=0.5)


@pytest.mark.shared_data
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


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("empty.stl", b"", "empty"),
        ("blank.obj", b"   \n\n", "empty"),
        ("random.stl", bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8)), "not a binary STL"),
        ("short.stl", b"\x00" * 40, "too short"),
        ("fake-text.stl", b"solid x\n" + bytes(range(128, 256)), "not text"),
        ("junk.obj", b"hello\nthis is not an obj\n", "no triangles"),
        ("junk.ply", b"ply\nformat ascii 1.0\nnonsense\n", "not a readable PLY"),
        ("text.stl", b"solid x\nendsolid x\n", "no triangles"),
        ("scan.step", b"ISO-10303-21;", "STL, OBJ or PLY"),
    ],
)
def test_bad_scan_files(tmp_path, name, data, words):
    with pytest.raises(ScanError, match=words):
        load_scan(_write(tmp_path, name, data))


@pytest.mark.shared_data
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


@pytest.mark.shared_data
def test_small_defects_are_mended_and_reported(tmp_path):
    m = trimesh.load(shared_data("scans", "dupontgu_left_foot_m.stl"), force="mesh")
    inside_out = trimesh.Trimesh(m.vertices, m.faces[:, ::-1])
    s = load_scan(_write(tmp_path, "inv.stl", inside_out.export(file_type="stl")), units="m")
    assert any("inside-out" in n for n in s.notes)
    holed = trimesh.Trimesh(m.vertices, m.faces[5:])
    s = load_scan(_write(tmp_path, "holes.stl", holed.export(file_type="stl")), units="m")
    assert any("holes filled" in n or "not closed" in n for n in s.notes)


# The fast numpy merging behind load_scan --------------------------------------------------------

from orthofit.io.scan_file import _read_binary_stl, identical_rows, merge_vertices  # noqa: E402


def _stl(mesh) -> bytes:
    return trimesh.Trimesh(mesh.vertices, mesh.faces, process=False).export(file_type="stl")


def test_binary_stl_corners_merge_to_the_vertices(tmp_path):
    box = trimesh.creation.box((200.0, 90.0, 60.0))
    data = _stl(box)
    corners, faces = _read_binary_stl(data)
    assert corners.shape == (36, 3) and corners.dtype == np.float32
    v, f = merge_vertices(corners, faces)
    assert v.shape == (8, 3) and f.shape == (12, 3)
    assert np.array_equal(v[f], corners[faces])  # every triangle keeps its corners
    sphere = trimesh.creation.icosphere(subdivisions=3, radius=100.0)  # 642 vertices
    s = load_scan(_write(tmp_path, "sphere.stl", _stl(sphere)), units="mm")
    assert s.vertices.shape == (642, 3) and s.faces.shape == (1280, 3) and s.notes == ()
    assert np.allclose(s.vertices[s.faces], np.asarray(sphere.vertices, np.float32)[sphere.faces])
    inside_out = trimesh.Trimesh(sphere.vertices, sphere.faces[:, ::-1])
    s = load_scan(_write(tmp_path, "inv.stl", _stl(inside_out)), units="mm")
    assert s.notes == ("inside-out scan turned right side out",)
    assert trimesh.Trimesh(s.vertices, s.faces, process=False).volume > 0


def test_merging_is_exact_and_survives_hash_collisions():
    rng = np.random.default_rng(0)
    pts = rng.normal(0, 100, (500, 3))
    pts[1] = [0.0, 0.0, 0.0]
    pts[2] = [-0.0, 0.0, 0.0]  # the same point
    pts[3] = np.nextafter(pts[4], np.inf)  # one ulp apart: different points
    rows = pts[rng.integers(0, 500, 3000)]
    label, first = identical_rows(rows)
    # everything collides: the points must still be told apart, by coordinates
    label2, first2 = identical_rows(rows, hash_rows=lambda bits: np.zeros(bits.shape[1], np.uint32))
    assert np.array_equal(label, label2) and np.array_equal(first, first2)
    assert np.array_equal(rows[first][label], rows)
    assert np.array_equal(first, np.sort(first)) and np.all(np.diff(label[first]) == 1)
    expect = len({tuple(p) for p in (rows + 0.0)})  # -0.0 == 0.0 for a tuple too
    assert len(first) == expect
    assert len(np.unique(rows, axis=0)) in (expect, expect + 1)


def test_merging_keeps_only_referenced_vertices_in_file_order():
    v = np.array([[5.0, 0, 0], [1, 0, 0], [2, 0, 0], [1, 0, 0], [3, 0, 0]])
    f = np.array([[2, 3, 4], [1, 2, 4]])
    mv, mf = merge_vertices(v, f)
    assert mv.tolist() == [[1, 0, 0], [2, 0, 0], [3, 0, 0]]
    assert mf.tolist() == [[1, 0, 2], [0, 1, 2]]


@pytest.mark.shared_data
def test_flipped_and_degenerate_triangles_are_mended_and_reported(tmp_path):
    m = trimesh.load(shared_data("scans", "dupontgu_left_foot_m.stl"), force="mesh")
    f = m.faces.copy()
    f[7] = f[7, ::-1]
    f = np.vstack([f, [[f[0, 0], f[0, 1], f[0, 1]]]])  # a triangle with a repeated corner
    bad = trimesh.Trimesh(m.vertices, f, process=False)
    s = load_scan(_write(tmp_path, "bad.stl", bad.export(file_type="stl")), units="m")
    assert "1 degenerate triangles removed" in s.notes
    assert "inconsistent triangle winding mended" in s.notes
    assert len(s.faces) == len(m.faces)
    fixed = trimesh.Trimesh(s.vertices, s.faces, process=False)
    assert fixed.is_watertight and fixed.is_winding_consistent and fixed.volume > 0
