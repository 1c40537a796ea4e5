"""Render every example's insoles from the side, from above and from below (PNG).

    python benchmarks/render_insoles.py [--out DIR] [--set construction=shell] [--profile NAME]

Builds each bundled example's insoles (as ``orthofit insole`` does) and draws each one three
ways in one picture per example: from the medial side (is there a heel cup, an arch dome
rising above the heel seat and a thin forefoot?), from above (the top surface, shaded) and
from below (the footbed side: the cup wall's hollow, the post). Prints, per insole, the
figures a lab checks: heel-seat thickness, total height at the heel, cup height above the
seat, arch dome above the seat, forefoot thickness, volume and the shoe type's budget.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def draw(ax, solid, view: str, title: str, mirror: bool) -> None:
    """Orthographic view by the painter's algorithm, true proportions: ``side`` from the
    medial side, ``top`` from above, ``bottom`` from below (toes to the right).
    """
    from matplotlib.collections import PolyCollection

    v = solid.vertices * np.array([1.0, -1.0 if mirror else 1.0, 1.0])  # right-foot frame
    f = solid.faces if not mirror else solid.faces[:, ::-1]
    tri = v[f]
    n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
    # (screen x, screen y, depth towards the viewer, direction to the viewer)
    if view == "side":  # viewer at +y (the medial side of a right foot)
        sx, sy, depth, eye = tri[..., 0], tri[..., 2], tri[..., 1].mean(1), np.array([0.0, 1.0, 0.0])
    elif view == "top":
        sx, sy, depth, eye = tri[..., 0], tri[..., 1], tri[..., 2].mean(1), np.array([0.0, 0.0, 1.0])
    else:  # from below, seen as if the insole were turned over along its length
        sx, sy, depth, eye = tri[..., 0], -tri[..., 1], -tri[..., 2].mean(1), np.array([0.0, 0.0, -1.0])
    facing = n @ eye > 0
    light = np.array([-0.4, 0.5, 0.75]) if view != "bottom" else np.array([-0.4, 0.5, -0.75])
    light /= np.linalg.norm(light)
    shade = 0.35 + 0.65 * np.clip(n @ light, 0, 1)
    order = np.argsort(depth[facing])
    polys = np.stack([sx, sy], axis=-1)[facing][order]
    colour = np.column_stack([0.50 * shade, 0.66 * shade, 0.88 * shade, np.ones_like(shade)])[facing][order]
    ax.add_collection(PolyCollection(polys, facecolors=colour, edgecolors=colour, linewidths=0.2))
    ax.set_xlim(sx.min() - 5, sx.max() + 5)
    ax.set_ylim(sy.min() - 5, sy.max() + 5)
    ax.set_aspect("equal")
    ax.set_title(title, fontsize=8)
    ax.tick_params(labelsize=6)
    ax.grid(True, linewidth=0.3, alpha=0.5)


def figures(insole) -> dict[str, float]:
    """Heights a lab checks, in the right-foot frame of the built solid, mm."""
    from orthofit.geometry.budget import heel_heights

    return heel_heights(insole).as_dict()


def main(argv: list[str] | None = None) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from orthofit.config.params import parse_set_option
    from orthofit.config.settings import load_settings
    from orthofit.model.enums import Side
    from orthofit.pipeline.assess_case import assess_case_file
    from orthofit.pipeline.insoles import make_insoles

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("renders"))
    ap.add_argument("--profile", default="neutral")
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--examples", nargs="*", default=None)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    settings = load_settings(args.profile, overrides=dict(parse_set_option(s) for s in args.set))
    cases = args.examples or sorted(str(p) for p in (ROOT / "examples").glob("*.toml") if "red-flag" not in p.name)
    for case in cases:
        t0 = time.perf_counter()
        results = make_insoles(assess_case_file(case, settings), settings, list(Side))
        fig, axes = plt.subplots(
            3 * len(results),
            1,
            figsize=(10, 7.5 * len(results)),
            gridspec_kw={"height_ratios": [0.5, 1, 1] * len(results)},
        )
        for row, r in enumerate(results):
            ins = r.insole
            for col, view in enumerate(("side", "top", "bottom")):
                where = {"side": "from the medial side, mm", "top": "from above", "bottom": "from below"}[view]
                title = f"{Path(case).stem}, {ins.side.value} insole {where}"
                draw(axes[row * 3 + col], ins.solid, view, title, ins.side is Side.LEFT)
            fig_txt = ", ".join(f"{k} {v:.1f}" for k, v in figures(ins).items())
            print(f"{Path(case).stem:28s} {ins.side.value:5s} {fig_txt}; volume {ins.volume_mm3 / 1000:.1f} cm³")
        png = args.out / f"{Path(case).stem}.png"
        fig.tight_layout()
        fig.savefig(png, dpi=110)
        plt.close(fig)
        print(f"  -> {png} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
