"""Stiffness zones in the 3MF: closed modifier volumes PrusaSlicer reads as per-region infill,
graded borders, and G-code that really prints the zones at their densities with no walls
along their borders."""

from __future__ import annotations

import json
import re
import zipfile

import numpy as np
import pytest

from orthofit.assess.assessment import assess
from orthofit.io.case_file import load_case
from orthofit.model.enums import Side
from orthofit.export.files import SLICER_CONFIG_PATH
from orthofit.pipeline.insoles import make_insoles
from orthofit.model.meshcheck import check_edges, triangle_checks
from orthofit.geometry.outline import FootDimensions
from orthofit.config.params import InsoleParams
from orthofit.config.profiles import load_profile
from orthofit.geometry.zones import ARCH_END, HEEL_END, TRANSITION_STEPS, insole_zones

from conftest import EXAMPLES
from slicer import extrusions, model_info, slice_file

FOOT = FootDimensions.from_measurements(262, 98, 66, 190)


def test_zones_are_closed_prisms_with_graded_borders():
    p = InsoleParams(infill_heel_pct=10, infill_arch_pct=40, infill_forefoot_pct=25, met_pad_height_mm=4,
                     heel_spur_relief_mm=2, zone_transition_mm=12)
    zones = insole_zones(FOOT, p, (0.0, 277.0), 25.0)
    for z in zones:
        e = check_edges(z.faces, len(z.vertices))
        assert e.watertight and e.consistent and triangle_checks(z.vertices, z.faces)[1] > 0, z.name
    by = {z.name: z.density_pct for z in zones}
    assert by["heel"] == 10 and by["arch"] == 40 and by["forefoot"] == 25
    steps = [by[f"heel-arch transition {k}"] for k in range(1, TRANSITION_STEPS + 1)]
    assert steps == sorted(steps) and 10 < steps[0] and steps[-1] < 40          # monotone, strictly between
    assert by["metatarsal heads 2-4 offload"] == 10 and by["heel-spur offload"] == 10
    # the slab bands tile the length with no gap
    slabs = [z for z in zones if "offload" not in z.name]
    spans = sorted((z.vertices[:, 0].min(), z.vertices[:, 0].max()) for z in slabs)
    assert all(abs(a[1] - b[0]) < 1e-9 for a, b in zip(spans, spans[1:]))
    # offload discs: outer rings first, the core last (a later modifier wins)
    met = [z for z in zones if z.name.startswith("metatarsal")]
    radii = [np.ptp(z.vertices[:, 0]) for z in met]
    assert radii == sorted(radii, reverse=True) and met[-1].name == "metatarsal heads 2-4 offload"


def test_abrupt_border_when_transition_is_zero():
    zones = insole_zones(FOOT, InsoleParams(zone_transition_mm=0), (0.0, 277.0), 25.0)
    assert [z.name for z in zones] == ["heel", "arch", "forefoot"]


@pytest.fixture(scope="module")
def zoned(tmp_path_factory):
    d = tmp_path_factory.mktemp("zoned")
    case = load_case(EXAMPLES / "flat-pronated-adult.toml")
    overrides = {"infill_heel_pct": 10.0, "infill_arch_pct": 45.0, "infill_forefoot_pct": 20.0,
                 "zone_transition_mm": 9.0}
    out = make_insoles(assess(case), load_profile("neutral"), [Side.RIGHT], overrides)[0]
    paths = {}
    for name, data in out.files.items():
        paths[name[-3:]] = d / name
        (d / name).write_bytes(data)
    return out, paths, d


def test_3mf_carries_prusaslicer_volumes(zoned):
    out, paths, _ = zoned
    with zipfile.ZipFile(paths["3mf"]) as z:
        config = z.read(SLICER_CONFIG_PATH).decode()
        meta = re.search(r'name="orthofit:zones">(.*?)</metadata>', z.read("3D/3dmodel.model").decode(), re.S)
    assert config.count('value="ParameterModifier"') == len(out.zones)
    assert config.count('value="ModelPart"') == 1
    assert all('type="object"' in line or 'type="volume"' in line for line in config.splitlines()
               if "<metadata" in line)
    import html

    listed = json.loads(html.unescape(meta.group(1)))
    assert [z["name"] for z in listed] == [z.name for z in out.zones]
    info = model_info(paths["3mf"])
    assert info["manifold"] == "yes" and info["number_of_parts"] == "1"      # modifiers are not parts
    assert float(info["volume"]) == pytest.approx(out.insole.volume_mm3, rel=1e-3)


def test_zones_print_at_their_densities_without_border_walls(zoned):
    out, paths, d = zoned
    zoned_g = extrusions(slice_file(paths["3mf"], d).read_text())
    plain_g = extrusions(slice_file(paths["stl"], d).read_text())    # PrusaSlicer's default infill
    fl = out.insole.foot.foot_length_mm
    x0 = plain_g["x"][plain_g["type"] == "External perimeter"].min()  # the insole's heel on the bed

    def infill(g, a, b):
        m = (g["type"] == "Internal infill") & (g["x"] >= x0 + a) & (g["x"] < x0 + b)
        return g["e"][m].sum()

    w = 9.0
    cores = {"heel": (15.0, HEEL_END * fl - w), "arch": (HEEL_END * fl + w, ARCH_END * fl - w),
             "forefoot": (ARCH_END * fl + w, fl - 30.0)}
    ratio = {k: infill(zoned_g, *ab) / infill(plain_g, *ab) for k, ab in cores.items()}
    # infill scales with density: arch 45 % vs heel 10 % and forefoot 20 %
    assert ratio["arch"] / ratio["heel"] == pytest.approx(4.5, rel=0.3)
    assert ratio["arch"] / ratio["forefoot"] == pytest.approx(2.25, rel=0.3)
    # No walls along the zone borders: inside the insole, within 3 mm of each border, the
    # zoned print lays no more perimeter than the plain one (whose inner perimeters outline
    # the raised features, not zones).
    yc = np.median(plain_g["y"])
    for border in (HEEL_END * fl, ARCH_END * fl):
        def walls(g):
            m = (np.isin(g["type"], ["Perimeter", "External perimeter"]) & (np.abs(g["x"] - (x0 + border)) < 3.0)
                 & (np.abs(g["y"] - yc) < 25.0))
            return g["e"][m].sum()
        assert walls(zoned_g) <= 1.05 * walls(plain_g) + 0.5, border


@pytest.mark.parametrize("profile, zone, density", [("plantar-heel-pain", "heel", 12), ("pronation-control", "arch", 40),
                                                    ("neutral", "arch", 30)])
def test_profile_sets_zone_density_and_set_overrides_it(profile, zone, density):
    case = load_case(EXAMPLES / "normal-adult.toml")
    a = assess(case)
    out = make_insoles(a, load_profile(profile), [Side.LEFT])[0]
    assert {z.name: z.density_pct for z in out.zones}[zone] == density
    out = make_insoles(a, load_profile(profile), [Side.LEFT], {f"infill_{zone}_pct": 55.0})[0]
    assert {z.name: z.density_pct for z in out.zones}[zone] == 55
    # a left insole's zones are mirrored with it: the heel-spur disc (if any) lies medial (-y)
    assert all(np.isfinite(z.vertices).all() for z in out.zones)


def test_heel_pain_profile_offloads_the_spur_on_the_medial_side_of_a_left_insole():
    a = assess(load_case(EXAMPLES / "normal-adult.toml"))
    out = make_insoles(a, load_profile("plantar-heel-pain"), [Side.LEFT])[0]
    spur = next(z for z in out.zones if z.name == "heel-spur offload")
    assert spur.density_pct == 10 and spur.vertices[:, 1].mean() < 0


def test_insole_command_prints_the_zones(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    r = subprocess.run([sys.executable, str(ROOT / "cli.py"), "insole", str(EXAMPLES / "normal-adult.toml"), "--out",
                        str(tmp_path), "--profile", "plantar-heel-pain", "--side", "left"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "3MF stiffness zones (infill): heel 12 %, arch 30 %, forefoot 20 %, heel-spur offload 10 %" in r.stdout
