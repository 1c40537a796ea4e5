"""Issue 16: the graded lattice insole (``--set construction=lattice``) of every example: a
valid solid in one piece with no closed pore (powder escapes), the zone densities measured
back from the mesh, and the files a powder-bed printer or a slicer takes."""

from __future__ import annotations

import io

import numpy as np
import pytest
import trimesh
from shapely import affinity

from helpers.lattice import fill_fraction, ideal_fill, manifold, zone_box
from helpers.repo import EXAMPLES, example_profile
from helpers.steps import assess_case, settings
from orthofit.io.case_file import load_case
from orthofit.model.enums import Side
from orthofit.pipeline.insoles import make_insoles

EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.toml") if p.stem != "red-flag")


def lattice_output(name: str):
    case = load_case(EXAMPLES / f"{name}.toml")
    side = Side.RIGHT if case.foot(Side.RIGHT).foot_length_mm else Side.LEFT
    s = settings(example_profile(name), overrides={"construction": "lattice"})
    return make_insoles(assess_case(case), s, [side])[0]


@pytest.mark.slow  # a lattice per example, 3-9 s each
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_examples_lattice_is_one_valid_solid_with_its_zone_densities(name):
    out = lattice_output(name)
    lat = out.lattice
    assert lat is not None and out.prescription.params.construction.value == "lattice"
    v, f = lat.solid.vertices, lat.solid.faces
    mesh = trimesh.Trimesh(v, f, process=False)
    assert mesh.is_watertight and mesh.is_winding_consistent and mesh.volume > 0
    # one surface: no loose piece, and no closed pore (its wall would be a second surface)
    assert len(trimesh.graph.connected_components(mesh.face_adjacency, nodes=np.arange(len(f)))) == 1
    # the files hold the lattice: the STL and the plain 3MF, no slicer project
    stl = trimesh.load(io.BytesIO(out.files[next(n for n in out.files if n.endswith(".stl"))]), file_type="stl")
    assert stl.volume == pytest.approx(mesh.volume, rel=1e-4)
    assert sorted(n.rsplit("-", 1)[1] for n in out.files) == [
        f"{out.prescription.side.value}.3mf",
        f"{out.prescription.side.value}.stl",
    ]
    # each zone's density measured back from the mesh, in a box of whole cells in its core
    body = manifold(v, f)
    envelope = out.insole.print_pose().vertices
    n = len(envelope) // 2
    outline = out.insole.outline
    if out.insole.side is Side.LEFT:
        outline = affinity.scale(outline, 1.0, -1.0, origin=(0, 0))
    rings = [z.vertices[: (len(z.vertices) - 2) // 2, :2] for z in out.zones]
    measured = {}
    for i, (zone, made) in enumerate(zip(out.zones, lat.zones, strict=True)):
        if "transition" in zone.name:
            continue
        box = zone_box(
            rings[i], rings[i + 1 :], outline, envelope[:n, :2], envelope[:n, 2], envelope[n:, 2], lat.spec, zone.name
        )
        if box is None:
            # no core a cell wide and 1 mm high: a zone too thin for a lattice (the report says
            # it is mostly skin), or one that later zones cover (an offload disc in the heel)
            continue
        got = fill_fraction(body, box.lo, box.hi)
        target = ideal_fill(made.density, lat.spec.cell_mm, box.lo, box.hi)
        if box.quarter_cells:  # whole cells across, quarter cells high: the designed density itself
            assert target == pytest.approx(made.density, abs=0.004)
        measured[zone.name] = (made.density, got)
        assert got == pytest.approx(target, rel=0.05), (zone.name, got, target)
    print(name, {k: (round(a, 3), round(b, 3)) for k, (a, b) in measured.items()})
    # a flat comfort insole (the child's, made on request) is too thin under the arch for a core
    flat = out.prescription.params.arch_height_mm == 0
    assert ("arch" in measured or flat) and len(measured) >= (1 if flat else 2), measured


@pytest.mark.slow
@pytest.mark.slicer
def test_a_lattice_insole_slices_in_prusaslicer_solid(tmp_path):
    """Any slicer prints the lattice as it stands at 100 % infill: PrusaSlicer slices the STL
    with the TPU profile, solid (rectilinear: PrusaSlicer refuses a gyroid at 100 %), into
    G-code that extrudes about the lattice's volume."""
    from helpers.repo import ROOT
    from helpers.slicer import slice_file

    out = lattice_output("normal-adult")
    stl = tmp_path / "lattice.stl"
    stl.write_bytes(out.files["EX-NORMAL-right.stl"])
    ini = tmp_path / "solid.ini"
    profile = (ROOT / "profiles" / "print" / "tpu-95a-insole.ini").read_text()
    solid = (
        profile.replace("fill_density = 10%", "fill_density = 100%")
        .replace("fill_pattern = gyroid", "fill_pattern = rectilinear")
        .replace("support_material = 1", "support_material = 0")
    )
    assert solid.count("fill_density = 100%") == 1 and solid.count("support_material = 0") == 1
    ini.write_text(solid)
    gcode = slice_file(stl, tmp_path, load=ini).read_text()
    line = next(x for x in gcode.splitlines() if x.startswith("; filament used [cm3]"))
    cm3 = float(line.split("=")[1])
    volume = trimesh.Trimesh(out.lattice.solid.vertices, out.lattice.solid.faces, process=False).volume / 1000
    print("sliced", cm3, "cm3 against the mesh's", round(volume, 1))
    assert cm3 == pytest.approx(volume, rel=0.15)
