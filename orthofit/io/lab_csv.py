"""Reading a batch's cases: a folder of case files, or a lab's CSV with one row per patient.

CSV columns: ``id`` and ``age`` (required), ``name``, ``sex``, ``weight_kg``, and any
measurement field of the case file prefixed by its side: ``left_foot_length_mm``,
``right_ball_width_mm``, ... An empty cell is "not measured". A row becomes the same table a
case file holds, so it is validated by :func:`orthofit.io.case_file.parse_case`.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orthofit.config.limits import MAX_BATCH_ROWS
from orthofit.config.tomlfile import read_bytes
from orthofit.errors import ValidationError

_PATIENT_COLUMNS = {"id", "age", "name", "sex", "weight_kg"}


@dataclass(frozen=True)
class BatchCase:
    """One case of a batch: ``path`` (a case file) or ``row`` (a CSV row as a case table)."""

    name: str
    path: Path | None = None
    table: dict[str, Any] | None = None  # a CSV row as a case table (TOML values)
    source: str = ""
    error: str = ""  # what is wrong with the row itself (that case fails with it; the others go on)


def read_cases(source: str | Path) -> list[BatchCase]:
    """The cases of a folder of ``*.toml`` files or of a CSV (see the module docstring)."""
    src = Path(source)
    if src.is_dir():
        files = sorted(src.glob("*.toml"))
        if not files:
            raise ValidationError(f"{src} holds no case files (*.toml)")
        return [BatchCase(p.stem, path=p, source=str(p)) for p in files]
    if not src.exists():
        raise ValidationError(f"{src} not found: give a folder of case files or a CSV file")
    if src.suffix.lower() != ".csv":
        raise ValidationError(f"{src}: a batch is a folder of case files or a .csv file")
    data = read_bytes(src, "batch CSV", ValidationError, " (.csv)")
    try:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        rows = list(itertools.islice(reader, MAX_BATCH_ROWS + 1))
    except UnicodeDecodeError:
        raise ValidationError(f"{src} is not a text file in UTF-8; save the CSV as UTF-8") from None
    except csv.Error as err:
        raise ValidationError(f"{src} cannot be read as CSV ({err}); check the quoting on that line") from None
    if not rows:
        raise ValidationError(f"{src} has no rows")
    if len(rows) > MAX_BATCH_ROWS:
        raise ValidationError(
            f"{src} has more than {MAX_BATCH_ROWS:,} rows (see 'Input limits' in the README); split it into batches"
        )
    missing = {"id", "age"} - set(rows[0])
    if missing:
        raise ValidationError(
            f"{src} has no '{sorted(missing)[0]}' column; the columns are id, age, name, sex, "
            "weight_kg and left_/right_ measurement fields such as left_foot_length_mm"
        )
    width = len(rows[0]) - (None in rows[0])
    return [
        BatchCase(
            str(r.get("id") or f"row-{i + 2}"),
            table=_row_table(r),
            source=f"{src} row {i + 2}",
            error=_row_error(r, width, f"{src} row {i + 2}"),
        )
        for i, r in enumerate(rows)
    ]


def _row_error(row: dict[str | None, Any], width: int, where: str) -> str:
    """A row with more or fewer cells than the header would shift its values into the wrong
    columns: it is that case's error, not a guess.
    """
    extra = row.get(None) or []
    missing = sum(1 for k, v in row.items() if k is not None and v is None)
    cells = width + len(extra) - missing
    if extra or missing:
        return (
            f"{where} has {cells} cells but the header has {width}; every row needs exactly one cell per "
            "column (leave a cell empty for a value not measured)"
        )
    return ""


def _number_or_text(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _row_table(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as a case-file table (empty cells left out)."""
    table: dict[str, Any] = {"patient": {}, "left": {}, "right": {}}
    for key, raw in row.items():
        if key is None or raw is None or not raw.strip():
            continue
        key, text = key.strip(), raw.strip()
        value = text if key in ("id", "name", "sex") else _number_or_text(text)
        if key in _PATIENT_COLUMNS:
            table["patient"]["age" if key == "age" else key] = value
        elif key.startswith(("left_", "right_")):
            side, field = key.split("_", 1)
            table[side][field] = value
        else:
            table.setdefault("_unknown", []).append(key)
    return table
