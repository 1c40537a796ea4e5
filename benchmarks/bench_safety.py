"""Benchmark: what the safety of issue 12 costs, as a share of `orthofit fit`.

    python benchmarks/bench_safety.py [--repeat N]

For each bundled example (a typed case and the scanned one) it times, in one process:

* ``fit``: the whole computation (reading with the guarded reader, measuring, assessing,
  building, the report), as :func:`orthofit.pipeline.fit.fit`;
* the safe write: :func:`orthofit.pipeline.fit.write_fit` over an earlier set (lock, staging
  folder created exclusively, each file flushed to disk, journal, backup, swap, clean-up);
* a plain write of the same files (``open(..., "wb").write``, no flush to disk), as a run
  without the safety would;
* the guarded reads (file type, size limit, descriptor checks) against plain
  ``Path.read_bytes`` of the same inputs;
* the plausibility checks added for hostile inputs: the foot-shape check of each scan and the
  self-crossing count of each footprint outline.

The safety's cost is (safe write - plain write) + (guarded - plain reads) + the checks, and it
is printed as a share of fit + safe write, the time a user waits. Best of ``--repeat`` runs
each. Asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orthofit.config.settings import load_settings  # noqa: E402
from orthofit.config.tomlfile import read_bytes  # noqa: E402
from orthofit.errors import CaseFileError  # noqa: E402
from orthofit.io.case_file import load_case  # noqa: E402
from orthofit.io.scan_file import load_scan  # noqa: E402
from orthofit.measure.footprint import _check_crossings  # noqa: E402
from orthofit.measure.orient import orient_scan  # noqa: E402
from orthofit.measure.scan_case import check_foot_shape  # noqa: E402
from orthofit.measure.scan_measure import measure_scan  # noqa: E402
from orthofit.model.enums import ScanCondition, Side  # noqa: E402
from orthofit.pipeline.fit import fit, named_settings, write_fit  # noqa: E402
from orthofit.pipeline.inputs import named_inputs  # noqa: E402


def best(fn, repeat: int) -> float:
    """The fastest of ``repeat`` calls of ``fn()``, seconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def plain_write(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        with open(folder / name, "wb") as fh:
            fh.write(data)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    repeat = ap.parse_args().repeat
    settings = load_settings("neutral")
    print(f"best of {repeat}; times in ms")
    print(
        f"{'case':<22}{'fit':>8}{'safe write':>12}{'plain write':>13}{'reads +':>9}{'checks':>8}{'cost':>8}{'share':>8}"
    )
    for name in ("normal-adult", "scanned-adult"):
        bench_case(name, settings, repeat)


def bench_case(name: str, settings, repeat: int) -> None:
    """Time one example and print its row."""
    path = ROOT / "examples" / f"{name}.toml"
    case = load_case(path)
    named = [(path, "case"), *named_inputs(case), *named_settings(settings)]
    result = fit(path, settings)
    t_fit = best(lambda: fit(path, settings), repeat)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "safe"
        write_fit(result, out)
        t_safe = best(lambda: write_fit(result, out, force=True), repeat)
        t_plain = best(lambda: plain_write(Path(tmp) / "plain", result.files), repeat)
    t_guarded = best(lambda: [read_bytes(p, kind, CaseFileError) for p, kind in named], repeat)
    t_raw = best(lambda: [p.read_bytes() for p, _ in named], repeat)
    checks = []
    for side in Side:
        foot = case.foot(side)
        if foot.scan:
            oriented = orient_scan(load_scan(case.path_of(foot.scan), foot.scan_units), side)
            m = measure_scan(oriented, foot.scan_condition or ScanCondition.STANDING)
            checks.append(lambda o=oriented, m=m: check_foot_shape(o, m, "scan"))
        for ring in foot.footprint_mm or ():
            pts = np.asarray(ring, dtype=float)
            checks.append(lambda pts=pts: _check_crossings(pts))
    t_checks = best(lambda: [c() for c in checks], repeat)
    cost = (t_safe - t_plain) + max(t_guarded - t_raw, 0.0) + t_checks
    share = cost / (t_fit + t_safe)
    print(
        f"{name:<22}{1e3 * t_fit:8.0f}{1e3 * t_safe:12.1f}{1e3 * t_plain:13.1f}"
        f"{1e3 * (t_guarded - t_raw):9.2f}{1e3 * t_checks:8.2f}{1e3 * cost:8.1f}{100 * share:7.1f}%"
    )


if __name__ == "__main__":
    main()
