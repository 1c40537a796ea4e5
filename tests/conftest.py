"""Shared fixtures: paths to the repository, the examples and the shared real data."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
if str(ROOT) not in sys.path:  # cli.py is a top-level module
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def thresholds():
    from orthofit.config.thresholds import load_thresholds

    return load_thresholds()


def shared_data(*parts: str) -> Path:
    """A file of ../shared/data; fail loudly (not skip) when it is missing."""
    path = SHARED.joinpath("data", *parts)
    assert path.exists(), f"{path} is missing: the tests need ../shared beside the checkout"
    return path
