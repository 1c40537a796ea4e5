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


@dataclass(frozen=True)
class RegionChange:
    """One region before and after (peak kPa, pressure-time integral kPa s)."""

    region: Region
    before_peak_kpa: float
    after_peak_kpa: float
    before_pti_kpa_s: float | None
    after_pti_kpa_s: float | None

    @property
    def peak_change_pct(self) -> float:
        return 0.0 if self.before_peak_kpa == 0 else 100.0 * (self.after_peak_kpa / self.before_peak_kpa - 1.0)

    @property
    def pti_change_pct(self) -> float | None:
        if self.before_pti_kpa_s is None or self.after_pti_kpa_s is None or self.before_pti_kpa_s == 0:
            return None
        return 100.0 * (self.after_pti_kpa_s / self.before_pti_kpa_s - 1.0)

    def meets(self, target_kpa: float, reduction_pct: float) -> bool:
        """The published offloading target: under ``target_kpa`` after, or at least
        ``reduction_pct`` lower than before.
        """
        return self.after_peak_kpa < target_kpa or self.peak_change_pct <= -reduction_pct


@dataclass(frozen=True)
class PressureChange:
    """Two recordings of one foot (without and with the insole, or two visits), region by region."""

    before_source: str
    after_source: str
    regions: tuple[RegionChange, ...]
    notes: tuple[str, ...]

    def region(self, region: Region) -> RegionChange | None:
        return next((r for r in self.regions if r.region is region), None)


def compare_walks(before: WalkAnalysis, after: WalkAnalysis) -> PressureChange:
    """Per region both recordings have: peak pressure and pressure-time integral, before and after."""
    notes = []
    if before.in_shoe != after.in_shoe:
        notes.append(
            "one recording is in-shoe and the other barefoot on a platform: their pressures differ for that "
            "reason alone, not only because of the insole"
        )
    if before.system != after.system:
        notes.append(f"recorded on different systems ({before.system}, {after.system}): compare with care")
    out = []
    for region in Region:
        b, a = before.region(region), after.region(region)
        if b is None or a is None:
            continue
        out.append(RegionChange(region, b.peak_kpa, a.peak_kpa, b.pti_kpa_s, a.pti_kpa_s))
    return PressureChange(before.source, after.source, tuple(out), tuple(notes))


__all__ = ["PressureChange", "RegionAsymmetry", "RegionChange", "asymmetry", "compare_walks", "symmetry_index"]
