"""Benchmark: `orthofit batch` over ANSUR II feet as measurement-only cases.

    python benchmarks/bench_batch.py                 # all 6,068 people, --jobs 1 and --jobs 2
    python benchmarks/bench_batch.py --limit 200     # the first 200 (a quick run)

Each ANSUR II row (../shared/data/anthropometry/ansur2_feet.csv) becomes one CSV row of the
batch format (id, age, sex, weight_kg; left_ and right_ foot length, ball width, heel width
and truncated length, the same for both feet). The batch writes the full job per case:
assessment, two insoles (STL + 3MF), report and manifest. Prints throughput in cases per
second and peak memory (the largest resident set of this process and of any worker).
Asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANSUR = ROOT.parent / "shared" / "data" / "anthropometry" / "ansur2_feet.csv"


def batch_csv(rows: list[dict], path: Path) -> None:
    fields = ["id", "age", "sex", "weight_kg"] + [
        f"{s}_{f}"
        for s in ("left", "right")
        for f in ("foot_length_mm", "ball_width_mm", "heel_width_mm", "truncated_foot_length_mm")
    ]
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fields)
        w.writeheader()
        for r in rows:
            foot = {
                "foot_length_mm": r["footlength_mm"],
                "ball_width_mm": r["footbreadthhorizontal_mm"],
                "heel_width_mm": r["heelbreadth_mm"],
                "truncated_foot_length_mm": r["balloffootlength_mm"],
            }
            w.writerow(
                {
                    "id": f"ANSUR-{r['subject_id']}",
                    "age": r["age_years"],
                    "sex": "male" if r["sex"] == "M" else "female",
                    "weight_kg": r["weight_kg"],
                    **{f"{s}_{k}": v for s in ("left", "right") for k, v in foot.items()},
                }
            )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, help="only the first N people")
    args = ap.parse_args()
    if not ANSUR.exists():
        sys.exit(f"the benchmark needs {ANSUR} (../shared beside the clone)")
    with open(ANSUR, newline="") as fh:
        rows = list(csv.DictReader(fh))[: args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "ansur.csv"
        batch_csv(rows, src)
        for jobs in (1, 2):
            out = Path(tmp) / f"out{jobs}"
            t = time.perf_counter()
            r = subprocess.run(
                [sys.executable, str(ROOT / "cli.py"), "batch", str(src), "--out", str(out), "--jobs", str(jobs)],
                capture_output=True,
                text=True,
            )
            wall = time.perf_counter() - t
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(
                f"--jobs {jobs}: {len(rows)} cases in {wall:.1f} s = {len(rows) / wall:.2f} cases/s; "
                f"peak memory {peak_mb:.0f} MB (largest process); exit {r.returncode}"
            )
            print("   ", r.stdout.strip().splitlines()[0] if r.stdout.strip() else r.stderr.strip()[-300:])


if __name__ == "__main__":
    main()
