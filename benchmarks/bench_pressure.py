"""Benchmark: reading and analysing the shared walking pressure recordings (issue 18).

    python benchmarks/bench_pressure.py [--repeat N]

Prints, for each recording in ../shared/data/pressure/vendor, the time to read the file and
to analyse it (steps, pressure pictures, centre-of-pressure path, CPEI, regions), in-process
and warm (the best of N runs after one warm-up), beside issue 18's targets: the 205-frame
F-Scan walk and the emed recording each in 0.3 s. Then ``orthofit pressure FILE`` as a fresh
process (best and median wall time of N), which adds Python's start and the imports.
Asserts nothing; run it on an idle machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VENDOR = ROOT.parent / "shared" / "data" / "pressure" / "vendor"
#: file -> (extra arguments, target s for read + analyse in-process, or None)
FILES = {
    "fscan_testL.asf": ((), 0.3),
    "emed_test.lst": ((), 0.3),
    "pedar_example.asc": ((), None),
    "footscan_test.xls": (("--sensor-mm", "5.08x7.62"), None),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from orthofit.io.pressure import load_recordings, parse_sensor_mm
    from orthofit.measure.walking.result import analyse_file

    print(f"{'recording':<20} {'read s':>8} {'analyse s':>10} {'total s':>8}  target")
    for name, (extra, target) in FILES.items():
        path = VENDOR / name
        sensor = parse_sensor_mm(extra[1]) if extra else None
        best = (float("inf"), float("inf"))
        for _ in range(args.repeat + 1):  # the first run warms the imports up
            t0 = time.perf_counter()
            recordings = load_recordings(path, None, sensor)
            t1 = time.perf_counter()
            analyse_file(recordings)
            t2 = time.perf_counter()
            if t2 - t0 < sum(best):
                best = (t1 - t0, t2 - t1)
        goal = f"{target:g} s" if target else "-"
        print(f"{name:<20} {best[0]:8.3f} {best[1]:10.3f} {sum(best):8.3f}  {goal}")
    print()
    print(f"{'orthofit pressure':<20} {'best s':>8} {'median s':>10}   (a fresh process each)")
    for name, (extra, _) in FILES.items():
        times = []
        for _ in range(args.repeat + 1):
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "orthofit", "pressure", str(VENDOR / name), *extra],
                check=True,
                capture_output=True,
                cwd=ROOT,
            )
            times.append(time.perf_counter() - t0)
        times = times[1:]
        print(f"{name:<20} {min(times):8.3f} {statistics.median(times):10.3f}")


if __name__ == "__main__":
    main()
