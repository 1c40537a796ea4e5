"""Benchmark: the clinic app under 20 clinicians at once, on SQLite and on PostgreSQL.

    python benchmarks/bench_app_load.py [--clinicians 20] [--db sqlite|postgresql|both]

Starts ``orthofit serve`` on loopback (a fresh data folder; PostgreSQL as a throw-away
cluster, as the tests make it), makes one account per simulated clinician, then runs every
clinician's whole workflow at once, each in its own thread with its own session: log in, list
and search patients, add a patient, type a visit, open its assessment, open the design page,
rebuild the preview twice with changed values, approve, download the approved files, mark
the order sent. Afterwards it counts what the database and the file store hold against what
was done (no lost or duplicated record or file) and prints the latency of pages, previews and
approvals (median, 95th percentile, max). Asserts nothing; ``tests/app/test_app_load.py`` runs
the same with fewer clinicians and checks the counts.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

PASSWORD = "load-test-password"
MEASURES = {
    "age": "44",
    "weight_kg": "72",
    "left.foot_length_mm": "262",
    "right.foot_length_mm": "264",
    "left.ball_width_mm": "100",
    "right.ball_width_mm": "101",
    "left.heel_width_mm": "66",
    "right.heel_width_mm": "66",
    "left.truncated_foot_length_mm": "190",
    "right.truncated_foot_length_mm": "192",
    "left.dorsal_height_standing_mm": "62",
    "right.dorsal_height_standing_mm": "61",
    "left.navicular_height_standing_mm": "38",
    "right.navicular_height_standing_mm": "37",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(data: Path, db_url: str | None, clinicians: int):
    """``orthofit serve`` on loopback with ``clinicians`` accounts; yields its URL."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ORTHOFIT_PASSWORD": PASSWORD}
    db = ["--db", db_url] if db_url else []
    for i in range(clinicians):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "orthofit",
                "serve",
                "--data",
                str(data),
                *db,
                "--create-user",
                f"c{i}",
                "clinician",
                "Load clinic",
            ],
            check=True,
            env=env,
            cwd=ROOT,
            capture_output=True,
        )
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "orthofit", "serve", "--data", str(data), *db, "--port", str(port), "--workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


class Clinician(threading.Thread):
    """One clinician's whole workflow; records each request's latency by kind, and errors."""

    def __init__(self, url: str, n: int, start: threading.Barrier) -> None:
        super().__init__()
        self.url, self.n, self.start_line = url, n, start
        self.times: dict[str, list[float]] = {"page": [], "preview": [], "approval": []}
        self.errors: list[str] = []
        self.files: dict[str, str] = {}

    def request(self, kind: str, method: str, path: str, **kw):
        t = time.perf_counter()
        r = self.client.request(method, self.url + path, **kw)
        self.times[kind].append(time.perf_counter() - t)
        if r.status_code >= 400:
            self.errors.append(f"{method} {path}: {r.status_code}")
        return r

    def run(self) -> None:
        import httpx

        with httpx.Client(follow_redirects=True, timeout=120) as self.client:
            try:
                self.workflow()
            except Exception as err:  # noqa: BLE001 - every failure is counted, none stops the others
                self.errors.append(f"{type(err).__name__}: {err}")

    def workflow(self) -> None:
        csrf = re.search(r'name="csrf" value="([^"]+)"', self.request("page", "GET", "/login").text).group(1)
        self.start_line.wait()
        r = self.request("page", "POST", "/login", data={"username": f"c{self.n}", "password": PASSWORD, "csrf": csrf})
        csrf = re.search(r'name="csrf" value="([^"]+)"', self.request("page", "GET", "/patients/new").text).group(1)
        self.request("page", "GET", "/patients", params={"q": "Load"})
        r = self.request(
            "page",
            "POST",
            "/patients",
            data={"csrf": csrf, "name": f"Load Patient {self.n}", "code": f"L-{self.n}", "sex": ""},
        )
        patient = r.url.path
        r = self.request("page", "POST", f"{patient}/visits", data={"csrf": csrf, **MEASURES})
        visit = r.url.path
        self.request("page", "GET", f"{visit}/design")
        for value in ("12", "14"):
            self.request(
                "preview",
                "POST",
                f"{visit}/preview",
                data={"csrf": csrf, "profile": "neutral", "p.arch_height_mm": value},
            )
        r = self.request(
            "approval", "POST", f"{visit}/approve", data={"csrf": csrf, "profile": "neutral", "p.arch_height_mm": "14"}
        )
        for sha, name in re.findall(r'<a href="/files/([0-9a-f]{64})" download="([^"]+)"', r.text):
            data = self.request("page", "GET", f"/files/{sha}").content
            if hashlib.sha256(data).hexdigest() != sha:
                self.errors.append(f"{name}: its bytes do not match its SHA-256")
            self.files[name] = sha
        self.request("page", "POST", f"{visit}/advance", data={"csrf": csrf, "to": "sent to lab"})


def run_load(url: str, clinicians: int) -> list[Clinician]:
    barrier = threading.Barrier(clinicians)
    threads = [Clinician(url, i, barrier) for i in range(clinicians)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return threads


def count(db_url: str) -> dict[str, int]:
    """Rows per table, and duplicates (a visit with two files of one name, two patients of one code)."""
    from sqlalchemy import create_engine, text

    from orthofit.app.config import AppConfig

    engine = create_engine(AppConfig.make(Path("/tmp"), db_url).db_url if db_url.startswith("postgresql") else db_url)
    with engine.connect() as c:
        out = {
            t: c.execute(text(f"select count(*) from {t}")).scalar()
            for t in ("patients", "visits", "visit_files", "files")
        }
        out["approved"] = c.execute(text("select count(*) from visits where status = 'sent to lab'")).scalar()
        out["duplicate_codes"] = c.execute(
            text("select count(*) from (select code from patients group by clinic_id, code having count(*) > 1) d")
        ).scalar()
    engine.dispose()
    return out


def figures(threads: list[Clinician]) -> dict[str, tuple[float, float, float]]:
    out = {}
    for kind in ("page", "preview", "approval"):
        xs = sorted(x for t in threads for x in t.times[kind])
        out[kind] = (statistics.median(xs), xs[max(0, int(0.95 * len(xs)) - 1)], xs[-1]) if xs else (0.0, 0.0, 0.0)
    return out


def main() -> None:
    import tempfile

    from helpers.postgres import postgres_server

    ap = argparse.ArgumentParser()
    ap.add_argument("--clinicians", type=int, default=20)
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = ap.parse_args()
    for backend in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
        with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
            db_url = stack.enter_context(postgres_server()) if backend == "postgresql" else None
            data = Path(tmp)
            with serve(data, db_url, args.clinicians) as url:
                t0 = time.perf_counter()
                threads = run_load(url, args.clinicians)
                wall = time.perf_counter() - t0
            counts = count(db_url or f"sqlite:///{data / 'orthofit.db'}")
            stored = sum(1 for p in (data / "files").rglob("*") if p.is_file())
            errors = [e for t in threads for e in t.errors]
            print(
                f"{backend}: {args.clinicians} clinicians, whole workflow at once, {wall:.1f} s; errors: {len(errors)}"
            )
            for e in errors[:5]:
                print("   ", e)
            print(f"    records: {counts}; files in the store: {stored}")
            for kind, (med, p95, top) in figures(threads).items():
                print(f"    {kind:<9} median {1e3 * med:7.0f} ms   p95 {1e3 * p95:7.0f} ms   max {1e3 * top:7.0f} ms")


if __name__ == "__main__":
    main()
