"""The pipeline steps with the settings the tests usually want, built in one place.

Tests call the library's real functions; these helpers only build their inputs: a
:class:`~orthofit.config.settings.Settings` from a profile name and options (or from a
:class:`~orthofit.config.thresholds.Thresholds` object a test has built), and a measured case
from a case, a case file or measured scans.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from orthofit.assess.assessment import Assessment, assess
from orthofit.config.settings import Settings, load_settings
from orthofit.config.thresholds import Thresholds
from orthofit.measure.case import MeasuredCase, MeasuredFoot, measured_foot
from orthofit.measure.scan_case import ScanRecord, merge_scan
from orthofit.model.case import Case, FootMeasurements, Patient
from orthofit.model.enums import NavicularDropCriterion, Side
from orthofit.pipeline.inputs import measure_files


@functools.cache
def _shipped(profile: str) -> Settings:
    """The settings of a shipped profile with everything else the default (read once)."""
    return load_settings(profile)


def settings(
    profile: str = "neutral",
    thresholds: Thresholds | None = None,
    nd_criterion: NavicularDropCriterion | None = None,
    **options,
) -> Settings:
    """``load_settings(profile, **options)``, with a Thresholds object a test built in place of
    the shipped ones when given."""
    s = _shipped(profile) if not options else load_settings(profile, **options)
    if thresholds is not None:
        s = replace(s, thresholds=thresholds)
    if nd_criterion is not None:
        s = replace(s, nd_criterion=nd_criterion)
    return s


def assess_case(
    case: Case,
    thresholds: Thresholds | None = None,
    nd_criterion: NavicularDropCriterion | None = None,
    profile: str = "neutral",
) -> Assessment:
    """Read the files ``case`` names, measure it and assess it."""
    return assess(measure_files(case), settings(profile, thresholds, nd_criterion))


def measured_from_scans(
    records: dict[Side, ScanRecord], patient: Patient | None = None, typed: dict[Side, FootMeasurements] | None = None
) -> MeasuredCase:
    """A case whose feet are measured scans (merged into ``typed`` values when given)."""
    patient = patient or Patient("SCAN", 40)
    feet: dict[Side, MeasuredFoot] = {}
    for side in Side:
        m = (typed or {}).get(side, FootMeasurements())
        rec = records.get(side)
        if rec is not None:
            m, rec = merge_scan(m, rec)
        feet[side] = measured_foot(m, side, patient.weight_kg, rec)
    case = Case(patient, left=feet[Side.LEFT].values, right=feet[Side.RIGHT].values)
    return MeasuredCase(case, feet[Side.LEFT], feet[Side.RIGHT])
