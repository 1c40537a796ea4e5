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
from typing import Any, Self

from orthofit.errors import ValidationError, shown

#: The ``feature`` tag of parameters that belong to the insole as a whole, not to a feature.
CORE = "core"


class Choice(str, Enum):
    """A closed choice among insole parameters (``length``, ``construction``, ``shoe``)."""

    @classmethod
    def parse(cls, value: object, where: str = "") -> Self:
        for m in cls:
            if str(value).strip().lower() in (m.value, m.name.lower(), m.name.lower().replace("_", "-")):
                return m
        raise ValidationError(
            f"{where or cls.__name__} = {shown(value)} is not valid; use one of "
            + ", ".join(repr(m.value) for m in cls)
        )


class InsoleLength(Choice):
    """How far forward the insole reaches."""

    FULL = "full"  # to the toe tip plus the length allowance
    SULCUS = "sulcus"  # to the toe sulcus, behind the toes
    THREE_QUARTER = "3/4"  # ends just behind the metatarsal heads


class Construction(Choice):
    """How the insole is made (orthofit.geometry.construction)."""

    #: Top = the foot-contact surface, bottom = the shoe's footbed; the heel cup a wall.
    FULL_CONTACT = "full-contact"
    #: A functional orthosis shell of uniform thickness, 3/4 length, on a flat-bottomed post.
    SHELL = "shell"
    #: The full-contact insole's shape, its body a gyroid lattice graded by the stiffness
    #: zones inside a solid top skin and rim (powder-bed printers; any slicer at 100 % infill).
    LATTICE = "lattice"


class ShoeType(Choice):
    """The shoe the insole is made for: its footbed shape and thickness budget
    (``orthofit/data/shoes.toml``).
    """

    ATHLETIC = "athletic"
    EVERYDAY = "everyday"
    DRESS = "dress"
    BOOT = "boot"


#: The choice parameters: name -> (enum, default).
CHOICES: dict[str, tuple[type[Choice], Choice]] = {
    "length": (InsoleLength, InsoleLength.FULL),
    "construction": (Construction, Construction.FULL_CONTACT),
    "shoe": (ShoeType, ShoeType.EVERYDAY),
}


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
    #: What the lab sheet calls it (a human name, no units).
    label: str = ""

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
            row["label"],
        )
    return specs


#: Every numeric parameter, in table order (the report's and the manifest's order).
PARAMETERS: dict[str, ParamSpec] = _load_specs()
#: The feature names, in the order they first appear in the table (the order their heights add up).
FEATURE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(s.feature for s in PARAMETERS.values() if s.feature != CORE))

_CHOICE_DOCS = [
    {
        "name": "length",
        "default": InsoleLength.FULL.value,
        "range": None,
        "unit": "",
        "doc": "full, sulcus or 3/4 length",
        "label": "Length",
        "source": "[D]",
    },
    {
        "name": "construction",
        "default": Construction.FULL_CONTACT.value,
        "range": None,
        "unit": "",
        "doc": "full-contact insole, functional orthosis shell, or a full-contact insole whose body is a "
        "graded gyroid lattice (docs/insole-constructions.md)",
        "label": "Construction",
        "source": "[D]",
    },
    {
        "name": "shoe",
        "default": ShoeType.EVERYDAY.value,
        "range": None,
        "unit": "",
        "doc": "shoe type: athletic, everyday, dress or boot (footbed shape and thickness budget)",
        "label": "Shoe type",
        "source": "orthofit/data/shoes.toml",
    },
]


class InsoleParams:
    """Every dimension of one insole: ``length`` and the numeric parameters of
    :data:`PARAMETERS` as attributes (lengths in mm, angles in degrees), validated and frozen.

    Signs: posts are positive for varus (medial side raised), negative for valgus.
    """

    __slots__ = ("length", "construction", "shoe", "_values")
    length: InsoleLength
    construction: Construction
    shoe: ShoeType
    _values: dict[str, float]

    def __init__(
        self,
        length: InsoleLength | str = InsoleLength.FULL,
        construction: Construction | str = Construction.FULL_CONTACT,
        shoe: ShoeType | str = ShoeType.EVERYDAY,
        **values: Any,
    ) -> None:
        check_names(values)
        out: dict[str, float] = {}
        for name, spec in PARAMETERS.items():
            value = values.get(name, spec.default)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValidationError(f"{name} must be a number ({spec.range_text()}), not {shown(value)}")
            if not spec.low <= value <= spec.high:
                raise ValidationError(f"{name} = {value:g} is out of range: it must be {spec.range_text()}")
            out[name] = float(value)
        for name, given in (("length", length), ("construction", construction), ("shoe", shoe)):
            kind = CHOICES[name][0]
            object.__setattr__(self, name, given if isinstance(given, kind) else kind.parse(given, name))
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
        return (_rebuild, (self.length, self.construction, self.shoe, self._values))

    def value(self, name: str) -> float:
        """The value of the numeric parameter ``name``."""
        return self._values[name]

    def with_values(self, **changes: Any) -> InsoleParams:
        """A copy with some fields changed (validated); unknown names are an error."""
        check_names(changes)
        d: dict[str, Any] = {**self._values, **self.choices()}
        d.update(changes)
        return InsoleParams(**d)

    def as_dict(self) -> dict[str, Any]:
        return {**{k: v.value for k, v in self.choices().items()}, **self._values}

    def choices(self) -> dict[str, Choice]:
        """The choice parameters (``length``, ``construction``, ``shoe``)."""
        return {name: getattr(self, name) for name in CHOICES}


def _rebuild(
    length: InsoleLength, construction: Construction, shoe: ShoeType, values: Mapping[str, float]
) -> InsoleParams:
    return InsoleParams(length, construction, shoe, **values)


def parameter_names() -> list[str]:
    return [*CHOICES, *PARAMETERS]


def parameter_table() -> list[dict[str, Any]]:
    """Name, default, range, unit, meaning and source of every parameter (for docs and reports)."""
    return [dict(d) for d in _CHOICE_DOCS] + [
        {
            "name": s.name,
            "default": s.default,
            "range": (s.low, s.high),
            "unit": s.unit,
            "doc": s.doc,
            "label": s.label,
            "source": s.source,
            "feature": s.feature,
        }
        for s in PARAMETERS.values()
    ]


def check_names(values: Mapping[str, Any], where: str = "insole parameters") -> None:
    from orthofit.config.keys import check_keys

    check_keys(dict(values), parameter_names(), where, ValidationError)


def parse_set_option(text: str) -> tuple[str, float | Choice]:
    """Parse one ``--set name=value`` into (name, value); numbers become floats."""
    if "=" not in text:
        raise ValidationError(f"--set {shown(text)}: write it as name=value, e.g. --set heel_cup_depth_mm=14")
    name, _, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    check_names({name: None}, "--set")
    if name in CHOICES:
        return name, CHOICES[name][0].parse(raw, f"--set {name}")
    try:
        return name, float(raw)
    except ValueError:
        raise ValidationError(f"--set {name}={shown(raw)}: the value must be a number") from None
