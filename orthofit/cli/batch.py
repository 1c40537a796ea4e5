"""``orthofit batch CASES --out DIR``: fit many cases, one sub-folder each."""

from __future__ import annotations

import argparse
import sys

from orthofit.cli import options


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="fit many cases: a folder of case files or a CSV, one sub-folder each",
        description="Run orthofit fit on every case of a folder (*.toml) or a CSV (one row per "
        "patient: id, age, name, sex, weight_kg, left_/right_ measurement fields). "
        "A bad case is reported and skipped; unchanged cases are skipped on a rerun. "
        "Exit status 0 when every case is done or unchanged, 2 when any failed.",
    )
    p.add_argument("source", help="a folder of case files or a .csv file")
    options.out_dir(p, "output folder: one sub-folder per case")
    options.profile(p)
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="cases run in parallel (default: 1)")
    options.force(p, "redo every case, even unchanged ones")
    options.debug(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orthofit.pipeline.batch import CaseResult, run_batch

    tty = sys.stderr.isatty()

    def progress(result: CaseResult, done: int, total: int, elapsed: float) -> None:
        rate = done / elapsed if elapsed > 0 else 0.0
        if tty:
            bar = "#" * int(30 * done / total)
            print(f"\r[{bar:<30}] {done}/{total}  {rate:.1f} cases/s", end="", file=sys.stderr, flush=True)
            if result.status == "failed":
                print(f"\n{result.name}: FAILED: {result.message}", file=sys.stderr)
        else:
            detail = f": {result.message}" if result.status == "failed" else ""
            print(
                f"{done}/{total} {result.name} {result.status}{detail} ({rate:.1f} cases/s)",
                file=sys.stderr,
                flush=True,
            )

    summary = run_batch(args.source, args.out, args.profile, args.jobs, args.force, progress)
    if tty:
        print(file=sys.stderr)
    total = len(summary.results)
    print(
        f"{total} cases in {summary.seconds:.1f} s ({total / max(summary.seconds, 1e-9):.1f} cases/s): "
        f"{summary.count('done')} done, {summary.count('skipped')} unchanged, {summary.failed} failed"
    )
    for r in summary.results:
        if r.status == "failed":
            print(f"  FAILED {r.name}: {r.message}")
    return 2 if summary.failed else 0
