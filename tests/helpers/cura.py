"""Cura's own tools, headless, for tests that check a Cura project (``<id>-<side>.cura.3mf``).

- **libSavitar** (Debian ``python3-savitar``), the 3MF parser Cura's 3MF reader calls: run in
  the system's ``python3`` (the Debian module is built for it), it says which objects and
  per-object settings Cura would see.
- **CuraEngine** (Debian ``cura-engine``), Cura's slicer, with Cura's printer definitions
  (``fdmprinter.def.json``; from Debian's ``cura`` package, which ``.ci/run`` unpacks without
  installing it, or ``ORTHOFIT_CURA_DEFINITIONS``): slices the project's meshes with the
  project's own per-object settings.

Both are required, not optional: a missing one fails with how to install it, never skips.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np

from orthofit.config.print_profile import INSOLE_PRINT_PROFILE, cura_settings, print_profile
from orthofit.export.files import stl_bytes

_NS = {"m": "http://schemas.microsoft.com/3dmanufacturing/core/2015/02"}
_TIMEOUT_S = 600
DEFINITION_DIRS = (
    os.environ.get("ORTHOFIT_CURA_DEFINITIONS", ""),
    "/usr/share/cura/resources/definitions",
    "/tmp/orthofit-cura/usr/share/cura/resources/definitions",
)
_SAVITAR_SCRIPT = """
import json, sys, zipfile
import Savitar
scene = Savitar.ThreeMFParser().parse(zipfile.ZipFile(sys.argv[1]).read("3D/3dmodel.model"))
def node(n):
    return {"name": n.getName(), "settings": {k: v.value for k, v in n.getSettings().items()},
            "vertices": len(n.getMeshData().getVerticesAsBytes()) // 12,
            "children": [node(c) for c in n.getChildren()]}
print(json.dumps({"unit": scene.getUnit(), "nodes": [node(n) for n in scene.getSceneNodes()]}))
"""


def savitar_scene(path: Path) -> dict:
    """What Cura's 3MF parser (libSavitar) reads from ``path``: ``{"unit", "nodes": [{"name",
    "settings", "vertices", "children"}]}``."""
    python = shutil.which("python3", path="/usr/bin:/bin")
    assert python, "the system python3 is missing"
    r = subprocess.run([python, "-c", _SAVITAR_SCRIPT, str(path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, (
        "libSavitar could not read the file, or is missing (Debian: `apt-get install -y python3-savitar`; "
        f".ci/run does this in CI):\n{r.stderr[-2000:]}"
    )
    return json.loads(r.stdout)


def project_meshes(path: Path) -> list[tuple[str, np.ndarray, np.ndarray, dict[str, str]]]:
    """Every mesh object of a 3MF: (name, vertices (n, 3) mm, triangles (m, 3), its ``cura:``
    settings without the prefix), read with a plain XML parser."""
    root = ET.fromstring(zipfile.ZipFile(path).read("3D/3dmodel.model"))
    out = []
    for obj in root.iterfind("m:resources/m:object", _NS):
        mesh = obj.find("m:mesh", _NS)
        if mesh is None:
            continue
        v = np.array([[float(x.get(k)) for k in "xyz"] for x in mesh.iterfind("m:vertices/m:vertex", _NS)])
        f = np.array(
            [[int(t.get(k)) for k in ("v1", "v2", "v3")] for t in mesh.iterfind("m:triangles/m:triangle", _NS)]
        )
        settings = {
            m.get("name").removeprefix("cura:"): (m.text or "")
            for m in obj.iterfind("m:metadatagroup/m:metadata", _NS)
            if m.get("name", "").startswith("cura:")
        }
        out.append((obj.get("name"), v, f, settings))
    return out


def cura_engine() -> str:
    path = shutil.which("CuraEngine")
    assert path, "CuraEngine is not on PATH: install it (Debian: `apt-get install -y cura-engine`; .ci/run does this)"
    return path


def definitions() -> Path:
    for d in DEFINITION_DIRS:
        if d and (Path(d) / "fdmprinter.def.json").is_file():
            return Path(d)
    raise AssertionError(
        "Cura's printer definitions (fdmprinter.def.json) were not found: unpack Debian's cura package "
        "(`apt-get download cura && dpkg-deb -x cura_*.deb /tmp/orthofit-cura`; .ci/run does this) "
        "or set ORTHOFIT_CURA_DEFINITIONS"
    )


def global_settings(profile_name: str = INSOLE_PRINT_PROFILE) -> dict[str, str]:
    """The printer and print for the test slices, from the printer family's data (what Cura
    keeps in its own machine profile: bed, layer heights) and the settings the project puts on
    the insole's own mesh (walls, skins, the infill outside the zones)."""
    p = print_profile(profile_name)
    return {
        "machine_width": f"{p.bed_mm[0]:g}",
        "machine_depth": f"{p.bed_mm[1]:g}",
        "machine_height": f"{p.max_height_mm:g}",
        "machine_nozzle_size": f"{p.nozzle_mm:g}",
        "layer_height": f"{p.layer_height_mm:g}",
        "layer_height_0": f"{p.first_layer_height_mm:g}",
        **cura_settings(p),
        "adhesion_type": "none",
        "support_enable": "false",
        # Cura thickens the infill under a skin's edge (4 layers by default); an infill mesh's
        # own infill, with no skin of its own, is not thickened, so with it on a thin
        # forefoot's few infill layers would measure the skin's support, not the zones' densities.
        "skin_edge_support_layers": "0",
    }


GLOBAL_SETTINGS = global_settings()


def engine_settings(settings: dict[str, str]) -> dict[str, str]:
    """``settings`` as Cura's front end hands them to CuraEngine: the front end evaluates the
    definitions' formulas, the engine reads only values. The one formula these settings need:
    ``infill_line_distance`` from ``infill_sparse_density`` (fdmprinter.def.json: line width
    x 100 / density, times 1 for gyroid). Booleans in the engine's spelling."""
    out = {k: (v.lower() if v in ("True", "False") else v) for k, v in settings.items()}
    if "infill_sparse_density" in out:
        assert out.get("infill_pattern", "gyroid") == "gyroid", "only the gyroid's line distance is derived here"
        density = float(out["infill_sparse_density"])
        out["infill_line_distance"] = "0" if density == 0 else f"{0.4 * 100 / density:.6g}"
    return out


def cura_slice(
    meshes: list[tuple[str, np.ndarray, np.ndarray, dict[str, str]]], out_dir: Path, offset=(20.0, 150.0)
) -> Path:
    """Slice ``meshes`` (as :func:`project_meshes` gives them) with CuraEngine, each with its
    own settings (``infill_mesh`` ...), all moved by ``offset`` (mm) onto the bed; returns
    the G-code (Marlin flavour, absolute E, ``;TYPE:`` comments)."""
    defs = definitions()
    args = [cura_engine(), "slice", "-j", str(defs / "fdmprinter.def.json")]
    given = [f"{k}={v}" for k, v in engine_settings(GLOBAL_SETTINGS).items()]
    for item in given:
        args += ["-s", item]
    args += ["-e0", "-s", "material_diameter=1.75", "-s", "machine_nozzle_size=0.4"]
    for item in given:
        args += ["-s", item]
    for i, (name, v, f, settings) in enumerate(meshes):
        stl = out_dir / f"cura-mesh-{i:02d}.stl"
        stl.write_bytes(stl_bytes(v, f, name))
        args += ["-l", str(stl), "-s", f"mesh_position_x={offset[0]}", "-s", f"mesh_position_y={offset[1]}"]
        # each mesh carries the print settings itself, its own over them: CuraEngine's command
        # line lets a mesh fall back on the definitions' defaults, not on the global -s values
        for k, value in engine_settings({**GLOBAL_SETTINGS, **settings}).items():
            args += ["-s", f"{k}={value}"]
    gcode = out_dir / "cura.gcode"
    r = subprocess.run(
        [*args, "-o", str(gcode)],
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_S,
        cwd=defs,
        stdin=subprocess.DEVNULL,
    )
    assert r.returncode == 0 and gcode.is_file(), f"CuraEngine failed ({r.returncode}):\n{r.stderr[-3000:]}"
    return gcode
