"""``orthofit batch``: one sub-folder per case, bad cases skipped and reported, reruns skip
unchanged cases, CSV input, parallel runs equal serial ones, and a killed batch leaves only
complete case folders."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import EXAMPLES, ROOT

CLI = ROOT / "cli.py"


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CLI), *map(str, args)], capture_output=True, text=True, cwd=ROOT)


def case_text(pid: str, length: float = 262) -> str:
    return (f'[patient]\nid = "{pid}"\nage = 40\n\n[left]\nfoot_length_mm = {length}\n\n'
            f'[right]\nfoot_length_mm = {length + 2}\nfpi6 = [1, 1, 1, 1, 1, 1]\n')


def assert_complete(folder) -> None:
    manifests = list(folder.glob("*-manifest.json"))
    assert len(manifests) == 1, folder
    m = json.loads(manifests[0].read_text("utf-8"))
    names = {p.name for p in folder.iterdir()}
    assert names == set(m["outputs"]) | {manifests[0].name}, folder
    for name, digest in m["outputs"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, (folder, name)


def test_folder_batch_skips_bad_cases_and_reruns_skip_unchanged(tmp_path):
    src = tmp_path / "cases"
    src.mkdir()
    for i in range(3):
        (src / f"c{i}.toml").write_text(case_text(f"P-{i}", 250 + i), encoding="utf-8")
    (src / "bad.toml").write_text(case_text("P-BAD", 9000), encoding="utf-8")
    out = tmp_path / "out"
    r = run("batch", src, "--out", out)
    assert r.returncode == 2                                   # one case failed
    assert "3 done, 0 unchanged, 1 failed" in r.stdout
    assert "FAILED bad: left.foot_length_mm = 9000 is out of range" in r.stdout
    assert sorted(p.name for p in out.iterdir()) == ["c0", "c1", "c2"]
    for d in out.iterdir():
        assert_complete(d)
    assert "1/4" in r.stderr and "cases/s" in r.stderr          # plain progress lines (not a terminal)
    # a rerun skips what did not change, and redoes what did
    (src / "c1.toml").write_text(case_text("P-1", 270), encoding="utf-8")
    (src / "bad.toml").unlink()
    before = (out / "c0" / "P-0-report.pdf").stat().st_mtime_ns
    r = run("batch", src, "--out", out)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 done, 2 unchanged, 0 failed" in r.stdout
    assert (out / "c0" / "P-0-report.pdf").stat().st_mtime_ns == before
    m = json.loads((out / "c1" / "P-1-manifest.json").read_text())
    assert m["insoles"]["left"]["params"]["length_allowance_mm"] and "P-1-left.stl" in m["outputs"]
    # a damaged output is not "unchanged": it is redone
    (out / "c2" / "P-2-left.stl").write_bytes(b"x")
    r = run("batch", src, "--out", out)
    assert "1 done, 2 unchanged" in r.stdout
    assert_complete(out / "c2")


def test_csv_batch(tmp_path):
    src = tmp_path / "lab.csv"
    src.write_text(
        "id,age,sex,weight_kg,left_foot_length_mm,left_ball_width_mm,right_foot_length_mm,right_fpi6\n"
        "L-1,45,female,60,245,92,246,\n"
        "L-2,30,male,,270,,,\n"
        "L-3,50,male,80,2700,,,\n", encoding="utf-8")
    out = tmp_path / "out"
    r = run("batch", src, "--out", out, "--jobs", "2")
    assert r.returncode == 2
    assert "2 done, 0 unchanged, 1 failed" in r.stdout and "L-3" in r.stdout and "2700" in r.stdout
    assert_complete(out / "L-1")
    assert sorted(p.name for p in (out / "L-2").iterdir() if p.suffix == ".stl") == ["L-2-left.stl"]
    a = json.loads((out / "L-1" / "L-1-assessment.json").read_text())
    assert a["patient"]["sex"] == "female" and a["feet"]["left"]["shoe_size"] is not None


@pytest.mark.parametrize("text, words", [
    ("name,age\nx,40\n", ["'id' column"]),
    ("id,age,left_foot_length_mm\nA/B,40,250\n", ["cannot name a folder"]),
    ("id,age,left_foot_length_mm\nA,40,250\nA,41,251\n", ["two cases are named 'A'"]),
], ids=["no-id-column", "id-with-slash", "duplicate-id"])
def test_bad_batch_sources(tmp_path, text, words):
    src = tmp_path / "lab.csv"
    src.write_text(text, encoding="utf-8")
    r = run("batch", src, "--out", tmp_path / "out")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    for w in words:
        assert w in r.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_csv_column_fails_that_row_only(tmp_path):
    src = tmp_path / "lab.csv"
    src.write_text("id,age,left_foot_length_mm,shoe_colour\nA,40,250,red\n", encoding="utf-8")
    r = run("batch", src, "--out", tmp_path / "out")
    assert r.returncode == 2 and "unknown column 'shoe_colour'" in r.stdout


def test_parallel_equals_serial(tmp_path):
    src = tmp_path / "cases"
    src.mkdir()
    for name in ("normal-adult", "asymmetric-adult", "child"):
        (src / f"{name}.toml").write_bytes((EXAMPLES / f"{name}.toml").read_bytes())
    assert run("batch", src, "--out", tmp_path / "a", "--jobs", "1").returncode == 0
    assert run("batch", src, "--out", tmp_path / "b", "--jobs", "2").returncode == 0
    for f in (tmp_path / "a").rglob("*"):
        if f.is_file() and not f.name.endswith("manifest.json"):
            assert (tmp_path / "b" / f.relative_to(tmp_path / "a")).read_bytes() == f.read_bytes(), f


def test_killed_batch_leaves_only_complete_cases(tmp_path):
    src = tmp_path / "cases"
    src.mkdir()
    n = 14
    for i in range(n):
        (src / f"k{i:02d}.toml").write_text(case_text(f"K-{i:02d}", 240 + i), encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, str(CLI), "batch", str(src), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        done = [p for p in out.glob("k*")] if out.exists() else []
        if len(done) >= 3:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    visible = sorted(p for p in out.iterdir() if not p.name.startswith("."))
    assert 3 <= len(visible) < n, "the batch was not interrupted midway"
    for d in visible:
        assert_complete(d)                      # every case folder there is complete
    # the rerun finishes the rest, keeps the finished ones and clears the leftovers
    r = run("batch", src, "--out", out)
    assert r.returncode == 0, r.stdout
    assert f"{len(visible)} unchanged" in r.stdout
    assert sorted(p.name for p in out.iterdir()) == [f"k{i:02d}" for i in range(n)]
    for d in out.iterdir():
        assert_complete(d)
