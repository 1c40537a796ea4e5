"""novel emed platform recordings exported as ASCII ``.lst``.

The export is a sequence of pages, one per picture ("Pict-No.: k"): a header (matrix size,
sensor size and area, time per picture), a line of column numbers ending in "Force", one
line per row (row number, one pressure per column in kPa, the row's force in N) and a last
"Force" line (each column's force, then the picture's total). Only the window of rows and
columns that the software kept is printed; it is placed on the full plate and cut to the
part any picture loads. Row numbers run down the page, so the last row is the south one.

Each page's total force is checked against its pressures (force = sum of pressures x
sensor area): a page that disagrees is a corrupt file.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from orthofit.errors import PressureError, shown
from orthofit.io.pressure.recording import PressureRecording, check_size, checked
from orthofit.model.enums import PressureSystem, Side

_NUMBER = r"(\d{1,6}(?:\.\d+)?)"
_SENSOR = re.compile(rf"Sensor size:\s*{_NUMBER}\s*x\s*{_NUMBER}\s*(mm|cm)", re.I)
_TIME = re.compile(rf"Time/picture:\s*{_NUMBER}\s*(ms|s)\b", re.I)
_PICT = re.compile(r"Pict-No\.:\s*(\d{1,9})\b")


def read_emed(data: bytes, path: Path, side: Side | None = None) -> PressureRecording:
    """Read an emed ``.lst`` export (see the module docstring)."""
    text = data.decode("latin-1")
    head = text[:4000]
    sensor = _SENSOR.search(head)
    if sensor is None:
        raise PressureError(f"{path} has no 'Sensor size' line: is it an emed .lst export?")
    scale = 10.0 if sensor.group(3).lower() == "cm" else 1.0
    cell_mm = (float(sensor.group(2)) * scale, float(sensor.group(1)) * scale)
    time = _TIME.search(head)
    if time is None:
        raise PressureError(f"{path} has no 'Time/picture' line; export the recording again with its header")
    frame_s = float(time.group(1)) / (1000.0 if time.group(2).lower() == "ms" else 1.0)
    area_cm2 = cell_mm[0] * cell_mm[1] / 100.0
    check_size(path, text.count("\t"))  # every value follows a tab
    pages = _PICT.split(text)
    notes: list[str] = []
    pictures: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    expected = 1
    for k in range(1, len(pages), 2):
        number = int(pages[k])
        if number != expected:
            if number == 1 and pictures:
                notes.append(f"the file holds more than one measurement; the first ({len(pictures)} pictures) is read")
                break
            raise PressureError(f"{path}: picture {number} follows picture {expected - 1}; the file is incomplete")
        pictures.append(_page(pages[k + 1], path, number, area_cm2))
        expected += 1
    if not pictures:
        raise PressureError(f"{path} has no pictures ('Pict-No.' pages): is it an emed .lst export?")
    r_max = max(int(rows.max()) for rows, _, _ in pictures)
    c_min = min(int(cols.min()) for _, cols, _ in pictures)
    c_max = max(int(cols.max()) for _, cols, _ in pictures)
    r_min = min(int(rows.min()) for rows, _, _ in pictures)
    check_size(path, (r_max - r_min + 1) * (c_max - c_min + 1) * len(pictures))
    frames = np.zeros((len(pictures), r_max - r_min + 1, c_max - c_min + 1), dtype=np.float32)
    for i, (rows, cols, values) in enumerate(pictures):
        # row numbers run down the page: south is the highest number
        frames[i][np.ix_(r_max - rows, cols - c_min)] = values
    frames = _crop(frames)
    return checked(path, PressureSystem.EMED, frames, cell_mm, frame_s, side, False, notes)


def _page(body: str, path: Path, number: int, area_cm2: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row numbers, column numbers, (rows, cols) kPa) of one page, its force checked."""
    lines = [ln for ln in body.splitlines() if ln.strip()]
    header = next((i for i, ln in enumerate(lines) if ln.rstrip().endswith("Force") and ln[:1] in "\t "), None)
    if header is None:
        raise PressureError(f"{path}: picture {number} has no line of column numbers; the file is damaged")
    try:
        cols = _whole(np.array(lines[header].split()[:-1], dtype=float))
        rows_text = []
        total = None
        for ln in lines[header + 1 :]:
            if ln.startswith("Force"):
                total = float(ln.split()[-1])
                break
            rows_text.append(ln.split())
        if total is None:
            raise PressureError(f"{path}: picture {number} ends before its 'Force' line; the file is truncated")
        with np.errstate(all="ignore"):
            table = np.array(rows_text, dtype=float)
    except (ValueError, OverflowError):
        raise PressureError(
            f"{path}: picture {number} holds a value that is not a number or a row of the wrong length; "
            "the file is damaged"
        ) from None
    if cols is None:
        raise PressureError(f"{path}: picture {number} has column numbers out of range; the file is damaged")
    if table.ndim != 2 or table.shape[1] != len(cols) + 2:
        raise PressureError(
            f"{path}: picture {number}'s rows do not match its {len(cols)} columns; the file is damaged"
        )
    rows = _whole(table[:, 0])
    values = table[:, 1:-1]
    if rows is None or cols is None:
        raise PressureError(f"{path}: picture {number} has row or column numbers out of range; the file is damaged")
    with np.errstate(all="ignore"):
        force = float(np.nansum(values)) * area_cm2 * 0.1  # kPa x cm² = 0.1 N
    if (
        not (np.isfinite(force) and np.isfinite(total))
        or abs(force - total) > 0.01 * abs(total) + 0.01 * len(rows) + 0.05
    ):
        raise PressureError(
            f"{path}: picture {number}'s force ({shown(total)} N) does not match its pressures ({force:.2f} N); "
            "the file is damaged or its sensor size is wrong"
        )
    return rows, cols, values


def _whole(numbers: np.ndarray) -> np.ndarray | None:
    """Row or column numbers as ints, or None unless every one is a whole number 1-1000."""
    if len(numbers) == 0 or not np.isfinite(numbers).all() or (numbers != np.round(numbers)).any():
        return None
    if numbers.min() < 1 or numbers.max() > 1000:
        return None
    return numbers.astype(int)


def _crop(frames: np.ndarray) -> np.ndarray:
    """The frames cut to the rows and columns any picture loads, with one empty cell around."""
    loaded: np.ndarray = np.any(frames > 0, axis=0)
    if not loaded.any():
        return frames
    r = np.flatnonzero(loaded.any(axis=1))
    c = np.flatnonzero(loaded.any(axis=0))
    r0, r1 = max(r[0] - 1, 0), min(r[-1] + 2, frames.shape[1])
    c0, c1 = max(c[0] - 1, 0), min(c[-1] + 2, frames.shape[2])
    return frames[:, r0:r1, c0:c1]


__all__ = ["read_emed"]
