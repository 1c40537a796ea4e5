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

from helpers.repo import EXAMPLES, ROOT


def case_text(pid: str, length: float = 262) -> str:
    return (
        f'[patient]\nid = "{pid}"\nage = 40\n\n[left]\nfoot_length_mm = {length}\n\n'
        f"[right]\nfoot_length_mm = {length + 2}\nfpi6 = [1, 1, 1, 1, 1, 1]\n"
    )


def assert_complete(folder) -> None:
    manifests = list(folder.glob("*-manifest.json"))
    assert len(manifests) == 1, folder
    m = json.loads(manifests[0].read_text("utf-8"))
    names = {p.name for p in folder.iterdir()}
    assert names == set(m["outputs"]) | {manifests[0].name}, folder
    for name, digest in m["outputs"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, (folder, name)


@pytest.mark.slow  # three batch runs, about 2.5 s
def test_folder_batch_skips_bad_cases_and_reruns_skip_unchanged(cli, tmp_path):
    src = tmp_path / "cases"
    src.mkdir()
    for i in range(3):
        (src / f"c{i}.toml").write_text(case_text(f"P-{i}", 250 + i), encoding="utf-8")
    (src / "bad.toml").write_text(case_text("P-BAD", 9000), encoding="utf-8")
    out = tmp_path / "out"
    r = cli("batch", src, "--out", out)
    assert r.code == 2  # one case failed
    assert "3 done, 0 unchanged, 1 failed" in r.out
    assert "FAILED bad: left.foot_length_mm = 9000 is out of range" in r.out
    assert sorted(p.name for p in out.iterdir()) == ["c0", "c1", "c2"]
    for d in out.iterdir():
        assert_complete(d)
    assert "1/4" in r.err and "cases/s" in r.err  # plain progress lines (not a terminal)
    # a rerun skips what did not change, and redoes what did
    (src / "c1.toml").write_text(case_text("P-1", 270), encoding="utf-8")
    (src / "bad.toml").unlink()
    before = (out / "c0" / "P-0-report.pdf").stat().st_mtime_ns
    r = cli("batch", src, "--out", out)
    assert r.code == 0, r.out + r.err
    assert "1 done, 2 unchanged, 0 failed" in r.out
    assert (out / "c0" / "P-0-report.pdf").stat().st_mtime_ns == before
    m = json.loads((out / "c1" / "P-1-manifest.json").read_text())
    assert m["insoles"]["left"]["params"]["length_allowance_mm"] and "P-1-left.stl" in m["outputs"]
    # a damaged output is not "unchanged": it is redone
    (out / "c2" / "P-2-left.stl").write_bytes(b"x")
    r = cli("batch", src, "--out", out)
    assert "1 done, 2 unchanged" in r.out
    assert_complete(out / "c2")


def test_batch_slicer_projects_and_rerun_with_another_slicer(cli, tmp_path):
    """Issue 16: ``--slicer`` on a batch writes the chosen projects in every case folder, and a
    rerun with another slicer is not "unchanged": the folder is redone with the new projects."""
    src = tmp_path / "cases"
    src.mkdir()
    (src / "c0.toml").write_text(case_text("P-0"), encoding="utf-8")
    out = tmp_path / "out"
    r = cli("batch", src, "--out", out, "--slicer", "cura")
    assert r.code == 0, r.out + r.err
    names = {p.name for p in (out / "c0").iterdir()}
    assert {"P-0-left.cura.3mf", "P-0-right.cura.3mf", "P-0-left.3mf"} <= names
    assert not any(n.endswith(".prusa.3mf") for n in names)
    assert json.loads((out / "c0" / "P-0-manifest.json").read_text())["slicers"] == ["cura"]
    r = cli("batch", src, "--out", out, "--slicer", "cura")
    assert "0 done, 1 unchanged" in r.out
    r = cli("batch", src, "--out", out)  # the default, prusa
    assert r.code == 0 and "1 done, 0 unchanged" in r.out, r.out + r.err
    names = {p.name for p in (out / "c0").iterdir()}
    assert "P-0-left.prusa.3mf" in names and not any(n.endswith(".cura.3mf") for n in names)
    assert_complete(out / "c0")


def test_csv_batch(cli, tmp_path):
    src = tmp_path / "lab.csv"
    src.write_text(
        "id,age,sex,weight_kg,left_foot_length_mm,left_ball_width_mm,right_foot_length_mm,right_fpi6\n"
        "L-1,45,female,60,245,92,246,\n"
        "L-2,30,male,,270,,,\n"
        "L-3,50,male,80,2700,,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    r = cli("batch", src, "--out", out, "--jobs", "2")
    assert r.code == 2
    assert "2 done, 0 unchanged, 1 failed" in r.out and "L-3" in r.out and "2700" in r.out
    assert_complete(out / "L-1")
    assert sorted(p.name for p in (out / "L-2").iterdir() if p.suffix == ".stl") == ["L-2-left.stl"]
    a = json.loads((out / "L-1" / "L-1-assessment.json").read_text())
    assert a["patient"]["sex"] == "female" and a["feet"]["left"]["shoe_size"] is not None


@pytest.mark.parametrize(
    "text, words",
    [
        ("name,age\nx,40\n", ["'id' column"]),
        ("id,age,left_foot_length_mm\nA/B,40,250\n", ["cannot name a folder"]),
        ("id,age,left_foot_length_mm\nA,40,250\nA,41,251\n", ["two cases are named 'A'"]),
    ],
    ids=["no-id-column", "id-with-slash", "duplicate-id"],
)
def test_bad_batch_sources(cli, tmp_path, text, words):
    src = tmp_path / "lab.csv"
    src.write_text(text, encoding="utf-8")
    r = cli("batch", src, "--out", tmp_path / "out")
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err
    for w in words:
        assert w in r.err
    assert not (tmp_path / "out").exists()


def test_unknown_csv_column_fails_that_row_only(cli, tmp_path):
    src = tmp_path / "lab.csv"
    src.write_text("id,age,left_foot_length_mm,shoe_colour\nA,40,250,red\n", encoding="utf-8")
    r = cli("batch", src, "--out", tmp_path / "out")
    assert r.code == 2 and "unknown column 'shoe_colour'" in r.out


@pytest.mark.slow  # every case twice, about 2.5 s
def test_parallel_equals_serial(cli, tmp_path):
    src = tmp_path / "cases"
    src.mkdir()
    for name in ("normal-adult", "asymmetric-adult", "child"):
        (src / f"{name}.toml").write_bytes((EXAMPLES / f"{name}.toml").read_bytes())
    assert cli("batch", src, "--out", tmp_path / "a", "--jobs", "1").code == 0
    assert cli("batch", src, "--out", tmp_path / "b", "--jobs", "2").code == 0
    for f in (tmp_path / "a").rglob("*"):
        if f.is_file() and not f.name.endswith("manifest.json"):
            assert (tmp_path / "b" / f.relative_to(tmp_path / "a")).read_bytes() == f.read_bytes(), f


@pytest.mark.slow  # 14 cases, one process killed, about 7 s
def test_killed_batch_leaves_only_complete_cases(cli, tmp_path):
    src = tmp_path / "cases"
    src.mkdir()
    n = 14
    for i in range(n):
        (src / f"k{i:02d}.toml").write_text(case_text(f"K-{i:02d}", 240 + i), encoding="utf-8")
    out = tmp_path / "out"
    # a real process, killed with SIGKILL midway: nothing of it may run in the test's process
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "batch", str(src), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        start_new_session=True,
    )
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
        assert_complete(d)  # every case folder there is complete
    # the rerun finishes the rest, keeps the finished ones and clears the leftovers
    r = cli("batch", src, "--out", out)
    assert r.code == 0, r.out
    assert f"{len(visible)} unchanged" in r.out
    assert sorted(p.name for p in out.iterdir()) == [f"k{i:02d}" for i in range(n)]
    for d in out.iterdir():
        assert_complete(d)
