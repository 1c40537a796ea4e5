"""``orthofit pressure``: a walking pressure recording on its own, read and analysed."""

from __future__ import annotations

from pathlib import Path

from orthofit.io.pressure import load_recordings
from orthofit.measure.walking.result import PressureResult, analyse_file
from orthofit.model.enums import Side


def pressure_file(
    path: str | Path, side: Side | None = None, sensor_mm: tuple[float, float] | None = None
) -> PressureResult:
    """Read a recording (any of :data:`orthofit.io.pressure.FORMATS`) and analyse each foot in it."""
    return analyse_file(load_recordings(path, side, sensor_mm), side)
