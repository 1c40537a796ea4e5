"""Benchmark: building the patient report (PDF) for the bundled example cases.

    python benchmarks/bench_report.py

For each example: the report alone (content + figures + PDF layout, from an assessment and
its already-built insoles) and the whole `orthofit report` job in this process (load,
assess, prescribe, build both insoles, report). Prints figures; asserts nothing. Each time
is the best of several runs after one warm-up (imports and font loading excluded).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orthofit.config.settings import Settings, load_settings  # noqa: E402
from orthofit.model.enums import Side  # noqa: E402
from orthofit.pipeline.assess_case import assess_case_file  # noqa: E402
from orthofit.pipeline.insoles import make_insoles  # noqa: E402
from orthofit.report.document import make_report  # noqa: E402

T = TypeVar("T")

DATE = "2026-11-21"


def best(fn: Callable[[], T], repeat: int = 5) -> tuple[float, T]:
    out = fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def whole_job(path: Path, settings: Settings) -> bytes:
    """What ``orthofit report`` does in this process, up to the PDF bytes."""
    a = assess_case_file(path, settings)
    sides = [s for s in Side if a.case.foot(s).foot_length_mm is not None]
    return make_report(a, make_insoles(a, settings, sides), settings, date=DATE)


def main() -> None:
    settings = load_settings("neutral")
    print(f"{'example':<28} {'report only':>12} {'whole job':>10} {'pages':>6} {'size':>8}")
    for path in sorted((ROOT / "examples").glob("*.toml")):
        a = assess_case_file(path, settings)
        sides = [s for s in Side if a.case.foot(s).foot_length_mm is not None]
        outputs = make_insoles(a, settings, sides)
        t_report, pdf = best(partial(make_report, a, outputs, settings, date=DATE))
        t_whole, _ = best(partial(whole_job, path, settings), 3)
        pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
        print(f"{path.stem:<28} {t_report:>10.3f} s {t_whole:>8.3f} s {pages:>6} {len(pdf) / 1024:>6.0f} kB")


if __name__ == "__main__":
    main()
