"""Insole design parameters: one frozen dataclass, every field with a default and a legal range.

Ranges come from clinical.md §5 where the literature gives one (cited in ``source``); the
others are design limits of this generator, marked [D]. Construction validates every field;
an out-of-range value raises :class:`~orthofit.errors.ValidationError` naming the field and
its range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from typing import Any

from orthofit.errors import ValidationError


class InsoleLength(str, Enum):
    """How far forward the insole reaches."""

    FULL = "full"            # to the toe tip plus the length allowance
    SULCUS = "sulcus"        # to the toe sulcus, behind the toes
    THREE_QUARTER = "3/4"    # ends just behind the metatarsal heads

    @classmethod
    def parse(cls, value: object, where: str = "length") -> "InsoleLength":
        for m in cls:
            if str(value).strip().lower() in (m.value, m.name.lower(), m.name.lower().replace("_", "-")):
                return m
        raise ValidationError(f"{where} = {value!r} is not valid; use one of "
                              + ", ".join(repr(m.value) for m in cls))


def _p(default: float, low: float, high: float, unit: str, doc: str, source: str = "[D]") -> Any:
    return field(default=default, metadata={"range": (low, high), "unit": unit, "doc": doc, "source": source})


@dataclass(frozen=True)
class InsoleParams:
    """Every dimension of one insole. Lengths in mm, angles in degrees.

    Signs: posts are positive for varus (medial side raised), negative for valgus.
    """

    length: InsoleLength = field(default=InsoleLength.FULL, metadata={
        "doc": "full, sulcus or 3/4 length", "unit": "", "source": "[D]"})
    length_allowance_mm: float = _p(15.0, 10.0, 25.0, "mm", "insole length = foot length + allowance (full length)",
                                    "clinical.md §4.2 (O'Rourke 2020; Menz 2014) [V]")
    width_allowance_mm: float = _p(0.0, -5.0, 10.0, "mm", "added to the ball and heel width of the outline")
    base_thickness_rearfoot_mm: float = _p(4.0, 1.2, 12.0, "mm", "base thickness under the heel")
    base_thickness_forefoot_mm: float = _p(2.5, 1.2, 8.0, "mm", "base thickness under the forefoot (tapers from the rearfoot)")
    heel_cup_depth_mm: float = _p(12.0, 0.0, 30.0, "mm", "height of the heel cup rim above the heel seat",
                                  "clinical.md §5 (KevinRoot lab; Huppin) [S]")
    heel_cup_wall_width_mm: float = _p(14.0, 5.0, 25.0, "mm", "horizontal width over which the cup rises to its rim")
    arch_height_mm: float = _p(10.0, 0.0, 30.0, "mm", "medial arch support: raise above the base at the apex",
                               "no evidence-based height rule (clinical.md §5, §8 gap 2) [D]")
    arch_fill_mm: float = _p(0.0, 0.0, 6.0, "mm", "scan-fitted insoles: arch support raised this far above the "
                             "standing plantar surface (the parametric insole uses arch_height_mm)",
                             "clinical.md §5: arch fill / raise 0 to +6 mm [D]")
    arch_apex_pct: float = _p(42.0, 30.0, 55.0, "% of foot length", "arch apex position from the heel (navicular region)")
    arch_length_pct: float = _p(40.0, 20.0, 60.0, "% of foot length", "length of the arch support along the foot")
    arch_width_mm: float = _p(40.0, 15.0, 70.0, "mm", "how far the arch support reaches from the medial edge")
    arch_blend_mm: float = _p(40.0, 5.0, 70.0, "mm", "transverse fade of the arch support (at most arch_width_mm)")
    lateral_arch_height_mm: float = _p(0.0, 0.0, 10.0, "mm", "lateral longitudinal arch support under the cuboid")
    met_pad_height_mm: float = _p(0.0, 0.0, 8.0, "mm", "metatarsal pad height (0 = none)")
    met_pad_offset_mm: float = _p(8.0, 0.0, 20.0, "mm", "distal edge of the pad proximal to the line of metatarsal heads 2-4",
                                  "Hastings 2007: 6-11 mm proximal, clinical.md §5 [S]")
    met_pad_length_mm: float = _p(25.0, 15.0, 45.0, "mm", "metatarsal pad length along the foot")
    met_pad_width_mm: float = _p(22.0, 10.0, 40.0, "mm", "metatarsal pad width")
    met_bar_height_mm: float = _p(0.0, 0.0, 6.0, "mm", "metatarsal bar height (0 = none), proximal to the metatarsal heads")
    met_bar_length_mm: float = _p(15.0, 8.0, 30.0, "mm", "metatarsal bar length along the foot")
    rearfoot_post_deg: float = _p(0.0, -8.0, 8.0, "deg", "rearfoot post, frontal plane; + varus, - valgus",
                                  "clinical.md §5 (lab menu 0-8 deg; Sweeney 2015) [S/V]")
    forefoot_post_deg: float = _p(0.0, -8.0, 8.0, "deg", "forefoot post, frontal plane; + varus, - valgus",
                                  "clinical.md §5 [S]")
    medial_heel_skive_mm: float = _p(0.0, 0.0, 8.0, "mm", "Kirby medial heel skive: 0 (none) or 2-8 mm",
                                     "Kirby 1992, clinical.md §5 [V cit.]")
    heel_lift_mm: float = _p(0.0, 0.0, 15.0, "mm", "heel lift, tapering to zero at the ball",
                             "clinical.md §5 (Rannisto 2019 70 % rule) [V]")
    heel_cushion_mm: float = _p(0.0, 0.0, 6.0, "mm", "extra cushioning thickness under the heel")
    heel_spur_relief_mm: float = _p(0.0, 0.0, 4.0, "mm", "depth of the recess under the medial calcaneal tubercle (0 = none)")
    heel_spur_relief_diameter_mm: float = _p(25.0, 15.0, 40.0, "mm", "diameter of the heel-spur recess")
    medial_flange_mm: float = _p(0.0, 0.0, 15.0, "mm", "raised medial edge (flange) along the midfoot")
    lateral_flange_mm: float = _p(0.0, 0.0, 15.0, "mm", "raised lateral edge (flange) along the midfoot")
    flange_width_mm: float = _p(10.0, 5.0, 20.0, "mm", "horizontal width over which a flange rises")
    infill_heel_pct: float = _p(20.0, 5.0, 100.0, "%", "infill density of the heel zone (stiffness when printed in TPU)",
                                "clinical.md §5: TPU with graded infill is common, no clinical standard [M]")
    infill_arch_pct: float = _p(30.0, 5.0, 100.0, "%", "infill density of the arch (midfoot) zone")
    infill_forefoot_pct: float = _p(20.0, 5.0, 100.0, "%", "infill density of the forefoot zone")
    infill_offload_pct: float = _p(10.0, 5.0, 100.0, "%", "infill density under an offloaded spot (a painful "
                                   "metatarsal head or the heel-spur recess)")
    zone_transition_mm: float = _p(12.0, 0.0, 40.0, "mm", "width over which the infill steps from one zone's "
                                   "density to the next (0 = an abrupt border)")
    min_thickness_mm: float = _p(1.2, 0.6, 5.0, "mm", "thinnest printable wall; the builder refuses thinner insoles")

    def __post_init__(self) -> None:
        if not isinstance(self.length, InsoleLength):
            object.__setattr__(self, "length", InsoleLength.parse(self.length))
        for f in fields(self):
            rng = f.metadata.get("range")
            if rng is None:
                continue
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValidationError(f"{f.name} must be a number ({_range_text(f)}), not {value!r}")
            lo, hi = rng
            if not lo <= value <= hi:
                raise ValidationError(f"{f.name} = {value:g} is out of range: it must be {_range_text(f)}")
            object.__setattr__(self, f.name, float(value))
        if 0 < self.medial_heel_skive_mm < 2:
            raise ValidationError(f"medial_heel_skive_mm = {self.medial_heel_skive_mm:g}: use 0 (no skive) "
                                  "or 2 to 8 mm (Kirby)")
        if self.arch_blend_mm > self.arch_width_mm:
            raise ValidationError(f"arch_blend_mm ({self.arch_blend_mm:g}) cannot exceed arch_width_mm "
                                  f"({self.arch_width_mm:g})")
        under_heel = self.base_thickness_rearfoot_mm + self.heel_cushion_mm + self.heel_lift_mm
        if self.heel_spur_relief_mm > under_heel - self.min_thickness_mm:
            raise ValidationError(
                f"heel_spur_relief_mm = {self.heel_spur_relief_mm:g} would leave less than min_thickness_mm "
                f"({self.min_thickness_mm:g}) under the heel; use at most {max(under_heel - self.min_thickness_mm, 0):g} "
                "or thicken the rearfoot")
        if self.min_thickness_mm > min(self.base_thickness_rearfoot_mm, self.base_thickness_forefoot_mm):
            raise ValidationError(f"the base thickness must be at least min_thickness_mm ({self.min_thickness_mm:g} mm)")

    def with_values(self, **changes: Any) -> "InsoleParams":
        """A copy with some fields changed (validated); unknown names are an error."""
        check_names(changes)
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: (getattr(self, f.name).value if f.name == "length" else getattr(self, f.name))
                for f in fields(self)}


def _range_text(f) -> str:
    lo, hi = f.metadata["range"]
    unit = f.metadata["unit"]
    return f"{lo:g} to {hi:g} {unit}".rstrip()


def parameter_names() -> list[str]:
    return [f.name for f in fields(InsoleParams)]


def parameter_table() -> list[dict[str, Any]]:
    """Name, default, range, unit, meaning and source of every parameter (for docs and reports)."""
    out = []
    for f in fields(InsoleParams):
        default = f.default.value if isinstance(f.default, Enum) else f.default
        out.append({"name": f.name, "default": default, "range": f.metadata.get("range"),
                    "unit": f.metadata.get("unit", ""), "doc": f.metadata["doc"],
                    "source": f.metadata["source"]})
    return out


def check_names(values: dict[str, Any], where: str = "insole parameters") -> None:
    from orthofit.config.keys import check_keys

    check_keys(values, parameter_names(), where, ValidationError)


def parse_set_option(text: str) -> tuple[str, Any]:
    """Parse one ``--set name=value`` into (name, value); numbers become floats."""
    if "=" not in text:
        raise ValidationError(f"--set {text!r}: write it as name=value, e.g. --set heel_cup_depth_mm=14")
    name, _, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    check_names({name: None}, "--set")
    if name == "length":
        return name, InsoleLength.parse(raw, "--set length")
    try:
        return name, float(raw)
    except ValueError:
        raise ValidationError(f"--set {name}={raw!r}: the value must be a number") from None
