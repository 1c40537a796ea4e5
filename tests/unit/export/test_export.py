"""STL and 3MF export: round trips through trimesh, the 3MF XML, determinism, PrusaSlicer
(a box; insoles made end to end are sliced in tests/integration/test_prusaslicer.py).

Every solid is exported, read back by an independent reader (trimesh; PrusaSlicer) and
compared with the original: a closed, consistently wound solid with the same volume, faces
and extent, in millimetres.
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pytest
import trimesh
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.repo import ROOT
from helpers.slicer import extrusion_moves, model_info, slice_file, top_layer_z
from orthofit.export.files import (
    ORTHOFIT_NAMESPACE,
    WELL_KNOWN_METADATA,
    stl_bytes,
    threemf_bytes,
)

CORE = "{http://schemas.microsoft.com/3dmanufacturing/core/2015/02}"
MODEL_PATH = "3D/3dmodel.model"
MARKUP_NAME = "Zoë Łukasiewicz <b>&\"' insole"
METADATA = {
    "Title": "Right insole for Zoë Łukasiewicz",
    "Designer": "<b>&\"' Łukasiewicz & Co",
    "Description": "line one\nline two\r\nline three\twith a tab ]]> and <!-- not a comment -->",
    "Application": "orthofit 0.1.0",
    "orthofit:prescription": '{"heel_cup_depth_mm": 12.5, "note": "<b>&\\"\'"}',
    "orthofit:patient-id": "P-0001",
}


def _box_fractional() -> trimesh.Trimesh:
    box = trimesh.creation.box(extents=(12.345, 6.789, 3.21))
    box.apply_translation((0.1234, -45.6789, 1.6051))
    return box


SOLIDS = {
    "box": lambda: trimesh.creation.box(extents=(10.0, 20.0, 30.0)),
    "icosphere": lambda: trimesh.creation.icosphere(subdivisions=3, radius=25.0),
    "box_fractional_mm": _box_fractional,
    # A left insole is a mirrored right one: the mirror must keep the winding outward.
    "mirrored_cylinder": lambda: trimesh.creation.cylinder(radius=7.5, height=3.3, sections=40).apply_transform(
        np.diag([1.0, -1.0, 1.0, 1.0])
    ),
}


@pytest.fixture(params=sorted(SOLIDS))
def solid(request) -> trimesh.Trimesh:
    mesh = SOLIDS[request.param]()
    assert mesh.is_volume, f"test solid {request.param} is not a valid solid"
    return mesh


@pytest.fixture(scope="session")
def big_solid() -> trimesh.Trimesh:
    mesh = trimesh.creation.icosphere(subdivisions=7, radius=60.0)
    assert len(mesh.faces) >= 200_000
    return mesh


def load(data: bytes, file_type: str) -> trimesh.Trimesh:
    mesh = trimesh.load(io.BytesIO(data), file_type=file_type, force="mesh")
    assert isinstance(mesh, trimesh.Trimesh), f"trimesh read a {type(mesh).__name__}"
    return mesh


def export(mesh: trimesh.Trimesh, file_type: str, name: str = "test solid", metadata=None) -> bytes:
    if file_type == "stl":
        return stl_bytes(mesh.vertices, mesh.faces, name)
    metadata = METADATA if metadata is None else metadata
    return threemf_bytes(mesh.vertices, mesh.faces, name, metadata)


def model_xml(data: bytes) -> ET.Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return ET.fromstring(archive.read(MODEL_PATH))


def assert_same_solid(loaded: trimesh.Trimesh, original: trimesh.Trimesh, atol_mm: float) -> None:
    assert loaded.is_watertight
    assert loaded.is_winding_consistent
    assert loaded.volume > 0, "the solid came back inside out"
    assert loaded.volume == pytest.approx(original.volume, rel=1e-3)
    assert len(loaded.faces) == len(original.faces)
    np.testing.assert_allclose(loaded.bounds, original.bounds, rtol=0, atol=atol_mm)


# --- round trips through trimesh -------------------------------------------------------------


def test_stl_round_trip(solid):
    data = export(solid, "stl")
    assert len(data) == 84 + 50 * len(solid.faces)
    assert int.from_bytes(data[80:84], "little") == len(solid.faces)
    # float32 keeps about 7 digits: 1e-4 mm on a solid under 100 mm.
    assert_same_solid(load(data, "stl"), solid, atol_mm=1e-4)


def test_stl_normals_are_the_outward_unit_normals(solid):
    records = np.frombuffer(
        stl_bytes(solid.vertices, solid.faces, "n")[84:],
        dtype=[("normal", "<f4", (3,)), ("vertices", "<f4", (3, 3)), ("attribute", "<u2")],
    )
    np.testing.assert_allclose(records["vertices"], solid.vertices[solid.faces], atol=1e-4)
    np.testing.assert_allclose(records["normal"], solid.face_normals, atol=1e-6)
    assert not records["attribute"].any()


def test_stl_header_is_80_ascii_bytes_from_the_name():
    box = trimesh.creation.box()
    header = stl_bytes(box.vertices, box.faces, MARKUP_NAME)[:80]
    assert header == b"orthofit: Zoe ?ukasiewicz <b>&\"' insole".ljust(80, b" ")
    long = stl_bytes(box.vertices, box.faces, "x" * 200)[:80]
    assert long == b"orthofit: " + b"x" * 70
    # A header starting with "solid" makes some readers take a binary STL for an ASCII one.
    assert not stl_bytes(box.vertices, box.faces, "solid")[:80].lower().startswith(b"solid")


def test_3mf_round_trip(solid):
    data = export(solid, "3mf")
    # 4 decimals: within 5e-5 mm of the original.
    assert_same_solid(load(data, "3mf"), solid, atol_mm=6e-5)


def test_3mf_coordinates_are_millimetres_with_4_decimals(solid):
    root = model_xml(export(solid, "3mf"))
    vertices = root.findall(f"{CORE}resources/{CORE}object/{CORE}mesh/{CORE}vertices/{CORE}vertex")
    assert len(vertices) == len(solid.vertices)
    xyz = np.array([[float(v.get(axis)) for axis in "xyz"] for v in vertices])
    np.testing.assert_allclose(xyz, solid.vertices, rtol=0, atol=5.0001e-5)
    assert all(len(v.get("x").rpartition(".")[2]) == 4 for v in vertices)
    mesh = f"{CORE}resources/{CORE}object/{CORE}mesh"
    triangles = root.findall(f"{mesh}/{CORE}triangles/{CORE}triangle")
    faces = np.array([[int(t.get(k)) for k in ("v1", "v2", "v3")] for t in triangles])
    np.testing.assert_array_equal(faces, solid.faces)


# --- the 3MF package and its XML ---------------------------------------------------------------


def test_3mf_package_parts_and_relationship():
    box = trimesh.creation.box()
    with zipfile.ZipFile(io.BytesIO(export(box, "3mf"))) as archive:
        assert archive.namelist() == ["[Content_Types].xml", "_rels/.rels", MODEL_PATH]
        assert archive.testzip() is None
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_DEFLATED
        types = ET.fromstring(archive.read("[Content_Types].xml"))
        rels = ET.fromstring(archive.read("_rels/.rels"))
    ct = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.findall(f"{ct}Default")}
    assert defaults["model"] == "application/vnd.ms-package.3dmanufacturing-3dmodel+xml"
    assert defaults["rels"] == "application/vnd.openxmlformats-package.relationships+xml"
    rel_ns = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    (rel,) = rels.findall(f"{rel_ns}Relationship")
    assert rel.get("Target") == "/" + MODEL_PATH
    assert rel.get("Type") == "http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"


def test_3mf_model_unit_object_and_build():
    box = trimesh.creation.box()
    root = model_xml(export(box, "3mf", name=MARKUP_NAME))
    assert root.tag == f"{CORE}model"
    assert root.get("unit") == "millimeter"
    (obj,) = root.findall(f"{CORE}resources/{CORE}object")
    assert obj.get("type") == "model"
    assert obj.get("name") == MARKUP_NAME
    (item,) = root.findall(f"{CORE}build/{CORE}item")
    assert item.get("objectid") == obj.get("id")
    assert item.get("transform") is None


def test_3mf_metadata_round_trips_exactly():
    box = trimesh.creation.box()
    data = export(box, "3mf")
    root = model_xml(data)
    found = {m.get("name"): m.text or "" for m in root.findall(f"{CORE}metadata")}
    assert found == METADATA
    # The custom names' prefix is declared on <model> with orthofit's namespace (3MF core
    # spec §3.4.1); ElementTree drops declarations, so read them as parse events.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        declared = dict(ns for _, ns in ET.iterparse(io.BytesIO(archive.read(MODEL_PATH)), events=("start-ns",)))
    assert declared["orthofit"] == ORTHOFIT_NAMESPACE


def test_3mf_accepts_every_well_known_metadata_name():
    box = trimesh.creation.box()
    metadata = {name: f"value of {name}" for name in WELL_KNOWN_METADATA}
    root = model_xml(export(box, "3mf", metadata=metadata))
    assert {m.get("name"): m.text for m in root.findall(f"{CORE}metadata")} == metadata
    assert not model_xml(export(box, "3mf", metadata={})).findall(f"{CORE}metadata")


_XML_CHARS = st.characters(codec="utf-8", exclude_characters="\ufffe\uffff").filter(
    lambda c: c in "\t\n\r" or ord(c) >= 0x20
)


@pytest.mark.slow  # 60 hypothesis examples
@settings(max_examples=60, deadline=None)
@given(
    name=st.text(_XML_CHARS, max_size=40),
    value=st.text(_XML_CHARS, max_size=80),
    title=st.text(_XML_CHARS, max_size=20),
)
def test_3mf_any_xml_text_round_trips(name, value, title):
    box = trimesh.creation.box()
    root = model_xml(
        threemf_bytes(
            box.vertices,
            box.faces,
            name,
            {"orthofit:note": value, "Title": title},
        )
    )
    assert root.find(f"{CORE}resources/{CORE}object").get("name") == name
    assert {m.get("name"): m.text or "" for m in root.findall(f"{CORE}metadata")} == {
        "orthofit:note": value,
        "Title": title,
    }


# --- determinism ------------------------------------------------------------------------------


@pytest.mark.parametrize("file_type", ["stl", "3mf"])
def test_export_is_byte_identical(solid, file_type):
    first = export(solid, file_type)
    second = export(solid.copy(), file_type, metadata=dict(reversed(METADATA.items())))
    assert first == second
    moved = solid.copy().apply_translation((0.001, 0.0, 0.0))
    assert export(moved, file_type) != first


@pytest.mark.parametrize("file_type", ["stl", "3mf"])
def test_export_does_not_depend_on_array_dtype_or_layout(file_type):
    box = _box_fractional()
    base = export(box, file_type)
    vertices = np.asfortranarray(box.vertices)
    faces = np.asfortranarray(box.faces.astype(np.int32))
    if file_type == "stl":
        assert stl_bytes(vertices, faces, "test solid") == base
    else:
        assert threemf_bytes(vertices.tolist(), faces, "test solid", METADATA) == base


def test_export_is_byte_identical_across_processes():
    """Another interpreter (another hash seed) writes the same bytes: nothing depends on it."""
    code = textwrap.dedent(
        """
        import hashlib, sys
        import numpy as np
        from orthofit.export.files import stl_bytes, threemf_bytes
        v = np.array([[0, 0, 0], [10.5, 0, 0], [0, 20.25, 0], [0, 0, 5.125]])
        f = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])
        meta = {"Title": "Zoë", "orthofit:b": "2", "orthofit:a": "1", "Designer": "x"}
        sys.stdout.write(hashlib.sha256(stl_bytes(v, f, "t")).hexdigest() + " ")
        sys.stdout.write(hashlib.sha256(threemf_bytes(v, f, "t", meta)).hexdigest())
        """
    )
    digests = set()
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        )
        assert result.returncode == 0, result.stderr
        digests.add(result.stdout)
    assert len(digests) == 1, digests


# --- a large mesh ------------------------------------------------------------------------------


@pytest.mark.slow  # 1.5 s (STL) and 3.6 s (3MF): trimesh reloading 328k faces
@pytest.mark.parametrize("file_type", ["stl", "3mf"])
def test_large_mesh_exports_and_reloads(big_solid, file_type):
    data = export(big_solid, file_type)
    loaded = load(data, file_type)
    assert len(loaded.faces) == len(big_solid.faces)
    assert loaded.is_watertight
    assert loaded.volume == pytest.approx(big_solid.volume, rel=1e-3)


# --- bad input is a programming error: ValueError ----------------------------------------------

_TETRA_V = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
_TETRA_F = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])


def test_a_tetrahedron_is_valid_input():
    assert load(stl_bytes(_TETRA_V, _TETRA_F, "t"), "stl").volume == pytest.approx(1 / 6)
    assert load(threemf_bytes(_TETRA_V, _TETRA_F, "t", {}), "3mf").volume == pytest.approx(1 / 6)


def _with(array, index, value):
    array = array.copy()
    array[index] = value
    return array


BAD_MESHES = {
    "nan vertex": (_with(_TETRA_V, (1, 2), np.nan), _TETRA_F),
    "infinite vertex": (_with(_TETRA_V, (0, 0), np.inf), _TETRA_F),
    "vertices (n, 2)": (_TETRA_V[:, :2], _TETRA_F),
    "vertices flat": (_TETRA_V.ravel(), _TETRA_F),
    "vertices text": (_TETRA_V.astype(str), _TETRA_F),
    "vertices bool": (_TETRA_V.astype(bool), _TETRA_F),
    "faces float": (_TETRA_V, _TETRA_F.astype(float)),
    "faces (m, 4)": (_TETRA_V, np.hstack([_TETRA_F, _TETRA_F[:, :1]])),
    "3 faces": (_TETRA_V, _TETRA_F[:3]),
    "no faces": (_TETRA_V, np.zeros((0, 3), dtype=int)),
    "index too large": (_TETRA_V, _with(_TETRA_F, (3, 2), 4)),
    "negative index": (_TETRA_V, _with(_TETRA_F, (0, 0), -1)),
    "repeated index": (_TETRA_V, _with(_TETRA_F, (2, 2), 0)),
}


@pytest.mark.parametrize("case", sorted(BAD_MESHES))
@pytest.mark.parametrize("file_type", ["stl", "3mf"])
def test_bad_mesh_is_a_value_error(case, file_type):
    vertices, faces = BAD_MESHES[case]
    with pytest.raises(ValueError):
        if file_type == "stl":
            stl_bytes(vertices, faces, "t")
        else:
            threemf_bytes(vertices, faces, "t", {})


@pytest.mark.parametrize(
    "name",
    [
        "prescription",
        "vendor:prescription",
        "orthofit:",
        "orthofit:1st",
        "orthofit:a b",
        "orthofit:a:b",
        "title",
        "Title ",
    ],
)
def test_unknown_or_unprefixed_metadata_name_is_a_value_error(name):
    with pytest.raises(ValueError, match="metadata name"):
        threemf_bytes(_TETRA_V, _TETRA_F, "t", {name: "x"})


@pytest.mark.parametrize("text", ["bell\x07", "nul\x00", "\ufffe"])
def test_text_xml_cannot_carry_is_a_value_error(text):
    with pytest.raises(ValueError, match="XML cannot carry"):
        threemf_bytes(_TETRA_V, _TETRA_F, text, {})
    with pytest.raises(ValueError, match="XML cannot carry"):
        threemf_bytes(_TETRA_V, _TETRA_F, "t", {"Title": text})


def test_non_text_name_or_metadata_is_a_value_error():
    with pytest.raises(ValueError):
        stl_bytes(_TETRA_V, _TETRA_F, b"bytes")
    with pytest.raises(ValueError):
        threemf_bytes(_TETRA_V, _TETRA_F, None, {})
    with pytest.raises(ValueError):
        threemf_bytes(_TETRA_V, _TETRA_F, "t", {"Title": 3})
    with pytest.raises(ValueError):
        threemf_bytes(_TETRA_V, _TETRA_F, "t", [("Title", "x")])


# --- PrusaSlicer -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.slicer
@pytest.mark.parametrize("file_type", ["stl", "3mf"])
def test_prusaslicer_slices_the_export(tmp_path, file_type):
    box = trimesh.creation.box(extents=(200.0, 80.0, 6.0))
    box.apply_translation(-box.bounds[0])  # z >= 0, on the bed
    path = tmp_path / f"box.{file_type}"
    path.write_bytes(export(box, file_type, name=MARKUP_NAME))

    info = model_info(path)  # what PrusaSlicer read, in mm (it applies the 3MF unit)
    assert [float(info[k]) for k in ("size_x", "size_y", "size_z")] == pytest.approx([200, 80, 6])
    assert float(info["volume"]) == pytest.approx(200 * 80 * 6, rel=1e-6)
    assert info["manifold"] == "yes"

    gcode = slice_file(path, tmp_path).read_text()
    assert extrusion_moves(gcode) > 100
    assert 5.5 <= top_layer_z(gcode) <= 6.5


def test_a_mesh_in_parts_is_written_as_the_stacked_mesh_and_the_memo_changes_nothing():
    """A part and its modifiers are written piece by piece (each piece's XML kept for the next
    file of the case): the text equals that of the stacked arrays, a repeated piece gives the
    same text as a fresh one, and a changed coordinate is not served from the memo."""
    from orthofit.export import files

    rng = np.random.default_rng(7)
    v1, f1 = rng.normal(size=(50, 3)) * 40, rng.integers(0, 50, size=(80, 3))
    v2, f2 = rng.normal(size=(20, 3)), rng.integers(0, 20, size=(30, 3))
    files._XML_MEMO.clear()
    stacked = files._mesh_xml(np.vstack([v1, v2]), np.vstack([f1, f2 + 50]))
    files._XML_MEMO.clear()
    assert files._mesh_xml([v1, v2], [f1, f2 + 50]) == stacked
    assert files._mesh_xml([v1, v2], [f1, f2 + 50]) == stacked  # from the memo
    moved = v1.copy()
    moved[3, 1] += 0.001
    assert files._mesh_xml(moved, f1) != files._mesh_xml(v1, f1)
    assert 'y="%.4f"' % (np.round(moved[3, 1], 4) + 0.0) in files._mesh_xml(moved, f1)
    # the memo holds at most _XML_MEMO_CHARS characters
    files._XML_MEMO_CHARS, old = 10_000, files._XML_MEMO_CHARS
    try:
        for k in range(20):
            files._mesh_xml(v1 + k, f1)
        assert sum(map(len, files._XML_MEMO.values())) <= 10_000
    finally:
        files._XML_MEMO_CHARS = old
        files._XML_MEMO.clear()
