"""Benchmark: building the two documents (patient report and lab sheet, PDF) for the bundled
example cases.

    python benchmarks/bench_report.py

For each example: both documents together (content + figures, shaded views included, + PDF
layout, from an assessment and its already-built insoles; issue 17's target is 0.5 s) and the
whole `orthofit report` job in this process (load, assess, prescribe, build both insoles,
both documents). Prints figures; asserts nothing. Each time is the best of several runs after
one warm-up (imports and font loading excluded).
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
from orthofit.report.document import make_documents  # noqa: E402

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


def whole_job(path: Path, settings: Settings) -> tuple[bytes, bytes]:
    """What ``orthofit report`` does in this process, up to the PDF bytes."""
    a = assess_case_file(path, settings)
    sides = [s for s in Side if a.case.foot(s).foot_length_mm is not None]
    return make_documents(a, make_insoles(a, settings, sides), settings, date=DATE)


def pages(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")


def main() -> None:
    settings = load_settings("neutral")
    print(f"{'example':<28} {'both documents':>14} {'whole job':>10} {'pages':>8} {'size':>12}")
    for path in sorted((ROOT / "examples").glob("*.toml")):
        a = assess_case_file(path, settings)
        sides = [s for s in Side if a.case.foot(s).foot_length_mm is not None]
        outputs = make_insoles(a, settings, sides)
        t_docs, (pdf, lab) = best(partial(make_documents, a, outputs, settings, date=DATE))
        t_whole, _ = best(partial(whole_job, path, settings), 3)
        print(
            f"{path.stem:<28} {t_docs:>12.3f} s {t_whole:>8.3f} s {pages(pdf):>4} + {pages(lab):<3}"
            f"{len(pdf) / 1024:>5.0f} + {len(lab) / 1024:.0f} kB"
        )


if __name__ == "__main__":
    main()
