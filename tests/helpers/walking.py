"""Synthetic walking recordings with known answers, and writers of vendor files for them.

:func:`rolling` rolls a real mean footprint (MUN104, right foot, 63 x 27 cells of 5 mm) from
heel to toe; :func:`write_asf` writes frames as a Tekscan ``.asf`` movie (the format's header,
one comma-separated block per frame, the first row north), so a case file can name it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from helpers.repo import shared_data
from orthofit.io.grid_file import load_grid

PITCH_MM = 5.0
FRAME_S = 0.01


def base_print() -> np.ndarray:
    """(63, 27) the MUN104 right footprint, row 0 south (heel), values as kPa."""
    return load_grid(shared_data("pressure", "MUN104R.csv"), PITCH_MM).values


def rolling(base: np.ndarray, n: int = 60, pad: int = 5) -> np.ndarray:
    """A foot rolling from heel strike to toe-off: frame t shows the print's rows between a
    back edge and a front edge that both move forward, with ``pad`` empty frames around.
    """
    rows = base.shape[0]
    lo, hi = np.flatnonzero(base.any(axis=1))[[0, -1]]
    frames = np.zeros((n + 2 * pad, *base.shape))
    r = np.arange(rows)
    for t in range(n):
        front = lo + (hi - lo + 1) * min(1.0, 2 * (t + 1) / n)
        back = lo + (hi - lo + 1) * max(0.0, 2 * t / n - 1.0)
        frames[pad + t] = base * ((r >= back) & (r < front))[:, None]
    return frames


def walk(base: np.ndarray, steps: int = 3) -> np.ndarray:
    """``steps`` whole rolls one after another (an in-shoe walk)."""
    return np.concatenate([rolling(base) for _ in range(steps)])


def write_asf(path: Path, frames: np.ndarray, sensor: str = "FSCAN", pitch_mm: float = PITCH_MM) -> Path:
    """Write ``frames`` ((n, rows, cols) kPa, row 0 south) as a Tekscan ASCII movie."""
    n, rows, cols = frames.shape
    head = [
        "DATA_TYPE MOVIE",
        "VERSION Tekscan Pressure Measurement System 6.33",
        f"SENSOR_TYPE {sensor}",
        f"ROWS {rows}",
        f"COLS {cols}",
        f"ROW_SPACING {pitch_mm} mm",
        f"COL_SPACING {pitch_mm} mm",
        f"SENSEL_AREA {pitch_mm * pitch_mm} mm2",
        f"SECONDS_PER_FRAME {FRAME_S}",
        "START_FRAME 1",
        f"END_FRAME {n}",
        "UNITS KPa",
        "ASCII_DATA @@",
        "",
    ]
    body = []
    for k, frame in enumerate(frames):
        body.append(f"Frame {k + 1}")
        body.extend(",".join(f"{v:g}" for v in row) for row in frame[::-1])  # the first row is north
        body.append("")
    path.write_text("\n".join(head + body) + "@@\n", encoding="ascii")
    return path


def region_cell(base: np.ndarray, x_share: float, across_share: float) -> tuple[int, int]:
    """The loaded cell of ``base`` nearest to ``x_share`` of the print's length (rows, from the
    heel) and ``across_share`` of its width there (0 = column 0 side).
    """
    rows = np.flatnonzero(base.any(axis=1))
    r = int(rows[0] + x_share * (rows[-1] - rows[0]))
    cols = np.flatnonzero(base[r] > 0)
    c = int(cols[0] + across_share * (cols[-1] - cols[0]))
    return r, c
