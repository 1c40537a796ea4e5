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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orthofit.assess.assessment import assess  # noqa: E402
from orthofit.io.case_file import load_case  # noqa: E402
from orthofit.model.enums import Side  # noqa: E402
from orthofit.pipeline.insoles import make_insoles  # noqa: E402
from orthofit.config.profiles import load_profile  # noqa: E402
from orthofit.report.document import make_report  # noqa: E402


def best(fn, repeat: int = 5) -> tuple[float, object]:
    fn()
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main() -> None:
    profile = load_profile("neutral")
    print(f"{'example':<28} {'report only':>12} {'whole job':>10} {'pages':>6} {'size':>8}")
    for path in sorted((ROOT / "examples").glob("*.toml")):
        case = load_case(path)
        a = assess(case)
        sides = [s for s in Side if case.foot(s).foot_length_mm is not None]
        outputs = make_insoles(a, profile, sides)
        t_report, pdf = best(lambda: make_report(a, outputs, profile.name, date="2026-11-21"))

        def whole():
            c = load_case(path)
            aa = assess(c)
            return make_report(aa, make_insoles(aa, profile, sides), profile.name, date="2026-11-21")

        t_whole, _ = best(whole, 3)
        pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
        print(f"{path.stem:<28} {t_report:>10.3f} s {t_whole:>8.3f} s {pages:>6} {len(pdf) / 1024:>6.0f} kB")


if __name__ == "__main__":
    main()
