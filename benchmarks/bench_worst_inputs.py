"""Benchmark: the worst input orthofit accepts, of each kind, through the command line.

    python benchmarks/bench_worst_inputs.py

Every input has a size limit (``orthofit/config/limits.py``; the README's "Input limits"),
checked before any work starts. This builds, in a temporary folder, an input at (or just
under) each limit and runs the command that reads it as a fresh process, printing its wall
time and peak memory (the child's largest resident set). The aim: each finishes within
10 s and 1 GB on 2 cores. Asserts nothing.

The inputs:

* ``fit`` of a case whose two scans are binary STLs at the triangle limit (1,200,000) with open
  surfaces (the slowest kind: the holes are filled), made by subdividing the real
  dupontgu scan;
* ``fit`` of a case whose scans are an ASCII STL and an OBJ just under 60 MB;
* ``assess`` of a 1 MB case file: 12 footprint outlines of 2,000 points, 200-character
  names, a long comment;
* ``footprint`` of a 4000 x 4000 picture at 0.1 mm and of a 20 MB pressure CSV;
* ``fit`` with 1 MB profile, thresholds and template files (mostly comments);
* ``batch`` of a 10,000-row CSV whose every row is refused (the reading and checking of the
  rows; the time per fitted case is ``bench_batch.py``'s);
* ``pressure`` of the real F-Scan walk repeated up to the 25,000,000-value limit (about 590
  steps), and of the real pedar walk repeated up to the 100 MB file limit.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SCAN = ROOT.parent / "shared" / "data" / "scans" / "dupontgu_left_foot_m.stl"

from orthofit.config.limits import (  # noqa: E402
    MAX_BATCH_ROWS,
    MAX_FILE_BYTES,
    MAX_FOOTPRINT_OUTLINES,
    MAX_FOOTPRINT_POINTS,
    MAX_GRID_CELLS,
    MAX_RECORDING_VALUES,
    MAX_SCAN_TRIANGLES,
)

VENDOR = ROOT.parent / "shared" / "data" / "pressure" / "vendor"


def run(label: str, *args: str | Path) -> None:
    """Run ``orthofit ARGS`` as a fresh process; print wall time, peak memory and status."""
    cmd = [sys.executable, str(ROOT / "cli.py"), *map(str, args)]
    with tempfile.TemporaryFile() as err_file:  # a file, not a pipe: a chatty command cannot block
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err_file, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        err_file.seek(0)
        err = err_file.read().decode(errors="replace").strip().splitlines()
    code = os.waitstatus_to_exitcode(status)
    tail = f"  ({err[-1][:100]})" if code not in (0,) and err else ""
    print(f"{label:<58} {wall:6.2f} s {usage.ru_maxrss / 1024:7.0f} MB  exit {code}{tail}", flush=True)


def scan_case(folder: Path, left: Path, right: Path, units: str) -> Path:
    text = (ROOT / "examples" / "scanned-adult.toml").read_text(encoding="utf-8")
    text = text.replace('scan = "scans/dupontgu_left_foot_m.stl"', f'scan = "{left}"')
    text = text.replace('scan = "scans/dupontgu_right_foot_m.stl"', f'scan = "{right}"')
    text = text.replace('scan_units = "m"', f'scan_units = "{units}"')
    path = folder / f"scan-case-{left.suffix[1:]}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def open_scan(n_faces: int):
    """The real scan, subdivided to ``n_faces`` triangles with a patch of its faces removed
    (an open surface, as a hand-held scanner leaves it).
    """
    import trimesh

    m = trimesh.load(SCAN, process=False)
    while len(m.faces) * 4 <= n_faces:
        m = m.subdivide()
    extra = (n_faces + 40 - len(m.faces)) // 3
    m = m.subdivide(face_index=np.arange(extra))
    keep = np.ones(len(m.faces), dtype=bool)
    keep[-40:] = False  # a hole
    return trimesh.Trimesh(m.vertices, m.faces[keep], process=False)


def encoded(mesh, kind: str) -> bytes:
    data = mesh.export(file_type=kind)
    return data.encode() if isinstance(data, str) else data


def largest_under(kind: str, limit: int) -> bytes:
    """The real scan in format ``kind``, subdivided as often as the file stays under ``limit``
    bytes and within the triangle limit.
    """
    import trimesh

    mesh = trimesh.load(SCAN, process=False)
    best = encoded(mesh, kind)
    while len(mesh.faces) * 4 <= MAX_SCAN_TRIANGLES:
        mesh = mesh.subdivide()
        data = encoded(mesh, kind)
        if len(data) > limit:
            break
        best = data
    return best


def big_case(folder: Path) -> Path:
    limit = MAX_FILE_BYTES["case"]
    text = (ROOT / "examples" / "normal-adult.toml").read_text(encoding="utf-8")
    text = text.replace('name = "Maria Jensen"', 'name = "' + "Ä" * 199 + '"')
    start = text.index("footprint_mm = [")
    end = text.index("\n]\n", start) + 3
    outlines = []
    for k in range(MAX_FOOTPRINT_OUTLINES):
        if k == 0:  # the foot: an egg-shaped outline, heel at x = 0
            t = np.linspace(0, 2 * math.pi, MAX_FOOTPRINT_POINTS, endpoint=False)
            x = 95 + 95 * np.cos(t)
            y = np.where(np.cos(t) > 0, 45, 32) * np.sin(t)
        else:  # toes
            t = np.linspace(0, 2 * math.pi, MAX_FOOTPRINT_POINTS, endpoint=False)
            x = 215 + 8 * np.cos(t)
            y = -40 + 7 * (k - 1) + 3 * np.sin(t)
        outlines.append("[" + ", ".join(f"[{a:.2f}, {b:.2f}]" for a, b in zip(x, y, strict=True)) + "]")
    text = text[:start] + "footprint_mm = [\n" + ",\n".join(outlines[:5]) + "\n]\n" + text[end:]
    pad = limit - len(text.encode()) - 10
    text += "# " + "x" * max(pad, 0) + "\n"
    path = folder / "big-case.toml"
    path.write_text(text, encoding="utf-8")
    return path


def build(d: Path) -> None:
    """Write every input into ``d``."""
    from PIL import Image, ImageDraw

    open_scan(MAX_SCAN_TRIANGLES).export(d / "open.stl")
    for name, kind in (("big-ascii.stl", "stl_ascii"), ("big.obj", "obj")):
        (d / name).write_bytes(largest_under(kind, MAX_FILE_BYTES["scan"]))
    big_case(d)
    side = int(math.isqrt(MAX_GRID_CELLS))
    im = Image.new("L", (side, side), 255)
    ImageDraw.Draw(im).ellipse((side * 0.35, side * 0.1, side * 0.65, side * 0.9), fill=0)
    im.save(d / "big.png")
    n = int(math.isqrt(MAX_FILE_BYTES["footprint grid"] // 2))
    rows = []
    for i in range(n):
        r = ["0"] * n
        if 0.1 * n < i < 0.9 * n:
            r[int(0.4 * n) : int(0.6 * n)] = ["1"] * (int(0.6 * n) - int(0.4 * n))
        rows.append(",".join(r))
    (d / "grid.csv").write_text("\n".join(rows) + "\n")
    pad = "# " + "x" * (MAX_FILE_BYTES["profile"] - 200) + "\n"
    (d / "p.toml").write_text('name = "big"\ndescription = "a 1 MB profile"\n' + pad)
    (d / "th.toml").write_text("[sizing]\nhalf_size_step = 1\n" + pad)
    lines = ["id,age,left_foot_length_mm"] + [f"P{i},200,260" for i in range(MAX_BATCH_ROWS)]
    (d / "b.csv").write_text("\n".join(lines) + "\n")
    walk_recordings(d)


def walk_recordings(d: Path) -> None:
    """The F-Scan walk repeated to the value limit; the pedar walk repeated to the file limit."""
    text = (VENDOR / "fscan_testL.asf").read_text("latin-1")
    head, rest = text.split("ASCII_DATA @@", 1)
    blocks = rest.replace("@@", "").strip().split("Frame ")[1:]
    per_frame = 60 * 21
    n = MAX_RECORDING_VALUES // per_frame
    frames = [blocks[i % len(blocks)].split("\n", 1)[1].rstrip("\n") + "\n\n" for i in range(n)]
    head = head.replace("END_FRAME 205", f"END_FRAME {n}")
    body = "".join(f"Frame {i + 1}\n{f}" for i, f in enumerate(frames))
    (d / "walk.asf").write_text(head + "ASCII_DATA @@\n" + body + "@@\n", encoding="latin-1")
    lines = (VENDOR / "pedar_example.asc").read_text("latin-1").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("time[secs]"))
    data = lines[start + 1 :]
    step = float(data[1].split()[0]) - float(data[0].split()[0])
    out = lines[: start + 1]
    size = sum(len(x) + 1 for x in out)
    k = 0
    while True:
        values = data[k % len(data)].split(None, 1)[1]
        line = f"{(k + 1) * step:12.5f}\t{values}"
        if size + len(line) + 1 > MAX_FILE_BYTES["pressure recording"]:
            break
        out.append(line)
        size += len(line) + 1
        k += 1
    (d / "walk.asc").write_text("\n".join(out) + "\n", encoding="latin-1")


def measure(d: Path) -> None:
    """Run each command on the inputs in ``d`` and print its figures."""
    out = d / "out"
    mb = {p.name: p.stat().st_size / 2**20 for p in d.iterdir() if p.is_file()}
    run(
        f"fit: two {MAX_SCAN_TRIANGLES:,}-triangle open binary STLs ({mb['open.stl']:.0f} MB)",
        "fit",
        scan_case(d, d / "open.stl", d / "open.stl", "m"),
        "--out",
        out,
        "--force",
    )
    run(
        f"fit: two ASCII STL scans ({mb['big-ascii.stl']:.0f} MB)",
        "fit",
        scan_case(d, d / "big-ascii.stl", d / "big-ascii.stl", "m"),
        "--out",
        out,
        "--force",
    )
    run(
        f"fit: two OBJ scans ({mb['big.obj']:.0f} MB)",
        "fit",
        scan_case(d, d / "big.obj", d / "big.obj", "m"),
        "--out",
        out,
        "--force",
    )
    run(
        f"assess: {mb['big-case.toml']:.1f} MB case, outlines of {MAX_FOOTPRINT_POINTS:,} points",
        "assess",
        d / "big-case.toml",
    )
    side = int(math.isqrt(MAX_GRID_CELLS))
    run(f"footprint: {side} x {side} picture at 0.1 mm", "footprint", d / "big.png", "--pitch", "0.1")
    run(f"footprint: pressure CSV ({mb['grid.csv']:.0f} MB)", "footprint", d / "grid.csv", "--pitch", "0.1")
    run(
        "fit: 1 MB profile and 1 MB thresholds",
        "fit",
        ROOT / "examples" / "normal-adult.toml",
        "--out",
        out,
        "--force",
        "--profile",
        d / "p.toml",
        "--thresholds",
        d / "th.toml",
    )
    run(f"batch: {MAX_BATCH_ROWS:,} rows, each refused (exit 2 expected)", "batch", d / "b.csv", "--out", d / "bout")
    run(f"pressure: F-Scan walk, {MAX_RECORDING_VALUES:,} values ({mb['walk.asf']:.0f} MB)", "pressure", d / "walk.asf")
    run(f"pressure: pedar walk ({mb['walk.asc']:.0f} MB)", "pressure", d / "walk.asc")


def main() -> None:
    """Build the inputs in a child process, then run each command from this small one (a
    child's peak memory counts the memory of the process it was forked from).
    """
    if len(sys.argv) == 3 and sys.argv[1] == "--build":
        build(Path(sys.argv[2]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        print("building the inputs ...", flush=True)
        subprocess.run([sys.executable, __file__, "--build", tmp], check=True)
        measure(Path(tmp))


if __name__ == "__main__":
    main()
