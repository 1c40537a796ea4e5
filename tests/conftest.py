"""Shared fixtures: the command line in-process, the thresholds, and expensive builds several
tests share (session-scoped, built once and only when a selected test asks for them).

Layout: ``tests/unit/<package>/`` tests one orthofit sub-package each; ``tests/integration/``
runs whole commands end to end (the examples, fit, batch, the README's Quick start, slicing
with PrusaSlicer); ``tests/helpers/`` holds helper modules (paths, the in-process command
line, PrusaSlicer), imported as ``helpers.*`` (this file puts ``tests/`` on ``sys.path``).
Test module names are unique across the tree (no ``__init__.py`` in the test folders).

Markers (registered in pyproject.toml, ``--strict-markers``):

* ``slow``: over about 2 s, counting the build of a fixture shared only by slow tests (every
  example's report, every example's insoles); 60 or more hypothesis examples; every slicer
  test. When the cases of one parametrized test together take several seconds, the first
  case(s) stay in the quick loop and the rest are marked slow.
* ``slicer``: runs prusa-slicer (helpers/slicer.py: fails, never skips, without it).
* ``shared_data``: reads ../shared/data (helpers.repo.shared_data: fails, never skips,
  without it); ``-m "not shared_data"`` runs everything else without it.

``python -m pytest -m "not slow"`` is the quick developer loop; ``python -m pytest`` runs all.
"""

from __future__ import annotations

import sys

import pytest

from helpers.cli import run_cli
from helpers.repo import EXAMPLES, REAL_SCANS, ROOT, shared_data

if str(ROOT) not in sys.path:  # the checkout's orthofit and the cli.py shim, not an installed copy
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def cli():
    """Run ``orthofit ARGS...`` in-process: ``cli("assess", path)`` -> ``.code``, ``.out``, ``.err``.

    Calls ``orthofit.cli.main(argv)`` with stdout and stderr redirected (see helpers/cli.py);
    session-scoped so session fixtures can build with it too.
    """
    return run_cli


@pytest.fixture(scope="session")
def thresholds():
    from orthofit.config.thresholds import load_thresholds

    return load_thresholds()


# --- expensive builds shared by several tests --------------------------------------------------


@pytest.fixture(scope="session")
def real_scans():
    """key of helpers.repo.REAL_SCANS -> the scan as ``load_scan`` reads it (units inferred).
    Tests using it carry the ``shared_data`` marker."""
    from orthofit.io.scan_file import load_scan

    return {k: load_scan(shared_data("scans", f)) for k, (f, _) in REAL_SCANS.items()}


@pytest.fixture(scope="session")
def scan_records():
    """Side -> the measured standing scan (dupontgu, metres) of that foot, as a case uses it.
    Tests using it carry the ``shared_data`` marker."""
    from orthofit.io.scan_file import load_scan
    from orthofit.measure.scan_case import measure_foot_scan
    from orthofit.measure.scan_measure import ScanCondition
    from orthofit.model.enums import Side

    names = {Side.LEFT: "dupontgu_left_foot_m.stl", Side.RIGHT: "dupontgu_right_foot_m.stl"}
    return {
        side: measure_foot_scan(load_scan(shared_data("scans", name), "m"), side, ScanCondition.STANDING)
        for side, name in names.items()
    }


@pytest.fixture(scope="session")
def example_insoles(cli, tmp_path_factory):
    """Every example case built once by ``orthofit insole CASE --out DIR`` (both sides, the
    default profile; the child, whose feet need none, its comfort insole made on request):
    example name -> (DIR, what the command printed)."""
    from helpers.repo import example_profile

    out = {}
    for case in sorted(EXAMPLES.glob("*.toml")):
        d = tmp_path_factory.mktemp(case.stem)
        r = cli("insole", case, "--out", d, "--profile", example_profile(case.stem))
        assert r.code == 0, r
        out[case.stem] = (d, r.out)
    return out
