"""The case: what a podiatrist measured and recorded, as plain frozen dataclasses.

Coordinate frame (the one frame of the whole library): millimetres; heel at x = 0 with the
toes toward +x; z up with the floor at z = 0; for a right foot the medial side is +y, and a
left foot is its mirror (medial side -y).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum
from pathlib import Path

from orthofit.model.enums import ScanCondition, Sex, Side


class FootPainSite(str, Enum):
    """Where the foot hurts, as recorded under ``[symptoms] foot_pain``."""

    HEEL = "heel"
    ARCH = "arch"
    FOREFOOT = "forefoot"
    TOES = "toes"
    ANKLE = "ankle"
    OTHER = "other"


@dataclass(frozen=True)
class Patient:
    id: str
    age_years: float
    name: str = ""
    sex: Sex | None = None
    weight_kg: float | None = None


@dataclass(frozen=True)
class Clinician:
    """Who saw the patient, where and when (the report's first page); every field optional."""

    name: str = ""
    clinic: str = ""
    date: str = ""  # ISO date of the visit, YYYY-MM-DD


@dataclass(frozen=True)
class Symptoms:
    low_back_pain: bool = False
    foot_pain: tuple[FootPainSite, ...] = ()


@dataclass(frozen=True)
class FootMeasurements:
    """Measurements of one foot; every field is optional (None = not measured).

    ``footprint_mm`` holds one or more closed outlines, each an ``(n, 2)`` tuple of (x, y)
    points in mm in the orthofit frame; several outlines are a print whose toes came out as
    separate islands.
    """

    foot_length_mm: float | None = None
    ball_width_mm: float | None = None
    heel_width_mm: float | None = None
    truncated_foot_length_mm: float | None = None
    ball_girth_mm: float | None = None
    dorsal_height_sitting_mm: float | None = None
    dorsal_height_standing_mm: float | None = None
    navicular_height_sitting_mm: float | None = None
    navicular_height_standing_mm: float | None = None
    navicular_drop_mm: float | None = None
    fpi6: tuple[int, int, int, int, int, int] | None = None
    rcsp_deg: float | None = None
    #: A shop scanner's "arch height": the medial arch's edge above the floor, standing. Not the
    #: plantar arch apex (scan measure plantar_arch_height_mm) and not navicular height.
    arch_edge_height_mm: float | None = None
    footprint_mm: tuple[tuple[tuple[float, float], ...], ...] | None = None
    arch_on_tiptoe: bool | None = None
    footprint_grid: str | None = None  # path of a footprint/pressure grid (CSV or PNG), as typed
    footprint_grid_pitch_mm: float | None = None  # its cell size
    #: A walking pressure recording (emed .lst, Tekscan .asf, pedar .asc, footscan .xls,
    #: CSV), as typed; ``pressure_before`` an earlier one of the same foot (without the
    #: insole, or the last visit) to compare with; ``pressure_sensor_mm`` the sensor's
    #: (length, width) for a file that does not give it.
    pressure: str | None = None
    pressure_before: str | None = None
    pressure_sensor_mm: tuple[float, float] | None = None
    scan: str | None = None  # path of a 3D scan (STL, OBJ, PLY), as typed
    scan_units: str | None = None  # its unit (mm, cm, m, in); inferred when None
    scan_condition: ScanCondition | None = None  # how it was taken; inferred from the scan when None
    conditions: tuple[str, ...] = ()  # diagnoses recorded for this foot or leg (orthofit/data/conditions.toml)

    @property
    def is_empty(self) -> bool:
        """Nothing measured (recorded conditions are not measurements)."""
        return all(getattr(self, f.name) is None for f in fields(self) if f.name != "conditions")


@dataclass(frozen=True)
class LegLength:
    difference_mm: float
    shorter_side: Side | None
    method: str = ""


@dataclass(frozen=True)
class Case:
    patient: Patient
    left: FootMeasurements
    right: FootMeasurements
    red_flags: tuple[str, ...] = ()
    symptoms: Symptoms = Symptoms()
    leg_length: LegLength | None = None
    source: str = ""
    clinician: Clinician = Clinician()
    folder: str = ""  # the case file's folder: file paths in the case are relative to it

    def foot(self, side: Side) -> FootMeasurements:
        return self.left if side is Side.LEFT else self.right

    def path_of(self, name: str) -> Path:
        """A file the case names (a scan, a grid), as a path relative to the case file's folder."""
        return Path(self.folder) / name if self.folder else Path(name)
