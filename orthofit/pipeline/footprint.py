"""``orthofit footprint``: a footprint or pressure grid on its own, measured."""

from __future__ import annotations

from pathlib import Path

from orthofit.io.grid_file import load_grid
from orthofit.measure.pressure import GridFootprint, analyse_grid
from orthofit.model.enums import Side


def footprint_file(
    path: str | Path, pitch_mm: float, side: Side | None = None, threshold: float = 0.0
) -> GridFootprint:
    """Read a grid (CSV or PNG) and measure its footprint: indices, CPEI proxy, side."""
    return analyse_grid(load_grid(path, pitch_mm), side, threshold)
