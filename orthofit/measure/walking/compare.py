"""Two analyses side by side: left against right (asymmetry).

The symmetry index of a measure is 100 x (right - left) / the mean of the two (Robinson,
Herzog and Nigg 1987): 0 when the feet agree, positive when the right foot's is higher.
"""

from __future__ import annotations

from dataclasses import dataclass

from orthofit.measure.walking.analysis import WalkAnalysis
from orthofit.measure.walking.regions import Region


@dataclass(frozen=True)
class RegionAsymmetry:
    region: Region
    left_peak_kpa: float
    right_peak_kpa: float
    peak_si_pct: float
    pti_si_pct: float | None


def symmetry_index(left: float, right: float) -> float:
    """100 x (right - left) / ((right + left) / 2); 0 when both are 0."""
    mean = 0.5 * (left + right)
    return 0.0 if mean == 0 else 100.0 * (right - left) / mean


def asymmetry(left: WalkAnalysis, right: WalkAnalysis) -> tuple[RegionAsymmetry, ...]:
    """Per region both feet have, the symmetry index of peak pressure and pressure-time integral."""
    out = []
    for region in Region:
        lr, rr = left.region(region), right.region(region)
        if lr is None or rr is None:
            continue
        pti = None
        if lr.pti_kpa_s is not None and rr.pti_kpa_s is not None:
            pti = symmetry_index(lr.pti_kpa_s, rr.pti_kpa_s)
        out.append(RegionAsymmetry(region, lr.peak_kpa, rr.peak_kpa, symmetry_index(lr.peak_kpa, rr.peak_kpa), pti))
    return tuple(out)


__all__ = ["RegionAsymmetry", "asymmetry", "symmetry_index"]
