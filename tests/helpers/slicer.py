"""PrusaSlicer's command line, headless, for tests that check a mesh file really slices.

PrusaSlicer (Debian package ``prusa-slicer``; ``.ci/run`` installs it) is required, not
optional: without it these helpers fail with a message saying how to install it, they never
skip. The bed is 300 x 300 mm because PrusaSlicer's default 200 x 200 mm bed is too small for
a full-length insole (engineering.md §2 "Exports").
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

BED_SHAPE = "0x0,300x0,300x300,0x300"
BED_CENTRE = "150,150"
_TIMEOUT_S = 600
# A G1 move in x or y that also feeds filament: "G1 X50 Y103.375 E2.31625".
_EXTRUSION_MOVE = re.compile(r"^G1(?=[^;]*\s[XY]-?[\d.])(?=[^;]*\sE-?[\d.])", re.MULTILINE)
_LAYER_Z = re.compile(r"^;Z:([\d.]+)", re.MULTILINE)


def prusa_slicer() -> str:
    """The path of the ``prusa-slicer`` executable; fails (never skips) when it is missing."""
    path = shutil.which("prusa-slicer")
    assert path is not None, (
        "prusa-slicer is not on PATH: install it (Debian/Ubuntu: "
        "`apt-get update && apt-get install -y prusa-slicer`; .ci/run does this in CI)"
    )
    return path


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # No display: slicing from the command line must not need one, so the tests prove it.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run(
        [prusa_slicer(), *args],
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_S,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=cwd,
    )


def _failure(what: str, result: subprocess.CompletedProcess) -> str:
    return (
        f"{what} exited with status {result.returncode}\n"
        f"command: {' '.join(result.args)}\n"
        f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"
    )


def slice_file(path: Path | str, out_dir: Path | str, load: Path | str | None = None) -> Path:
    """Slice an STL or 3MF file to G-code with PrusaSlicer's default FFF settings (a 3MF's
    own project settings over them, and ``load``'s, a PrusaSlicer .ini, over both).

    Runs ``prusa-slicer --loglevel 2 --datadir OUT_DIR/prusa-slicer-datadir --export-gcode
    PATH --bed-shape 0x0,300x0,300x300,0x300 --center 150,150 --output OUT_DIR/NAME.gcode``
    with no display. The private ``--datadir`` keeps a developer's own PrusaSlicer settings
    out of the test.

    Parameters
    ----------
    path : path
        The mesh file (``.stl`` or ``.3mf``), coordinates in mm.
    out_dir : path
        An existing directory for the G-code (``tmp_path`` in a test).
    load : path, optional
        A PrusaSlicer settings file (``--load``).

    Returns
    -------
    Path
        The G-code file, ``OUT_DIR / (PATH's file name + ".gcode")``; it exists.
    """
    path = Path(path).resolve()
    out_dir = Path(out_dir).resolve()
    out = out_dir / f"{path.name}.gcode"
    loaded = ("--load", str(Path(load).resolve())) if load is not None else ()
    result = _run(
        *loaded,
        "--loglevel", "2",
        "--datadir", str(out_dir / "prusa-slicer-datadir"),
        "--export-gcode", str(path),
        "--bed-shape", BED_SHAPE,
        "--center", BED_CENTRE,
        "--output", str(out),
        cwd=out_dir,
    )  # fmt: skip
    assert result.returncode == 0, _failure("prusa-slicer --export-gcode", result)
    assert out.is_file(), _failure(f"prusa-slicer wrote no {out}", result)
    return out


def model_info(path: Path | str) -> dict[str, str]:
    """What ``prusa-slicer --info PATH`` says of a mesh file (``size_x``, ``volume``, ...).

    Sizes and volume are in mm and mm³ as PrusaSlicer read them (it applies a 3MF's unit).
    """
    path = Path(path).resolve()
    result = _run("--loglevel", "1", "--info", str(path), cwd=path.parent)
    assert result.returncode == 0, _failure("prusa-slicer --info", result)
    info = {}
    for line in result.stdout.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            info[key.strip()] = value.strip()
    assert "size_x" in info, _failure("prusa-slicer --info printed no size_x", result)
    return info


def extrusion_moves(gcode: str) -> int:
    """How many G1 moves in G-code text travel in x or y while extruding (an ``E`` word)."""
    return len(_EXTRUSION_MOVE.findall(gcode))


def top_layer_z(gcode: str) -> float:
    """The z of the last layer PrusaSlicer printed (its ``;Z:`` comments), mm."""
    layers = [float(z) for z in _LAYER_Z.findall(gcode)]
    assert layers, "the G-code has no ;Z: layer comments"
    return max(layers)


def extrusions(gcode: str) -> dict[str, object]:
    """Every extruding move of PrusaSlicer G-code: midpoint x, y (bed mm), filament length
    (mm, absolute or relative E handled) and the feature type (its ``;TYPE:`` comment,
    e.g. "Internal infill", "Perimeter"), as numpy arrays ``x``, ``y``, ``e``, ``type``."""
    import numpy as np

    word = re.compile(r"([XYE])(-?[\d.]+)")
    kind, x, y, e, relative = "", 0.0, 0.0, 0.0, False
    xs, ys, es, kinds = [], [], [], []
    for line in gcode.splitlines():
        if line.startswith(";TYPE:"):
            kind = line[6:].strip()
            continue
        code = line.split(";", 1)[0]
        if code.startswith("M83"):
            relative = True
        elif code.startswith("M82"):
            relative = False
        elif code.startswith("G92"):
            for k, v in word.findall(code):
                if k == "E":
                    e = float(v)
        elif code.startswith(("G1 ", "G0 ")):
            w = dict(word.findall(code))
            nx, ny = float(w.get("X", x)), float(w.get("Y", y))
            if "E" in w:
                de = float(w["E"]) if relative else float(w["E"]) - e
                e = e + de if relative else float(w["E"])
                if de > 0 and ("X" in w or "Y" in w):
                    xs.append((x + nx) / 2)
                    ys.append((y + ny) / 2)
                    es.append(de)
                    kinds.append(kind)
            x, y = nx, ny
    return {"x": np.array(xs), "y": np.array(ys), "e": np.array(es), "type": np.array(kinds)}
