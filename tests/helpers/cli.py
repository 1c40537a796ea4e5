"""Run the command line in-process: ``orthofit.cli.main(argv)`` with stdout and stderr captured.

The ``cli`` fixture of ``tests/conftest.py`` returns :func:`run_cli`. Tests about the process
itself (the README's Quick start, a killed batch, ``python -m orthofit``, the exit status of
the real process) run a subprocess instead.
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class CliResult:
    """What one command did: its exit status and everything it printed."""

    argv: tuple[str, ...]
    #: the exit status ``python -m orthofit ARGV`` would have: 0 success, 2 user error, 1 bug
    code: int
    #: what it printed to stdout
    out: str
    #: what it printed to stderr
    err: str

    def __repr__(self) -> str:  # ``assert r.code == 0, r`` shows the command, its status, stderr first
        return f"orthofit {' '.join(self.argv)}\nexit {self.code}\nstderr:\n{self.err}\nstdout:\n{self.out}"

    __str__ = __repr__


def _exit_status(code, err: io.StringIO) -> int:
    """The status ``sys.exit(code)`` gives the process (None is 0; other objects are printed, 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=err)
    return 1


def run_cli(*args: str | os.PathLike) -> CliResult:
    """Run ``orthofit ARGS...`` in this process and return its exit status and output.

    Each argument is passed as ``str(arg)``, so paths may be given as they are. argparse's own
    exits (usage errors, ``--version``) are caught and give their status, as in the process.
    """
    from orthofit.cli import main  # imported here: a broken import fails the test, not collection

    argv = tuple(str(a) for a in args)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = _exit_status(main(list(argv)), err)
        except SystemExit as exit_:
            code = _exit_status(exit_.code, err)
    return CliResult(argv, code, out.getvalue(), err.getvalue())


def run_process(*args: str | os.PathLike, cwd: os.PathLike | str | None = None) -> CliResult:
    """Run ``python cli.py ARGS...`` (the checkout's shim) as a subprocess, in ``cwd`` (default
    the checkout), for tests about the process itself: its real exit status, or several runs
    that must not share anything (a hash seed)."""
    import subprocess
    import sys

    from helpers.repo import ROOT

    argv = tuple(str(a) for a in args)
    r = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *argv], capture_output=True, text=True, cwd=ROOT if cwd is None else cwd
    )
    return CliResult(argv, r.returncode, r.stdout, r.stderr)
