"""Reading a case and the files it names, and measuring it: the first steps of every job.

A case is a case file (TOML) or a shop scanner's export (a ``.csv``: one patient, a row per
foot; :mod:`orthofit.io.shop_csv`); :func:`read_case` picks the reader by the file's suffix, so
every command that takes a case takes either.
"""

from __future__ import annotations

from pathlib import Path

from orthofit.errors import PressureError
from orthofit.io.case_file import load_case
from orthofit.io.grid_file import PressureGrid, load_grid
from orthofit.io.pressure import PressureRecording, load_recordings
from orthofit.io.scan_file import LoadedScan, ScanError, load_scan
from orthofit.io.shop_csv import load_shop_csv
from orthofit.measure.case import MeasuredCase, Walks, measure_case
from orthofit.model.case import Case
from orthofit.model.enums import Side

#: The suffix of a shop scanner's export; any other file is read as a case file (TOML).
SHOP_CSV_SUFFIX = ".csv"


def read_case(path: str | Path) -> Case:
    """Read and validate a case: a shop scanner's CSV by its ``.csv`` suffix, else a case file."""
    path = Path(path)
    return load_shop_csv(path) if path.suffix.lower() == SHOP_CSV_SUFFIX else load_case(path)


def case_kind(path: str | Path) -> str:
    """The kind of case file ``path`` is, as :data:`orthofit.config.limits.MAX_FILE_BYTES` names it."""
    return "shop CSV" if Path(path).suffix.lower() == SHOP_CSV_SUFFIX else "case"


def read_files(case: Case) -> tuple[dict[Side, LoadedScan], dict[Side, PressureGrid]]:
    """Read the footprint grids and 3D scans a case names (paths relative to its folder).

    Raises
    ------
    CaseFileError, ScanError
        A file is missing, unreadable or not what its name says; the message names the field.
    """
    grids: dict[Side, PressureGrid] = {}
    for side in Side:
        m = case.foot(side)
        if m.footprint_grid is not None and m.footprint_grid_pitch_mm is not None:
            grids[side] = load_grid(case.path_of(m.footprint_grid), m.footprint_grid_pitch_mm)
    scans: dict[Side, LoadedScan] = {}
    for side in Side:
        m = case.foot(side)
        if m.scan is not None:
            try:
                scans[side] = load_scan(case.path_of(m.scan), m.scan_units)
            except ScanError as err:
                raise ScanError(f"{side.value}.scan: {err}") from None
    return scans, grids


def read_walks(case: Case) -> dict[Side, Walks]:
    """Read the walking pressure recordings a case names: per foot, the recording and the
    earlier one to compare it with (or None).

    Raises
    ------
    PressureError
        A recording is missing, unreadable or not what its name says; the message names the field.
    """
    walks: dict[Side, Walks] = {}
    for side in Side:
        m = case.foot(side)
        if m.pressure is None:
            continue
        found: list[PressureRecording | None] = []
        for key in ("pressure", "pressure_before"):
            name = getattr(m, key)
            if name is None:
                found.append(None)
                continue
            try:
                recordings = load_recordings(case.path_of(name), side, m.pressure_sensor_mm)
            except PressureError as err:
                raise PressureError(f"{side.value}.{key}: {err}") from None
            found.append(recordings[0])
        current, before = found
        assert current is not None  # m.pressure is set
        walks[side] = (current, before)
    return walks


def measure_files(case: Case) -> MeasuredCase:
    """Read the files ``case`` names and measure it."""
    scans, grids = read_files(case)
    return measure_case(case, scans, grids, read_walks(case))


def load_measured_case(path: str | Path) -> MeasuredCase:
    """Read a case (a case file or a shop scanner's CSV) and the files it names, and measure it."""
    return measure_files(read_case(path))


def input_paths(case: Case) -> list[Path]:
    """The files a case names (its scans and grids), in the order they are recorded."""
    return [p for p, _ in named_inputs(case)]


def named_inputs(case: Case) -> list[tuple[Path, str]]:
    """The files a case names, each with its kind ("scan", "footprint grid"), which sets the
    size it may have (:data:`orthofit.config.limits.MAX_FILE_BYTES`).
    """
    paths = []
    for side in Side:
        m = case.foot(side)
        if m.scan:
            paths.append((case.path_of(m.scan), "scan"))
        if m.footprint_grid:
            paths.append((case.path_of(m.footprint_grid), "footprint grid"))
        for name in (m.pressure, m.pressure_before):
            if name:
                paths.append((case.path_of(name), "pressure recording"))
    return paths
