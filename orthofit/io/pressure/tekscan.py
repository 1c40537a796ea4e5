"""Tekscan movies (F-Scan in-shoe sensors, MatScan platforms) exported as ASCII ``.asf``.

A header of ``KEY value`` lines (ROWS, COLS, ROW_SPACING and COL_SPACING with their unit,
SECONDS_PER_FRAME, UNITS, SENSOR_TYPE, START_FRAME, END_FRAME), then ``ASCII_DATA @@`` and
one block per frame: ``Frame k`` and ROWS lines of COLS comma-separated values, ``B`` for a
cell outside the sensor's outline. The first row is the sensor's top (north) edge.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from orthofit.errors import PressureError, shown
from orthofit.io.pressure.recording import PressureRecording, check_size, checked, parse_numbers
from orthofit.model.enums import PressureSystem, Side

#: Pressure units a Tekscan export may use, -> kPa.
_UNITS = {"kpa": 1.0, "mpa": 1000.0, "psi": 6.894757, "n/cm2": 10.0, "kg/cm2": 98.0665, "mmhg": 0.133322}
_LENGTH = {"mm": 1.0, "millimeters": 1.0, "cm": 10.0, "centimeters": 10.0, "in": 25.4, "inches": 25.4}
_FRAME = re.compile(rb"^Frame\s+\d+\s*$", re.M)


def read_tekscan(data: bytes, path: Path, side: Side | None = None) -> PressureRecording:
    """Read a Tekscan ``.asf`` movie (see the module docstring)."""
    start = data.find(b"ASCII_DATA")
    if not data.startswith(b"DATA_TYPE") and start < 0:
        raise PressureError(f"{path} does not start with a Tekscan header (DATA_TYPE ...): is it an .asf export?")
    if start < 0:
        raise PressureError(f"{path} has no ASCII_DATA section; export the movie as ASCII (.asf)")
    header = _header(data[:start].decode("latin-1"))
    rows, cols = _int(header, "ROWS", path), _int(header, "COLS", path)
    if not (1 <= rows <= 1000 and 1 <= cols <= 1000):
        raise PressureError(f"{path}: a sensor of {cols} x {rows} cells is not plausible; the header is damaged")
    cell_mm = (_length(header, "ROW_SPACING", path), _length(header, "COL_SPACING", path))
    try:
        frame_s = float(header["SECONDS_PER_FRAME"].split()[0])
    except (KeyError, ValueError, IndexError):
        raise PressureError(f"{path} has no SECONDS_PER_FRAME; export the movie again with its header") from None
    unit = header.get("UNITS", "").strip().lower()
    if unit not in _UNITS:
        raise PressureError(
            f"{path}: pressures in {shown(header.get('UNITS', 'raw sensor units'))} cannot be read; "
            "export the movie in kPa (or another pressure unit)"
        )
    sensor_type = header.get("SENSOR_TYPE", "").upper()
    in_shoe = "FSCAN" in sensor_type.replace("-", "")
    body = data[start:]
    marks = [m.end() for m in _FRAME.finditer(body)]
    if not marks:
        raise PressureError(f"{path} has no 'Frame' blocks; the file is empty or damaged")
    check_size(path, len(marks) * rows * cols)
    ends = [m.start() for m in _FRAME.finditer(body)][1:] + [len(body)]
    lines: list[bytes] = []
    for i, (a, b) in enumerate(zip(marks, ends, strict=True)):
        block = body[a:b].replace(b"@@", b"").split()
        if len(block) != rows:
            raise PressureError(
                f"{path}: frame {i + 1} has {len(block)} rows, not the header's {rows}; "
                "the file is truncated or damaged"
            )
        lines.extend(block)
    text = b",".join(lines).replace(b"B", b"nan").decode("ascii", errors="replace")
    values = parse_numbers(text, ",")
    with np.errstate(all="ignore"):  # an absurd value becomes inf, refused by checked()
        values = values.astype(np.float32)
    if values.size != len(marks) * rows * cols or text.count(",") + 1 != values.size:
        raise PressureError(
            f"{path}: a frame holds a value that is not a number or B, or a row without {cols} values; "
            "the file is damaged"
        )
    frames = values.reshape(len(marks), rows, cols)
    first, last = header.get("START_FRAME"), header.get("END_FRAME")
    notes = []
    if first is not None and last is not None:
        try:
            declared = int(last) - int(first) + 1
        except ValueError:
            declared = len(marks)
        if declared != len(marks):
            raise PressureError(
                f"{path} holds {len(marks)} frames; its header says {declared} (START_FRAME-END_FRAME): "
                "the file is truncated"
            )
    outline = ~np.isnan(frames[0])
    if (np.isnan(frames) != ~outline).any():
        raise PressureError(f"{path}: the sensor's outline (B cells) changes between frames; the file is damaged")
    with np.errstate(all="ignore"):  # an absurd value becomes inf, refused by checked()
        frames *= _UNITS[unit]
    frames = frames[:, ::-1]  # the first row is north
    if unit != "kpa":
        notes.append(f"pressures converted from {header['UNITS'].strip()} to kPa")
    return checked(path, PressureSystem.TEKSCAN, np.ascontiguousarray(frames), cell_mm, frame_s, side, in_shoe, notes)


def _header(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, _, value = line.strip().partition(" ")
        if key.isupper() and key not in out:
            out[key] = value.strip()
    return out


def _int(header: dict[str, str], key: str, path: Path) -> int:
    try:
        return int(header[key])
    except (KeyError, ValueError):
        raise PressureError(f"{path} has no {key} in its header; export the movie again with its header") from None


def _length(header: dict[str, str], key: str, path: Path) -> float:
    parts = header.get(key, "").split()
    try:
        value = float(parts[0])
        scale = _LENGTH[parts[1].lower()] if len(parts) > 1 else None
    except (IndexError, ValueError, KeyError):
        scale, value = None, 0.0
    if scale is None:
        raise PressureError(
            f"{path}: {key} {shown(header.get(key, 'missing'))} has no length unit orthofit knows (mm, cm, inches)"
        )
    return value * scale


__all__ = ["read_tekscan"]
