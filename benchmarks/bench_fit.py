"""Benchmark: `orthofit fit` on the bundled example as a fresh process, and `import orthofit`.

    python benchmarks/bench_fit.py

Runs each command several times in new processes (as a clinician would) and prints the
fastest and the median wall time. Asserts nothing.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def wall(cmd: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
        if r.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed: {r.stderr}")
    return times


def main() -> None:
    t = wall([sys.executable, "-c", "import orthofit"], 7)
    print(f"python -c 'import orthofit': best {min(t):.3f} s, median {statistics.median(t):.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        for case in ("flat-pronated-adult", "scanned-adult"):
            cmd = [sys.executable, str(ROOT / "cli.py"), "fit", f"examples/{case}.toml", "--out", tmp, "--force"]
            t = wall(cmd, 5)
            print(
                f"orthofit fit examples/{case}.toml (both feet, report, manifest): "
                f"best {min(t):.2f} s, median {statistics.median(t):.2f} s"
            )


if __name__ == "__main__":
    main()
