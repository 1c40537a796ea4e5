"""A bounded load test on loopback (issue 13): clinicians doing the whole workflow at once
against ``orthofit serve``, on SQLite and on PostgreSQL. No errors, and nothing lost or
duplicated: the records and the stored files are counted after. Latencies are printed by
``benchmarks/bench_app_load.py`` (tests never assert on time)."""

from __future__ import annotations

import contextlib
import sys

import pytest

from helpers.postgres import postgres_server
from helpers.repo import ROOT

pytestmark = pytest.mark.slow

CLINICIANS = 8


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_clinicians_at_once_lose_and_duplicate_nothing(tmp_path, backend):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_app_load as load

    with contextlib.ExitStack() as stack:
        db_url = stack.enter_context(postgres_server()) if backend == "postgresql" else None
        with load.serve(tmp_path, db_url, CLINICIANS) as url:
            threads = load.run_load(url, CLINICIANS)
        errors = [e for t in threads for e in t.errors]
        assert errors == []
        counts = load.count(db_url or f"sqlite:///{tmp_path / 'orthofit.db'}")
    n = CLINICIANS
    assert counts == {
        "patients": n,
        "visits": n,
        "visit_files": 10 * n,  # each approval: assessment, 2 STL, 2 plain 3MF, 2 projects, report, lab sheet, manifest
        "files": 10 * n,  # every file once in the store's table (each patient's files differ)
        "approved": n,  # every order reached "sent to lab"
        "duplicate_codes": 0,
    }
    stored = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    assert len(stored) == 10 * n  # the store holds exactly the recorded files, no orphans
    assert all(len(t.files) == 10 for t in threads)
