"""Benchmark: `orthofit batch` over ANSUR II feet as measurement-only cases, locally and on a
Dask cluster, side by side.

    python benchmarks/bench_batch.py                 # all 6,068 people
    python benchmarks/bench_batch.py --limit 200     # the first 200 (a quick run)
    python benchmarks/bench_batch.py --limit 40 --stages   # and where a warm case's time goes

Runs the batch with --jobs 1, --jobs 2, --cluster local:1 and --cluster local:2 (the cluster
runs need orthofit[cluster]), each into a fresh folder, and prints cases per second, cases per
second per worker, the cluster's scaling efficiency from 1 to 2 workers, and whether the
cluster's folders are byte-identical to the local run's.

Each ANSUR II row (../shared/data/anthropometry/ansur2_feet.csv) becomes one CSV row of the
batch format (id, age, sex, weight_kg; left_ and right_ foot length, ball width, heel width
and truncated length, the same for both feet). The batch writes the full job per case:
assessment, two insoles (STL + 3MF), report and manifest. Prints throughput in cases per
second and peak memory (the largest resident set of this process and of any worker).
Asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import filecmp
import os
import pstats
import subprocess
import sys
import tempfile
import threading
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
    ap.add_argument("--stages", action="store_true", help="also profile where a warm case's time goes")
    args = ap.parse_args()
    if not ANSUR.exists():
        sys.exit(f"the benchmark needs {ANSUR} (../shared beside the clone)")
    with open(ANSUR, newline="") as fh:
        rows = list(csv.DictReader(fh))[: args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "ansur.csv"
        batch_csv(rows, src)
        rates: dict[str, float] = {}
        for label, option, workers in RUNS:
            out = Path(tmp) / label.replace(" ", "").replace(":", "")
            t = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, str(ROOT / "cli.py"), "batch", str(src), "--out", str(out), *option.split()],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            watch = MemoryWatch(proc.pid)
            stdout, stderr = proc.communicate()
            wall = time.perf_counter() - t
            batch_mb, worker_mb = watch.stop()
            r = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
            rates[label] = len(rows) / wall
            same = ""
            if label != "--jobs 1" and r.returncode == 0:
                same = "; folders identical to --jobs 1" if _same(out, Path(tmp) / "--jobs1") else "; FOLDERS DIFFER"
            print(
                f"{label:<17} {len(rows)} cases in {wall:6.1f} s = {rates[label]:5.2f} cases/s, "
                f"{rates[label] / workers:5.2f} per worker; peak memory: batch process {batch_mb:.0f} MB, "
                f"largest worker {worker_mb:.0f} MB; exit {r.returncode}{same}"
            )
            if r.returncode != 0:
                print("   ", r.stderr.strip()[-300:])
        for a, b in (("--jobs 1", "--jobs 2"), ("--cluster local:1", "--cluster local:2")):
            if a in rates and b in rates:
                print(f"scaling {a} -> {b}: x{rates[b] / rates[a]:.2f} ({rates[b] / rates[a] / 2:.0%} efficiency)")
        if args.stages:
            stages(src, Path(tmp) / "stages", min(len(rows), 40))


RUNS = [
    ("--jobs 1", "--jobs 1", 1),
    ("--jobs 2", "--jobs 2", 2),
    ("--cluster local:1", "--cluster local:1", 1),
    ("--cluster local:2", "--cluster local:2", 2),
]

#: The stages of a case, by the function that does each (cumulative time in a warm process).
STAGES = [
    ("assessment", "orthofit/assess/assessment.py", "assess"),
    ("insoles: build (2)", "orthofit/geometry/build.py", "build_insole"),
    ("insoles: print checks", "orthofit/geometry/printability.py", "printability"),
    ("insoles: STL", "orthofit/export/files.py", "stl_bytes"),
    ("insoles: 3MF + projects", "orthofit/export/files.py", "threemf_bytes"),
    ("insoles: all", "orthofit/pipeline/insoles.py", "make_insoles"),
    ("documents: figures", "orthofit/report/pdf.py", "_figure"),
    ("documents: shaded views", "orthofit/report/render.py", "render_mesh"),
    ("documents: PDF layout", "reportlab/platypus/doctemplate.py", "build"),
    ("documents: all", "orthofit/report/document.py", "make_documents"),
    ("case in all", "orthofit/pipeline/batch.py", "run_case"),
]


def stages(src: Path, out: Path, n: int) -> None:
    """Where a warm case's time goes: ``n`` cases in this process under cProfile."""
    from orthofit.config.settings import load_settings
    from orthofit.io.lab_csv import read_cases
    from orthofit.pipeline.batch import run_case

    cases = read_cases(src)[:n]
    settings = load_settings("neutral")
    out.mkdir()
    run_case(cases[0], out, settings, True)  # warm: imports, fonts, templates
    t = time.perf_counter()
    profile = cProfile.Profile()
    profile.enable()
    for c in cases[1:]:
        run_case(c, out, settings, True)
    profile.disable()
    per_case = (time.perf_counter() - t) / (len(cases) - 1)
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    print(f"\nwarm case under the profiler: {per_case:.3f} s ({len(cases) - 1} cases); per case:")
    for label, path, name in STAGES:
        total = sum(v[3] for (file, _, fn), v in stats.items() if file.endswith(path) and fn == name)
        print(f"  {label:<26} {total / (len(cases) - 1):6.3f} s")


class MemoryWatch:
    """The peak resident memory (MB) of a process and of each of its descendants, sampled from
    /proc every 50 ms: the batch process itself, and the largest of its workers (the pool's
    processes, or a local cluster's worker processes under their nannies).
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak: dict[int, float] = {}
        self.parent: dict[int, int] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20
        while not self.done.wait(0.05):
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    stat = (entry / "stat").read_text().rpartition(")")[2].split()
                    rss = int((entry / "statm").read_text().split()[1]) * page_mb
                except (OSError, IndexError, ValueError):
                    continue
                pid = int(entry.name)
                self.parent[pid] = int(stat[1])
                if self._under(pid):
                    self.peak[pid] = max(self.peak.get(pid, 0.0), rss)

    def _under(self, pid: int) -> bool:
        while pid > 1:
            if pid == self.pid:
                return True
            pid = self.parent.get(pid, 0)
        return False

    def stop(self) -> tuple[float, float]:
        self.done.set()
        self.thread.join()
        workers = [mb for pid, mb in self.peak.items() if pid != self.pid]
        # a local cluster's nannies are small; its scheduler runs in the batch process
        return self.peak.get(self.pid, 0.0), max(workers, default=0.0)


def _same(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    names = cmp.common_dirs
    if cmp.left_only or cmp.right_only:
        return False
    for name in names:
        files = sorted(p.name for p in (a / name).iterdir())
        if files != sorted(p.name for p in (b / name).iterdir()):
            return False
        if any((a / name / f).read_bytes() != (b / name / f).read_bytes() for f in files):
            return False
    return True


if __name__ == "__main__":
    main()
