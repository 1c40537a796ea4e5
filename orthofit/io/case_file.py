"""Reading and validating a case file (TOML) into a :class:`~orthofit.model.case.Case`.

Every rule a typed value must meet lives in :data:`FOOT_FIELDS` and :data:`PATIENT_FIELDS`:
the physical range of each measurement (what a human foot can be, not what is normal).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orthofit.config.keys import check_keys
from orthofit.config.limits import MAX_FOOTPRINT_OUTLINES, MAX_FOOTPRINT_POINTS
from orthofit.config.tomlfile import read_toml
from orthofit.errors import CaseFileError, ValidationError, shown
from orthofit.model.case import Case, Clinician, FootMeasurements, FootPainSite, LegLength, Patient, Symptoms  # noqa: F401
from orthofit.model.enums import ScanCondition, Sex, Side
from orthofit.model.redflags import RED_FLAGS


@dataclass(frozen=True)
class Range:
    """The physically possible range of a typed number, in the unit of its field name."""

    low: float
    high: float
    unit: str

    def text(self) -> str:
        return f"{self.low:g} to {self.high:g} {self.unit}".rstrip()


#: Measurement fields of ``[left]`` / ``[right]`` and their physical ranges. These are limits
#: of possibility (a 900 mm foot is a typo), not clinical norms.
FOOT_FIELDS: dict[str, Range] = {
    "foot_length_mm": Range(60, 400, "mm"),
    "ball_width_mm": Range(25, 160, "mm"),
    "heel_width_mm": Range(15, 110, "mm"),
    "truncated_foot_length_mm": Range(40, 300, "mm"),
    "ball_girth_mm": Range(40, 450, "mm"),
    "dorsal_height_sitting_mm": Range(10, 150, "mm"),
    "dorsal_height_standing_mm": Range(10, 150, "mm"),
    "navicular_height_sitting_mm": Range(3, 120, "mm"),
    "navicular_height_standing_mm": Range(3, 120, "mm"),
    "navicular_drop_mm": Range(-20, 40, "mm"),
    # The height of the medial arch's edge above the floor, as a shop scanner prints its "arch
    # height"; 0 is an edge that touches the floor. Not the plantar arch apex of a 3D scan.
    "arch_edge_height_mm": Range(0, 80, "mm"),
    "rcsp_deg": Range(-30, 30, "degrees"),
}
_FOOT_OTHER = (
    "fpi6",
    "footprint_mm",
    "arch_on_tiptoe",
    "footprint_grid",
    "footprint_grid_pitch_mm",
    "pressure",
    "pressure_before",
    "pressure_sensor_mm",
    "scan",
    "scan_units",
    "scan_condition",
    "conditions",
)
#: mm-valued fields whose out-of-range values get a hint about the unit typed.
_LENGTH_FIELDS = {k for k, r in FOOT_FIELDS.items() if r.unit == "mm"} - {"navicular_drop_mm"}

PATIENT_FIELDS: dict[str, Range] = {
    "age": Range(0, 120, "years"),
    "weight_kg": Range(2, 400, "kg"),
}
_PATIENT_KEYS = ("id", "name", "age", "sex", "weight_kg")
_SECTIONS = ("patient", "red_flags", "symptoms", "left", "right", "leg_length", "clinician")
_CLINICIAN_KEYS = ("name", "clinic", "date")
_SYMPTOM_KEYS = ("low_back_pain", "foot_pain")
_LEG_KEYS = ("difference_mm", "shorter_side", "method")
_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_FOOTPRINT_LIMIT_MM = 600.0


def load_case(path: str | Path) -> Case:
    """Read and validate a case file; nothing is measured (see :mod:`orthofit.measure`).

    The scans and grids the case names stay file references, relative to the case file's
    folder (:meth:`~orthofit.model.case.Case.path_of`); :mod:`orthofit.io.scan_file` and
    :mod:`orthofit.io.grid_file` read them.

    Raises
    ------
    CaseFileError
        The file is missing, unreadable or not valid TOML.
    ValidationError
        A key is unknown, a field is missing, of the wrong type or out of range.
    """
    path = Path(path)
    raw = read_toml(path, "case", CaseFileError)
    folder = str(path.parent) if str(path.parent) != "." else ""
    return parse_case(raw, source=str(path), folder=folder)


def parse_case(raw: dict[str, Any], source: str = "", folder: str = "") -> Case:
    """Validate an already-parsed case table (as from :func:`tomllib.loads`); ``folder`` is
    where the files it names are (relative paths), "" for the working folder.
    """
    check_keys(raw, _SECTIONS, "the case file (top-level tables)", ValidationError)
    for name in _SECTIONS:
        if name in raw and not isinstance(raw[name], dict):
            raise ValidationError(f"'{name}' must be a table: write it as [{name}] on its own line")
    if "patient" not in raw:
        raise ValidationError("the case file has no [patient] table; add one with at least id and age")
    patient = _patient(raw["patient"])
    left = _foot(raw.get("left", {}), "left")
    right = _foot(raw.get("right", {}), "right")
    return Case(
        patient=patient,
        left=left,
        right=right,
        red_flags=_red_flags(raw.get("red_flags", {})),
        symptoms=_symptoms(raw.get("symptoms", {})),
        leg_length=_leg_length(raw.get("leg_length")),
        source=source,
        clinician=_clinician(raw.get("clinician", {})),
        folder=folder,
    )


def _patient(table: dict[str, Any]) -> Patient:
    check_keys(table, _PATIENT_KEYS, "[patient]", ValidationError)
    if "id" not in table:
        raise ValidationError('patient.id is missing; add id = "..." under [patient] (it names the output files)')
    pid = table["id"]
    if not isinstance(pid, str) or not _ID_PATTERN.fullmatch(pid):
        raise ValidationError(
            f"patient.id = {shown(pid)} is not usable in file names; use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    if "age" not in table:
        raise ValidationError(
            "patient.age is missing; add age = <years> under [patient] (children get age-specific thresholds)"
        )
    age = number_in_range(table["age"], "patient.age", PATIENT_FIELDS["age"])
    name = table.get("name", "")
    if not isinstance(name, str):
        raise ValidationError(f"patient.name must be text in quotes, not {shown(name)}")
    check_text(name, "patient.name")
    sex = Sex.parse(table["sex"], "patient.sex") if "sex" in table else None
    weight = (
        number_in_range(table["weight_kg"], "patient.weight_kg", PATIENT_FIELDS["weight_kg"])
        if "weight_kg" in table
        else None
    )
    return Patient(id=pid, age_years=age, name=name, sex=sex, weight_kg=weight)


def _foot(table: dict[str, Any], side: str) -> FootMeasurements:
    check_keys(table, (*FOOT_FIELDS, *_FOOT_OTHER), f"[{side}]", ValidationError)
    values: dict[str, Any] = {}
    for key, rng in FOOT_FIELDS.items():
        if key in table:
            values[key] = number_in_range(table[key], f"{side}.{key}", rng, unit_hint=key in _LENGTH_FIELDS)
    if "fpi6" in table:
        values["fpi6"] = _fpi6(table["fpi6"], f"{side}.fpi6")
    if "footprint_mm" in table:
        values["footprint_mm"] = _footprint(table["footprint_mm"], f"{side}.footprint_mm")
    if "arch_on_tiptoe" in table:
        values["arch_on_tiptoe"] = _bool(table["arch_on_tiptoe"], f"{side}.arch_on_tiptoe")
    if "footprint_grid" in table:
        if not isinstance(table["footprint_grid"], str) or not table["footprint_grid"].strip():
            raise ValidationError(f"{side}.footprint_grid must be the path of a .csv or .png file, in quotes")
        if "footprint_grid_pitch_mm" not in table:
            raise ValidationError(f"{side}.footprint_grid_pitch_mm is missing: give the grid's cell size in mm")
        values["footprint_grid"] = table["footprint_grid"]
        values["footprint_grid_pitch_mm"] = number_in_range(
            table["footprint_grid_pitch_mm"], f"{side}.footprint_grid_pitch_mm", Range(0.1, 20, "mm")
        )
    elif "footprint_grid_pitch_mm" in table:
        raise ValidationError(f"{side}.footprint_grid_pitch_mm is given without {side}.footprint_grid")
    values.update(_scan_fields(table, side))
    values.update(_pressure_fields(table, side))
    if "conditions" in table:
        values["conditions"] = _conditions(table["conditions"], f"{side}.conditions")
    fl, tfl = values.get("foot_length_mm"), values.get("truncated_foot_length_mm")
    if fl is not None and tfl is not None and tfl >= fl:
        raise ValidationError(
            f"{side}.truncated_foot_length_mm ({tfl:g}) must be shorter than {side}.foot_length_mm "
            f"({fl:g}): it runs from the heel to the 1st metatarsophalangeal joint, not to the toes"
        )
    return FootMeasurements(**values)


def _scan_fields(table: dict[str, Any], side: str) -> dict[str, Any]:
    from orthofit.io.scan_file import UNITS_MM

    out: dict[str, Any] = {}
    if "scan" not in table:
        for key in ("scan_units", "scan_condition"):
            if key in table:
                raise ValidationError(f"{side}.{key} is given without {side}.scan (the scan file's path)")
        return out
    if not isinstance(table["scan"], str) or not table["scan"].strip():
        raise ValidationError(f"{side}.scan must be the path of an .stl, .obj or .ply file, in quotes")
    out["scan"] = table["scan"]
    if "scan_units" in table:
        units = table["scan_units"]
        if not isinstance(units, str) or units not in UNITS_MM:
            raise ValidationError(
                f"{side}.scan_units = {shown(units)} is not known; use one of " + ", ".join(f'"{u}"' for u in UNITS_MM)
            )
        out["scan_units"] = units
    if "scan_condition" in table:
        try:
            out["scan_condition"] = ScanCondition.parse(table["scan_condition"])
        except ValidationError:
            raise ValidationError(
                f"{side}.scan_condition = {shown(table['scan_condition'])} is not known; use one of "
                + ", ".join(f'"{c.value}"' for c in ScanCondition)
            ) from None
    return out


def _pressure_fields(table: dict[str, Any], side: str) -> dict[str, Any]:
    from orthofit.errors import PressureError
    from orthofit.io.pressure import FORMATS, parse_sensor_mm

    out: dict[str, Any] = {}
    for key in ("pressure", "pressure_before"):
        if key not in table:
            continue
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"{side}.{key} must be the path of a pressure recording, in quotes")
        if not any(value.lower().endswith(ext) for ext in FORMATS):
            raise ValidationError(f"{side}.{key} = {shown(value)}: a pressure recording ends in " + ", ".join(FORMATS))
        out[key] = value
    if "pressure_before" in out and "pressure" not in out:
        raise ValidationError(
            f"{side}.pressure_before is given without {side}.pressure (the recording to compare it with)"
        )
    if "pressure_sensor_mm" in table:
        if "pressure" not in out:
            raise ValidationError(f"{side}.pressure_sensor_mm is given without {side}.pressure")
        try:
            out["pressure_sensor_mm"] = parse_sensor_mm(
                table["pressure_sensor_mm"], f"{side}.pressure_sensor_mm", "[width, length] (e.g. [5.08, 7.62])"
            )
        except PressureError as err:
            raise ValidationError(str(err)) from None
    return out


def _conditions(value: Any, field: str) -> tuple[str, ...]:
    """A list of known condition names (orthofit/data/conditions.toml), without repeats."""
    from orthofit.config.conditions import CONDITIONS

    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ValidationError(f'{field} must be a list such as ["medial_knee_oa"]')
    out = []
    for item in items:
        name = str(item).strip().lower()
        if name not in CONDITIONS:
            options = ", ".join(repr(c) for c in CONDITIONS)
            raise ValidationError(f"{field}: {shown(item)} is not a known condition; use {options}")
        out.append(name)
    return tuple(dict.fromkeys(out))


def _clinician(table: dict[str, Any]) -> Clinician:
    import datetime

    check_keys(table, _CLINICIAN_KEYS, "[clinician]", ValidationError)
    for key in ("name", "clinic"):
        if not isinstance(table.get(key, ""), str):
            raise ValidationError(f"clinician.{key} must be text in quotes, not {shown(table[key])}")
    date = table.get("date", "")
    if isinstance(date, datetime.datetime):
        date = date.date()
    if isinstance(date, datetime.date):
        date = date.isoformat()
    elif date != "":
        try:
            date = datetime.date.fromisoformat(str(date)).isoformat()
        except ValueError:
            raise ValidationError(
                f"clinician.date = {shown(date)} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-21"
            ) from None
    for key in ("name", "clinic"):
        check_text(table.get(key, ""), f"clinician.{key}")
    return Clinician(name=table.get("name", ""), clinic=table.get("clinic", ""), date=date)


def _red_flags(table: dict[str, Any]) -> tuple[str, ...]:
    check_keys(table, RED_FLAGS, "[red_flags]", ValidationError)
    for key, value in table.items():
        _bool(value, f"red_flags.{key}")
    return tuple(name for name in RED_FLAGS if table.get(name) is True)


def _symptoms(table: dict[str, Any]) -> Symptoms:
    check_keys(table, _SYMPTOM_KEYS, "[symptoms]", ValidationError)
    lbp = _bool(table.get("low_back_pain", False), "symptoms.low_back_pain")
    pain = table.get("foot_pain", [])
    if isinstance(pain, str):
        pain = [pain]
    if not isinstance(pain, list):
        raise ValidationError('symptoms.foot_pain must be a list such as ["heel", "arch"]')
    sites = []
    for item in pain:
        try:
            sites.append(FootPainSite(str(item).strip().lower()))
        except ValueError:
            options = ", ".join(repr(s.value) for s in FootPainSite)
            raise ValidationError(f"symptoms.foot_pain: {shown(item)} is not a known site; use {options}") from None
    return Symptoms(low_back_pain=lbp, foot_pain=tuple(dict.fromkeys(sites)))


def _leg_length(table: dict[str, Any] | None) -> LegLength | None:
    if table is None:
        return None
    check_keys(table, _LEG_KEYS, "[leg_length]", ValidationError)
    if "difference_mm" not in table:
        raise ValidationError("leg_length.difference_mm is missing; give the measured difference in mm")
    diff = number_in_range(table["difference_mm"], "leg_length.difference_mm", Range(0, 100, "mm"), unit_hint=True)
    side = Side.parse(table["shorter_side"], "leg_length.shorter_side") if "shorter_side" in table else None
    if diff > 0 and side is None:
        raise ValidationError('leg_length.shorter_side is missing; say which leg is shorter: "left" or "right"')
    method = table.get("method", "")
    if not isinstance(method, str):
        raise ValidationError('leg_length.method must be text, e.g. "block test" or "imaging"')
    check_text(method, "leg_length.method")
    return LegLength(difference_mm=diff, shorter_side=side, method=method)


#: The longest text a name field takes, characters [D]: room for any real name and clinic.
MAX_TEXT_CHARS = 200


def check_text(text: str, field: str) -> None:
    """A name typed by a person: at most :data:`MAX_TEXT_CHARS` characters and no control
    characters (a NUL or an escape would reach the terminal and the PDF as they are).
    """
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationError(f"{field} is {len(text)} characters long; keep it under {MAX_TEXT_CHARS}")
    bad = next((c for c in text if unicodedata.category(c) == "Cc"), None)
    if bad is not None:
        raise ValidationError(f"{field} holds the control character U+{ord(bad):04X}; remove it (use plain text)")


def _bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"{field} must be true or false (no quotes), not {shown(value)}")
    return value


def number_in_range(value: Any, field: str, rng: Range, unit_hint: bool = False, taker: str = "the case file") -> float:
    """``value`` as a float if it is a finite number within ``rng``; else a
    :class:`ValidationError` naming ``field`` and the range (and, with ``unit_hint``, the
    unit a misplaced length looks typed in; ``taker`` names the input that takes millimetres).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(f"{field} must be a number ({rng.text()}), not {shown(value)}")
    if isinstance(value, int) and abs(value) > 10**15:  # beyond any range, and beyond a float's reach
        raise ValidationError(f"{field} is a {len(str(abs(value)))}-digit number; it must be {rng.text()}")
    if not math.isfinite(value):
        raise ValidationError(f"{field} is {value}; give a finite number ({rng.text()})")
    if not rng.low <= value <= rng.high:
        hint = _unit_hint(value, rng, taker) if unit_hint else ""
        raise ValidationError(f"{field} = {value:g} is out of range: it must be {rng.text()}{hint}")
    return float(value)


def _unit_hint(value: float, rng: Range, taker: str) -> str:
    """Guess which unit a misplaced length was typed in."""
    guesses = [
        name
        for name, factor in (("metres", 1000.0), ("centimetres", 10.0), ("inches", 25.4))
        if rng.low <= value * factor <= rng.high
    ]
    if not guesses:
        return ""
    return f"; it looks like {' or '.join(guesses)}: {taker} takes millimetres"


def _fpi6(value: Any, field: str) -> tuple[int, ...]:
    if not isinstance(value, list) or len(value) != 6:
        raise ValidationError(f"{field} must list the six FPI-6 item scores, e.g. [1, 1, 2, 1, 1, 0]")
    items = []
    for i, item in enumerate(value, start=1):
        if (
            isinstance(item, bool)
            or not isinstance(item, (int, float))
            or not math.isfinite(item)
            or item != int(item)
            or not -2 <= item <= 2
        ):
            raise ValidationError(
                f"{field} item {i} = {shown(item)} is out of range: each item is a whole number -2 to +2"
            )
        items.append(int(item))
    return tuple(items)


def _footprint(value: Any, field: str) -> tuple[tuple[tuple[float, float], ...], ...]:
    """One outline ``[[x, y], ...]`` or several ``[[[x, y], ...], ...]``."""
    if not isinstance(value, list) or not value:
        raise ValidationError(f"{field} must be a list of [x, y] points in mm")
    rings = value if isinstance(value[0], list) and value[0] and isinstance(value[0][0], list) else [value]
    if len(rings) > MAX_FOOTPRINT_OUTLINES:
        raise ValidationError(
            f"{field} has {len(rings)} outlines; give at most {MAX_FOOTPRINT_OUTLINES} (the foot and its toes)"
        )
    out = []
    for r, ring in enumerate(rings):
        where = field if len(rings) == 1 else f"{field} outline {r + 1}"
        if not isinstance(ring, list) or len(ring) < 3:
            raise ValidationError(f"{where} needs at least 3 [x, y] points")
        if len(ring) > MAX_FOOTPRINT_POINTS:
            raise ValidationError(
                f"{where} has {len(ring):,} points; give at most {MAX_FOOTPRINT_POINTS:,} "
                "(a point every millimetre is plenty; see 'Input limits' in the README)"
            )
        points = []
        for i, pt in enumerate(ring):
            if (
                not isinstance(pt, list)
                or len(pt) != 2
                or any(isinstance(c, bool) or not isinstance(c, (int, float)) for c in pt)
            ):
                raise ValidationError(f"{where} point {i + 1} must be [x, y] in mm, not {shown(pt)}")
            if not all(math.isfinite(c) and abs(c) <= _FOOTPRINT_LIMIT_MM for c in pt):
                raise ValidationError(
                    f"{where} point {i + 1} = {shown(pt)} is out of range: coordinates must be finite and "
                    f"within ±{_FOOTPRINT_LIMIT_MM:g} mm (the frame is millimetres, heel at x = 0)"
                )
            points.append((float(pt[0]), float(pt[1])))
        out.append(tuple(points))
    return tuple(out)
