"""RSscan footscan plate recordings exported to Excel (binary ``.xls``, read with xlrd).

The "Dynamic Roll off" export: a few lines of header ("Scanning speed; for the left foot:
... Hertz, for the right foot: ... Hertz"), then per foot ("Right foot data") the rectangle
the software cut around the print (bottom, left, width, height in sensors) and one block per
frame, "Frame k (t ms)" above ``height`` rows of ``width`` values, the top row first. Each
value is the force on one sensor in newtons: the export says so nowhere, but its sums peak
at a body weight (735 N in the shared sample) while pressures in kPa would be 25 times
larger. The export does not give the sensor's size either, so it must be given (a
footscan plate's sensors are 5.08 mm wide and 7.62 mm long).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import numpy as np

from orthofit.errors import PressureError
from orthofit.io.pressure.recording import PressureRecording, check_size, checked
from orthofit.model.enums import PressureSystem, Side

_FRAME = re.compile(r"^Frame\s+(\d{1,9})\s*\((\d{1,12}(?:\.\d+)?)\s*ms\)")
#: What a footscan plate's sensors measure, mm (width x length), quoted when it is missing.
FOOTSCAN_SENSOR_HINT = "5.08x7.62"


def read_footscan(
    data: bytes, path: Path, cell_mm: tuple[float, float] | None, side: Side | None = None
) -> tuple[PressureRecording, ...]:
    """Read a footscan ``.xls`` export: one recording per foot it holds (left first), or
    the one of ``side``.

    Parameters
    ----------
    cell_mm : (float, float) or None
        The sensor's (length, width), mm, which the export does not give.
    """
    import xlrd

    try:
        # xlrd reports oddities of a damaged workbook on its log file (stdout by default),
        # which would land in the middle of --json output
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
        sheet = book.sheet_by_index(0)
        check_size(path, sheet.nrows * sheet.ncols)
        first = [_text(v) for v in sheet.col_values(0)]
    except PressureError:
        raise
    except Exception:  # xlrd raises many kinds on a damaged workbook
        raise PressureError(f"{path} is not a readable Excel (.xls) workbook; export the footscan data again") from None
    starts = [
        (i, Side.LEFT if "left" in t.lower() else Side.RIGHT)
        for i, t in enumerate(first)
        if t.lower() in ("left foot data", "right foot data")
    ]
    if not starts:
        raise PressureError(f"{path} has no 'Right foot data' or 'Left foot data' section: is it a footscan export?")
    if cell_mm is None:
        raise PressureError(
            f"{path} does not give its sensor size; give it as --sensor-mm WIDTHxLENGTH "
            f"(or pressure_sensor_mm in a case file): a footscan plate's sensors are {FOOTSCAN_SENSOR_HINT} mm"
        )
    out = []
    for k, (row0, foot) in enumerate(starts):
        if side is not None and foot is not side:
            continue
        end = starts[k + 1][0] if k + 1 < len(starts) else sheet.nrows
        out.append(_foot(sheet, first, row0, end, foot, cell_mm, path))
    if not out:
        raise PressureError(f"{path} holds no {side.value if side else ''} foot's data; give the other --side")
    return tuple(out)


def _foot(
    sheet: Any, first: list[str], row0: int, end: int, side: Side, cell_mm: tuple[float, float], path: Path
) -> PressureRecording:
    where = f"{path}: the {side.value} foot's"
    try:
        width = int(str(_after(first, row0, end, "rectangle width")))
        height = int(str(_after(first, row0, end, "rectangle height")))
    except ValueError:
        raise PressureError(f"{where} rectangle (width, height) is missing; the file is damaged") from None
    if not (1 <= width <= 1000 and 1 <= height <= 1000) or width > sheet.ncols:
        raise PressureError(f"{path}: a rectangle of {width} x {height} sensors is not plausible; the file is damaged")
    heads = [(i, m) for i in range(row0, end) if (m := _FRAME.match(first[i])) is not None]
    if not heads:
        raise PressureError(f"{where} data has no 'Frame' blocks; the file is empty or damaged")
    times = np.array([float(m.group(2)) for _, m in heads]) / 1000.0
    frames = np.empty((len(heads), height, width), dtype=np.float32)
    for n, (i, m) in enumerate(heads):
        if i + height >= end or int(m.group(1)) != n:
            raise PressureError(f"{where} frame {m.group(1)} is out of order or cut short; the file is damaged")
        try:
            rows = [sheet.row_values(r, 0, width) for r in range(i + 1, i + 1 + height)]
            with np.errstate(all="ignore"):  # an absurd value becomes inf, refused by checked()
                block = np.array(rows, dtype=np.float64).astype(np.float32)
        except (ValueError, TypeError):
            raise PressureError(f"{where} frame {n} holds a value that is not a number; the file is damaged") from None
        if block.shape != (height, width):
            raise PressureError(f"{where} frame {n} is cut short; the file is truncated")
        frames[n] = block[::-1]  # the top row first: flip so that row 0 is south
    frame_s: float | None = None
    if len(times) > 1:
        steps = np.diff(times)
        frame_s = float(np.median(steps))
        if frame_s <= 0 or np.abs(steps - frame_s).max() > 0.5 * frame_s:
            raise PressureError(f"{where} frame times are not evenly spaced; the file is damaged")
    area_mm2 = cell_mm[0] * cell_mm[1]
    frames *= 1000.0 / area_mm2  # N per sensor -> kPa (1 N/mm² = 1000 kPa)
    notes = [f"footscan forces per sensor (N) read as pressures over {cell_mm[1]:g} x {cell_mm[0]:g} mm sensors"]
    return checked(path, PressureSystem.FOOTSCAN, frames, cell_mm, frame_s, side, False, notes)


def _after(first: list[str], row0: int, end: int, label: str) -> object:
    for i in range(row0, min(end, row0 + 40) - 1):
        if first[i].lower() == label:
            return first[i + 1]
    return None


def _text(v: object) -> str:
    if isinstance(v, float):
        return repr(int(v)) if v.is_integer() else repr(v)
    return str(v).strip()


__all__ = ["read_footscan", "FOOTSCAN_SENSOR_HINT"]
