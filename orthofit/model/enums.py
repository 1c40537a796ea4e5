"""Closed choices used across orthofit.

Each enum has a ``parse`` class method that accepts the value as typed by a user and, on a
bad string, raises :class:`~orthofit.errors.ValidationError` listing the valid options.
"""

from __future__ import annotations

from enum import Enum
from typing import Self

from orthofit.errors import ValidationError, shown


class _Choice(str, Enum):
    """A string enum whose ``parse`` gives a helpful error."""

    @classmethod
    def parse(cls, value: object, field: str) -> Self:
        if isinstance(value, cls):
            return value
        text = str(value).strip().lower()
        for member in cls:
            if member.value == text:
                return member
        options = ", ".join(repr(m.value) for m in cls)
        raise ValidationError(f"{field} = {shown(value)} is not valid; use one of {options}")

    def __str__(self) -> str:  # print as the plain value, not "Side.LEFT"
        return self.value


class Side(_Choice):
    """Which foot. The right foot defines the frame; the left is its mirror (y -> -y)."""

    LEFT = "left"
    RIGHT = "right"

    @property
    def medial_sign(self) -> int:
        """+1 if the medial side of this foot is +y in the orthofit frame, else -1."""
        return 1 if self is Side.RIGHT else -1

    @property
    def other(self) -> Side:
        return Side.LEFT if self is Side.RIGHT else Side.RIGHT


class PressureSystem(_Choice):
    """Which pressure system (and export format) a recording came from."""

    EMED = "emed"  # novel emed platform, .lst
    TEKSCAN = "tekscan"  # Tekscan F-Scan in-shoe or MatScan platform, .asf
    PEDAR = "pedar"  # novel pedar in-shoe insoles, .asc
    FOOTSCAN = "footscan"  # RSscan footscan plate, .xls
    GRID = "grid"  # one picture as a CSV grid (orthofit's own footprint format)


class ArchType(_Choice):
    CAVUS = "cavus"
    NORMAL = "normal"
    PLANUS = "planus"
    #: The deciding measure is contradicted by most of the others (assess.assessment._label).
    MIXED = "mixed"


class Pronation(_Choice):
    SUPINATED = "supinated"
    NEUTRAL = "neutral"
    PRONATED = "pronated"
    #: The deciding measure is contradicted by most of the others (assess.assessment._label).
    MIXED = "mixed"


class NavicularDropCriterion(_Choice):
    """Upper limit of normal navicular drop (Nielsen et al. 2009): Mueller 10, Beckett 13, Brody 15 mm."""

    MUELLER = "mueller"
    BECKETT = "beckett"
    BRODY = "brody"


class Sex(_Choice):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class ScanCondition(str, Enum):
    """How a 3D scan was taken; it decides which measures are valid."""

    STANDING = "standing"
    SITTING = "sitting"
    NON_WEIGHT_BEARING = "non-weight-bearing"
    FOAM_BOX = "foam-box"

    @classmethod
    def parse(cls, value: object) -> ScanCondition:
        for m in cls:
            if str(value).strip().lower() == m.value:
                return m
        raise ValidationError(
            f"scan condition {shown(value)} is not valid; use one of " + ", ".join(repr(m.value) for m in cls)
        )


class ValueSource(str, Enum):
    """Where a measurement came from."""

    TYPED = "typed"  # the case file (or a lab CSV): typed by the clinician
    SCAN = "scan"  # measured on a 3D scan
    GRID = "grid"  # measured on a footprint or pressure grid


class Slicer(_Choice):
    """A slicer whose project file is written beside each insole's plain 3MF, with the
    stiffness zones in that slicer's own form.
    """

    PRUSA = "prusa"  # <id>-<side>.prusa.3mf: modifier volumes and the print profile
    ORCA = "orca"  # <id>-<side>.orca.3mf: OrcaSlicer / Bambu Studio modifier parts and settings
    CURA = "cura"  # <id>-<side>.cura.3mf: infill meshes with their own densities

    @classmethod
    def parse_many(cls, value: object, field: str) -> tuple[Slicer, ...]:
        """``"prusa"``, ``"orca"``, ``"cura"`` or ``"all"`` (each of them), as ``--slicer`` takes it."""
        if str(value).strip().lower() == "all":
            return tuple(cls)
        try:
            return (cls.parse(value, field),)
        except ValidationError:
            options = ", ".join(repr(m.value) for m in cls)
            raise ValidationError(f"{field} = {shown(value)} is not valid; use one of {options} or 'all'") from None


class Paper(_Choice):
    """The report's paper size."""

    A4 = "a4"
    LETTER = "letter"
