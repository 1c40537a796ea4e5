"""Benchmark: what each example's insole costs to print with the shipped TPU 95A profile.

    python benchmarks/bench_print.py [--examples NAME ...] [--construction full-contact|shell]

Builds the right insole of each bundled example (its default profile), slices its 3MF with
PrusaSlicer (headless; the 3MF carries profiles/print/tpu-95a-insole.toml as its project
settings, so nothing else is loaded) and prints PrusaSlicer's filament mass and normal-mode
print time beside issue 15's targets for a full-length adult insole in TPU at 0.2 mm layers:
at most 60 g and 3 h; for a shell (``--construction shell``, sliced with the PLA/PETG profile
its 3MF carries, support from the bed included; and the shell alone, its STL sliced without
support, against the target), at most 35 g. Asserts nothing. Needs ``prusa-slicer`` (Debian package).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MASS_G, TIME_H = 60.0, 3.0
SHELL_MASS_G = 35.0


def summary(gcode: str) -> tuple[float, str, float]:
    grams = float(re.search(r"^; filament used \[g\] = ([\d.]+)", gcode, re.M).group(1))
    text = re.search(r"^; estimated printing time \(normal mode\) = (.+)$", gcode, re.M).group(1)
    parts = {unit: float(n) for n, unit in re.findall(r"(\d+)([dhms])", text)}
    hours = parts.get("d", 0) * 24 + parts.get("h", 0) + parts.get("m", 0) / 60 + parts.get("s", 0) / 3600
    return grams, text, hours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", nargs="*", help="example names (default: all)")
    parser.add_argument("--construction", default="full-contact", choices=["full-contact", "shell"])
    args = parser.parse_args()
    shell = args.construction == "shell"
    names = args.examples or sorted(p.stem for p in (ROOT / "examples").glob("*.toml"))
    if shell:
        print(f"target: at most {SHELL_MASS_G:g} g per shell (its PLA/PETG profile, support from the bed)\n")
    else:
        print(f"targets: at most {MASS_G:g} g and {TIME_H:g} h per full-length adult insole (TPU 95A, 0.2 mm layers)\n")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for example in names:
            out = tmp / example
            r = subprocess.run(
                [sys.executable, "-m", "orthofit", "insole", str(ROOT / "examples" / f"{example}.toml"),
                 "--out", str(out), "--side", "right", "--set", f"construction={args.construction}"],
                capture_output=True, text=True, cwd=ROOT,
            )  # fmt: skip
            if r.returncode != 0:
                print(f"{example}: no insole ({r.stderr.strip()[:100]})")
                continue
            (threemf,) = out.glob("*-right.prusa.3mf")  # the PrusaSlicer project: zones and profile
            gcode = tmp / f"{example}.gcode"
            t0 = time.perf_counter()
            s = subprocess.run(
                ["prusa-slicer", "--loglevel", "1", "--datadir", str(tmp / "datadir"), "--export-gcode",
                 "--center", "150,150", "--output", str(gcode), str(threemf)],
                capture_output=True, text=True,
            )  # fmt: skip
            if s.returncode != 0:
                print(f"{example}: PrusaSlicer failed: {s.stderr.strip()[-200:]}")
                continue
            grams, text, hours = summary(gcode.read_text())
            grams_for_target = grams
            part = ""
            if shell:  # the shell alone: its STL with the profile's settings but no support
                ini = tmp / "no-support.ini"
                profile = (ROOT / "profiles" / "print" / "pla-petg-shell.ini").read_text()
                ini.write_text("\n".join(x for x in profile.splitlines() if not x.startswith("support_material")))
                (stl,) = out.glob("*-right.stl")
                bare = tmp / f"{example}-bare.gcode"
                subprocess.run(
                    ["prusa-slicer", "--loglevel", "1", "--datadir", str(tmp / "datadir"), "--load", str(ini),
                     "--export-gcode", "--center", "150,150", "--output", str(bare), str(stl)],
                    capture_output=True, text=True,
                )  # fmt: skip
                part_g, part_text, _ = summary(bare.read_text())
                part = f"; the shell alone {part_g:.1f} g, {part_text}"
                grams_for_target = part_g
            met = grams_for_target <= SHELL_MASS_G if shell else grams <= MASS_G and hours <= TIME_H
            verdict = "met" if met else "NOT met"
            print(
                f"{example:28s} {grams:6.1f} g  {text:>12s}{part}  (sliced in {time.perf_counter() - t0:.0f} s; "
                f"target{'' if shell else 's'} {verdict})"
            )


if __name__ == "__main__":
    main()
