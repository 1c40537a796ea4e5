"""``orthofit batch`` stopped, killed and fed hostile cases (issue "nothing lost, nothing escapes,
nothing hangs").

The contract: Ctrl-C (to the process group, as a terminal sends it, or to the batch process
alone) prints one line and the summary so far and exits with 130; no worker outlives the batch
process, however it ends, and none prints a traceback; ``--out`` holds only complete case
folders after any stop, and the next run finishes every case and leaves no ``.orthofit-*``
entry behind; a case that cannot be read (a missing scan, ``/dev/zero``) fails alone, with the
reader's message.

The batch runs as a real process (``python -m orthofit``, in a session of its own so a signal
to its group reaches only it and its workers). Kills at chosen steps come from the test hook
``ORTHOFIT_TEST_KILL_AT`` of orthofit/pipeline/batch.py.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers.batch_folders import assert_complete, leftovers, visible
from helpers.repo import ROOT

TIMEOUT = 90  # s: a batch that takes longer hangs


def case_text(pid: str, length: float) -> str:
    return (
        f'[patient]\nid = "{pid}"\nage = 40\n\n[left]\nfoot_length_mm = {length}\n\n'
        f"[right]\nfoot_length_mm = {length + 2}\nfpi6 = [1, 1, 1, 1, 1, 1]\n"
    )


def make_cases(folder: Path, n: int) -> list[str]:
    folder.mkdir()
    for i in range(n):
        (folder / f"c{i}.toml").write_text(case_text(f"P-{i}", 250 + i), encoding="utf-8")
    return [f"c{i}" for i in range(n)]


# --- processes -----------------------------------------------------------------------------------


def _stat(pid: int) -> tuple[str, int, str] | None:
    """(state, parent pid, start time) of a process, None when there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()
    return fields[0], int(fields[1]), fields[19]


def children(pid: int) -> dict[int, str]:
    """The running children of ``pid``: pid -> start time (to tell a reused pid apart)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            st = _stat(int(entry.name))
            if st and st[1] == pid and st[0] not in "ZX":
                found[int(entry.name)] = st[2]
    return found


def running(procs: dict[int, str]) -> list[int]:
    """Which of ``procs`` (pid -> start time) still run (a zombie has stopped)."""
    alive = []
    for pid, start in procs.items():
        st = _stat(pid)
        if st and st[2] == start and st[0] not in "ZX":
            alive.append(pid)
    return alive


def running_for(out: Path) -> list[int]:
    """Processes whose command line names ``out``: the batch process and its (forked) workers."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        st = _stat(int(entry.name))
        if str(out).encode() in cmdline.split(b"\0") and st and st[0] not in "ZX":
            found.append(int(entry.name))
    return found


def eventually(check, seconds: float = 5.0):
    """Wait until ``check()`` is falsy (what it returned last otherwise)."""
    deadline = time.monotonic() + seconds
    while (left := check()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def start_batch(src: Path, out: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "orthofit", "batch", str(src), "--out", str(out), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        start_new_session=True,  # its own process group: a signal to the group reaches only the batch
    )


def finish(proc: subprocess.Popen) -> tuple[str, str]:
    """Its stdout and stderr, read to the end: every process holding them (workers too) has ended."""
    try:
        return proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("the batch (or a worker holding its output) hung")


def wait_for_first_case(proc: subprocess.Popen, out: Path, workers: int) -> dict[int, str]:
    """Wait until a case folder is placed; the batch's workers then (pid -> start time)."""
    deadline = time.monotonic() + TIMEOUT
    while not (out.exists() and any(not p.name.startswith(".") for p in out.iterdir())):
        assert proc.poll() is None, finish(proc)
        assert time.monotonic() < deadline, "no case was placed"
        time.sleep(0.02)
    procs = children(proc.pid)
    assert len(procs) == workers, procs
    return procs


PROGRESS = re.compile(r"\d+/\d+ \S+ (done|skipped|failed)\b.*\(\d+\.\d cases/s\)$")


def rerun_finishes(cli, src: Path, out: Path, cases: list[str], *args: str):
    """The next run finishes every case, keeps what was complete and leaves no leftovers."""
    kept = visible(out)
    r = cli("batch", src, "--out", out, *args)
    assert r.code == 0, r
    m = re.search(r"(\d+) done, (\d+) unchanged, 0 failed", r.out)
    assert m and int(m[1]) + int(m[2]) == len(cases), r
    assert visible(out) == cases and leftovers(out) == []
    return r, kept


# --- Ctrl-C and SIGKILL from outside -----------------------------------------------------------


@pytest.mark.parametrize(
    "to", ["group", pytest.param("parent", marks=pytest.mark.slow)], ids=["to-the-group", "to-the-parent"]
)
def test_ctrl_c_prints_one_line_and_stops_every_worker(cli, tmp_path, to):
    cases = make_cases(tmp_path / "cases", 5)
    out = tmp_path / "out"
    proc = start_batch(tmp_path / "cases", out, "--jobs", "2")
    workers = wait_for_first_case(proc, out, 2)
    if to == "group":  # as a terminal sends Ctrl-C
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGINT)
    stdout, stderr = finish(proc)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    lines = stderr.strip().splitlines()
    progress = [line for line in lines if PROGRESS.match(line)]
    others = [line for line in lines if not PROGRESS.match(line)]
    assert others == [f"orthofit: interrupted; {len(progress)} of 5 cases done, rerun to finish the rest"], stderr
    assert f"{len(progress)} case{'' if len(progress) == 1 else 's'} in" in stdout and "0 failed" in stdout, stdout
    assert eventually(lambda: running(workers)) == []
    # only complete case folders (at least the one placed before Ctrl-C; a case placed but not
    # yet reported is kept too), and nothing hidden left either
    assert len(progress) <= len(visible(out)) < 5 and len(visible(out)) >= 1, "not interrupted midway"
    assert leftovers(out) == []
    r, kept = rerun_finishes(cli, tmp_path / "cases", out, cases)
    assert f"{len(kept)} unchanged" in r.out, r


@pytest.mark.slow  # about 3 s
def test_sigkill_of_the_batch_process_takes_its_workers_along(cli, tmp_path):
    cases = make_cases(tmp_path / "cases", 5)
    out = tmp_path / "out"
    proc = start_batch(tmp_path / "cases", out, "--jobs", "2")
    workers = wait_for_first_case(proc, out, 2)
    os.kill(proc.pid, signal.SIGKILL)  # the parent alone: its workers must notice
    assert eventually(lambda: running(workers)) == [], "a worker outlived the batch process"
    snapshot = (visible(out), leftovers(out))
    _, stderr = finish(proc)  # returns once no worker holds stderr any more
    assert proc.returncode == -signal.SIGKILL
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    time.sleep(0.5)
    assert (visible(out), leftovers(out)) == snapshot  # nothing was written after the kill
    rerun_finishes(cli, tmp_path / "cases", out, cases)


@pytest.mark.slow  # about 3 s
def test_a_worker_killed_alone_stops_the_batch_instead_of_hanging(cli, tmp_path):
    cases = make_cases(tmp_path / "cases", 5)
    out = tmp_path / "out"
    proc = start_batch(tmp_path / "cases", out, "--jobs", "2")
    workers = wait_for_first_case(proc, out, 2)
    os.kill(min(workers), signal.SIGKILL)  # as the out-of-memory killer would
    stdout, stderr = finish(proc)
    assert proc.returncode == 2, stderr
    assert "Traceback" not in stderr, stderr
    (line,) = [line for line in stderr.strip().splitlines() if not PROGRESS.match(line)]
    assert re.fullmatch(
        r"orthofit: error: a worker process stopped unexpectedly \(killed by SIGKILL\); "
        r"\d of 5 cases done, rerun to finish the rest",
        line,
    ), stderr
    assert eventually(lambda: running(workers)) == [] and eventually(lambda: running_for(out)) == []
    assert leftovers(out) == []
    rerun_finishes(cli, tmp_path / "cases", out, cases)


# --- stopped at each step of placing a case --------------------------------------------------------

# (jobs, step, signal). Steps (see _kill_point in orthofit/pipeline/batch.py): "written" (a case's
# files are in its hidden folder), "aside" (its earlier folder moved aside), "placed" (renamed
# into place), counted in each process that places cases; "result" (the batch took a result).
QUICK_STOPS = [(1, "aside:1", "SIGKILL"), (2, "placed:1", "SIGINT")]
SLOW_STOPS = [
    (1, "written:1", "SIGINT"),
    (1, "written:2", "SIGKILL"),
    (1, "aside:2", "SIGINT"),
    (1, "placed:1", "SIGKILL"),
    (1, "placed:3", "SIGINT"),
    (1, "result:2", "SIGKILL"),
    (2, "written:1", "SIGKILL"),
    (2, "aside:1", "SIGINT"),
    (2, "aside:1", "SIGKILL"),
    (2, "placed:2", "SIGKILL"),
    (2, "result:1", "SIGINT"),
]
STOPS = [
    pytest.param(jobs, at, sig, id=f"jobs{jobs}-{at}-{sig}", marks=[pytest.mark.slow] if slow else [])
    for slow, stops in ((False, QUICK_STOPS), (True, SLOW_STOPS))
    for jobs, at, sig in stops
]


@pytest.fixture(scope="module")
def earlier(cli, tmp_path_factory):
    """Three cases and an earlier complete run of them (profile sport), so that a run with the
    default profile replaces every case folder (and reaches every step)."""
    base = tmp_path_factory.mktemp("earlier")
    cases = make_cases(base / "cases", 3)
    r = cli("batch", base / "cases", "--out", base / "out", "--profile", "sport")
    assert r.code == 0, r
    return base / "cases", base / "out", cases


def _profiles(out: Path) -> dict[str, str]:
    return {name: assert_complete(out / name)["profile_requested"] for name in visible(out)}


@pytest.mark.parametrize("jobs, at, sig", STOPS)
def test_a_batch_stopped_at_a_step_leaves_only_complete_case_folders(cli, tmp_path, earlier, jobs, at, sig):
    src, before, cases = earlier
    out = tmp_path / "out"
    shutil.copytree(before, out)
    proc = start_batch(src, out, "--jobs", str(jobs), env={"ORTHOFIT_TEST_KILL_AT": f"{at}:{sig}"})
    stdout, stderr = finish(proc)
    assert "Traceback" not in stderr, stderr
    assert eventually(lambda: running_for(out)) == [], "a worker outlived the batch"
    profiles = _profiles(out)  # every case folder there is complete: the old one or the new one
    assert set(profiles.values()) <= {"sport", "neutral"}
    if sig == "SIGINT":
        assert proc.returncode == 130, stderr
        (line,) = [line for line in stderr.strip().splitlines() if not PROGRESS.match(line)]
        assert re.fullmatch(r"orthofit: interrupted; \d of 3 cases done, rerun to finish the rest", line), stderr
        assert re.search(r"\d+ cases? in", stdout), stdout
        # cleaned up at once: no hidden folder, no case folder lost (one caught between its
        # two renames got its earlier folder back)
        assert leftovers(out) == [] and sorted(profiles) == cases, (leftovers(out), profiles)
        assert "neutral" in profiles.values() or at.startswith(("written", "aside"))
    else:
        assert proc.returncode == -signal.SIGKILL, stderr
        assert stderr.strip() == "" or all(PROGRESS.match(line) for line in stderr.strip().splitlines()), stderr
    if at == "aside:1" and sig == "SIGKILL" and jobs == 1:
        # killed between moving c0's folder aside and renaming its new one in: the folder is
        # hidden now, and the next run puts it back (it is unchanged for a sport run)
        assert sorted(profiles) == cases[1:] and any(n.startswith(".orthofit-old-c0-") for n in leftovers(out))
        r, _ = rerun_finishes(cli, src, out, cases, "--profile", "sport")
        assert "0 done, 3 unchanged" in r.out, r
        return
    rerun_finishes(cli, src, out, cases)
    assert set(_profiles(out).values()) == {"neutral"}


# --- cases that cannot be read --------------------------------------------------------------------


def test_an_unreadable_case_fails_alone_with_the_readers_message(cli, tmp_path):
    src = tmp_path / "cases"
    make_cases(src, 1)
    scan = '[patient]\nid = "{0}"\nage = 40\n\n[left]\nscan = "{1}"\nscan_units = "m"\n'
    (src / "missing.toml").write_text(scan.format("M-1", "nowhere/left.stl"), encoding="utf-8")
    (src / "zero.toml").write_text(scan.format("Z-1", "/dev/zero"), encoding="utf-8")
    out = tmp_path / "out"
    r = cli("batch", src, "--out", out, "--jobs", "2")
    assert r.code == 2, r
    assert "1 done, 0 unchanged, 2 failed" in r.out, r
    failed = dict(re.findall(r"^  FAILED (\S+): (.*)$", r.out, re.M))
    assert "cannot write" not in failed["missing"], failed
    assert "scan file not found" in failed["missing"] and str(src / "nowhere/left.stl") in failed["missing"]
    assert "/dev/zero is not a regular file" in failed["zero"], failed
    assert visible(out) == ["c0"] and leftovers(out) == []


def test_a_csv_rows_scan_or_grid_is_an_input(tmp_path):
    """A file a CSV row names is hashed like one a case file names: editing it redoes the case."""
    from orthofit.config.settings import load_settings
    from orthofit.io.lab_csv import read_cases
    from orthofit.pipeline.batch import _inputs

    grid = tmp_path / "print.csv"
    grid.write_text("0,1,1,0\n0,1,1,0\n", encoding="utf-8")
    rows = tmp_path / "lab.csv"
    rows.write_text(
        f"id,age,left_foot_length_mm,left_footprint_grid,left_footprint_grid_pitch_mm\nG-1,40,250,{grid},5\n",
        encoding="utf-8",
    )
    (case,) = read_cases(rows)
    settings = load_settings("neutral")
    first, _ = _inputs(case, settings)
    assert str(grid) in first
    grid.write_text("0,1,1,0\n0,1,1,1\n", encoding="utf-8")
    assert _inputs(case, settings)[0] != first
