"""novel pedar in-shoe insoles exported as ASCII ``.asc``.

A header (file name, sensor type, "time per frame [secs]", "pressure values in kPa", the
sensors of each insole), a line of sensor numbers, then one line per frame: its time and
the pressures of the left insole's 99 sensors, then the right's.

The file holds no sensor positions (they depend on the insole's size), so a pedar
recording has no picture in mm. Its sensors are numbered from the back of the heel to the
toes, row by row, medial to lateral within a row (the same on both insoles); the rows hold
5, 7 (eleven rows), 7, 6 and 4 sensors. The regions of :mod:`orthofit.measure.walking`
follow that numbering (clinical-basis.md §10.3); the 15 x 7 schematic grid here keeps the
rows and their medial-to-lateral order so that pictures and regions work as for a grid.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from orthofit.errors import PressureError, shown
from orthofit.io.pressure.recording import PressureRecording, check_size, checked, parse_numbers
from orthofit.model.enums import PressureSystem, Side

SENSORS = 99
#: Sensors per row of the pedar insole, heel to toes (sum 99).
ROW_SIZES = (5, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 4)
_TIME = re.compile(r"time per frame \[secs\]:\s*(\d{1,6}(?:\.\d+)?)(?![\d.])", re.I)
_UNIT = re.compile(r"pressure values in\s+(\S+)", re.I)


def schematic_numbers(side: Side) -> np.ndarray:
    """(15, 7) int: each cell's sensor number, 0 = none; row 0 the heel (south); medial
    is west for a right foot (as seen from above), east for a left one.
    """
    grid = np.zeros((len(ROW_SIZES), max(ROW_SIZES)), dtype=int)
    n = 1
    for r, size in enumerate(ROW_SIZES):
        start = (max(ROW_SIZES) - size) // 2
        grid[r, start : start + size] = np.arange(n, n + size)
        n += size
    # numbered medial to lateral: a right foot's medial side is west (column 0)
    return grid if side is Side.RIGHT else grid[:, ::-1]


def read_pedar(data: bytes, path: Path) -> tuple[PressureRecording, ...]:
    """Read a pedar ``.asc`` export: the recording of each insole that holds any load
    (left first).
    """
    text = data.decode("latin-1")
    head = text[:6000]
    unit = _UNIT.search(head)
    if unit is None or unit.group(1).lower() != "kpa":
        raise PressureError(
            f"{path}: no 'pressure values in kPa' line ({shown(unit.group(1) if unit else 'none')}); "
            "export the pedar data in kPa"
        )
    time = _TIME.search(head)
    if time is None:
        raise PressureError(f"{path} has no 'time per frame [secs]' line: is it a pedar .asc export?")
    frame_s = float(time.group(1))
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines[:60]) if ln.lstrip().lower().startswith("time[secs]")), None)
    if start is None:
        raise PressureError(f"{path} has no 'time[secs]' line of sensor numbers: is it a pedar .asc export?")
    names = lines[start].split()[1:]
    if len(names) != 2 * SENSORS:
        raise PressureError(f"{path} has {len(names)} sensor columns; a pedar export has {2 * SENSORS} (99 per insole)")
    body = "\n".join(lines[start + 1 :])
    del lines
    n_lines = sum(1 for ln in body.splitlines() if ln.strip())
    check_size(path, n_lines * 2 * SENSORS)
    width = 2 * SENSORS + 1
    # One parse of the whole body (whitespace-separated numbers): a list of millions of
    # Python strings would take ten times the memory.
    table = parse_numbers(body, " ")
    if table.size != n_lines * width or table.size == 0:
        raise PressureError(
            f"{path}: its lines do not all hold {width} numbers (a time and 99 sensors per insole); "
            "the file is truncated or damaged"
        )
    table = table.reshape(-1, width)
    steps = np.diff(table[:, 0])
    if len(steps) and np.abs(steps - frame_s).max() > 0.5 * frame_s:
        raise PressureError(f"{path}: the frame times are not {frame_s:g} s apart; the file is damaged")
    out = []
    for k, side in enumerate((Side.LEFT, Side.RIGHT)):
        values = table[:, 1 + k * SENSORS : 1 + (k + 1) * SENSORS]
        if not (values > 0).any() and np.isfinite(values).all() and (values >= 0).all():
            continue  # an insole that was not worn
        numbers = schematic_numbers(side)
        frames = np.full((len(table), *numbers.shape), np.nan, dtype=np.float32)
        r, c = np.nonzero(numbers)
        with np.errstate(all="ignore"):  # an absurd value becomes inf, refused by checked()
            frames[:, r, c] = values[:, numbers[r, c] - 1]
        out.append(
            checked(
                path,
                PressureSystem.PEDAR,
                frames,
                None,
                frame_s,
                side,
                True,
                ["pedar sensors have no positions in the file: no centre-of-pressure path or CPEI"],
                numbers,
            )
        )
    if not out:
        raise PressureError(f"{path}: no sensor of either insole is loaded in any frame; is this the right recording?")
    return tuple(out)


__all__ = ["read_pedar", "schematic_numbers", "ROW_SIZES", "SENSORS"]
