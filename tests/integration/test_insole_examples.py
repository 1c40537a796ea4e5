"""`orthofit insole` on every example: the files, their reload as the same closed solid, the
prescription in the 3MF, and byte-identical rebuilds. (Options and bad input:
tests/unit/cli/test_cli_insole.py; slicing: tests/integration/test_prusaslicer.py.)"""

from __future__ import annotations

import json
import re
import tomllib
import zipfile

import numpy as np
import pytest
import trimesh

from helpers.cli import run_process
from helpers.repo import EXAMPLES
from helpers.threemf import read_with_lib3mf

# every example built (example_insoles, about 3 s), and one built twice in two processes
pytestmark = pytest.mark.slow


def patient_id(stem):
    return tomllib.loads((EXAMPLES / f"{stem}.toml").read_text("utf-8"))["patient"]["id"]


def test_writes_stl_and_3mf_for_both_sides(example_insoles):
    for stem, (d, stdout) in example_insoles.items():
        pid = patient_id(stem)
        names = sorted(p.name for p in d.iterdir())
        assert names == sorted(f"{pid}-{s}.{e}" for s in ("left", "right") for e in ("stl", "3mf", "prusa.3mf")), stem
        assert "Left insole" in stdout and "Right insole" in stdout
        assert "thinnest point" in stdout and "fits" in stdout


def test_the_plain_3mf_reloads_as_the_insole_alone_in_any_reader(example_insoles):
    """Issue 16: every example's plain 3MF is one object, one mesh, in millimetres, and a 3MF
    reader (trimesh's, as Cura, Bambu Studio or a printer's software read the core 3MF) sees
    exactly the STL's insole: the same volume and bounds, no zone prisms; no PrusaSlicer
    volume config in it."""
    for stem, (d, _) in example_insoles.items():
        pid = patient_id(stem)
        for side in ("left", "right"):
            stl = trimesh.load(d / f"{pid}-{side}.stl", force="mesh")
            with zipfile.ZipFile(d / f"{pid}-{side}.3mf") as z:
                names = set(z.namelist())
                model = z.read("3D/3dmodel.model").decode()
            assert names == {"[Content_Types].xml", "_rels/.rels", "3D/3dmodel.model"}, (stem, names)
            assert model.count("<object ") == 1 and model.count("<mesh>") == 1 and 'unit="millimeter"' in model
            scene = trimesh.load(d / f"{pid}-{side}.3mf")
            tmf = scene.to_mesh() if hasattr(scene, "to_mesh") else scene
            assert tmf.is_watertight and tmf.volume == pytest.approx(stl.volume, rel=1e-4), (stem, side)
            np.testing.assert_allclose(tmf.bounds, stl.bounds, atol=1e-3)
            # and the 3MF Consortium's own reader, in strict mode
            read = read_with_lib3mf(d / f"{pid}-{side}.3mf")
            assert read.warnings == () and read.unit_is_mm and read.build_items == 1
            ((name, vertices, triangles, manifold),) = read.objects
            assert name == f"{pid}-{side}" and manifold
            mesh = trimesh.Trimesh(vertices, triangles, process=False)
            assert mesh.volume == pytest.approx(stl.volume, rel=1e-4), (stem, side)
            np.testing.assert_allclose(mesh.bounds, stl.bounds, atol=1e-3)


@pytest.mark.parametrize("stem", ["flat-pronated-adult", "child", "red-flag"])
def test_stl_and_prusaslicer_project_hold_the_same_closed_solid(example_insoles, stem):
    d, _ = example_insoles[stem]
    pid = patient_id(stem)
    for side in ("left", "right"):
        stl = trimesh.load(d / f"{pid}-{side}.stl", force="mesh")
        tmf = trimesh.load(d / f"{pid}-{side}.prusa.3mf", force="mesh", process=False)
        # The project's object also holds the stiffness-zone modifiers; PrusaSlicer's config
        # names the triangle range of the printed part (the first volume).
        with zipfile.ZipFile(d / f"{pid}-{side}.prusa.3mf") as z:
            config = z.read("Metadata/Slic3r_PE_model.config").decode()
        first, last = map(int, re.search(r'<volume firstid="(\d+)" lastid="(\d+)">', config).groups())
        assert first == 0 and 'value="ModelPart"' in config.split("</volume>")[0]
        tmf = trimesh.Trimesh(tmf.vertices, tmf.faces[first : last + 1])
        tmf.remove_unreferenced_vertices()
        for m in (stl, tmf):
            assert m.is_watertight and m.is_winding_consistent and m.volume > 0
        assert tmf.volume == pytest.approx(stl.volume, rel=1e-4)


def test_3mf_carries_the_prescription(example_insoles):
    d, _ = example_insoles["flat-pronated-adult"]
    with zipfile.ZipFile(d / "EX-FLAT-right.3mf") as z:
        model = z.read("3D/3dmodel.model").decode("utf-8")
    assert 'unit="millimeter"' in model
    assert 'name="EX-FLAT-right"' in model
    import xml.etree.ElementTree as ET

    root = ET.fromstring(model)
    meta = {
        m.get("name"): m.text for m in root.iter("{http://schemas.microsoft.com/3dmanufacturing/core/2015/02}metadata")
    }
    rx = json.loads(meta["orthofit:prescription"])
    # an everyday shoe cannot hold the 20 mm cup a 6 mm skive needs: traded for a post (issue 15)
    assert rx["shoe"] == "everyday" and rx["construction"] == "full-contact"
    assert rx["medial_heel_skive_mm"] == 0.0 and rx["rearfoot_post_deg"] == 4.0
    assert any("skive" in r and "post instead" in r for r in json.loads(meta["orthofit:reasons"]))


def test_two_builds_are_byte_identical(tmp_path):
    """Two processes (each its own hash seed) write the same bytes: a subprocess each."""
    case = EXAMPLES / "asymmetric-adult.toml"
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_process("insole", case, "--out", a).code == 0
    assert run_process("insole", case, "--out", b).code == 0
    for f in a.iterdir():
        assert f.read_bytes() == (b / f.name).read_bytes(), f.name
