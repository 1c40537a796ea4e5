"""``orthofit scan``: one 3D scan on its own, measured and assessed as the foot of a case."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from orthofit.config.settings import Settings
from orthofit.io.case_file import PATIENT_FIELDS, Range, number_in_range
from orthofit.io.scan_file import load_scan
from orthofit.measure.scan_case import ScanRecord, measure_foot_scan, merge_scan
from orthofit.measure.scan_measure import FOOTPRINT_HEIGHT_MM
from orthofit.model.case import Case, FootMeasurements, Patient
from orthofit.model.enums import ScanCondition, Side

if TYPE_CHECKING:
    from orthofit.assess.assessment import Assessment

#: The range ``--footprint-height`` accepts, mm.
FOOTPRINT_HEIGHT_RANGE = Range(0.2, 10.0, "mm")


@dataclass(frozen=True)
class ScanResult:
    """A measured scan and the assessment of its foot."""

    record: ScanRecord
    assessment: Assessment


def scan_file(
    path: str | Path,
    settings: Settings,
    units: str | None = None,
    side: Side | None = None,
    condition: ScanCondition | None = None,
    footprint_height_mm: float | None = None,
    age_years: float | None = None,
) -> ScanResult:
    """Load, orient and measure a scan and assess its foot.

    Parameters
    ----------
    path : path
        The scan (STL, OBJ or PLY).
    settings : Settings
        Its thresholds are used.
    units, side, condition : optional
        As given by the user; inferred from the scan when None (and the notes say so).
    footprint_height_mm : float, optional
        The footprint is the sole within this height of the floor (0.2-10 mm; default 2).
    age_years : float, optional
        For age-specific thresholds; an adult when None (and the notes say so).
    """
    th = settings.thresholds
    age = number_in_range(age_years, "--age", PATIENT_FIELDS["age"]) if age_years is not None else th.adult_age_years
    height = (
        number_in_range(footprint_height_mm, "--footprint-height", FOOTPRINT_HEIGHT_RANGE)
        if footprint_height_mm is not None
        else FOOTPRINT_HEIGHT_MM
    )
    record = measure_foot_scan(load_scan(path, units), side, condition, height)
    foot, record = merge_scan(FootMeasurements(scan=str(path)), record)
    result = _assess_foot(foot, record, age, settings)
    if age_years is None:
        result = replace(result, notes=result.notes + ("Assessed with adult thresholds; give --age for a child.",))
    return ScanResult(record, result)


def _assess_foot(foot: FootMeasurements, record: ScanRecord, age: float, settings: Settings) -> Assessment:
    """The assessment of the scanned foot, the other foot not measured.

    Its modules are imported here, not with this module: a scan refused as not a foot never
    needs them (30 ms of a fresh ``orthofit scan``).
    """
    from orthofit.assess.assessment import assess
    from orthofit.measure.case import MeasuredCase, measured_foot

    measured = measured_foot(foot, record.side, None, record)
    other = measured_foot(FootMeasurements(), record.side.other, None)
    feet = {record.side: measured, record.side.other: other}
    case = Case(Patient(id="scan", age_years=age), left=feet[Side.LEFT].values, right=feet[Side.RIGHT].values)
    return assess(MeasuredCase(case, feet[Side.LEFT], feet[Side.RIGHT]), settings)
