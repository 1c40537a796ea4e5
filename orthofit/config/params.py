"""Insole design parameters, defined as data: every parameter with a default and a legal range.

The parameters live in ``orthofit/data/parameters.toml`` (:data:`PARAMETERS`, in order),
each tagged with the insole feature that uses it, so a new feature adds its parameters there
without touching this module. Ranges come from docs/clinical-basis.md §5 where the literature
gives one (cited in ``source``); the others are design limits of this generator, marked [D].
Construction validates every value; an out-of-range value raises
:class:`~orthofit.errors.ValidationError` naming the field and its range.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from importlib import resources
from typing import Any

from orthofit.errors import ValidationError, shown

#: The ``feature`` tag of parameters that belong to the insole as a whole, not to a feature.
CORE = "core"


class InsoleLength(str, Enum):
    """How far forward the insole reaches."""

    FULL = "full"  # to the toe tip plus the length allowance
    SULCUS = "sulcus"  # to the toe sulcus, behind the toes
    THREE_QUARTER = "3/4"  # ends just behind the metatarsal heads

    @classmethod
    def parse(cls, value: object, where: str = "length") -> InsoleLength:
        for m in cls:
            if str(value).strip().lower() in (m.value, m.name.lower(), m.name.lower().replace("_", "-")):
                return m
        raise ValidationError(
            f"{where} = {shown(value)} is not valid; use one of " + ", ".join(repr(m.value) for m in cls)
        )


@dataclass(frozen=True)
class ParamSpec:
    """One numeric insole parameter: its feature, default, legal range (low, high), unit,
    meaning and source; ``excludes`` names parameters that may not be non-zero with it.
    """

    name: str
    feature: str
    default: float
    low: float
    high: float
    unit: str
    doc: str
    source: str
    excludes: tuple[str, ...] = ()
    #: A recess: its depth must leave ``min_thickness_mm`` of the sum of these thicknesses,
    #: ``recess_where`` (e.g. "under the heel").
    recess_from: tuple[str, ...] = ()
    recess_where: str = ""

    def range_text(self) -> str:
        return f"{self.low:g} to {self.high:g} {self.unit}".rstrip()


def _load_specs() -> dict[str, ParamSpec]:
    text = resources.files("orthofit").joinpath("data", "parameters.toml").read_text(encoding="utf-8")
    specs: dict[str, ParamSpec] = {}
    for row in tomllib.loads(text)["parameter"]:
        low, high = row["range"]
        specs[row["name"]] = ParamSpec(
            row["name"],
            row["feature"],
            float(row["default"]),
            float(low),
            float(high),
            row["unit"],
            row["doc"],
            row["source"],
            tuple(row.get("excludes", ())),
            tuple(row.get("recess_from", ())),
            row.get("recess_where", ""),
        )
    return specs


#: Every numeric parameter, in table order (the report's and the manifest's order).
PARAMETERS: dict[str, ParamSpec] = _load_specs()
#: The feature names, in the order they first appear in the table (the order their heights add up).
FEATURE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(s.feature for s in PARAMETERS.values() if s.feature != CORE))

_LENGTH_DOC = {
    "name": "length",
    "default": InsoleLength.FULL.value,
    "range": None,
    "unit": "",
    "doc": "full, sulcus or 3/4 length",
    "source": "[D]",
}


class InsoleParams:
    """Every dimension of one insole: ``length`` and the numeric parameters of
    :data:`PARAMETERS` as attributes (lengths in mm, angles in degrees), validated and frozen.

    Signs: posts are positive for varus (medial side raised), negative for valgus.
    """

    __slots__ = ("length", "_values")
    length: InsoleLength
    _values: dict[str, float]

    def __init__(self, length: InsoleLength | str = InsoleLength.FULL, **values: Any) -> None:
        check_names(values)
        parsed = length if isinstance(length, InsoleLength) else InsoleLength.parse(length)
        out: dict[str, float] = {}
        for name, spec in PARAMETERS.items():
            value = values.get(name, spec.default)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValidationError(f"{name} must be a number ({spec.range_text()}), not {shown(value)}")
            if not spec.low <= value <= spec.high:
                raise ValidationError(f"{name} = {value:g} is out of range: it must be {spec.range_text()}")
            out[name] = float(value)
        object.__setattr__(self, "length", parsed)
        object.__setattr__(self, "_values", out)
        self._check()

    def _check(self) -> None:
        """The rules between parameters (each also in docs/clinical-basis.md §5)."""
        v = self._values
        for name, spec in PARAMETERS.items():
            for other in spec.excludes:
                if v[name] > 0 and v[other] > 0:
                    raise ValidationError(f"{name} and {other} cannot both be used on one insole; set one to 0")
        if 0 < v["medial_heel_skive_mm"] < 2:
            raise ValidationError(
                f"medial_heel_skive_mm = {v['medial_heel_skive_mm']:g}: use 0 (no skive) or 2 to 8 mm (Kirby)"
            )
        if v["arch_blend_mm"] > v["arch_width_mm"]:
            raise ValidationError(
                f"arch_blend_mm ({v['arch_blend_mm']:g}) cannot exceed arch_width_mm ({v['arch_width_mm']:g})"
            )
        for name, spec in PARAMETERS.items():
            if spec.recess_from:
                room = sum(v[k] for k in spec.recess_from) - v["min_thickness_mm"]
                if v[name] > room:
                    raise ValidationError(
                        f"{name} = {v[name]:g} would leave less than min_thickness_mm ({v['min_thickness_mm']:g}) "
                        f"{spec.recess_where}; use at most {max(room, 0):g} or thicken " + " or ".join(spec.recess_from)
                    )
        if v["min_thickness_mm"] > min(v["base_thickness_rearfoot_mm"], v["base_thickness_forefoot_mm"]):
            raise ValidationError(
                f"the base thickness must be at least min_thickness_mm ({v['min_thickness_mm']:g} mm)"
            )

    def __getattr__(self, name: str) -> float:
        # Only called when normal lookup fails: the numeric parameters.
        try:
            return object.__getattribute__(self, "_values")[name]
        except KeyError:
            raise AttributeError(f"InsoleParams has no parameter {name!r}") from None

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("InsoleParams is frozen; use with_values()")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InsoleParams) and self.as_dict() == other.as_dict()

    def __hash__(self) -> int:
        return hash(tuple(self.as_dict().items()))

    def __repr__(self) -> str:
        return "InsoleParams(" + ", ".join(f"{k}={v!r}" for k, v in self.as_dict().items()) + ")"

    def __reduce__(self) -> tuple[Any, ...]:  # pickling (batch worker processes)
        return (_rebuild, (self.length, self._values))

    def value(self, name: str) -> float:
        """The value of the numeric parameter ``name``."""
        return self._values[name]

    def with_values(self, **changes: Any) -> InsoleParams:
        """A copy with some fields changed (validated); unknown names are an error."""
        check_names(changes)
        d: dict[str, Any] = {**self._values, "length": self.length}
        d.update(changes)
        return InsoleParams(**d)

    def as_dict(self) -> dict[str, Any]:
        return {"length": self.length.value, **self._values}


def _rebuild(length: InsoleLength, values: Mapping[str, float]) -> InsoleParams:
    return InsoleParams(length, **values)


def parameter_names() -> list[str]:
    return ["length", *PARAMETERS]


def parameter_table() -> list[dict[str, Any]]:
    """Name, default, range, unit, meaning and source of every parameter (for docs and reports)."""
    return [dict(_LENGTH_DOC)] + [
        {
            "name": s.name,
            "default": s.default,
            "range": (s.low, s.high),
            "unit": s.unit,
            "doc": s.doc,
            "source": s.source,
            "feature": s.feature,
        }
        for s in PARAMETERS.values()
    ]


def check_names(values: Mapping[str, Any], where: str = "insole parameters") -> None:
    from orthofit.config.keys import check_keys

    check_keys(dict(values), parameter_names(), where, ValidationError)


def parse_set_option(text: str) -> tuple[str, float | InsoleLength]:
    """Parse one ``--set name=value`` into (name, value); numbers become floats."""
    if "=" not in text:
        raise ValidationError(f"--set {shown(text)}: write it as name=value, e.g. --set heel_cup_depth_mm=14")
    name, _, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    check_names({name: None}, "--set")
    if name == "length":
        return name, InsoleLength.parse(raw, "--set length")
    try:
        return name, float(raw)
    except ValueError:
        raise ValidationError(f"--set {name}={shown(raw)}: the value must be a number") from None
