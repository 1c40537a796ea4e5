"""A foot scan as part of a case: measure it and merge its measures with the typed ones.

Rules (the issue's and a clinician's):

* typed values in the case file win over scanned ones; the scan's value is still reported
  beside the typed one, so a large disagreement is visible;
* a scan fills the case fields it measures (:data:`CASE_FIELDS`) and, when the case has no
  footprint outline or grid, the footprint indices;
* where every value came from is recorded (:attr:`ScanRecord.used`, :attr:`ScanRecord.kept`).

No file access here: :func:`orthofit.io.scan_file.load_scan` reads the scan file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from orthofit.io.scan_file import LoadedScan, ScanError
from orthofit.measure.orient import OrientedScan, orient_scan
from orthofit.measure.scan_measure import FOOTPRINT_HEIGHT_MM, ScanMeasurements, measure_scan
from orthofit.model.case import FootMeasurements
from orthofit.model.enums import ScanCondition, Side

#: Scan measures that are case-file fields (the others are reported only).
CASE_FIELDS = (
    "foot_length_mm",
    "ball_width_mm",
    "heel_width_mm",
    "truncated_foot_length_mm",
    "dorsal_height_standing_mm",
    "dorsal_height_sitting_mm",
    "navicular_height_standing_mm",
    "arch_edge_height_mm",
)


@dataclass(frozen=True)
class ScanRecord:
    """One measured scan and how its measures were used.

    ``used`` are the case fields taken from the scan; ``kept`` the typed ones that won, each
    as (field, typed value, scanned value), mm.
    """

    source: str
    units: str
    units_inferred: bool
    condition: ScanCondition
    oriented: OrientedScan
    measurements: ScanMeasurements
    notes: tuple[str, ...]
    used: tuple[str, ...] = ()
    kept: tuple[tuple[str, float, float], ...] = ()

    @property
    def side(self) -> Side:
        return self.oriented.side


def measure_foot_scan(
    scan: LoadedScan,
    side: Side | None,
    condition: ScanCondition | None,
    footprint_height_mm: float = FOOTPRINT_HEIGHT_MM,
) -> ScanRecord:
    """Orient and measure a loaded scan; the notes say what was inferred, mended or doubtful.

    ``condition`` None: a scan whose sole lies flat on the floor is taken as standing, any
    other as non-weight-bearing (so no loaded measure is read from an unloaded foot), and the
    notes say so.
    """
    oriented = orient_scan(scan, side)
    notes = list(scan.notes) + list(oriented.notes)
    if condition is None:
        if oriented.floor == "flat contact":
            condition = ScanCondition.STANDING
            notes.append(
                f"scan condition not given: taken as standing (the sole lies flat on the floor over "
                f"{oriented.flat_contact_mm2:.0f} mm²); give the condition to be sure"
            )
        else:
            condition = ScanCondition.NON_WEIGHT_BEARING
            notes.append(
                "scan condition not given: taken as non-weight-bearing (the sole does not lie flat "
                "on the floor); give the condition if it was standing or sitting"
            )
    m = measure_scan(oriented, condition, footprint_height_mm)
    check_foot_shape(oriented, m, scan.source)
    m, implausible = drop_implausible(m)
    notes.extend(implausible)
    loaded = condition in (ScanCondition.STANDING, ScanCondition.SITTING)
    if condition is ScanCondition.STANDING and oriented.floor != "flat contact":
        # The scan contradicts its declared condition: the loaded measures would be read from
        # a foot that bore no weight, so they are refused, not reported with a note.
        why = (
            "the scan was declared standing, but its sole has no flat contact with a floor: it "
            "does not look weight-bearing, so its standing heights and footprint are not used; "
            "check the scan condition (--condition)"
        )
        notes.append(why)
        m = refuse_loaded(m, why)
    elif not loaded and oriented.floor == "flat contact":
        notes.append(
            f"the sole lies flat on the floor over {oriented.flat_contact_mm2:.0f} mm², like a "
            f"weight-bearing scan, but the condition given is {condition.value}"
        )
    return ScanRecord(scan.source, scan.units, scan.units_inferred, condition, oriented, m, tuple(notes))


#: Each scan measure's plausible range as a fraction of the foot length: the range over the
#: 6,068 adults of ANSUR II (../shared/data/anthropometry; ball breadth 0.312-0.456, heel
#: breadth 0.199-0.354, ball-of-foot length 0.688-0.798, ball circumference 0.776-1.100),
#: widened by :data:`IMPLAUSIBLE_MARGIN` [D]. A scan measure outside it is more likely a
#: measuring error (a sock, a cut, a landmark found in the wrong place) than a foot.
PLAUSIBLE_FRACTION = {
    "ball_width_mm": (0.312, 0.456),
    "heel_width_mm": (0.199, 0.354),
    "truncated_foot_length_mm": (0.688, 0.798),
    "ball_girth_mm": (0.776, 1.100),
}
#: How far beyond the ANSUR II range a value must lie to be implausible, as a fraction of the
#: range's own bounds ("by a wide margin", issue 14) [D].
IMPLAUSIBLE_MARGIN = 0.10


def drop_implausible(m: ScanMeasurements) -> tuple[ScanMeasurements, list[str]]:
    """``m`` without the measures far outside the adult range for its foot length (flagged,
    not used), and a note for each.
    """
    length = m.values().get("foot_length_mm")
    if not length:
        return m, []
    measures, notes = dict(m.measures), []
    for name, (lo, hi) in PLAUSIBLE_FRACTION.items():
        value = measures[name].value if name in measures else None
        if value is None:
            continue
        low, high = lo * (1 - IMPLAUSIBLE_MARGIN) * length, hi * (1 + IMPLAUSIBLE_MARGIN) * length
        if not low <= value <= high:
            why = (
                f"{name} {value:.1f} mm is implausible for a foot {length:.0f} mm long (adults measure "
                f"{lo * length:.0f}-{hi * length:.0f} mm, ANSUR II): not used; check the scan or type the value"
            )
            measures[name] = replace(measures[name], value=None, uncertainty_mm=None, note=why)
            notes.append(why)
    return (replace(m, measures=measures), notes) if notes else (m, [])


#: The measures only a weight-bearing scan gives (the footprint too).
LOADED_MEASURES = (
    "dorsal_height_standing_mm",
    "plantar_arch_height_mm",
    "navicular_height_standing_mm",
    "arch_edge_height_mm",
)


def refuse_loaded(m: ScanMeasurements, why: str) -> ScanMeasurements:
    """``m`` without its loaded measures and footprint, each saying ``why``."""
    measures = dict(m.measures)
    for name in LOADED_MEASURES:
        if name in measures:
            measures[name] = replace(measures[name], value=None, uncertainty_mm=None, note=why)
    return replace(m, measures=measures, footprint=None, footprint_note=why, footprint_rings=())


#: What makes a scan plausibly a foot, as ranges of shape ratios [D]. Each is wide around
#: real feet: the ball width is 31-46 % of the foot length in 6,068 adults (ANSUR II,
#: ../shared/data/anthropometry) and 31-38 % in the three real scans; the top of the foot at
#: 55 % of its length is 24-37 % of the length in those scans; the forefoot at 85 % of the
#: length is 40-65 % of the height at 50 % (a foot tapers to its toes). A sphere, a box or a
#: plate fails at least one.
BALL_WIDTH_FRACTION = (0.22, 0.60)
INSTEP_HEIGHT_FRACTION_MIN = 0.10
TOE_TAPER_MAX = 0.85


def check_foot_shape(oriented: OrientedScan, m: ScanMeasurements, source: str) -> None:
    """Refuse a scan whose shape is not plausibly a foot (see the ranges above).

    Raises
    ------
    ScanError
        With what was found, e.g. "its width is 99 % of its length".
    """
    v = m.values()
    length = v.get("foot_length_mm")
    width = v.get("ball_width_mm")
    x, z = oriented.vertices[:, 0], oriented.vertices[:, 2]
    band = max(2.0, 0.02 * (length or 0.0), m.edge_mm)  # a slice must hold vertices on a coarse mesh

    def height_at(fraction: float) -> float | None:
        if len(x) == 0:
            return None
        d = np.abs(x - (x.min() + fraction * (length or 0.0)))
        return float(z[d <= max(band, float(d.min()))].max())  # at least the nearest vertices

    mid, instep, toes = height_at(0.50), height_at(0.55), height_at(0.85)
    found = None
    if length and instep is not None and instep / length < INSTEP_HEIGHT_FRACTION_MIN:
        found = (
            f"it is {instep:.0f} mm high over {length:.0f} mm of length: flat, like a plate "
            f"(a foot is at least {100 * INSTEP_HEIGHT_FRACTION_MIN:.0f} % as high as it is long)"
        )
    elif not length or width is None or mid is None or instep is None or toes is None:
        found = "its length, width or height could not be measured"
    elif not BALL_WIDTH_FRACTION[0] <= width / length <= BALL_WIDTH_FRACTION[1]:
        found = (
            f"its widest part is {100 * width / length:.0f} % of its length "
            f"(a foot's is {100 * BALL_WIDTH_FRACTION[0]:.0f}-{100 * BALL_WIDTH_FRACTION[1]:.0f} %)"
        )
    elif toes / max(mid, 1e-9) > TOE_TAPER_MAX:
        found = (
            f"it is as high near one end ({100 * toes / max(mid, 1e-9):.0f} % of its mid height) as in the "
            "middle: a foot tapers toward its toes"
        )
    if found:
        raise ScanError(f"{source} does not look like a foot scan: {found}; check that this file is the foot")


def merge_scan(foot: FootMeasurements, record: ScanRecord) -> tuple[FootMeasurements, ScanRecord]:
    """``foot`` with the fields it lacks filled from ``record`` (typed values win), and the
    record saying which fields it gave (``used``) and which typed values won (``kept``).
    """
    scanned = record.measurements.values()
    # Keyword arguments for replace(): floats for the float fields named in CASE_FIELDS
    # (Any because mypy checks ** arguments against every field of FootMeasurements).
    fill: dict[str, Any] = {}
    used: list[str] = []
    kept: list[tuple[str, float, float]] = []
    for name in CASE_FIELDS:
        if name not in scanned:
            continue
        typed = getattr(foot, name)
        if typed is None:
            fill[name] = scanned[name]
            used.append(name)
        else:
            kept.append((name, typed, scanned[name]))
    tfl, fl = fill.get("truncated_foot_length_mm"), fill.get("foot_length_mm", foot.foot_length_mm)
    if tfl is not None and fl is not None and tfl >= fl:  # a scan's landmark cannot beat a typed length
        del fill["truncated_foot_length_mm"]
        used.remove("truncated_foot_length_mm")
    return replace(foot, **fill), replace(record, used=tuple(used), kept=tuple(kept))
