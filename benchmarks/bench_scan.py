"""Benchmark: measuring a foot scan (load the file, orient, measure), against issue 14's targets.

    python benchmarks/bench_scan.py [--repeat N] [--no-pyc]

Prints, each beside its target (issue 14):

* the shared scans of ../shared/data/scans (the two 13k-face dupontgu scans and the FIND
  template): load, orient and measure in-process, warm (the best of N runs after one
  warm-up), target 0.3 s; and ``orthofit scan FILE`` as a fresh process (best and median
  wall time of N), target 0.6 s;
* the dupontgu right foot made denser (its faces subdivided, 0.1 mm of noise; the same foot)
  with 1,000,000 faces, written as a binary STL in a temporary directory (it is resampled to
  about 60,000 before it is measured): in-process and as a fresh process, target 2 s;
* scans that are refused, each as a fresh ``orthofit scan``, target 0.5 s: a sphere, a box
  and a flat plate (not feet) and a binary STL whose header promises 1,250,000 triangles
  (over the limit, its size within the 60 MiB).

The fresh processes run with Python's bytecode cache in a temporary folder (as an installed
package runs; one warm-up run compiles it); ``--no-pyc`` runs them without one, as with
PYTHONDONTWRITEBYTECODE=1, which compiles every orthofit module in every process (about
0.1 s more). Asserts nothing; run it on an idle machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orthofit.io.scan_file import load_scan  # noqa: E402
from orthofit.measure.orient import orient_scan  # noqa: E402
from orthofit.measure.scan_measure import ScanCondition, measure_scan  # noqa: E402

SCANS = ROOT.parent / "shared" / "data" / "scans"
SHARED = ("dupontgu_right_foot_m.stl", "dupontgu_left_foot_m.stl", "find_template_lowres_left_m.obj")
#: Issue 14's targets, seconds.
IN_PROCESS_S, FRESH_S, DENSE_S, REFUSED_S = 0.3, 0.6, 2.0, 0.5
DENSE_FACES = 1_000_000
#: A binary STL's header over the triangle limit, its size within the 60 MiB byte limit.
HEADER_FACES = 1_250_000


def stages(path: Path, units: str | None = None) -> tuple[dict[str, float], object]:
    """Load, orient and measure ``path`` once: each stage's wall time and the result."""
    t = {}
    t0 = time.perf_counter()
    scan = load_scan(path, units=units)
    t["load"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    oriented = orient_scan(scan)
    t["orient"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    condition = ScanCondition.STANDING if oriented.floor == "flat contact" else ScanCondition.NON_WEIGHT_BEARING
    m = measure_scan(oriented, condition)
    t["measure"] = time.perf_counter() - t2
    t["total"] = time.perf_counter() - t0
    return t, (scan, m)


def in_process(path: Path, repeat: int, units: str | None = None) -> tuple[dict[str, float], object]:
    """The fastest of ``repeat`` warm runs (after one warm-up: imports, caches)."""
    stages(path, units)
    runs = [stages(path, units) for _ in range(repeat)]
    return min((r[0] for r in runs), key=lambda t: t["total"]), runs[-1][1]


def fresh(args: list[str], repeat: int, env: dict[str, str]) -> tuple[list[float], subprocess.CompletedProcess]:
    """Wall times of ``orthofit ARGS`` as new processes (after one warm-up), and the last run."""
    cmd = [sys.executable, "-m", "orthofit", *args]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
        times.append(time.perf_counter() - t)
    return times, r


def verdict(seconds: float, target: float) -> str:
    return f"(target {target:g} s: {'met' if seconds <= target else 'NOT met'})"


def report_in_process(name: str, t: dict[str, float], result, target: float) -> None:
    scan, m = result
    print(f"{name}: {len(scan.faces):,} faces, {len(scan.vertices):,} vertices")
    print(
        f"  in-process: load {t['load']:.3f} s, orient {t['orient']:.3f} s, measure {t['measure']:.3f} s, "
        f"total {t['total']:.3f} s {verdict(t['total'], target)}"
    )
    fl, bw = m.measures["foot_length_mm"].value, m.measures["ball_width_mm"].value
    fp = m.footprint
    indices = "" if fp is None else f", Arch Index {fp.arch_index:.3f}, CSI {fp.chippaux_smirak_pct:.1f} %"
    print(f"  foot length {fl} mm, ball width {bw} mm{indices}")


def report_fresh(label: str, times: list[float], target: float) -> None:
    print(
        f"  {label}: best {min(times):.3f} s, median {statistics.median(times):.3f} s "
        f"{verdict(statistics.median(times), target)}"
    )


def dense_copy(path: Path, target_faces: int, out: Path) -> int:
    """``path``'s mesh with its faces subdivided to ``target_faces`` (still closed), 0.1 mm of
    noise, written to ``out`` (binary STL); the face count.
    """
    import trimesh
    from trimesh.remesh import subdivide

    mesh = trimesh.load_mesh(path)  # merged: a closed surface stays closed
    v, f = mesh.vertices, mesh.faces
    while len(f) * 4 <= target_faces:
        v, f = subdivide(v, f)  # each face into four, still closed
    rng = np.random.default_rng(0)
    # The rest by putting a vertex at the centre of some faces (one face into three, no
    # edge split, so no T-junctions: the mesh stays closed).
    pick = rng.choice(len(f), (target_faces - len(f)) // 2, replace=False)
    centre = v[f[pick]].mean(axis=1)
    c = len(v) + np.arange(len(pick))
    a, b, d = f[pick].T
    v = np.vstack([v, centre])
    f = np.vstack(
        [np.delete(f, pick, axis=0), np.column_stack([a, b, c]), np.column_stack([b, d, c]), np.column_stack([d, a, c])]
    )
    v = v + rng.normal(0.0, 0.0001, v.shape)  # 0.1 mm (the file is in metres)
    trimesh.Trimesh(v, f, process=False).export(out)
    return len(f)


def not_feet(folder: Path) -> dict[str, Path]:
    """STL files orthofit refuses: shapes that are not feet, and a header over the limit."""
    import trimesh

    shapes = {
        "sphere": trimesh.creation.icosphere(4, radius=100.0),
        "box": trimesh.creation.box((260.0, 100.0, 80.0)).subdivide().subdivide().subdivide(),
        "flat plate": trimesh.creation.box((260.0, 100.0, 3.0)).subdivide().subdivide().subdivide(),
    }
    paths = {}
    for name, mesh in shapes.items():
        paths[name] = folder / f"{name.replace(' ', '-')}.stl"
        mesh.export(paths[name])
    paths["1,250,000 triangles in the header"] = folder / "huge.stl"
    with open(paths["1,250,000 triangles in the header"], "wb") as fh:
        fh.write(b"\0" * 80 + struct.pack("<I", HEADER_FACES))
        fh.truncate(84 + 50 * HEADER_FACES)  # sparse: a 62.5 MB file, under the byte limit
    return paths


def process_env(tmp: Path, pyc: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if pyc:
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def shared_scans(repeat: int, env: dict[str, str]) -> None:
    print(
        f"== The shared scans: in-process (warm, best of {repeat}) and `orthofit scan FILE` as fresh processes "
        f"({repeat} runs) ==\n"
    )
    for name in SHARED:
        t, result = in_process(SCANS / name, repeat)
        report_in_process(name, t, result, IN_PROCESS_S)
        times, r = fresh(["scan", str(SCANS / name)], repeat, env)
        if r.returncode != 0:
            sys.exit(f"orthofit scan {name} failed: {r.stderr}")
        report_fresh("fresh `orthofit scan`", times, FRESH_S)
        print()


def dense(tmp: Path, repeat: int, env: dict[str, str]) -> None:
    path = tmp / "dense-1m.stl"
    n = dense_copy(SCANS / SHARED[0], DENSE_FACES, path)
    print(f"== The dupontgu right foot subdivided to {n:,} faces ({path.stat().st_size / 1e6:.0f} MB STL) ==\n")
    t, result = in_process(path, max(1, repeat // 2), units="m")
    report_in_process("dense copy (resampled before it is measured)", t, result, DENSE_S)
    times, r = fresh(["scan", str(path), "--units", "m"], max(1, repeat // 2), env)
    if r.returncode != 0:
        sys.exit(f"orthofit scan of the dense copy failed: {r.stderr}")
    report_fresh("fresh `orthofit scan`", times, DENSE_S)


def refused(tmp: Path, repeat: int, env: dict[str, str]) -> None:
    print(f"\n== Scans refused, `orthofit scan FILE --units mm` as fresh processes ({repeat} runs) ==\n")
    for name, path in not_feet(tmp).items():
        times, r = fresh(["scan", str(path), "--units", "mm"], repeat, env)
        if r.returncode != 2:
            sys.exit(f"{name} was not refused: {r.stdout}{r.stderr}")
        print(f"{name}: {r.stderr.split(': ', 3)[-1].strip()[:100]}")
        report_fresh("refused", times, REFUSED_S)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per figure (default 7)")
    parser.add_argument("--no-pyc", action="store_true", help="fresh processes without a bytecode cache")
    args = parser.parse_args()
    if not SCANS.exists():
        sys.exit(f"the benchmark needs {SCANS} (../shared beside the clone)")
    load = os.getloadavg()[0]
    print(f"load average {load:.2f} on {os.cpu_count()} cores{' (busy: figures are slower)' if load >= 1 else ''}\n")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        env = process_env(tmp, not args.no_pyc)
        shared_scans(args.repeat, env)
        dense(tmp, args.repeat, env)
        refused(tmp, args.repeat, env)


if __name__ == "__main__":
    main()
