"""A walking pressure analysis as terminal text and as JSON-ready data (``orthofit pressure``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from orthofit import __version__
from orthofit.measure.walking.analysis import CPEI_AT, WalkAnalysis
from orthofit.measure.walking.result import PressureResult


def _r(v: float | None, nd: int = 1) -> float | None:
    return None if v is None or not math.isfinite(v) else round(float(v), nd)


def _picture(a: np.ndarray) -> list[list[float | None]]:
    """(rows, cols) -> nested lists, north row first as a picture reads, None outside the sensor."""
    return [[None if math.isnan(v) else round(float(v), 1) for v in row] for row in a[::-1]]


def walk_dict(a: WalkAnalysis, pictures: bool = True) -> dict[str, Any]:
    """One foot's analysis as JSON-ready data."""
    rep = a.step
    d: dict[str, Any] = {
        "side": a.side.value,
        "system": a.system,
        "in_shoe": a.in_shoe,
        "steps_found": len(a.steps),
        "steps_averaged": list(a.used),
        "contact_time_s": _r(a.contact_time_s, 3),
        "peak_pressure_kpa": _r(a.peak_kpa),
        "peak_force_n": _r(a.peak_force_n),
        "cpei_pct": _r(a.cpei_pct),
        "cpei_definition": f"Song 1996: the centre of pressure's excursion from the line joining its first and last "
        f"points, at {CPEI_AT * 100:.0f} % of the print's length, over the print's width there",
        "foot_progression_deg": _r(a.progression_deg),
        "arch_index_walking": _r(a.arch_index, 3),
        "regions": {
            r.region.value: {
                "peak_kpa": _r(r.peak_kpa),
                "pti_kpa_s": _r(r.pti_kpa_s),
                "contact_area_cm2": _r(r.area_cm2),
                "sensors": r.sensors,
            }
            for r in a.regions
        },
        "steps": [
            {
                "number": s.number,
                "complete": s.complete,
                "start_s": _r(s.start_s, 3),
                "contact_time_s": _r(s.contact_time_s, 3),
                "peak_kpa": _r(s.peak_kpa),
                "peak_force_n": _r(s.peak_force_n),
                "cpei_pct": _r(s.cpei_pct),
                "foot_progression_deg": _r(s.progression_deg),
                "force_curve_n": None if s.force_n is None else [round(float(f), 1) for f in s.force_n],
            }
            for s in a.steps
        ],
        "representative_step": a.representative,
        "notes": list(a.notes),
    }
    if pictures:
        d["max_pressure_kpa"] = _picture(a.max_kpa)
        if rep.cop_mm is not None:
            cop = rep.cop_mm[~np.isnan(rep.cop_mm).any(axis=1)]
            d["cop_path_mm"] = [[round(float(x), 1), round(float(y), 1)] for x, y in cop]
    return d


def pressure_dict(result: PressureResult) -> dict[str, Any]:
    """The ``orthofit pressure --json`` output."""
    first = result.recordings[0]
    return {
        "orthofit_version": __version__,
        "source": first.source,
        "recording": first.describe(),
        "frame": "x from the heel along the print's axis, y across it with a right foot's medial side +y, mm; "
        "pictures are north row first, as the vendor's software shows them",
        "feet": [walk_dict(a) for a in result.feet],
        "asymmetry": [
            {
                "region": x.region.value,
                "left_peak_kpa": _r(x.left_peak_kpa),
                "right_peak_kpa": _r(x.right_peak_kpa),
                "peak_symmetry_index_pct": _r(x.peak_si_pct),
                "pti_symmetry_index_pct": _r(x.pti_si_pct),
            }
            for x in result.asymmetry
        ],
    }


def _fmt(v: float | None, fmt: str, unit: str = "", none: str = "-") -> str:
    return none if v is None else f"{v:{fmt}}{unit}"


def _ranges(numbers: tuple[int, ...]) -> str:
    """(1, 2, 3, 5) -> "1-3, 5": a long walk's step list stays one short line."""
    out: list[str] = []
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    for run in runs:
        out.append(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}")
    return ", ".join(out)


def pressure_text(result: PressureResult) -> str:
    """The ``orthofit pressure`` terminal output."""
    first = result.recordings[0]
    lines = [f"{first.source}: {first.describe()}"]
    for a in result.feet:
        lines.append("")
        complete = sum(s.complete for s in a.steps)
        lines.append(
            f"{a.side.value.capitalize()} foot: {len(a.steps)} step{'s' if len(a.steps) != 1 else ''} "
            f"({complete} complete); averaged: {_ranges(a.used)}"
        )
        lines.append(f"  Contact time          {_fmt(a.contact_time_s, '.2f', ' s')}")
        lines.append(f"  Peak pressure         {_fmt(a.peak_kpa, '.0f', ' kPa')}")
        if a.peak_force_n is not None:
            lines.append(f"  Peak force            {a.peak_force_n:.0f} N")
        lines.append(
            "  CPEI (walking)        "
            + _fmt(a.cpei_pct, ".1f", " %", "not measured (no sensor positions or no path across the foot)")
        )
        if a.progression_deg is not None:
            lines.append(f"  Foot progression      {a.progression_deg:+.1f}° (+ = toes out)")
        if a.arch_index is not None:
            lines.append(f"  Arch Index (walking)  {a.arch_index:.3f}")
        lines.append("  Region          peak kPa   PTI kPa·s   area cm²")
        for r in a.regions:
            lines.append(
                f"  {r.region.value:<14} {r.peak_kpa:>9.0f} {_fmt(r.pti_kpa_s, '11.1f', none='          -')} "
                f"{_fmt(r.area_cm2, '10.1f', none='         -')}"
            )
        lines.append("  Step  start s  contact s  peak kPa  force N  CPEI %")
        for s in a.steps:
            lines.append(
                f"  {s.number:>4}{'' if s.complete else '*'} {_fmt(s.start_s, '8.2f'):>8} "
                f"{_fmt(s.contact_time_s, '10.2f'):>10} {s.peak_kpa:9.0f} {_fmt(s.peak_force_n, '8.0f'):>8} "
                f"{_fmt(s.cpei_pct, '7.1f'):>7}"
            )
        if any(not s.complete for s in a.steps):
            lines.append("  * cut off by the recording's start or end")
        lines += [f"  Note: {n}" for n in a.notes]
    if result.asymmetry:
        lines.append("")
        lines.append("Asymmetry (symmetry index, + = right higher)")
        for x in result.asymmetry:
            lines.append(
                f"  {x.region.value:<14} peak {x.left_peak_kpa:.0f} / {x.right_peak_kpa:.0f} kPa  "
                f"{x.peak_si_pct:+.0f} %"
            )
    return "\n".join(lines) + "\n"


__all__ = ["pressure_dict", "pressure_text", "walk_dict"]
