"""Reading walking pressure recordings from the clinic's pressure system.

One reader per vendor format, chosen by the file's extension (and checked on its content):

============  =====================================  ======================================
extension     system                                 figures taken from the file
============  =====================================  ======================================
``.lst``      novel emed platform                    sensor size, time per picture
``.asf``      Tekscan F-Scan (in-shoe), MatScan      spacing, frame time, unit, outline
``.asc``      novel pedar insoles (both feet)        frame time, unit, side
``.xls``      RSscan footscan plate                  frame time, side (sensor size given)
``.csv``      one picture, orthofit's grid format    nothing (sensor size given)
============  =====================================  ======================================

What a file does not give is asked for (the sensor size of a footscan export or a CSV grid);
every failure is a :class:`~orthofit.errors.PressureError` with one line.
"""

from __future__ import annotations

import math
from pathlib import Path

from orthofit.config.tomlfile import read_bytes
from orthofit.errors import PressureError, shown
from orthofit.io.pressure.recording import PressureRecording, checked
from orthofit.model.enums import PressureSystem, Side

#: Extension -> the system its files come from.
FORMATS = {
    ".lst": PressureSystem.EMED,
    ".asf": PressureSystem.TEKSCAN,
    ".asc": PressureSystem.PEDAR,
    ".xls": PressureSystem.FOOTSCAN,
    ".csv": PressureSystem.GRID,
}


def parse_sensor_mm(
    text: object, field: str = "--sensor-mm", form: str = "WIDTHxLENGTH (e.g. 5.08x7.62)"
) -> tuple[float, float]:
    """``"5"`` or ``"5.08x7.62"`` (width x length, mm) or a number or a pair -> (length, width)."""
    try:
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            parts = [float(text)]
        elif isinstance(text, (list, tuple)):
            parts = [float(v) for v in text]
        else:
            parts = [float(v) for v in str(text).lower().replace("mm", "").split("x")]
    except (TypeError, ValueError):
        parts = []
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2 or not all(math.isfinite(p) and 1.0 <= p <= 20.0 for p in parts):
        raise PressureError(
            f"{field} {shown(text)}: give the sensor's size in mm as {form} or one number for square sensors, "
            "each 1-20 mm"
        )
    width, length = parts
    return (length, width)


def load_recordings(
    path: str | Path, side: Side | None = None, sensor_mm: tuple[float, float] | None = None
) -> tuple[PressureRecording, ...]:
    """Every foot's recording in the file at ``path`` (the one of ``side`` when given).

    Parameters
    ----------
    side : Side, optional
        The foot: picks one foot of a file that holds both (pedar, footscan); for a file
        that does not say (emed, Tekscan, CSV), it is the side the analysis uses.
    sensor_mm : (length, width) mm, optional
        The sensor size, for the formats that do not give it (footscan, CSV).

    Raises
    ------
    PressureError
        Unknown extension, unreadable, corrupt, truncated or absurd file, or a figure the
        file lacks and the caller did not give.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(f"{ext} ({system.value})" for ext, system in FORMATS.items())
        raise PressureError(
            f"{path}: orthofit reads pressure recordings as {known}; export the recording as one of them"
        )
    # a CSV grid is held to the footprint grid's size: its reader splits every cell into a string
    kind = "footprint grid" if suffix == ".csv" else "pressure recording"
    data = read_bytes(path, kind, PressureError, " (.lst, .asf, .asc, .xls or .csv)")
    system = FORMATS[suffix]
    if system is PressureSystem.EMED:
        from orthofit.io.pressure.emed import read_emed

        found: tuple[PressureRecording, ...] = (read_emed(data, path, side),)
    elif system is PressureSystem.TEKSCAN:
        from orthofit.io.pressure.tekscan import read_tekscan

        found = (read_tekscan(data, path, side),)
    elif system is PressureSystem.PEDAR:
        from orthofit.io.pressure.pedar import read_pedar

        found = read_pedar(data, path)
    elif system is PressureSystem.FOOTSCAN:
        from orthofit.io.pressure.footscan import read_footscan

        found = read_footscan(data, path, sensor_mm, side)
    else:
        found = (_read_grid(data, path, sensor_mm, side),)
    if side is not None:
        stated = [r for r in found if r.side is side]
        if any(r.side is not None for r in found) and not stated:
            raise PressureError(f"{path} holds no {side.value} foot (it holds the {found[0].side}); check --side")
        found = tuple(stated or found)
    return found


def _read_grid(data: bytes, path: Path, sensor_mm: tuple[float, float] | None, side: Side | None) -> PressureRecording:
    from orthofit.io.grid_file import _read_csv

    if sensor_mm is None:
        raise PressureError(
            f"{path} is a grid of one picture and does not give its cell size; give it as --sensor-mm MM "
            "(or pressure_sensor_mm in a case file)"
        )
    try:
        values = _read_csv(data, path)
    except PressureError:
        raise
    except Exception as err:  # the grid reader's CaseFileError: same message, this error kind
        raise PressureError(str(err)) from None
    return checked(path, PressureSystem.GRID, values[None].astype("float32"), sensor_mm, None, side, False)


__all__ = ["FORMATS", "PressureRecording", "load_recordings", "parse_sensor_mm"]
