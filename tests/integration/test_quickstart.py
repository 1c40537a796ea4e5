"""The README's Quick start, run as written (minus the pip install, which CI has done): each
command a real process, as a user runs it."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest

from helpers.repo import ROOT


def quick_start_commands() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("## Quick start") : readme.index("## Command line")]
    first = re.findall(r"```bash\n(.*?)\n```", section, re.S)[0]
    steps = [shlex.split(s) for s in first.split("&&")]
    assert steps[0][:4] == ["python", "-m", "pip", "install"]
    return steps[1:]


@pytest.mark.slow  # the README's commands, each a process: about 1.5 s
def test_quick_start_main_job_writes_stl_3mf_and_pdf(tmp_path):
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    for step in quick_start_commands():
        assert step[0] == "orthofit"
        r = subprocess.run(
            [sys.executable, str(ROOT / "cli.py"), *step[1:]], cwd=tmp_path, capture_output=True, text=True
        )
        assert r.returncode == 0, (step, r.stderr)
    out = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert {".stl", ".3mf", ".pdf"} <= {p[p.rindex(".") :] for p in out}, out
    assert (tmp_path / "out" / "EX-FLAT-report.pdf").read_bytes().startswith(b"%PDF")
