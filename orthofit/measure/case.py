"""Measuring a case: every index of each foot, and where each value came from.

The step between reading and assessing. It takes the case as read (typed values and file
references) and what the readers loaded for it (scans, grids), and returns each foot's
measurements: the typed values with the gaps filled from a scan (typed values win), every
index computed from them (:data:`INDEX_UNITS`), the footprint indices from the typed outline,
else the grid, else the scan, and the notes a clinician needs to trust them. Nothing here
reads a file or labels a foot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from orthofit.errors import FootprintError
from orthofit.io.case_file import FOOT_FIELDS
from orthofit.io.grid_file import PressureGrid
from orthofit.io.pressure.recording import PressureRecording
from orthofit.io.scan_file import LoadedScan
from orthofit.measure import indices as ix
from orthofit.measure.footprint import FootprintIndices, footprint_indices
from orthofit.measure.pressure import GridFootprint, analyse_grid
from orthofit.measure.scan_case import CASE_FIELDS, ScanRecord, measure_foot_scan, merge_scan
from orthofit.measure.walking.analysis import WalkAnalysis, analyse_recording
from orthofit.measure.walking.compare import PressureChange, compare_walks
from orthofit.model.case import Case, FootMeasurements
from orthofit.model.enums import Side, ValueSource

#: Every index reported per foot, in report order, with its unit ("" = dimensionless).
INDEX_UNITS: dict[str, str] = {
    "arch_index": "",
    "chippaux_smirak_pct": "%",
    "staheli": "",
    "clarke_angle_deg": "°",
    "ahi_sitting": "",
    "ahi_standing": "",
    "arch_rigidity_index": "",
    "arch_drop_mm": "mm",
    "arch_height_flexibility_mm_per_kn": "mm/kN",
    "navicular_height_mm": "mm",
    "normalised_navicular_height": "",
    "normalised_navicular_height_truncated": "",
    "navicular_drop_mm": "mm",
    "fpi6_total": "",
    "rcsp_deg": "°",
    "cpei_proxy_pct": "%",
    "cpei_pct": "%",
    "arch_index_walking": "",
}

#: The case-file measurement fields whose source is recorded (typed or scan): the numbers
#: a case file takes per foot, as the reader defines them.
MEASUREMENT_FIELDS = tuple(FOOT_FIELDS)


@dataclass(frozen=True)
class MeasuredFoot:
    """One foot's measurements.

    Attributes
    ----------
    values : FootMeasurements
        The typed values, with the fields not typed filled from the scan (mm, degrees).
    sources : dict of str -> ValueSource
        Each measurement field present in ``values`` -> where it came from.
    indices : dict of str -> float or None
        Every index of :data:`INDEX_UNITS`; None when not measured.
    footprint : FootprintIndices or None
        The footprint indices, from ``footprint_source``.
    footprint_rings : tuple of (n, 2) float arrays
        The outline(s) behind ``footprint``, mm, orthofit frame.
    footprint_source : ValueSource or None
        Typed outline, grid or scan.
    scan, grid : ScanRecord, GridFootprint or None
        The measured scan and grid, when the case names them.
    notes : tuple of str
        What was inferred, mended, preferred or doubtful.
    """

    side: Side
    values: FootMeasurements
    sources: dict[str, ValueSource]
    indices: dict[str, float | None]
    footprint: FootprintIndices | None = None
    footprint_rings: tuple[np.ndarray, ...] = ()
    footprint_source: ValueSource | None = None
    scan: ScanRecord | None = None
    grid: GridFootprint | None = None
    notes: tuple[str, ...] = field(default=())
    #: The walking pressure recording of this foot, analysed; ``walking_before`` the earlier
    #: one it is compared with, and ``pressure_change`` that comparison.
    walking: WalkAnalysis | None = None
    walking_before: WalkAnalysis | None = None
    pressure_change: PressureChange | None = None


@dataclass(frozen=True)
class MeasuredCase:
    """A case with both feet measured; ``case`` holds the merged values (typed, else scanned)."""

    case: Case
    left: MeasuredFoot
    right: MeasuredFoot

    def foot(self, side: Side) -> MeasuredFoot:
        return self.left if side is Side.LEFT else self.right


#: What the readers loaded for one foot's walking: the recording and the earlier one (or None).
Walks = tuple[PressureRecording, PressureRecording | None]


def measure_case(
    case: Case,
    scans: Mapping[Side, LoadedScan] | None = None,
    grids: Mapping[Side, PressureGrid] | None = None,
    walks: Mapping[Side, Walks] | None = None,
) -> MeasuredCase:
    """Measure both feet of ``case`` with the scans and grids loaded for it.

    Parameters
    ----------
    case : Case
        As read by :func:`orthofit.io.case_file.load_case`.
    scans, grids : mapping of Side -> LoadedScan / PressureGrid, optional
        What :mod:`orthofit.io` read for the files the case names (by side).

    Raises
    ------
    FootprintError, ScanError
        A footprint, grid or scan cannot be measured; the message names the field.
    """
    scans, grids, walks = scans or {}, grids or {}, walks or {}
    feet = {side: measure_foot(case, side, scans.get(side), grids.get(side), walks.get(side)) for side in Side}
    merged = replace(case, left=feet[Side.LEFT].values, right=feet[Side.RIGHT].values)
    return MeasuredCase(merged, feet[Side.LEFT], feet[Side.RIGHT])


def measure_foot(
    case: Case,
    side: Side,
    scan: LoadedScan | None = None,
    grid: PressureGrid | None = None,
    walks: Walks | None = None,
) -> MeasuredFoot:
    """Measure one foot of ``case`` (see :func:`measure_case`)."""
    from orthofit.io.scan_file import ScanError

    m = case.foot(side)
    record = None
    if scan is not None:
        try:
            record = measure_foot_scan(scan, side, m.scan_condition)
        except ScanError as err:
            raise ScanError(f"{side.value}.scan: {err}") from None
        m, record = merge_scan(m, record)
    foot = measured_foot(m, side, case.patient.weight_kg, record, grid)
    return with_walking(foot, walks) if walks is not None else foot


def with_walking(foot: MeasuredFoot, walks: Walks) -> MeasuredFoot:
    """``foot`` with its walking recording (and the earlier one) analysed: the walking CPEI
    and a platform print's Arch Index become indices; a platform print is the footprint
    when the foot has no other.

    Raises
    ------
    PressureError
        A recording cannot be analysed or holds no step of this foot; the message names the field.
    """
    from orthofit.errors import PressureError

    side = foot.side
    analysed: list[WalkAnalysis | None] = []
    for key, rec in zip(("pressure", "pressure_before"), walks, strict=True):
        if rec is None:
            analysed.append(None)
            continue
        try:
            mine = [a for a in analyse_recording(rec, side) if a.side is side]
        except PressureError as err:
            raise PressureError(f"{side.value}.{key}: {err}") from None
        if not mine:
            raise PressureError(
                f"{side.value}.{key}: {rec.source} holds no step of the {side.value} foot; "
                "check the file or the side it is given for"
            )
        analysed.append(mine[0])
    walk, before = analysed
    assert walk is not None
    indices = dict(foot.indices)
    notes = list(foot.notes)
    fp, rings, fp_source = foot.footprint, foot.footprint_rings, foot.footprint_source
    step = walk.step
    what = f"walking recording {walk.source} ({walk.system}, {len(walk.steps)} steps, {len(walk.used)} averaged)"
    if not walk.in_shoe:
        indices["cpei_pct"] = walk.cpei_pct
        indices["arch_index_walking"] = walk.arch_index
        if fp is None and step.footprint is not None:
            fp = step.footprint.indices
            rings = tuple(np.asarray(r, dtype=float) for r in step.footprint.outline_rings)
            fp_source = ValueSource.GRID
            notes.append(f"footprint from the {what}, step {step.number}")
    else:
        notes.append(f"{what}: in-shoe, so its CPEI and print do not label the foot (their norms are barefoot)")
    notes.extend(n for n in walk.notes if n not in notes)
    change = compare_walks(before, walk) if before is not None else None
    return replace(
        foot,
        indices=indices,
        footprint=fp,
        footprint_rings=rings,
        footprint_source=fp_source,
        notes=tuple(notes),
        walking=walk,
        walking_before=before,
        pressure_change=change,
    )


def measured_foot(
    m: FootMeasurements,
    side: Side,
    weight_kg: float | None,
    record: ScanRecord | None = None,
    grid: PressureGrid | None = None,
) -> MeasuredFoot:
    """The measurements of one foot whose scan (if any) is already measured and merged into ``m``."""
    notes: list[str] = []
    fp = None
    fp_source = None
    cpei = None
    g = None
    rings: tuple[np.ndarray, ...] = ()
    if m.footprint_mm is not None:
        rings = tuple(np.asarray(r, dtype=float) for r in m.footprint_mm)
        try:
            fp = footprint_indices(m.footprint_mm, side)
        except FootprintError as err:
            raise FootprintError(f"{side.value}.footprint_mm: {err}") from err
        fp_source = ValueSource.TYPED
        if grid is not None:
            notes.append("footprint_mm was used for the footprint indices; the footprint_grid only for CPEI")
    if grid is not None:
        try:
            g = analyse_grid(grid, side)
        except FootprintError as err:
            raise FootprintError(f"{side.value}.footprint_grid: {err}") from err
        if fp is None:
            fp, rings = g.indices, tuple(np.asarray(r, dtype=float) for r in g.outline_rings)
            fp_source = ValueSource.GRID
        cpei = g.cpei_proxy_pct
        notes.extend(n for n in g.notes if n not in notes)
        notes.append(
            f"footprint from the grid {m.footprint_grid} ({m.footprint_grid_pitch_mm:g} mm cells; toes: {g.toe_cut})"
        )
    if record is not None:
        sm = record.measurements
        if fp is None and sm.footprint is not None:
            fp, rings = sm.footprint, sm.footprint_rings
            fp_source = ValueSource.SCAN
            notes.append(f"footprint indices from the scan: the sole within {sm.footprint_height_mm:g} mm of the floor")
        elif fp is None and sm.footprint_note:
            notes.append(sm.footprint_note)
        notes.extend(_scan_notes(record))
    if fp is not None:
        notes.extend(n for n in fp.notes if n not in notes)
    values = _compute_indices(m, weight_kg, fp)
    values["cpei_proxy_pct"] = cpei
    if (
        m.navicular_drop_mm is not None
        and m.navicular_height_sitting_mm is not None
        and m.navicular_height_standing_mm is not None
    ):
        computed = ix.navicular_drop_mm(m.navicular_height_sitting_mm, m.navicular_height_standing_mm)
        if abs(computed - m.navicular_drop_mm) > 1.0:
            notes.append(
                f"navicular_drop_mm {m.navicular_drop_mm:g} mm was used; the two navicular heights give {computed:g} mm"
            )
    used = record.used if record is not None else ()
    sources = {
        k: (ValueSource.SCAN if k in used else ValueSource.TYPED)
        for k in MEASUREMENT_FIELDS
        if getattr(m, k) is not None
    }
    return MeasuredFoot(
        side=side,
        values=m,
        sources=sources,
        indices=values,
        footprint=fp,
        footprint_rings=rings,
        footprint_source=fp_source,
        scan=record,
        grid=g,
        notes=tuple(notes),
    )


def _compute_indices(
    m: FootMeasurements, weight_kg: float | None, fp: FootprintIndices | None
) -> dict[str, float | None]:
    v: dict[str, float | None] = dict.fromkeys(INDEX_UNITS)
    if fp is not None:
        v["arch_index"] = fp.arch_index
        v["chippaux_smirak_pct"] = fp.chippaux_smirak_pct
        v["staheli"] = fp.staheli
        v["clarke_angle_deg"] = fp.clarke_angle_deg
    sit, stand, tfl = m.dorsal_height_sitting_mm, m.dorsal_height_standing_mm, m.truncated_foot_length_mm
    if sit is not None and tfl is not None:
        v["ahi_sitting"] = ix.arch_height_index(sit, tfl)
    if stand is not None and tfl is not None:
        v["ahi_standing"] = ix.arch_height_index(stand, tfl)
    if sit is not None and stand is not None:
        v["arch_rigidity_index"] = ix.arch_rigidity_index(stand, sit)
        v["arch_drop_mm"] = ix.arch_drop_mm(sit, stand)
        if weight_kg is not None:
            v["arch_height_flexibility_mm_per_kn"] = ix.arch_height_flexibility_mm_per_kn(sit, stand, weight_kg)
    nh = m.navicular_height_standing_mm
    if nh is not None:
        v["navicular_height_mm"] = nh
        if m.foot_length_mm is not None:
            v["normalised_navicular_height"] = ix.normalised_navicular_height(nh, m.foot_length_mm)
        if tfl is not None:
            v["normalised_navicular_height_truncated"] = ix.normalised_navicular_height(nh, tfl)
    if m.navicular_drop_mm is not None:
        v["navicular_drop_mm"] = m.navicular_drop_mm
    elif m.navicular_height_sitting_mm is not None and nh is not None:
        v["navicular_drop_mm"] = ix.navicular_drop_mm(m.navicular_height_sitting_mm, nh)
    if m.fpi6 is not None:
        v["fpi6_total"] = float(ix.fpi6_total(m.fpi6))
    if m.rcsp_deg is not None:
        v["rcsp_deg"] = m.rcsp_deg
    return v


def _scan_notes(rec: ScanRecord) -> list[str]:
    """What the scan gave, what was taken from it and which typed values won."""
    sm = rec.measurements
    out = [f"scan {rec.source} ({rec.condition.value}, {rec.side.value} foot): " + "; ".join(rec.notes)]
    if rec.used:
        out.append(
            "from the scan: "
            + ", ".join(f"{k} {sm.measures[k].value:g} ± {sm.measures[k].uncertainty_mm:g} mm" for k in rec.used)
        )
    if rec.kept:
        out.append(
            "typed values kept over the scan's: "
            + ", ".join(f"{k} {typed:g} mm (scan {scanned:g} mm)" for k, typed, scanned in rec.kept)
        )
    return out


__all__ = [
    "INDEX_UNITS",
    "MEASUREMENT_FIELDS",
    "CASE_FIELDS",
    "MeasuredCase",
    "MeasuredFoot",
    "measure_case",
    "measure_foot",
    "measured_foot",
    "with_walking",
    "Walks",
]
