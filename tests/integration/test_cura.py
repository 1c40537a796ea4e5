"""The Cura project (issue 16): ``<id>-<side>.cura.3mf`` holds the insole and its stiffness
zones as Cura infill meshes. Checked with Cura's own tools, headless (helpers/cura.py): its
3MF parser (libSavitar) reads one group whose zone objects carry the settings Cura applies,
and CuraEngine, given the project's meshes with their settings, prints each zone at its
density with no wall at a zone's border. Both tools are required: without them these tests
fail with how to install them, they never skip."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.cura import cura_slice, project_meshes, savitar_scene
from helpers.repo import EXAMPLES
from helpers.slicer import extrusions
from helpers.steps import assess_case, settings
from orthofit.config.print_profile import INSOLE_PRINT_PROFILE, cura_settings, print_profile
from orthofit.geometry.zones import ARCH_END, HEEL_END
from orthofit.io.case_file import load_case
from orthofit.model.enums import Side
from orthofit.pipeline.insoles import make_insoles

pytestmark = [pytest.mark.slow, pytest.mark.slicer]

OVERRIDES = {"infill_heel_pct": 10.0, "infill_arch_pct": 45.0, "infill_forefoot_pct": 20.0, "zone_transition_mm": 9.0}


@pytest.fixture(scope="module")
def cura_project(tmp_path_factory):
    d = tmp_path_factory.mktemp("cura")
    case = load_case(EXAMPLES / "flat-pronated-adult.toml")
    s = settings("neutral", overrides=OVERRIDES, slicer="cura")
    out = make_insoles(assess_case(case), s, [Side.RIGHT])[0]
    assert sorted(out.files) == ["EX-FLAT-right.3mf", "EX-FLAT-right.cura.3mf", "EX-FLAT-right.stl"]
    path = d / "EX-FLAT-right.cura.3mf"
    path.write_bytes(out.files[path.name])
    return out, path, d


def test_curas_3mf_parser_reads_one_group_of_the_insole_and_its_infill_meshes(cura_project):
    out, path, _ = cura_project
    scene = savitar_scene(path)
    assert scene["unit"] == "millimeter"
    ((group,),) = [scene["nodes"]]
    assert group["name"] == "EX-FLAT-right" and group["vertices"] == 0 and group["settings"] == {}
    insole, *zones = group["children"]
    assert insole["name"] == "EX-FLAT-right" and insole["vertices"] > 1000
    # the insole's own walls, skins and infill outside the zones: the printer family's data
    assert insole["settings"] == cura_settings(print_profile(INSOLE_PRINT_PROFILE))
    assert insole["settings"]["wall_line_count"] == "2" and insole["settings"]["infill_sparse_density"] == "10"
    assert [z["name"] for z in zones] == [z.name for z in out.zones]
    for order, (read, zone) in enumerate(zip(zones, out.zones, strict=True), start=1):
        assert read["settings"] == {
            "infill_mesh": "True",
            "infill_mesh_order": str(order),
            "infill_sparse_density": f"{zone.density_pct:g}",
            "infill_pattern": "gyroid",
            "wall_line_count": "0",
            "top_layers": "0",
            "bottom_layers": "0",
        }
    # every zone lies within the insole's box grown by 1 mm (Cura sizes a group by all its meshes)
    meshes = project_meshes(path)
    lo, hi = meshes[0][1].min(axis=0), meshes[0][1].max(axis=0)
    for _, v, _, _ in meshes[1:]:
        assert (v.min(axis=0) >= lo - [1.0001, 1.0001, 0.0001]).all() and (v.max(axis=0) <= hi + 1.0001).all()


def test_curaengine_prints_the_zones_at_their_densities_without_border_walls(cura_project):
    out, path, d = cura_project
    meshes = project_meshes(path)
    plain_dir, zoned_dir = d / "plain", d / "zoned"
    plain_dir.mkdir(exist_ok=True)
    zoned_dir.mkdir(exist_ok=True)
    plain_g = extrusions(cura_slice(meshes[:1], plain_dir).read_text())
    zoned_g = extrusions(cura_slice(meshes, zoned_dir).read_text())
    fl = out.insole.foot.foot_length_mm
    x0 = plain_g["x"][plain_g["type"] == "WALL-OUTER"].min()  # the insole's heel on the bed

    def infill(g, a, b):
        m = (g["type"] == "FILL") & (g["x"] >= x0 + a) & (g["x"] < x0 + b)
        return g["e"][m].sum()

    w = 9.0
    cores = {
        "heel": (15.0, HEEL_END * fl - w),
        "arch": (HEEL_END * fl + w, ARCH_END * fl - w),
        "forefoot": (ARCH_END * fl + w, fl - 30.0),
    }
    ratio = {k: infill(zoned_g, *ab) / infill(plain_g, *ab) for k, ab in cores.items()}
    print("zoned / plain infill:", {k: round(v, 2) for k, v in ratio.items()})
    # against the plain 10 %: heel 10 % (unchanged), arch 45 %, forefoot 20 %
    assert ratio["heel"] == pytest.approx(1.0, rel=0.3), ratio
    assert ratio["arch"] / ratio["heel"] == pytest.approx(4.5, rel=0.3), ratio
    assert ratio["arch"] / ratio["forefoot"] == pytest.approx(2.25, rel=0.3), ratio
    # no walls along the zone borders: near each border the zoned print lays no more wall
    # than the plain one
    yc = np.median(plain_g["y"])
    for border in (HEEL_END * fl, ARCH_END * fl):

        def walls(g, border=border):
            m = (
                np.isin(g["type"], ["WALL-INNER", "WALL-OUTER"])
                & (np.abs(g["x"] - (x0 + border)) < 3.0)
                & (np.abs(g["y"] - yc) < 25.0)
            )
            return g["e"][m].sum()

        assert walls(zoned_g) <= 1.05 * walls(plain_g) + 0.5, border
