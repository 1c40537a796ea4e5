"""A visit's case file from the measurement form, and back.

The form mirrors the case file (``[patient]``, ``[left]``/``[right]`` side by side,
``[symptoms]``, ``[leg_length]``); each value is checked by the same functions the command
line uses, so a field shows the very message ``orthofit assess`` would print, beside it.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from typing import Any

import tomli_w

from orthofit.config.params import PARAMETERS
from orthofit.errors import UserError
from orthofit.io.case_file import FOOT_FIELDS, PATIENT_FIELDS, Range, number_in_range, parse_case

#: The form's measurement rows, in the order a clinician measures: (field, label).
FOOT_ROWS: tuple[tuple[str, str], ...] = (
    ("foot_length_mm", "Foot length"),
    ("ball_width_mm", "Ball width"),
    ("heel_width_mm", "Heel width"),
    ("truncated_foot_length_mm", "Truncated foot length (heel to 1st MTH)"),
    ("dorsal_height_sitting_mm", "Dorsal height at 50 %, sitting"),
    ("dorsal_height_standing_mm", "Dorsal height at 50 %, standing"),
    ("navicular_height_sitting_mm", "Navicular height, sitting"),
    ("navicular_height_standing_mm", "Navicular height, standing"),
    ("navicular_drop_mm", "Navicular drop"),
    ("rcsp_deg", "Resting calcaneal stance position"),
    ("ball_girth_mm", "Ball girth"),
    ("arch_edge_height_mm", "Arch edge height (a foot scanner's 'arch height')"),
)
#: The six FPI-6 items, each -2 to +2.
FPI6_ITEMS = (
    "Talar head palpation",
    "Curves above and below the lateral malleolus",
    "Calcaneal frontal plane position",
    "Prominence in the talonavicular region",
    "Congruence of the medial longitudinal arch",
    "Abduction/adduction of the forefoot on the rearfoot",
)
SIDES = ("left", "right")


@functools.cache
def measure_titles() -> dict[str, str]:
    """Each measure's name as the report and the command line print it (its ``title`` in the
    shipped thresholds, or the command line's name for the measures without thresholds), by key.
    """
    from orthofit.config.thresholds import default_thresholds_path

    raw = tomllib.loads(default_thresholds_path().read_text(encoding="utf-8"))
    titles = {k: v["title"] for k, v in raw.items() if isinstance(v, dict) and isinstance(v.get("title"), str)}
    extra = {
        "arch_drop_mm": "Arch drop",
        "arch_rigidity_index": "Arch Rigidity Index",
        "arch_height_flexibility_mm_per_kn": "Arch height flexibility",
        "ahi_sitting": "Arch Height Index (sitting)",
        "normalised_navicular_height": "Normalised navicular height (foot length)",
        "normalised_navicular_height_truncated": "Normalised navicular height (truncated length)",
        "cpei_proxy_pct": "CPEI (static proxy)",
        "staheli": "Staheli arch index",
        "rcsp_deg": "Resting calcaneal stance position",
        "fpi6_total": "Foot Posture Index (FPI-6)",
    }
    return {**extra, **titles}


@dataclass
class CaseForm:
    """The form's values (text, as typed) and the message for each field that is wrong."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    case_toml: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.case_toml)


def _number(text: str) -> int | float:
    value = float(text.replace(",", "."))  # a decimal comma, as typed in much of Europe
    return int(value) if value.is_integer() and "." not in text and "," not in text else value


def case_from_form(
    code: str, name: str, sex: str | None, form: dict[str, str], clinician: dict[str, str] | None = None
) -> CaseForm:
    """Build a visit's case file from the form; every wrong field gets the command line's message.

    ``form`` keys: ``age``, ``weight_kg``, ``<side>.<field>``, ``<side>.fpi6.<1-6>``,
    ``low_back_pain`` ("on"), ``leg_length.difference_mm``, ``leg_length.shorter_side``.
    """
    out = CaseForm(values={k: v.strip() for k, v in form.items() if isinstance(v, str)})
    v = out.values
    patient: dict[str, Any] = {"id": code, "name": name}
    if sex:
        patient["sex"] = sex
    for key, rng in PATIENT_FIELDS.items():
        text = v.get(key, "")
        if not text:
            if key == "age":
                out.errors["age"] = "patient.age is missing: give the age in years"
            continue
        if (x := _checked(out, key, f"patient.{key}", text, rng)) is not None:
            patient[key] = x
    table: dict[str, Any] = {"patient": patient}
    for side in SIDES:
        foot: dict[str, Any] = {}
        for key, _ in FOOT_ROWS:
            text = v.get(f"{side}.{key}", "")
            if text:
                x = _checked(out, f"{side}.{key}", f"{side}.{key}", text, FOOT_FIELDS[key], key.endswith("_mm"))
                if x is not None:
                    foot[key] = x
        items = [v.get(f"{side}.fpi6.{i}", "") for i in range(1, 7)]
        if any(items):
            if all(items):
                foot["fpi6"] = [int(x) for x in items]
            else:
                out.errors[f"{side}.fpi6"] = f"{side}.fpi6: score all six items, or none"
        if foot:
            table[side] = foot
    table["symptoms"] = {"low_back_pain": v.get("low_back_pain") == "on"}
    diff = v.get("leg_length.difference_mm", "")
    if diff:
        leg: dict[str, Any] = {}
        if (x := _checked(out, "leg_length.difference_mm", "leg_length.difference_mm", diff, None)) is not None:
            leg["difference_mm"] = x
        if v.get("leg_length.shorter_side") in SIDES:
            leg["shorter_side"] = v["leg_length.shorter_side"]
        table["leg_length"] = leg
    if clinician:
        table["clinician"] = dict(clinician)  # who saw the patient, where and when: dates the report
    if out.errors:
        return out
    try:
        parse_case(table, source="the form")
    except UserError as err:  # a rule across fields: shown at the top of the form
        out.errors["_form"] = str(err)
        return out
    out.case_toml = tomli_w.dumps(table)
    return out


def _checked(out: CaseForm, key: str, name: str, text: str, rng: Range | None, unit_hint: bool = False) -> float | None:
    """The number typed, checked as the case file reader checks it; None (and the message in
    ``out.errors[key]``) when it is wrong.
    """
    try:
        value = _number(text)
    except ValueError:
        out.errors[key] = f"{name} = {text[:20]!r} is not a number"
        return None
    if rng is not None:
        try:
            number_in_range(value, name, rng, unit_hint=unit_hint)
        except UserError as err:
            out.errors[key] = str(err)
            return None
    return value


def form_from_case(case_toml: str) -> dict[str, str]:
    """The form's values for an existing visit's case file."""
    raw = tomllib.loads(case_toml)
    values: dict[str, str] = {}
    p = raw.get("patient", {})
    for key in PATIENT_FIELDS:
        if key in p:
            values[key] = f"{p[key]:g}" if isinstance(p[key], float) else str(p[key])
    for side in SIDES:
        foot = raw.get(side, {})
        for key, _ in FOOT_ROWS:
            if key in foot:
                values[f"{side}.{key}"] = f"{foot[key]:g}"
        for i, item in enumerate(foot.get("fpi6", []), start=1):
            values[f"{side}.fpi6.{i}"] = str(item)
    if raw.get("symptoms", {}).get("low_back_pain"):
        values["low_back_pain"] = "on"
    leg = raw.get("leg_length") or {}
    if "difference_mm" in leg:
        values["leg_length.difference_mm"] = f"{leg['difference_mm']:g}"
        values["leg_length.shorter_side"] = str(leg.get("shorter_side", ""))
    return values


#: Names of the design page's parameter groups (the parameters' features) and of the
#: parameters whose spelt-out name would mislead; the rest are their names in words.
FEATURE_LABELS = {
    "core": "Size, infill and limits",
    "heel_spur_relief": "Heel-spur relief",
    "mortons_extension": "Morton's extension",
    "reverse_mortons": "Reverse Morton's extension",
    "metatarsal": "Metatarsal pad and bar",
}
#: The design page's choices (``length``, ``construction``, ``shoe``) in words.
CHOICE_LABELS = {"length": "Length", "construction": "Construction", "shoe": "Shoe type"}


def setting_text(value: Any) -> str:
    """A clinician's setting as shown and as ``--set`` takes it: a number in its shortest
    form (``12``, ``3.5``), a choice by its name (``shell``).
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}"
    return str(getattr(value, "value", value))


def feature_label(feature: str) -> str:
    """A parameter group's name as the design page shows it: ``"heel_cup"`` -> ``"Heel cup"``."""
    return FEATURE_LABELS.get(feature, feature.replace("_", " ").capitalize())


def param_label(name: str) -> str:
    """A parameter's name in words: ``"met_pad_height_mm"`` -> ``"Metatarsal pad height"``
    (its unit and range are shown beside it).
    """
    if name in PARAMETERS:  # the parameter's own name in words (orthofit/data/parameters.toml)
        return PARAMETERS[name].label
    if name in CHOICE_LABELS:
        return CHOICE_LABELS[name]
    return name.replace("_", " ").capitalize()


#: An approved visit's files by how their names end: what each is, in the order shown.
FILE_KINDS = (
    ("-report.pdf", "Patient report (PDF)"),
    ("-lab-sheet.pdf", "Lab sheet: the prescription, measures and sources (PDF)"),
    ("-left.prusa.3mf", "Left insole, PrusaSlicer project with its stiffness zones and print settings"),
    ("-left.3mf", "Left insole, 3MF for any slicer"),
    ("-left.stl", "Left insole, STL"),
    ("-right.prusa.3mf", "Right insole, PrusaSlicer project with its stiffness zones and print settings"),
    ("-right.3mf", "Right insole, 3MF for any slicer"),
    ("-right.stl", "Right insole, STL"),
    ("-manifest.json", "Manifest: inputs, parameters and every file's SHA-256"),
    ("-assessment.json", "Assessment (JSON)"),
)


def file_kind(name: str) -> str:
    """What an approved file is, in words (its name when it is none of :data:`FILE_KINDS`)."""
    return next((what for end, what in FILE_KINDS if name.endswith(end)), name)


def files_in_order(files: list[Any]) -> list[Any]:
    """Files (with a ``name``) in the order of :data:`FILE_KINDS`, the others last by name."""
    rank = {end: i for i, (end, _) in enumerate(FILE_KINDS)}
    return sorted(files, key=lambda f: (next((r for e, r in rank.items() if f.name.endswith(e)), len(rank)), f.name))
