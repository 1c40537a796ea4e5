"""A pressure recording as every vendor reader returns it, and the checks they all share.

Conventions (documented once): ``frames_kpa`` is (frames, rows, cols) in kPa; row 0 is the
south end of the sensor and column 0 its west side, seen from above as the vendors' own
software shows a foot (a right foot's big toe is west of its little toe when the toes point
north). Cells outside the sensor (an in-shoe sensor's outline) are NaN. A pedar insole has no
grid: its 99 numbered sensors are laid out on a schematic 15 x 7 grid (``sensor_numbers``)
that keeps the numbering's rows and its medial-to-lateral order, so its pictures and its
regions work like a grid's; it has no positions in mm (``cell_mm`` is None).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from orthofit.config.limits import MAX_RECORDING_VALUES
from orthofit.errors import PressureError
from orthofit.model.enums import PressureSystem, Side

#: Highest pressure a foot puts on a sensor, kPa: above every system's saturation (F-Scan
#: 1,515 kPa, emed 1,270 kPa) and ten times the highest barefoot peaks reported (about 1,000
#: kPa under a diabetic forefoot); a larger value is a broken export or the wrong unit [D].
MAX_PRESSURE_KPA = 5000.0
#: Plausible frame times, s: 10 kHz to 1 Hz.
FRAME_S_RANGE = (1e-4, 1.0)
#: Plausible sensor sizes, mm.
CELL_MM_RANGE = (1.0, 20.0)


@dataclass(frozen=True)
class PressureRecording:
    """One foot's pressures over time, as read from a file.

    Attributes
    ----------
    system : PressureSystem
    frames_kpa : (n_frames, rows, cols) float array
        kPa; NaN outside the sensor. Row 0 south, column 0 west (module docstring).
    cell_mm : (float, float) or None
        The sensor's size along a column (the row pitch, south-north) and along a row (the
        column pitch, west-east), mm. None for pedar (no positions in its file).
    frame_s : float or None
        Time between frames, s; None for a single picture.
    side : Side or None
        The side the file states; None when it does not.
    in_shoe : bool
        An in-shoe sensor (the foot does not move over it) rather than a platform.
    sensor_numbers : (rows, cols) int array or None
        pedar: each cell's sensor number (1-99), 0 where the schematic grid has none.
    """

    system: PressureSystem
    frames_kpa: np.ndarray
    cell_mm: tuple[float, float] | None
    frame_s: float | None
    side: Side | None
    in_shoe: bool
    source: str
    notes: tuple[str, ...] = ()
    sensor_numbers: np.ndarray | None = None

    @property
    def n_frames(self) -> int:
        return int(self.frames_kpa.shape[0])

    @property
    def sensor(self) -> np.ndarray:
        """(rows, cols) bool: the cells that are sensors."""
        return ~np.isnan(self.frames_kpa[0])

    @property
    def cell_area_mm2(self) -> float | None:
        return None if self.cell_mm is None else self.cell_mm[0] * self.cell_mm[1]

    @property
    def duration_s(self) -> float | None:
        return None if self.frame_s is None else self.n_frames * self.frame_s

    def describe(self) -> str:
        """One line: system, frames, sensor grid and timing (for notes and the terminal)."""
        rows, cols = self.frames_kpa.shape[1:]
        size = "" if self.cell_mm is None else f" of {self.cell_mm[1]:g} x {self.cell_mm[0]:g} mm"
        timing = "one picture" if self.frame_s is None else f"{self.n_frames} frames at {self.frame_s * 1000:g} ms"
        grid = "99 numbered sensors" if self.sensor_numbers is not None else f"{cols} x {rows} sensors{size}"
        return f"{self.system.value} ({'in-shoe' if self.in_shoe else 'platform'}), {grid}, {timing}"


def parse_numbers(text: str, sep: str) -> np.ndarray:
    """Every number of ``text`` (separated by ``sep``; with " ", any whitespace) in one pass,
    as float64; empty when the text holds anything else. A parse that stops short (old
    NumPy) or refuses (NumPy 2) is caught by the caller's count of the values it expects.
    """
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return np.fromstring(text, dtype=np.float64, sep=sep)
    except ValueError:
        return np.empty(0)


def check_size(path: object, values: int) -> None:
    """Refuse a recording whose layout promises more than :data:`MAX_RECORDING_VALUES`
    values, before they are read.
    """
    if values > MAX_RECORDING_VALUES:
        raise PressureError(
            f"{path} holds {values:,} pressure values; a recording may hold at most "
            f"{MAX_RECORDING_VALUES:,} (see 'Input limits' in the README): export one trial at a time"
        )


def checked(
    path: object,
    system: PressureSystem,
    frames: np.ndarray,
    cell_mm: tuple[float, float] | None,
    frame_s: float | None,
    side: Side | None,
    in_shoe: bool,
    notes: list[str] | tuple[str, ...] = (),
    sensor_numbers: np.ndarray | None = None,
) -> PressureRecording:
    """A :class:`PressureRecording` after the checks every reader shares.

    Raises
    ------
    PressureError
        No frames, an absurd sensor size or frame time, negative or absurd pressures, or no
        load in any frame.
    """
    if frames.ndim != 3 or frames.shape[0] == 0 or frames.shape[1] == 0 or frames.shape[2] == 0:
        raise PressureError(f"{path} holds no pressure pictures; export the recording again")
    check_size(path, frames.size)
    if cell_mm is not None:
        lo, hi = CELL_MM_RANGE
        if not all(isinstance(c, float) and math.isfinite(c) and lo <= c <= hi for c in cell_mm):
            raise PressureError(
                f"{path}: a sensor of {cell_mm[1]:g} x {cell_mm[0]:g} mm is not plausible ({lo:g}-{hi:g} mm); "
                "check the file's sensor size or the one given"
            )
    if frame_s is not None:
        lo, hi = FRAME_S_RANGE
        if not (math.isfinite(frame_s) and lo <= frame_s <= hi):
            raise PressureError(
                f"{path}: a frame time of {frame_s:g} s is not plausible ({lo:g}-{hi:g} s); check the file's header"
            )
    values = frames[~np.isnan(frames)]
    if values.size == 0 or not np.isfinite(values).all():
        raise PressureError(f"{path}: the pressures are not all finite numbers; export the recording again")
    if values.min() < 0:
        raise PressureError(f"{path}: a pressure is negative ({values.min():g} kPa); export the recording again")
    if values.max() > MAX_PRESSURE_KPA:
        raise PressureError(
            f"{path}: a pressure of {values.max():g} kPa is not plausible (at most {MAX_PRESSURE_KPA:g}); "
            "check the file's unit"
        )
    if values.max() <= 0:
        raise PressureError(f"{path}: no sensor is loaded in any frame; is this the right recording?")
    return PressureRecording(
        system,
        frames.astype(np.float32, copy=False),
        cell_mm,
        frame_s,
        side,
        in_shoe,
        str(path),
        tuple(notes),
        sensor_numbers,
    )


__all__ = [
    "PressureRecording",
    "check_size",
    "checked",
    "parse_numbers",
    "MAX_PRESSURE_KPA",
    "FRAME_S_RANGE",
    "CELL_MM_RANGE",
]
