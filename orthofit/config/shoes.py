"""Shoe types as data (``orthofit/data/shoes.toml``): the footbed an insole sits on, the
thickness budget the shoe holds, and the room a fitted shoe leaves.

The numbers and their sources are in the data file; most are orthofit's design choices [D],
because no study publishes heel-counter heights or how much insole a shoe holds.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields
from functools import lru_cache
from importlib import resources

from orthofit.config.params import ShoeType
from orthofit.errors import OrthofitError, ValidationError, shown


class ShoeDataError(OrthofitError):
    """The shipped shoe table is missing or malformed (a fault of the installation)."""


@dataclass(frozen=True)
class ShoeSpec:
    """One shoe type (all mm). See ``orthofit/data/shoes.toml`` for each field's meaning."""

    shoe: ShoeType
    description: str
    drop_mm: float
    toe_spring_mm: float
    heel_dish_mm: float
    heel_seat_max_mm: float
    heel_total_max_mm: float
    cup_max_mm: float
    liner_mm: float
    instep_room_mm: float
    length_room_mm: float
    width_room_mm: float

    @property
    def a_shoe(self) -> str:
        """The type in a sentence, with its article: an everyday shoe, a dress shoe."""
        noun = self.shoe.value if self.shoe is ShoeType.BOOT else f"{self.shoe.value} shoe"
        return ("an " if noun[0] in "aeiou" else "a ") + noun


@lru_cache(maxsize=1)
def _table() -> dict[ShoeType, ShoeSpec]:
    text = resources.files("orthofit").joinpath("data", "shoes.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    names = [f.name for f in fields(ShoeSpec) if f.name != "shoe"]
    out = {}
    for shoe in ShoeType:
        row = raw.get(shoe.value)
        if row is None or set(row) != set(names):
            raise ShoeDataError(f"orthofit/data/shoes.toml: [{shoe.value}] must give exactly {', '.join(names)}")
        values = {k: float(row[k]) for k in names if k != "description"}
        out[shoe] = ShoeSpec(shoe, str(row["description"]), **values)
    return out


def shoe_spec(shoe: ShoeType) -> ShoeSpec:
    """The footbed, budget and room of one shoe type."""
    return _table()[shoe]


#: The range a shoe's inside length and ball width measured by a lab may take, mm (a small
#: child's shoe to a large boot) [D].
_INSIDE_RANGE_MM = ((100.0, 400.0), (40.0, 160.0))


@dataclass(frozen=True)
class ShoeInside:
    """A shoe's inside: length and width at the ball, mm, and where they come from."""

    length_mm: float
    width_mm: float
    source: str
    width_measured: bool = True  # False: the width is assumed (a shoe fitted to the foot), not checked

    @classmethod
    def parse(cls, text: str) -> ShoeInside:
        """``"270x98"`` (inside length x ball width, mm) -> ShoeInside."""
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[xX×]\s*(\d+(?:\.\d+)?)\s*(mm)?\s*", text)
        if not m:
            raise ValidationError(
                f"--shoe-inside {shown(text)}: write the shoe's inside length and ball width in mm as "
                "LENGTHxWIDTH, e.g. --shoe-inside 270x98"
            )
        length, width = float(m.group(1)), float(m.group(2))
        for value, (lo, hi), what in zip((length, width), _INSIDE_RANGE_MM, ("length", "width"), strict=True):
            if not lo <= value <= hi:
                raise ValidationError(
                    f"--shoe-inside: an inside {what} of {value:g} mm is outside {lo:g}-{hi:g} mm; "
                    "measure the shoe's inside in millimetres"
                )
        return cls(length, width, f"the shoe's inside as measured, {length:g} x {width:g} mm")
