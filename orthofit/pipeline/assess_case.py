"""``orthofit assess``: read a case, measure it, label its feet."""

from __future__ import annotations

from pathlib import Path

from orthofit.assess.assessment import Assessment, assess
from orthofit.config.settings import Settings
from orthofit.pipeline.inputs import load_measured_case


def assess_case_file(case_path: str | Path, settings: Settings) -> Assessment:
    """Read the case file and the files it names, measure it and assess both feet."""
    return assess(load_measured_case(case_path), settings)
