"""Benchmark: the clinic app under 20 clinicians at once, on SQLite and on PostgreSQL.

    python benchmarks/bench_app_load.py [--clinicians 20] [--db sqlite|postgresql|both]
                                        [--mode paced|burst|both] [--routes]

Starts ``orthofit serve --workers 2`` on loopback (a fresh data folder; PostgreSQL as a
throw-away cluster, as the tests make it) and waits until its workers are warm, makes one
account per simulated clinician, then runs every clinician's whole workflow at once, each in
its own thread with its own session: log in, list and search patients, add a patient, type a
visit, open its assessment, open the design page, rebuild the preview twice with changed
values, approve, download the approved files, mark the order sent.

Two modes (see :class:`Clinician`): *paced*, clinicians who arrive within 10 s and pause 1-4 s
before each action (a clinic), and *burst*, all at the same instant with no pauses (a stress
test: every approval is asked for within a second or two, so the figures measure the queue).

Afterwards it counts what the database and the file store hold against what was done (no
lost or duplicated record or file) and prints the latency of pages, previews and approvals
(median, 95th percentile, max), and with ``--routes`` each route's. Asserts nothing;
``tests/app/test_app_load.py`` runs the burst with fewer clinicians and checks the counts.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import math
import os
import random
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
    for _ in range(600):  # until the workers are warm: a clinic's server is up before the clinic opens
        try:
            if urllib.request.urlopen(f"{url}/healthz", timeout=1).read() == b"ok":
                break
        except OSError:
            pass
        time.sleep(0.1)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


#: Paced clinicians arrive within this many seconds of each other, and pause this long
#: (uniformly drawn, seeded) before each action: reading a page, typing, moving a slider.
ARRIVAL_S = 10.0
THINK_S = (1.0, 4.0)


class Clinician(threading.Thread):
    """One clinician's whole workflow; records each request's latency by kind, and errors.

    ``paced=False`` is the burst: every clinician clicks the moment the previous answer
    arrives, all starting together, so all 20 approvals are asked for within a second or two.
    ``paced=True`` is a clinic: each arrives within :data:`ARRIVAL_S` and pauses
    :data:`THINK_S` before each action (the whole workflow still overlaps for all of them).
    """

    def __init__(self, url: str, n: int, start: threading.Barrier, paced: bool = False) -> None:
        super().__init__()
        self.url, self.n, self.start_line, self.paced = url, n, start, paced
        self.rng = random.Random(n)
        self.times: dict[str, list[float]] = {"page": [], "preview": [], "approval": []}
        self.errors: list[str] = []
        self.files: dict[str, str] = {}
        self.by_route: dict[str, list[float]] = {}

    def think(self, low: float | None = None, high: float | None = None) -> None:
        if self.paced:
            time.sleep(self.rng.uniform(low if low is not None else THINK_S[0], high or THINK_S[1]))

    def request(self, kind: str, method: str, path: str, **kw):
        t = time.perf_counter()
        r = self.client.request(method, self.url + path, **kw)
        dt = time.perf_counter() - t
        self.times[kind].append(dt)
        route = re.sub(r"/[0-9a-f]{64}|/\d+", "/N", path)
        self.by_route.setdefault(f"{method} {route}", []).append(dt)
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
        self.think(0.0, ARRIVAL_S)
        r = self.request("page", "POST", "/login", data={"username": f"c{self.n}", "password": PASSWORD, "csrf": csrf})
        self.think()
        csrf = re.search(r'name="csrf" value="([^"]+)"', self.request("page", "GET", "/patients/new").text).group(1)
        self.think()
        self.request("page", "GET", "/patients", params={"q": "Load"})
        self.think()
        r = self.request(
            "page",
            "POST",
            "/patients",
            data={"csrf": csrf, "name": f"Load Patient {self.n}", "code": f"L-{self.n}", "sex": ""},
        )
        patient = r.url.path
        self.think()
        r = self.request("page", "POST", f"{patient}/visits", data={"csrf": csrf, **MEASURES})
        visit = r.url.path
        self.think()
        self.request("page", "GET", f"{visit}/design")
        for value in ("12", "14"):
            self.think()
            self.request(
                "preview",
                "POST",
                f"{visit}/preview",
                data={"csrf": csrf, "profile": "neutral", "p.arch_height_mm": value},
            )
        self.think()
        r = self.request(
            "approval", "POST", f"{visit}/approve", data={"csrf": csrf, "profile": "neutral", "p.arch_height_mm": "14"}
        )
        self.think()
        for sha, name in re.findall(r'<a href="/files/([0-9a-f]{64})" download="([^"]+)"', r.text):
            data = self.request("page", "GET", f"/files/{sha}").content
            if hashlib.sha256(data).hexdigest() != sha:
                self.errors.append(f"{name}: its bytes do not match its SHA-256")
            self.files[name] = sha
        self.think()
        self.request("page", "POST", f"{visit}/advance", data={"csrf": csrf, "to": "sent to lab"})


def run_load(url: str, clinicians: int, paced: bool = False) -> list[Clinician]:
    barrier = threading.Barrier(clinicians)
    threads = [Clinician(url, i, barrier, paced) for i in range(clinicians)]
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


def p95(xs: list[float]) -> float:
    """The 95th percentile by nearest rank: the smallest value at least 95 % of them do not exceed."""
    xs = sorted(xs)
    return xs[max(0, math.ceil(0.95 * len(xs)) - 1)]


def figures(threads: list[Clinician]) -> dict[str, tuple[float, float, float]]:
    out = {}
    for kind in ("page", "preview", "approval"):
        xs = [x for t in threads for x in t.times[kind]]
        out[kind] = (statistics.median(xs), p95(xs), max(xs)) if xs else (0.0, 0.0, 0.0)
    return out


def by_route(threads: list[Clinician]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for t in threads:
        for route, xs in t.by_route.items():
            out.setdefault(route, []).extend(xs)
    return out


def main() -> None:
    import tempfile

    from helpers.postgres import postgres_server

    ap = argparse.ArgumentParser()
    ap.add_argument("--clinicians", type=int, default=20)
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--mode", choices=["paced", "burst", "both"], default="both")
    ap.add_argument("--routes", action="store_true", help="also print each route's latency")
    args = ap.parse_args()
    backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    modes = [True, False] if args.mode == "both" else [args.mode == "paced"]
    for backend, paced in itertools.product(backends, modes):
        with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
            db_url = stack.enter_context(postgres_server()) if backend == "postgresql" else None
            data = Path(tmp)
            with serve(data, db_url, args.clinicians) as url:
                t0 = time.perf_counter()
                threads = run_load(url, args.clinicians, paced)
                wall = time.perf_counter() - t0
            counts = count(db_url or f"sqlite:///{data / 'orthofit.db'}")
            stored = sum(1 for p in (data / "files").rglob("*") if p.is_file())
            errors = [e for t in threads for e in t.errors]
            how = "paced like a clinic" if paced else "burst, no pauses"
            print(f"{backend}, {how}: {args.clinicians} clinicians, {wall:.1f} s; errors: {len(errors)}")
            for e in errors[:5]:
                print("   ", e)
            print(f"    records: {counts}; files in the store: {stored}")
            for kind, (med, high, top) in figures(threads).items():
                print(f"    {kind:<9} median {1e3 * med:7.0f} ms   p95 {1e3 * high:7.0f} ms   max {1e3 * top:7.0f} ms")
            if args.routes:
                for route, xs in sorted(by_route(threads).items()):
                    med, high = 1e3 * statistics.median(xs), 1e3 * p95(xs)
                    print(f"      {route:<32} n {len(xs):3d}  median {med:6.0f} ms  p95 {high:6.0f} ms")


if __name__ == "__main__":
    main()
