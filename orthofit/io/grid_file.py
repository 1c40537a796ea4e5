"""Reading footprint and pressure grids (CSV or PNG) into a :class:`PressureGrid`.

Grid conventions (documented once): a CSV has one line per grid row and one value per cell,
0 = no contact; row 0 is the bottom of the plate ("south") and column 0 its left ("west"),
as a pressure plate's software plots it (origin at the lower left). A PNG is a picture: its
top row is north (it is flipped on reading so that row 0 is south). ``pitch_mm`` is the cell
size. What the grid says about the foot is measured by :mod:`orthofit.measure.pressure`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orthofit.errors import CaseFileError


@dataclass(frozen=True)
class PressureGrid:
    """A footprint or pressure grid: ``values`` (rows, cols) >= 0, row 0 = south, mm cells."""

    values: np.ndarray
    pitch_mm: float
    has_pressure: bool  # True for a CSV of pressures; False for a picture (contact only)
    source: str = ""


def load_grid(path: str | Path, pitch_mm: float) -> PressureGrid:
    """Read a CSV (values) or PNG (a picture of a print) grid.

    Raises
    ------
    CaseFileError
        Missing, unreadable, empty, ragged, non-numeric or negative data, or no contact.
    """
    path = Path(path)
    if not (isinstance(pitch_mm, (int, float)) and 0.1 <= pitch_mm <= 20):
        raise CaseFileError(f"pixel pitch {pitch_mm!r} mm is not plausible; give the cell size in mm (0.1-20)")
    if not path.is_file():
        raise CaseFileError(f"footprint grid not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        values = _read_csv(path)
        has_pressure = True
    elif suffix == ".png":
        values = _read_png(path)
        has_pressure = False
    else:
        raise CaseFileError(f"{path}: a footprint grid must be a .csv (values) or .png (picture)")
    if not (values > 0).any():
        raise CaseFileError(f"{path} has no contact (every cell is 0)")
    return PressureGrid(values, float(pitch_mm), has_pressure, str(path))


def _read_csv(path: Path) -> np.ndarray:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise CaseFileError(f"cannot read {path} as text: {err}") from None
    rows = [line.split(",") for line in text.splitlines() if line.strip()]
    if not rows:
        raise CaseFileError(f"{path} is empty")
    width = len(rows[0])
    if any(len(r) != width for r in rows):
        raise CaseFileError(f"{path}: every line must have the same number of values ({width} on the first)")
    try:
        values = np.array(rows, dtype=float)
    except ValueError:
        raise CaseFileError(f"{path}: every value must be a number (0 = no contact)") from None
    if not np.isfinite(values).all() or (values < 0).any():
        raise CaseFileError(f"{path}: values must be finite and not negative")
    return values  # row 0 is the south row already


def _read_png(path: Path) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            gray = np.asarray(im.convert("L"), dtype=float)
    except (UnidentifiedImageError, OSError) as err:
        raise CaseFileError(f"{path} is not a readable PNG image: {err}") from None
    # Background = the colour of the border; contact = clearly different from it.
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    background = np.median(border)
    contrast = np.abs(gray - background)
    values = np.where(contrast > 40.0, contrast, 0.0)
    return values[::-1]  # a picture's top row is north: flip so row 0 is south
