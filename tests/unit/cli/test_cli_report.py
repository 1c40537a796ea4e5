"""`orthofit report` options, in-process (the ``cli`` fixture). The report itself:
tests/unit/report/test_report.py."""

from __future__ import annotations

import pytest

from helpers.repo import EXAMPLES


@pytest.mark.parametrize(
    "args, words",
    [
        (["--out", "OUTDIR"], ["is a folder"]),
        (["--out", "OUTDIR/report.txt"], [".pdf"]),
        (["--out", "OUTDIR/r.pdf", "--paper", "a3"], ["invalid choice"]),
    ],
    ids=["out-is-folder", "not-pdf", "bad-paper"],
)
def test_bad_report_options(cli, tmp_path, args, words):
    r = cli("report", EXAMPLES / "normal-adult.toml", *[a.replace("OUTDIR", str(tmp_path)) for a in args])
    assert r.code == 2 and "Traceback" not in r.err
    for w in words:
        assert w in r.err
    assert list(tmp_path.iterdir()) == []
