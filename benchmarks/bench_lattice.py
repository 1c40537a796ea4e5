"""Benchmark: the graded gyroid lattice insole (``--set construction=lattice``), issue 16.

    python benchmarks/bench_lattice.py [--examples NAME ...] [--slice] [--stiffness]

For the right insole of each bundled example (left where it has no right foot), in a fresh
process each so that the peak memory is that build's alone: the time to fill the insole with
the lattice (the full-contact build before it not counted, and counted in "whole"), the
process's peak resident memory, the triangle count, the STL and plain 3MF sizes, the lattice's
volume and mass, and each main zone's density. Issue 16's targets for a full-length adult
insole at 0.5 mm: at most 10 s and 2 GB on 2 cores.

``--slice`` also slices each STL solid (100 % infill, rectilinear) with PrusaSlicer's TPU
profile and prints the filament volume against the mesh's and the slicing time (needs
``prusa-slicer``). ``--stiffness`` runs the voxel finite-element compression of gyroid coupons
(2 x 2 x 1 cells, 12 voxels a cell, between solid plates) at the zone densities and fits
Gibson-Ashby's E/Es = C ρ^n against the n = 2 the report uses. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

TIME_S, MEMORY_GB = 10.0, 2.0

_ONE = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
from orthofit.config.settings import load_settings
from orthofit.assess.assessment import assess
from orthofit.pipeline.inputs import load_measured_case
from orthofit.model.enums import Side
import orthofit.pipeline.insoles as ins
import orthofit.geometry.lattice as lat

measured = load_measured_case({path!r})
side = Side.RIGHT if measured.case.foot(Side.RIGHT).foot_length_mm else Side.LEFT
settings = load_settings(overrides={{"construction": "lattice"}})
a = assess(measured, settings)
spent = []
build = lat.lattice_insole
def timed(*args, **kw):
    t = time.perf_counter()
    out = build(*args, **kw)
    spent.append(time.perf_counter() - t)
    return out
ins.lattice_insole = timed
t = time.perf_counter()
(out,) = ins.make_insoles(a, settings, [side])
whole = time.perf_counter() - t
name = next(n for n in out.files if n.endswith(".stl")).removesuffix(".stl")
print(json.dumps({{
    "lattice_s": spent[0], "whole_s": whole,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "faces": len(out.lattice.solid.faces),
    "stl_mb": len(out.files[name + ".stl"]) / 1e6, "threemf_mb": len(out.files[name + ".3mf"]) / 1e6,
    "line": out.printability.extra[0],
    "zones": [[z.name, z.density, z.thin] for z in out.lattice.zones if "transition" not in z.name],
    "stl": name + ".stl",
}}))
if len(sys.argv) > 1:
    open(sys.argv[1], "wb").write(out.files[name + ".stl"])
"""


def build_one(path: Path, stl_out: Path | None) -> dict:
    code = _ONE.format(root=str(ROOT), path=str(path))
    args = [sys.executable, "-c", code] + ([str(stl_out)] if stl_out else [])
    run = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def slice_solid(stl: Path, tmp: Path) -> tuple[float, float]:
    from helpers.slicer import slice_file

    profile = (ROOT / "profiles" / "print" / "tpu-95a-insole.ini").read_text()
    ini = tmp / "solid.ini"
    ini.write_text(
        profile.replace("fill_density = 10%", "fill_density = 100%")
        .replace("fill_pattern = gyroid", "fill_pattern = rectilinear")
        .replace("support_material = 1", "support_material = 0")
    )
    t = time.perf_counter()
    gcode = slice_file(stl, tmp, load=ini).read_text()
    cm3 = float(re.search(r"^; filament used \[cm3\] = ([\d.]+)", gcode, re.M).group(1))
    return cm3, time.perf_counter() - t


def stiffness() -> None:
    import numpy as np

    from helpers.voxel_fe import compression_modulus
    from orthofit.geometry import lattice as lat

    n, cells = 12, (2, 2, 1)
    rows = []
    for rho in (0.1, 0.2, 0.3, 0.45):
        nx, ny, nz = (n * c for c in cells)
        k = 2 * np.pi / n
        x, y, z = ((np.arange(m) + 0.5) * k for m in (nx, ny, nz))
        g = (
            np.sin(x)[:, None, None] * np.cos(y)[None, :, None]
            + np.sin(y)[None, :, None] * np.cos(z)[None, None, :]
            + np.sin(z)[None, None, :] * np.cos(x)[:, None, None]
        )
        body = g > lat.threshold(rho)
        plate = np.ones((nx, ny, 1), bool)
        t = time.perf_counter()
        e = compression_modulus(np.concatenate([plate, body, plate], axis=2))
        rows.append((rho, float(body.mean()), e))
        print(f"  coupon ρ {rho:.2f} (voxels {body.mean():.3f}): E/Es {e:.4f}  ({time.perf_counter() - t:.0f} s)")
    r = np.array(rows)
    slope, lnc = np.polyfit(np.log(r[:, 0]), np.log(r[:, 2]), 1)
    print(f"  fit E/Es = {np.exp(lnc):.2f} ρ^{slope:.2f}  (the report: ratios by ρ^{lat.STIFFNESS_EXPONENT:g})")
    for a, b in ((0.2, 0.3), (0.1, 0.3)):
        fe = r[r[:, 0] == a, 2][0] / r[r[:, 0] == b, 2][0]
        print(f"  stiffness {a:.0%} / {b:.0%}: voxel FE {fe:.2f}, Gibson-Ashby n = 2: {(a / b) ** 2:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", nargs="*", help="example names (default: all but red-flag)")
    parser.add_argument("--slice", action="store_true", help="slice each STL solid with PrusaSlicer")
    parser.add_argument("--stiffness", action="store_true", help="voxel FE compression of coupons")
    args = parser.parse_args()
    names = args.examples or sorted(p.stem for p in (ROOT / "examples").glob("*.toml") if p.stem != "red-flag")
    print(f"lattice insoles at 0.5 mm (targets for a full-length adult: <= {TIME_S:g} s, <= {MEMORY_GB:g} GB)")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for name in names:
            stl = tmp / f"{name}.stl" if args.slice else None
            r = build_one(ROOT / "examples" / f"{name}.toml", stl)
            zones = ", ".join(f"{z} {100 * d:.0f} %" + (" (thin: skin)" if thin else "") for z, d, thin in r["zones"])
            print(
                f"{name:28s} lattice {r['lattice_s']:5.1f} s (whole {r['whole_s']:5.1f} s), "
                f"peak {r['peak_mb']:5.0f} MB, {r['faces']:,} triangles, "
                f"STL {r['stl_mb']:.0f} MB, 3MF {r['threemf_mb']:.1f} MB"
            )
            print(f"{'':28s} {r['line']}")
            print(f"{'':28s} zones: {zones}")
            if stl is not None:
                cm3, seconds = slice_solid(stl, tmp)
                print(f"{'':28s} PrusaSlicer, solid: {cm3:.1f} cm³ of filament in {seconds:.0f} s")
    if args.stiffness:
        print("voxel FE compression of gyroid coupons (2 x 2 x 1 cells, 12 voxels a cell, solid plates, ν = 0.3):")
        stiffness()


if __name__ == "__main__":
    main()
