"""Benchmark: measuring a foot scan (load the file, orient, measure, footprint indices).

    python benchmarks/bench_scan.py

Uses the real 13k-face dupontgu scan from ../shared/data/scans, and a scan at the triangle
limit (``MAX_SCAN_TRIANGLES``, 600,000) made from
it by subdividing its faces (the same foot, a denser mesh) with 0.1 mm of noise, written as a
binary STL in a temporary directory. Prints figures; asserts nothing. Each time is the best
of several runs after one warm-up.

Targets on a 2-core machine: the real scan in 0.3 s, the dense one in 2 s (load + orient +
measure). The footprint indices are printed too: the dense copy should give nearly the same
as the real scan (the same foot), whatever the mesh density.
"""

from __future__ import annotations

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

SCAN = ROOT.parent / "shared" / "data" / "scans" / "dupontgu_right_foot_m.stl"


def measure(path: Path) -> tuple[dict[str, float], object]:
    t = {}
    t0 = time.perf_counter()
    scan = load_scan(path, units="m")
    t["load"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    oriented = orient_scan(scan)
    t["orient"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    m = measure_scan(oriented, ScanCondition.STANDING)
    t["measure"] = time.perf_counter() - t2
    t["total"] = time.perf_counter() - t0
    return t, (scan, m)


def best(path: Path, repeat: int) -> tuple[dict[str, float], object]:
    measure(path)  # warm-up: imports, caches
    runs = [measure(path) for _ in range(repeat)]
    times = min((r[0] for r in runs), key=lambda t: t["total"])
    return times, runs[-1][1]


def dense_copy(path: Path, target_faces: int, out: Path) -> int:
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


def report(name: str, faces: int, t: dict[str, float], result) -> None:
    scan, m = result
    print(f"{name}: {faces:,} faces, {len(scan.vertices):,} vertices")
    print(
        f"  load {t['load']:.3f} s, orient {t['orient']:.3f} s, measure {t['measure']:.3f} s, total {t['total']:.3f} s"
    )
    print(
        f"  foot length {m.measures['foot_length_mm'].value} mm, "
        f"ball width {m.measures['ball_width_mm'].value} mm, side {m.side.value}"
    )
    fp = m.footprint
    if fp is None:
        print(f"  no footprint: {m.footprint_note}")
    else:
        clarke = "-" if fp.clarke_angle_deg is None else f"{fp.clarke_angle_deg:.1f} deg"
        print(
            f"  footprint: AI {fp.arch_index:.3f}, CSI {fp.chippaux_smirak_pct:.1f} %, "
            f"SI {fp.staheli:.3f}, Clarke {clarke}"
        )


def main() -> None:
    if not SCAN.exists():
        sys.exit(f"the benchmark needs {SCAN} (../shared beside the clone)")
    t, r = best(SCAN, 5)
    report("dupontgu right (real scan)", len(r[0].faces), t, r)
    with tempfile.TemporaryDirectory() as tmp:
        dense = Path(tmp) / "dense.stl"
        from orthofit.config.limits import MAX_SCAN_TRIANGLES

        n = dense_copy(SCAN, MAX_SCAN_TRIANGLES, dense)
        print(f"(dense copy written: {dense.stat().st_size / 1e6:.0f} MB)")
        t, r = best(dense, 2)
        report("the same foot subdivided", n, t, r)


if __name__ == "__main__":
    main()
