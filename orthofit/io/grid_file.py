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

from orthofit.config.limits import MAX_GRID_CELLS, MAX_GRID_VALUE
from orthofit.config.tomlfile import read_bytes
from orthofit.errors import CaseFileError, shown


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
        raise CaseFileError(f"pixel pitch {shown(pitch_mm)} mm is not plausible; give the cell size in mm (0.1-20)")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".png"):
        raise CaseFileError(f"{path}: a footprint grid must be a .csv (values) or .png (picture)")
    data = read_bytes(path, "footprint grid", CaseFileError)
    if suffix == ".csv":
        values = _read_csv(data, path)
        has_pressure = True
    else:
        values = _read_png(data, path)
        has_pressure = False
        # A picture scanned finer than the indices need (a 300 dpi scan of an ink print is
        # 0.085 mm per pixel) is binned: its outline would hold tens of thousands of corners.
        k = int(PICTURE_PITCH_MM / pitch_mm)
        if k > 1:
            values = _bin_max(values, k)
            pitch_mm = pitch_mm * k
    if not (values > 0).any():
        raise CaseFileError(f"{path} has no contact (every cell is 0)")
    return PressureGrid(values, float(pitch_mm), has_pressure, str(path))


def _read_csv(data: bytes, path: Path) -> np.ndarray:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CaseFileError(f"{path} is not a text file in UTF-8; export the grid as CSV text") from None
    rows = [line.split(",") for line in text.splitlines() if line.strip()]
    if not rows:
        raise CaseFileError(f"{path} is empty")
    width = len(rows[0])
    _check_cells(len(rows), width, path)
    if any(len(r) != width for r in rows):
        raise CaseFileError(f"{path}: every line must have the same number of values ({width} on the first)")
    try:
        values = np.array(rows, dtype=float)
    except ValueError:
        raise CaseFileError(f"{path}: every value must be a number (0 = no contact)") from None
    if not np.isfinite(values).all() or (values < 0).any() or (values > MAX_GRID_VALUE).any():
        raise CaseFileError(
            f"{path}: values must be finite, not negative and at most {MAX_GRID_VALUE:.0e} (a pressure or "
            "a contact mark); anything else is a broken export"
        )
    return values  # row 0 is the south row already


#: Pictures are measured at no finer than this cell size, mm: the footprint indices are
#: read on 1 mm steps, so half a millimetre loses nothing they use [D].
PICTURE_PITCH_MM = 0.5


def _bin_max(values: np.ndarray, k: int) -> np.ndarray:
    """(rows, cols) -> (rows // k, cols // k): the largest value of each k x k block (a block
    is in contact when any of its pixels is); the last rows and columns that do not fill a
    block are dropped.
    """
    r, c = values.shape[0] // k * k, values.shape[1] // k * k
    return values[:r, :c].reshape(r // k, k, c // k, k).max(axis=(1, 3))


def _check_cells(rows: int, cols: int, path: Path) -> None:
    if rows * cols > MAX_GRID_CELLS:
        raise CaseFileError(
            f"{path} is {cols} x {rows} cells; a footprint grid may have at most {MAX_GRID_CELLS:,} "
            "(see 'Input limits' in the README): export it at a coarser resolution"
        )


def _read_png(data: bytes, path: Path) -> np.ndarray:
    import io
    import warnings

    from PIL import Image, UnidentifiedImageError

    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        # the size in the header, checked before Pillow decodes (or refuses) anything
        _check_cells(int.from_bytes(data[20:24], "big"), int.from_bytes(data[16:20], "big"), path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG"]) as im:
                gray = np.asarray(im.convert("L"), dtype=float)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, Warning):
        raise CaseFileError(f"{path} is not a readable PNG image; export the picture again as PNG") from None
    # Background = the colour of the border; contact = clearly different from it.
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    background = np.median(border)
    contrast = np.abs(gray - background)
    values = np.where(contrast > 40.0, contrast, 0.0)
    return values[::-1]  # a picture's top row is north: flip so row 0 is south
