"""``orthofit batch CASES --out DIR``: fit many cases, one sub-folder each."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from orthofit.cli import one_line, options

if TYPE_CHECKING:
    from orthofit.pipeline.batch import BatchSummary


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="fit many cases: a folder of case files or a CSV, one sub-folder each",
        description="Run orthofit fit on every case of a folder (*.toml) or a CSV (one row per "
        "patient: id, age, name, sex, weight_kg, left_/right_ measurement fields). "
        "A bad case is reported and skipped; unchanged cases are skipped on a rerun. "
        "Exit status 0 when every case is done or unchanged, 2 when any failed, 130 when "
        "interrupted (Ctrl-C: the cases finished so far are kept; rerun to finish the rest).",
    )
    p.add_argument("source", help="a folder of case files or a .csv file")
    options.out_dir(p, "output folder: one sub-folder per case")
    options.profile(p)
    options.slicer(p)
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="cases run in parallel (default: 1)")
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run the cases on a Dask cluster: tcp://HOST:8786 for a running scheduler whose workers "
        "share the output folder, or local:N for N worker processes here (needs orthofit[cluster])",
    )
    options.force(p, "redo every case, even unchanged ones")
    options.debug(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orthofit.pipeline.batch import BatchInterrupted, CaseResult, WorkerLost, run_batch
    from orthofit.pipeline.cluster import SchedulerLost

    tty = sys.stderr.isatty()

    def progress(result: CaseResult, done: int, total: int, elapsed: float) -> None:
        rate = done / elapsed if elapsed > 0 else 0.0
        if tty:
            bar = "#" * int(30 * done / total)
            print(f"\r[{bar:<30}] {done}/{total}  {rate:.1f} cases/s", end="", file=sys.stderr, flush=True)
            if result.status == "failed":
                print(f"\n{result.name}: FAILED: {one_line(result.message)}", file=sys.stderr)
        else:
            detail = f": {one_line(result.message)}" if result.status == "failed" else ""
            print(
                f"{done}/{total} {result.name} {result.status}{detail} ({rate:.1f} cases/s)",
                file=sys.stderr,
                flush=True,
            )

    try:
        summary = run_batch(
            args.source, args.out, args.profile, args.jobs, args.force, progress, args.slicer, args.cluster
        )
    except (BatchInterrupted, WorkerLost, SchedulerLost) as stop:
        # One line, then what was finished: the workers have stopped, the case folders are whole.
        if tty:
            print(file=sys.stderr)
        kind = "" if isinstance(stop, BatchInterrupted) else "error: "
        print(f"orthofit: {kind}{stop}", file=sys.stderr, flush=True)
        if stop.summary is not None:
            _print_summary(stop.summary)
        return 130 if isinstance(stop, BatchInterrupted) else 2
    if tty:
        print(file=sys.stderr)
    _print_summary(summary)
    return 2 if summary.failed else 0


def _print_summary(summary: BatchSummary) -> None:
    total = len(summary.results)
    cases = f"{total} case" + ("" if total == 1 else "s")
    print(
        f"{cases} in {summary.seconds:.1f} s ({total / max(summary.seconds, 1e-9):.1f} cases/s): "
        f"{summary.count('done')} done, {summary.count('skipped')} unchanged, {summary.failed} failed"
    )
    for r in summary.results:
        if r.status == "failed":
            print(f"  FAILED {r.name}: {one_line(r.message)}")
