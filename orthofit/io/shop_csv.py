"""Reading a shop scanner's export: one patient, one row per foot, as a documented CSV.

What a shoe shop's foot scanner prints (foot length, ball width and girth, the instep height at
50 % of foot length, its "arch height") is often all a clinic has. This reader takes it as a
case. Columns (the README's "Shop-scanner CSV"; each measure's name carries its unit, mm):

==============================  ========  =========================================================
column                          needed    what it is
==============================  ========  =========================================================
``id``                          required  the patient id (names the output files)
``age``                         required  years (adult thresholds apply from 18)
``side``                        required  ``left`` or ``right`` (``L`` / ``R``), one row per foot
``foot_length_mm``              required  heel to the tip of the longest toe
``ball_width_mm``               optional  widest breadth across the metatarsal heads
``heel_width_mm``               optional  widest breadth of the heel
``ball_girth_mm``               optional  girth through the 1st and 5th metatarsal heads
``dorsal_height_standing_mm``   optional  top of the foot at 50 % of foot length, standing: what
                                          scanners call the instep height; the AHI's height
``arch_edge_height_mm``         optional  the scanner's "arch height": the medial arch's edge
                                          above the floor (reported, not labelled)
``truncated_foot_length_mm``    optional  heel to the 1st metatarsal head, when the scanner gives it
``name``, ``sex``, ``weight_kg`` optional  as in the case file
==============================  ========  =========================================================

An empty cell is "not measured". Columns are separated by commas (decimal points) or, as a
European spreadsheet saves them, by semicolons (decimal commas accepted). A row becomes the
table a case file holds and is validated by :func:`orthofit.io.case_file.parse_case`, so the
same ranges and cross-checks apply. Every refusal is one line saying what is wrong and what to
give instead; a file is refused before it is parsed when it is not a regular file, larger than
its limit (:data:`orthofit.config.limits.MAX_FILE_BYTES`), binary or not UTF-8.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from pathlib import Path
from typing import Any, NoReturn

from orthofit.config.limits import MAX_SHOP_ROWS
from orthofit.config.tomlfile import read_bytes
from orthofit.errors import CaseFileError, UserError, ValidationError, shown
from orthofit.io.case_file import FOOT_FIELDS, PATIENT_FIELDS, number_in_range, parse_case
from orthofit.model.case import Case
from orthofit.model.enums import Side

#: The columns that must be there.
REQUIRED_COLUMNS = ("id", "age", "side", "foot_length_mm")
#: The measures a row may give, each a case-file field of its foot (mm).
FOOT_COLUMNS = (
    "foot_length_mm",
    "ball_width_mm",
    "heel_width_mm",
    "ball_girth_mm",
    "dorsal_height_standing_mm",
    "arch_edge_height_mm",
    "truncated_foot_length_mm",
)
#: The patient's columns (the same on every row).
PATIENT_COLUMNS = ("id", "age", "name", "sex", "weight_kg")
COLUMNS = (*PATIENT_COLUMNS, "side", *FOOT_COLUMNS)

#: Names a scanner might use that mean something else in orthofit: each is refused with what to
#: call the column instead, because guessing would put a height into the wrong measure.
MISLEADING_COLUMNS = {
    "instep_height_mm": (
        "in orthofit the instep height is the top of the foot at 55 % of its length; if the scanner's "
        "instep height is the top of the foot at 50 % of foot length, standing, name the column "
        "dorsal_height_standing_mm, else leave it out"
    ),
    "arch_height_mm": (
        "arch height means several things; name the scanner's arch height (the medial arch's edge above "
        "the floor) arch_edge_height_mm"
    ),
    "plantar_arch_height_mm": (
        "orthofit measures the plantar arch apex on a 3D scan, it is not typed; if this is the scanner's "
        "arch height (the medial arch's edge above the floor), name the column arch_edge_height_mm"
    ),
}
#: Length units a header may name, and millimetres per unit.
_UNITS = {"cm": ("centimetres", 10.0), "m": ("metres", 1000.0), "in": ("inches", 25.4), "inch": ("inches", 25.4)}
_STEMS = {c.removesuffix("_mm") for c in (*FOOT_COLUMNS, *MISLEADING_COLUMNS)}
_SIDES = {"left": Side.LEFT, "l": Side.LEFT, "right": Side.RIGHT, "r": Side.RIGHT}
_TAKER = "the shop CSV"


def load_shop_csv(path: str | Path) -> Case:
    """Read a shop scanner's CSV (one patient, a row per foot) as a case.

    Raises
    ------
    CaseFileError
        The file is missing, not a regular file, too large, binary, not UTF-8, not CSV, or its
        columns are not the documented ones (a wrong unit, a misleading or unknown name).
    ValidationError
        A value is missing, not a number, out of range, or the rows disagree (two patients,
        a side twice).
    """
    path = Path(path)
    rows, delimiter = _read_rows(path)
    comma = delimiter == ";"  # a semicolon file comes from a spreadsheet that writes decimal commas
    first = rows[0]
    patient: dict[str, Any] = {}
    for col in PATIENT_COLUMNS:
        text = first.get(col, "")
        if text:
            patient[col] = _number(text, f"{path} row 2: {col}", comma) if col in PATIENT_FIELDS else text
    for col in ("id", "age"):
        if col not in patient:
            raise ValidationError(f"{path} row 2 has no {col}; give the patient's {_WHAT[col]}")
    if "age" in patient:
        number_in_range(patient["age"], f"{path} row 2: age", PATIENT_FIELDS["age"])
    table: dict[str, Any] = {"patient": patient}
    for i, row in enumerate(rows):
        where = f"{path} row {i + 2}"
        for col in PATIENT_COLUMNS:
            if row.get(col, "") != first.get(col, ""):
                raise ValidationError(
                    f"{where}: {col} {shown(row.get(col, ''))} differs from row 2's {shown(first.get(col, ''))}; "
                    "a shop-scanner file holds one patient (split it by patient)"
                )
        side = _side(row.get("side", ""), where)
        if side.value in table:
            raise ValidationError(f"{where} is a second {side.value} foot; give one row per foot")
        table[side.value] = _foot(row, f"{where} ({side.value} foot)", comma)
    try:
        return parse_case(table, source=str(path), folder=str(path.parent) if str(path.parent) != "." else "")
    except UserError as err:  # a rule across fields or a patient field: name the file
        raise ValidationError(f"{path}: {err}") from None


_WHAT = {"id": "id (letters, digits, '.', '_' or '-')", "age": "age in years"}


def _read_rows(path: Path) -> tuple[list[dict[str, str]], str]:
    """The file's rows (header names checked, cells stripped) and its delimiter."""
    data = read_bytes(path, "shop CSV", CaseFileError, " (.csv)")
    if b"\x00" in data:
        raise CaseFileError(
            f"{path} holds NUL bytes: it is a binary or UTF-16 file, not a CSV text file; "
            "export the scanner's measurements as CSV in UTF-8"
        )
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark (Excel's "CSV UTF-8") is fine
    except UnicodeDecodeError:
        raise CaseFileError(f"{path} is not a text file in UTF-8; save the CSV as UTF-8") from None
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in header_line and "," not in header_line else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        # blank lines (a spreadsheet's trailing ones) are skipped before counting, so none can
        # push a foot's row past the limit; reading stops one row past it.
        filled = (r for r in reader if any(c.strip() for c in r))
        lines = list(itertools.islice(filled, MAX_SHOP_ROWS + 2))
    except csv.Error as err:
        raise CaseFileError(f"{path} cannot be read as CSV ({err}); check the quoting on that line") from None
    if not lines:
        raise CaseFileError(f"{path} is empty; give a header line and one row per foot")
    header = [_column(h, path) for h in lines[0]]
    _check_header(header, path)
    body = lines[1:]
    if not body:
        raise CaseFileError(f"{path} has a header but no rows; give one row per foot")
    if len(body) > MAX_SHOP_ROWS:
        raise ValidationError(
            f"{path} has more than {MAX_SHOP_ROWS} rows; a shop-scanner file is one patient with a row per "
            "foot: split it by patient (orthofit batch takes many patients in a lab CSV)"
        )
    rows = []
    for i, cells in enumerate(body):
        if len(cells) != len(header):
            raise ValidationError(
                f"{path} row {i + 2} has {len(cells)} cells but the header has {len(header)}; every row "
                "needs one cell per column (leave a cell empty for a value not measured)"
            )
        rows.append({h: c.strip() for h, c in zip(header, cells, strict=True)})
    return rows, delimiter


def _column(name: str, path: Path) -> str:
    """A header cell as a column name, refused with what to write instead when it names a
    wrong unit, no unit, or a measure orthofit calls something else.
    """
    col = name.strip().lower()
    if col in COLUMNS:
        return col
    if col in MISLEADING_COLUMNS:
        raise CaseFileError(f"{path}: column {col}: {MISLEADING_COLUMNS[col]}")
    m = re.fullmatch(r"(?P<stem>[a-z_]+?)_(?P<unit>cm|m|in|inch)", col)
    if m and m["stem"] in _STEMS:
        unit, per = _UNITS[m["unit"]]
        _refuse_unit(path, col, f"is in {unit}", f"multiply the values by {per:g} and name it {m['stem']}_mm")
    if col in _STEMS:
        _refuse_unit(path, col, "has no unit", f"name it {col}_mm and give millimetres")
    raise CaseFileError(f"{path}: unknown column {shown(name.strip())}; the columns are {', '.join(COLUMNS)}")


def _refuse_unit(path: Path, col: str, what: str, fix: str) -> NoReturn:
    raise CaseFileError(f"{path}: column {col} {what}; orthofit takes millimetres: {fix}")


def _check_header(header: list[str], path: Path) -> None:
    seen: set[str] = set()
    for col in header:
        if col in seen:
            raise CaseFileError(f"{path}: column {col} is there twice; keep one")
        seen.add(col)
    for col in REQUIRED_COLUMNS:
        if col not in seen:
            raise CaseFileError(
                f"{path} has no {col} column; a shop-scanner CSV needs {', '.join(REQUIRED_COLUMNS)} "
                "(see 'Shop-scanner CSV' in the README)"
            )


def _side(text: str, where: str) -> Side:
    side = _SIDES.get(text.strip().lower())
    if side is None:
        raise ValidationError(f"{where}: side = {shown(text)} is not a side; write left or right (or L / R)")
    return side


def _foot(row: dict[str, str], where: str, comma: bool) -> dict[str, float]:
    """One row's measures as a case file's foot table (mm), each checked against its range."""
    foot: dict[str, float] = {}
    for col in FOOT_COLUMNS:
        text = row.get(col, "")
        if not text:
            continue
        value = _number(text, f"{where}: {col}", comma)
        foot[col] = number_in_range(value, f"{where}: {col}", FOOT_FIELDS[col], unit_hint=True, taker=_TAKER)
    if "foot_length_mm" not in foot:
        raise ValidationError(f"{where} has no foot_length_mm; every foot needs its length (mm)")
    return foot


def _number(text: str, field: str, comma: bool) -> float:
    plain = text.replace(",", ".") if comma else text
    try:
        return float(plain)
    except ValueError:
        raise ValidationError(
            f"{field} = {shown(text)} is not a number; give a plain number, without its unit"
        ) from None
