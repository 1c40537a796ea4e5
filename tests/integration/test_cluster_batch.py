"""``orthofit batch --cluster``: the batch on a Dask distributed cluster (issue 19).

The contract is a local batch's: the same bytes in every case folder, folders complete or
absent, bad cases reported while the rest go on, reruns skipping unchanged cases. On top: a
worker SIGKILLed in the middle of a case costs that case a retry, and a scheduler that goes
away ends the batch with one line, after which a rerun resumes.

Every batch runs as a real process (``python -m orthofit``) over real feet: the first ANSUR II
rows of ../shared/data. ``local:2`` starts two worker processes; the resume test starts its
own ``dask scheduler`` and ``dask worker`` processes, as a lab would on its machines.
"""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers.batch_folders import assert_complete, leftovers, visible
from helpers.repo import ROOT, shared_data

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]  # cluster start-up is seconds a test

TIMEOUT = 240  # s: a batch that takes longer hangs
FIELDS = {
    "foot_length_mm": "footlength_mm",
    "ball_width_mm": "footbreadthhorizontal_mm",
    "heel_width_mm": "heelbreadth_mm",
    "truncated_foot_length_mm": "balloffootlength_mm",
}


def ansur_cases(path: Path, n: int, bad: bool = False) -> list[str]:
    """The first ``n`` ANSUR II people as a batch CSV (the same measures for both feet); with
    ``bad``, one more row whose foot is 5 m long."""
    with open(shared_data("anthropometry", "ansur2_feet.csv"), newline="") as fh:
        people = [r for _, r in zip(range(n), csv.DictReader(fh), strict=False)]
    rows = [
        {
            "id": f"ANSUR-{r['subject_id']}",
            "age": r["age_years"],
            "sex": "male" if r["sex"] == "M" else "female",
            "weight_kg": r["weight_kg"],
            **{f"{s}_{k}": r[v] for s in ("left", "right") for k, v in FIELDS.items()},
        }
        for r in people
    ]
    if bad:
        rows.insert(2, {**rows[0], "id": "BAD-1", "left_foot_length_mm": "5000"})
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return [r["id"] for r in rows]


def batch(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orthofit", "batch", *map(str, args)],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def same_bytes(a: Path, b: Path) -> None:
    names = visible(a)
    assert names == visible(b)
    for name in names:
        files = sorted(p.name for p in (a / name).iterdir())
        assert files == sorted(p.name for p in (b / name).iterdir()), name
        for f in files:
            assert (a / name / f).read_bytes() == (b / name / f).read_bytes(), (name, f)


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    """Six real feet, run locally: the bytes every cluster run must equal."""
    d = tmp_path_factory.mktemp("local")
    names = ansur_cases(d / "cases.csv", 6)
    r = batch(d / "cases.csv", "--out", d / "out")
    assert r.returncode == 0, r.stderr
    assert visible(d / "out") == sorted(names)
    return d / "cases.csv", d / "out"


def test_a_local_cluster_writes_what_a_local_run_writes(local_run, tmp_path):
    cases, expected = local_run
    r = batch(cases, "--out", tmp_path / "out", "--cluster", "local:2")
    assert r.returncode == 0, r.stderr
    assert "6 done, 0 unchanged, 0 failed" in r.stdout
    assert "cases/s" in r.stderr  # the progress lines
    same_bytes(tmp_path / "out", expected)
    assert leftovers(tmp_path / "out") == []
    again = batch(cases, "--out", tmp_path / "out", "--cluster", "local:2")
    assert again.returncode == 0 and "0 done, 6 unchanged" in again.stdout, again.stdout


def test_a_worker_killed_mid_case_costs_only_that_case_a_retry(local_run, tmp_path):
    """The second case a worker writes kills it (SIGKILL) with its files in the hidden folder:
    Dask gives the case to a worker again, the batch completes, every case once, nothing
    half-written left, and the bytes are the local run's."""
    cases, expected = local_run
    marker = tmp_path / "killed"
    r = batch(
        cases,
        "--out",
        tmp_path / "out",
        "--cluster",
        "local:2",
        env={"ORTHOFIT_TEST_KILL_AT": "written:2", "ORTHOFIT_TEST_KILL_ONCE": str(marker)},
    )
    assert marker.exists(), "no worker was killed"
    assert r.returncode == 0, r.stderr
    assert "6 done, 0 unchanged, 0 failed" in r.stdout, r.stdout
    done = [line for line in r.stderr.splitlines() if " done (" in line]
    assert len(done) == 6 and len({line.split()[1] for line in done}) == 6, r.stderr  # each case once
    assert "Traceback" not in r.stderr
    same_bytes(tmp_path / "out", expected)
    assert leftovers(tmp_path / "out") == []


def test_a_bad_case_on_a_cluster_fails_alone(tmp_path):
    names = ansur_cases(tmp_path / "cases.csv", 3, bad=True)
    r = batch(tmp_path / "cases.csv", "--out", tmp_path / "out", "--cluster", "local:2")
    assert r.returncode == 2, r.stderr
    assert "3 done, 0 unchanged, 1 failed" in r.stdout
    failed = [line for line in r.stdout.splitlines() if line.startswith("  FAILED")]
    assert len(failed) == 1 and "BAD-1" in failed[0] and "foot_length_mm" in failed[0], r.stdout
    assert visible(tmp_path / "out") == sorted(n for n in names if n != "BAD-1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dask(*args: str, log: Path) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).with_name("dask")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "dask"]
    with open(log, "ab") as fh:
        return subprocess.Popen([*cmd, *args], stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(p: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if p.poll() is None:
        os.killpg(p.pid, sig)
    try:
        p.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait(5)


class Cluster:
    """A scheduler and one ``dask worker`` process with two single-threaded workers."""

    def __init__(self, folder: Path) -> None:
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        port = self.address.rpartition(":")[2]
        self.scheduler = _dask("scheduler", "--port", port, "--no-dashboard", log=folder / "scheduler.log")
        self.workers = _dask(
            "worker",
            self.address,
            "--nworkers",
            "2",
            "--nthreads",
            "1",
            "--no-dashboard",
            "--death-timeout",
            "30",
            log=folder / "workers.log",
        )

    def close(self) -> None:
        _stop(self.workers)
        _stop(self.scheduler)


def test_a_scheduler_that_goes_away_stops_the_batch_in_one_line_and_a_rerun_resumes(local_run, tmp_path):
    cases, expected = local_run
    out = tmp_path / "out"
    first = Cluster(tmp_path)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "orthofit", "batch", str(cases), "--out", str(out), "--cluster", first.address],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + TIMEOUT
        while not (out.exists() and visible(out)) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert proc.poll() is None, proc.communicate()  # it was still running when the first case landed
        _stop(first.scheduler, signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=TIMEOUT)
    finally:
        first.close()
    errors = [line for line in stderr.splitlines() if line.startswith("orthofit:")]
    assert proc.returncode == 2, stderr
    assert len(errors) == 1 and "the Dask scheduler went away" in errors[0] and "rerun" in errors[0], stderr
    assert "Traceback" not in stderr
    kept = visible(out)  # whatever landed is complete
    assert 1 <= len(kept) < 6
    second = Cluster(tmp_path)
    try:
        r = batch(cases, "--out", out, "--cluster", second.address)
    finally:
        second.close()
    assert r.returncode == 0, r.stderr
    unchanged = int(r.stdout.split(" unchanged")[0].rsplit(" ", 1)[1])
    assert unchanged >= len(kept), r.stdout  # what the first run finished is not redone
    same_bytes(out, expected)
    assert leftovers(out) == []
    for name in visible(out):
        assert_complete(out / name)


def test_an_unreachable_scheduler_is_one_line(tmp_path):
    ansur_cases(tmp_path / "cases.csv", 1)
    r = batch(tmp_path / "cases.csv", "--out", tmp_path / "out", "--cluster", f"tcp://127.0.0.1:{_free_port()}")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach the Dask scheduler" in lines[0] and "dask scheduler" in lines[0], lines
