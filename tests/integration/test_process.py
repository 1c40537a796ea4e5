"""The real process: ``python cli.py`` (the checkout's shim) and ``python -m orthofit`` exit
with the status ``orthofit.cli.main`` returns, and print where it prints. Everything else about
the command line runs in-process (the ``cli`` fixture); these few keep a subprocess because
they are about the process itself."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers.repo import EXAMPLES, ROOT
from orthofit import __version__

ENTRY_POINTS = {"cli.py": [str(ROOT / "cli.py")], "python -m orthofit": ["-m", "orthofit"]}


def run(entry: str, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *ENTRY_POINTS[entry], *map(str, args)], capture_output=True, text=True, cwd=ROOT
    )


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_success_exits_0(entry):
    r = run(entry, "assess", "--json", EXAMPLES / "red-flag.toml")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert json.loads(r.stdout)["referral"] is True
    r = run(entry, "--version")
    assert r.returncode == 0 and r.stdout.strip() == f"orthofit {__version__}", r


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_user_error_exits_2_with_one_line(entry, tmp_path):
    r = run(entry, "assess", tmp_path / "no-such-case.toml")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("orthofit: error: case file not found") and len(r.stderr.splitlines()) == 1, r.stderr
    r = run(entry, "frobnicate")  # argparse's own exit
    assert r.returncode == 2 and "Traceback" not in r.stderr and "error" in r.stderr
