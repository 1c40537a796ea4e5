"""Issue 16: the OrcaSlicer / Bambu Studio project (``<id>-<side>.orca.3mf``), read the way
their loader reads it (helpers/orca.py) and compared with a project file their family wrote."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
import trimesh

from helpers.orca import PATTERNS, REAL, load
from helpers.repo import EXAMPLES
from helpers.steps import assess_case, settings
from orthofit.config.print_profile import INSOLE_PRINT_PROFILE, orca_settings, print_profile
from orthofit.export.files import ORCA_APPLICATION, orca_project_bytes
from orthofit.io.case_file import load_case
from orthofit.model.enums import Side
from orthofit.pipeline.insoles import make_insoles


@pytest.fixture(scope="module")
def orca(tmp_path_factory):
    case = load_case(EXAMPLES / "flat-pronated-adult.toml")
    out = make_insoles(assess_case(case), settings("neutral", slicer="orca"), [Side.RIGHT])[0]
    assert sorted(out.files) == ["EX-FLAT-right.3mf", "EX-FLAT-right.orca.3mf", "EX-FLAT-right.stl"]
    path = tmp_path_factory.mktemp("orca") / "EX-FLAT-right.orca.3mf"
    path.write_bytes(out.files[path.name])
    return out, path


def test_the_loader_reads_the_insole_and_one_modifier_part_per_zone(orca):
    out, path = orca
    project = load(path)
    assert project.application == ORCA_APPLICATION
    insole, *zones = project.parts
    assert insole.subtype == "normal_part" and insole.name == "EX-FLAT-right" and insole.settings == {}
    assert [z.subtype for z in zones] == ["modifier_part"] * len(out.zones)
    # in the zones' order, so a later zone wins where they overlap (as in PrusaSlicer)
    assert [z.name for z in zones] == [z.name for z in out.zones]
    for read, zone in zip(zones, out.zones, strict=True):
        # every zone sets the same keys, so an overlap takes the later zone's settings whole
        assert read.settings == {"sparse_infill_density": f"{zone.density_pct:g}%", "sparse_infill_pattern": "gyroid"}
        assert read.settings["sparse_infill_pattern"] in PATTERNS


def test_the_insole_mesh_is_the_stl_and_stands_on_the_bed(orca):
    out, path = orca
    project = load(path)
    stl = trimesh.load(io.BytesIO(out.files["EX-FLAT-right.stl"]), file_type="stl")
    insole = trimesh.Trimesh(project.parts[0].vertices, project.parts[0].faces, process=True)
    assert insole.is_watertight and insole.volume == pytest.approx(stl.volume, rel=1e-4)
    np.testing.assert_allclose(insole.bounds, stl.bounds, atol=1e-3)
    placed = insole.bounds + project.placement
    bed = print_profile(INSOLE_PRINT_PROFILE).bed_mm
    assert placed[0, 2] == pytest.approx(0.0, abs=1e-6)
    assert (placed[0, :2] > 0).all() and (placed[1, :2] < bed).all()
    for z in project.parts[1:]:  # cut to the insole's box grown by 1 mm
        assert (z.vertices.min(axis=0) >= insole.bounds[0] - 1.0001).all()
        assert (z.vertices.max(axis=0) <= insole.bounds[1] + 1.0001).all()


def test_the_print_settings_are_the_family_data_in_the_form_the_slicer_writes(orca):
    _, path = orca
    project = load(path)
    expected = dict(orca_settings(print_profile(INSOLE_PRINT_PROFILE)))
    assert {k: v for k, v in project.project_settings.items() if k not in ("name", "from", "version")} == expected
    assert project.project_settings["name"] == "project_settings" and project.project_settings["from"] == "project"
    kinds = REAL["project_settings_kinds"]
    for key, value in project.project_settings.items():
        # each key exists in a project the slicer's family wrote, as a list or a string as there
        assert key in kinds, key
        assert isinstance(value, list) == (kinds[key] == "list"), key
    assert project.project_settings["sparse_infill_density"] == "10%"
    assert project.project_settings["filament_type"] == ["TPU"]


def test_the_root_model_has_one_application_and_the_metadata_the_slicer_knows(orca):
    _, path = orca
    with zipfile.ZipFile(path) as z:
        model = z.read("3D/3dmodel.model").decode()
        names = z.namelist()
    assert model.count('name="Application"') == 1
    assert 'requiredextensions="p"' in model and "p:path=" in model
    assert names[:3] == ["[Content_Types].xml", "_rels/.rels", "3D/3dmodel.model"]
    assert "3D/_rels/3dmodel.model.rels" in names and "3D/Objects/object_1.model" in names


def test_lib3mf_reads_the_project_as_one_object_of_the_insole_and_its_zones(orca):
    """The 3MF Consortium's reader (strict mode) follows the production extension's paths."""
    from helpers.threemf import read_with_lib3mf

    out, path = orca
    read = read_with_lib3mf(path)
    assert read.warnings == () and read.unit_is_mm and read.build_items == 1
    assert len(read.objects) == 1 + len(out.zones) and read.groups == (1 + len(out.zones),)
    assert all(manifold for *_, manifold in read.objects)


def test_a_bad_setting_is_refused_not_written():
    v = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], float)
    f = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])
    with pytest.raises(ValueError, match="at least one modifier"):
        orca_project_bytes(v, f, "x", {}, [], [], (300, 300))
    with pytest.raises(ValueError, match="string"):
        orca_project_bytes(v, f, "x", {}, [("z", v, f, {"wall_loops": 2})], [], (300, 300))  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="string"):
        orca_project_bytes(v, f, "x", {}, [("z", v, f, {})], [("layer_height", 0.2)], (300, 300))  # type: ignore[list-item]
