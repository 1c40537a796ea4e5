"""Benchmark: building and exporting one insole.

    python benchmarks/bench_insole.py            # default and fine resolution, scaling, accuracy
    python benchmarks/bench_insole.py --ansur    # also every foot of ANSUR II (6,068 people, both sides)
    python benchmarks/bench_insole.py --budget   # 1,000 ANSUR II feet against every shoe type's budget

Prints figures; asserts nothing (the tests never assert on time). Each time is the best of
several runs in this process, after one warm-up build (imports and caches excluded).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orthofit.config.params import InsoleParams  # noqa: E402
from orthofit.errors import UserError  # noqa: E402
from orthofit.export.files import stl_bytes, threemf_bytes  # noqa: E402
from orthofit.geometry.build import DEFAULT_EDGE_MM, FINE_EDGE_MM, build_insole  # noqa: E402
from orthofit.geometry.outline import FootDimensions  # noqa: E402
from orthofit.geometry.surface import SurfaceContext, top_height  # noqa: E402
from orthofit.model.enums import Side  # noqa: E402

FOOT = FootDimensions.from_measurements(262, 98, 66, 190)
PRESCRIBED = InsoleParams(
    arch_height_mm=13,
    medial_heel_skive_mm=4,
    heel_cup_depth_mm=14,
    heel_cushion_mm=3,
    heel_spur_relief_mm=2,
    met_pad_height_mm=4,
)

T = TypeVar("T")


def best_of(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def surface_error_mm(insole, params) -> float:
    """Max |mesh - design| at the centroids and edge midpoints of the top triangles, in the
    print pose (heights are the design's), away from the rounded lip.
    """
    ctx = SurfaceContext.build(insole.outline, insole.foot)
    solid = insole.print_pose()
    v, f = solid.vertices, solid.faces
    tri = v[f]
    up = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])[:, 2] > 0
    top = f[up & (ctx.distance_to_edge(tri.mean(axis=1)[:, :2]) > params.rim_radius_mm + 1.0)]
    err = 0.0
    for idx in (top, top[:, [0, 1]], top[:, [1, 2]], top[:, [2, 0]]):
        pts = v[idx].mean(axis=1)
        err = max(err, float(np.abs(pts[:, 2] - top_height(pts[:, :2], ctx, params)).max()))
    return err


def resolution_table() -> None:
    build_insole(FOOT, PRESCRIBED, Side.RIGHT)  # warm-up
    print("One insole, 262 mm foot, a pronation-control prescription (skive, 14 mm cup, pad):")
    print(
        f"{'resolution':<22}{'faces':>9}{'build s':>10}{'STL s':>8}{'3MF s':>8}{'STL MB':>8}{'3MF MB':>8}"
        f"{'surface err mm':>16}"
    )
    for label, edge, repeat in (("default (1.5 mm)", DEFAULT_EDGE_MM, 7), ("fine (0.5 mm)", FINE_EDGE_MM, 3)):
        t_build, ins = best_of(partial(build_insole, FOOT, PRESCRIBED, Side.RIGHT, edge), repeat)
        v, f = ins.solid.vertices, ins.solid.faces
        t_stl, stl = best_of(partial(stl_bytes, v, f, "bench"), repeat)
        t_3mf, tmf = best_of(partial(threemf_bytes, v, f, "bench", {"Title": "bench"}), repeat)
        print(
            f"{label:<22}{len(f):>9}{t_build:>10.3f}{t_stl:>8.3f}{t_3mf:>8.3f}{len(stl) / 1e6:>8.2f}"
            f"{len(tmf) / 1e6:>8.2f}{surface_error_mm(ins, PRESCRIBED):>16.3f}"
        )


def scaling_table() -> None:
    print("\nHow build time grows with face count (default parameters):")
    print(f"{'edge mm':>8}{'faces':>9}{'build s':>10}{'us/face':>9}")
    rows = []
    for edge in (3.0, 2.0, 1.5, 1.0, 0.7, 0.5, 0.35):
        t, ins = best_of(partial(build_insole, FOOT, InsoleParams(), Side.RIGHT, edge), 3)
        rows.append((len(ins.solid.faces), t))
        print(f"{edge:>8.2f}{len(ins.solid.faces):>9}{t:>10.3f}{1e6 * t / len(ins.solid.faces):>9.2f}")
    faces, times = np.log([r[0] for r in rows]), np.log([r[1] for r in rows])
    print(f"log-log slope (1 = linear): {np.polyfit(faces, times, 1)[0]:.2f}")


def steep_features() -> None:
    print("\nSurface error at the default 1.5 mm edges where features are steep (graded mesh):")
    cases = {
        "defaults": {},
        "cup 30 mm over a 5 mm wall, skive 8, post 8": dict(
            heel_cup_depth_mm=30, heel_cup_wall_width_mm=5, medial_heel_skive_mm=8, rearfoot_post_deg=8
        ),
        "cup 20 mm over 14 mm (71 deg), skive 8, post 8": dict(
            heel_cup_depth_mm=20, heel_cup_wall_width_mm=14, medial_heel_skive_mm=8, rearfoot_post_deg=8
        ),
        "shell, 3.6 mm, post": dict(construction="shell"),
        "pad 8 mm high, 15 x 10 mm": dict(met_pad_height_mm=8, met_pad_length_mm=15, met_pad_width_mm=10),
        "flanges 15 mm over 5 mm": dict(medial_flange_mm=15, lateral_flange_mm=15, flange_width_mm=5),
        "met bar 6 mm over 8 mm (runs to the edge)": dict(met_bar_height_mm=6, met_bar_length_mm=8),
        "arch 30 mm blended over 5 mm (at the edge)": dict(arch_height_mm=30, arch_width_mm=15, arch_blend_mm=5),
    }
    for label, kw in cases.items():
        p = InsoleParams(**kw)
        try:
            t, ins = best_of(partial(build_insole, FOOT, p, Side.RIGHT), 2)
        except UserError as err:  # the smoothness rules refuse the steepest
            print(f"  {label:<46} refused: {str(err)[:90]}...")
            continue
        print(f"  {label:<46} {len(ins.solid.faces):>7} faces {t:6.3f} s  error {surface_error_mm(ins, p):.3f} mm")


def ansur() -> None:
    path = ROOT.parent / "shared" / "data" / "anthropometry" / "ansur2_feet.csv"
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    t0 = time.perf_counter()
    n = 0
    for row in rows:
        foot = FootDimensions.from_measurements(
            float(row["footlength_mm"]),
            float(row["footbreadthhorizontal_mm"]),
            float(row["heelbreadth_mm"]),
            float(row["balloffootlength_mm"]),
        )
        for side in Side:
            build_insole(foot, InsoleParams(), side)
            n += 1
    dt = time.perf_counter() - t0
    print(
        f"\nANSUR II: {n} valid insoles ({len(rows)} people, both sides) in {dt:.1f} s: "
        f"{n / dt:.1f} insoles/s, one process"
    )


def budget(n: int = 1000) -> None:
    """``n`` ANSUR II feet spread over the table, right side, each profile's insole for its shoe
    type: valid, smooth, within budget; the largest heights against each budget.
    """
    from orthofit.config.params import ShoeType
    from orthofit.config.profiles import load_profile
    from orthofit.config.shoes import shoe_spec
    from orthofit.geometry.budget import budget_problems, heel_heights

    path = ROOT.parent / "shared" / "data" / "anthropometry" / "ansur2_feet.csv"
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows = rows[:: max(len(rows) // n, 1)][:n]
    print(
        f"\n{len(rows)} ANSUR II feet (right), each shoe type, its profile's insole "
        "(budget: heel seat / total / cup, mm):"
    )
    for shoe in ShoeType:
        base = load_profile("low-profile" if shoe is ShoeType.DRESS else "neutral").start_params()
        p = base.with_values(shoe=shoe.value)
        spec = shoe_spec(shoe)
        t0 = time.perf_counter()
        worst = np.zeros(3)
        over = refused = 0
        for row in rows:
            foot = FootDimensions.from_measurements(
                float(row["footlength_mm"]),
                float(row["footbreadthhorizontal_mm"]),
                float(row["heelbreadth_mm"]),
                float(row["balloffootlength_mm"]),
            )
            try:
                ins = build_insole(foot, p, Side.RIGHT)
            except UserError:
                refused += 1
                continue
            h = heel_heights(ins)
            worst = np.maximum(worst, [h.heel_seat_mm, h.heel_total_mm, h.cup_mm])
            over += bool(budget_problems(h, p))
        dt = time.perf_counter() - t0
        print(
            f"  {shoe.value:<9} {len(rows) - refused - over:>5} within budget, {over} over, {refused} refused; "
            f"largest {worst[0]:.1f} / {worst[1]:.1f} / {worst[2]:.1f} of {spec.heel_seat_max_mm:g} / "
            f"{spec.heel_total_max_mm:g} / {spec.cup_max_mm:g}; {dt:.0f} s"
        )


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ansur", action="store_true", help="also build every ANSUR II foot (about 15 minutes)")
    ap.add_argument("--budget", action="store_true", help="1,000 ANSUR II feet against each shoe type's budget")
    args = ap.parse_args()
    if args.budget:
        budget()
        raise SystemExit(0)
    resolution_table()
    scaling_table()
    steep_features()
    if args.ansur:
        ansur()
