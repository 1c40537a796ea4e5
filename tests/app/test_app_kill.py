"""Killing the server mid-save (issue 13, "Reliable"): a visit is saved in one transaction
with its files written to the content-addressed store first, so a server killed at any point
of a save leaves the whole visit or none of it, and after the next start no orphan file.

The server is a real ``orthofit serve`` process, killed with SIGKILL (no cleanup of any kind)
right after its Nth file reaches the store (``helpers/serve_and_die.py``), for every step of
a case import (2 scans) and of an approval (10 files); then started again, and the database
and the store are checked against each other. One more round kills the server at a random
moment while three clinicians import and approve the same scans at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from helpers.postgres import postgres_server
from helpers.repo import ROOT

pytestmark = pytest.mark.slow

EXAMPLES = ROOT / "examples"
PASSWORD = "kill-test-password"
SCANS = [f"dupontgu_{side}_foot_m.stl" for side in ("left", "right")]
APPROVAL_FILES = 10  # assessment, 2 STL, 2 plain 3MF, 2 PrusaSlicer projects, report, lab sheet, manifest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(data: Path, db: str | None, die_after: int | None = None) -> tuple[subprocess.Popen, str]:
    """``orthofit serve`` on a free port (killing itself after ``die_after`` stored files)."""
    port = _free_port()
    args = ["serve", "--data", str(data), "--port", str(port), "--workers", "1", *(["--db", db] if db else [])]
    dying = [str(ROOT / "tests" / "helpers" / "serve_and_die.py"), str(die_after)]
    cmd = [sys.executable, *(dying if die_after else ["-m", "orthofit"])]
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}", "ORTHOFIT_PASSWORD": PASSWORD}
    proc = subprocess.Popen([*cmd, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(f"{url}/healthz", timeout=1).read() == b"ok":
                return proc, url
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("the app did not start within 60 s")


def _create_user(data: Path, db: str | None, name: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "orthofit", "serve", "--data", str(data), *(["--db", db] if db else []),
         "--create-user", name, "clinician", "Kill clinic"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "ORTHOFIT_PASSWORD": PASSWORD},
        check=True, capture_output=True,
    )  # fmt: skip


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, html[:300]
    return m.group(1)


def _login(client, url: str, name: str) -> str:
    token = _csrf(client.get(f"{url}/login").text)
    client.post(f"{url}/login", data={"username": name, "password": PASSWORD, "csrf": token})
    return _csrf(client.get(f"{url}/patients/new").text)


def _import_and_approve(client, url: str, csrf: str, code: str) -> None:
    """Add a patient, import the scanned example as a visit (2 files), approve it (10 files)."""
    r = client.post(f"{url}/patients", data={"csrf": csrf, "name": f"Kill {code}", "code": code, "sex": ""})
    patient = r.url.path
    files = [("files", ("case.toml", (EXAMPLES / "scanned-adult.toml").read_bytes(), "application/toml"))]
    files += [("files", (n, (EXAMPLES / "scans" / n).read_bytes(), "model/stl")) for n in SCANS]
    r = client.post(f"{url}{patient}/import", data={"csrf": csrf}, files=files, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    client.post(f"{url}{r.headers['location']}/approve", data={"csrf": csrf, "profile": "neutral"})


def _check_whole(data: Path, db_url: str) -> dict[str, int]:
    """Every visit whole (both scans; approved with all its files, or a draft with none), every
    file row's bytes in the store under their hash, and nothing else in the store."""
    engine = create_engine(db_url)
    with engine.connect() as c:
        visits = dict(c.execute(text("select id, status from visits")).all())
        rows = c.execute(text("select visit_id, name, kind, sha256 from visit_files")).all()
        stored = set(c.execute(text("select sha256 from files")).scalars())
    engine.dispose()
    for vid, status in visits.items():
        inputs = sorted(r.name for r in rows if r.visit_id == vid and r.kind == "input")
        outputs = [r for r in rows if r.visit_id == vid and r.kind == "output"]
        assert inputs == SCANS, (vid, inputs)
        assert len(outputs) == (0 if status == "draft" else APPROVAL_FILES), (vid, status, len(outputs))
    on_disk = {p.parent.name + p.name for p in (data / "files").rglob("*") if p.is_file()}
    assert not [p for p in (data / "files").rglob(".tmp-*")]
    assert on_disk == stored == {r.sha256 for r in rows}
    for sha in on_disk:
        assert hashlib.sha256((data / "files" / sha[:2] / sha[2:]).read_bytes()).hexdigest() == sha
    return {"visits": len(visits), "approved": sum(s != "draft" for s in visits.values())}


def _clinician(url: str, i: int, prefix: str, failures: list[str]) -> None:
    """Import and approve, over and over, until the server is gone."""
    import httpx

    with httpx.Client(follow_redirects=True, timeout=60) as client:
        try:
            csrf = _login(client, url, f"k{i}")
            for n in range(100):
                _import_and_approve(client, url, csrf, f"{prefix}-{i}-{n}")
        except httpx.HTTPError:
            return  # the server is gone
        except AssertionError as err:
            failures.append(str(err))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """A function making a fresh (data folder, database URL or None) for each server life."""
    with contextlib.ExitStack() as stack:
        pg = stack.enter_context(postgres_server()) if request.param == "postgresql" else None
        count = iter(range(1000))

        def fresh() -> tuple[Path, str | None, str]:
            n = next(count)
            data = tmp_path / f"data{n}"
            if pg is None:
                return data, None, f"sqlite:///{data / 'orthofit.db'}"
            engine = create_engine(pg, isolation_level="AUTOCOMMIT")
            with engine.connect() as c:
                c.execute(text(f"create database kill{n}"))
            engine.dispose()
            url = pg.rsplit("/", 1)[0] + f"/kill{n}"
            return data, url, url

        yield fresh


# 1-2: while an import's scans are stored; 3-12: while an approval's files are stored
@pytest.mark.parametrize("die_after", [1, 2, 3, 6, 9])
def test_a_server_killed_mid_save_keeps_the_whole_visit_or_none(database, die_after):
    import httpx

    data, db, db_url = database()
    _create_user(data, db, "k")
    proc, url = _serve(data, db, die_after)
    try:
        with httpx.Client(follow_redirects=True, timeout=60) as client:
            csrf = _login(client, url, "k")
            with contextlib.suppress(httpx.HTTPError):
                _import_and_approve(client, url, csrf, "K-1")
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        proc.kill()  # a server that did not die as planned is not left behind
    # Started again: the files of the unfinished save are swept; what was committed is whole.
    proc, url = _serve(data, db)
    try:
        counts = _check_whole(data, db_url)
        assert counts == ({"visits": 0, "approved": 0} if die_after <= 2 else {"visits": 1, "approved": 0})
        with httpx.Client(follow_redirects=True, timeout=60) as client:
            csrf = _login(client, url, "k")
            _import_and_approve(client, url, csrf, "K-2")  # and the app goes on working
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert _check_whole(data, db_url)["approved"] == 1


def test_a_server_killed_at_a_random_moment_of_concurrent_saves_keeps_them_whole(database):
    """Three clinicians import the same scans and approve, over and over; the server is
    killed at a seeded random moment, three times; every save is whole after each restart."""

    data, db, db_url = database()
    for i in range(3):
        _create_user(data, db, f"k{i}")
    rng = random.Random(13)
    for life in range(3):
        proc, url = _serve(data, db)
        failures: list[str] = []
        threads = [threading.Thread(target=_clinician, args=(url, i, f"R{life}", failures)) for i in range(3)]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(2.0, 8.0))
        proc.send_signal(signal.SIGKILL)
        for t in threads:
            t.join()
        proc.wait(timeout=30)  # SIGKILL cannot be ignored
        assert failures == []
        proc, url = _serve(data, db)  # the sweep runs at start
        proc.terminate()
        proc.wait(timeout=30)
        _check_whole(data, db_url)
