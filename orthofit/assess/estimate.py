"""The standing Arch Height Index when the truncated foot length was not measured.

A shop scanner prints the foot length and the instep (dorsal) height at 50 % of foot length,
but not the truncated length (heel to the 1st metatarsal head) the AHI divides by. It is
estimated as the adult ratio of truncated length to foot length times the foot length, and
the AHI gets an interval from the ratio's spread and the scanner's uncertainty
(clinical-basis.md §2.5). The AHI labels only when its whole interval lies in one band;
otherwise the note says which band each truncated length would give, so measuring it decides.

Propagation (first order; the three sources are independent): the AHI's relative standard
uncertainty is √((s_r / r)² + (u_h / h)² + (u_L / L)²) for ratio r with SD s_r, dorsal
height h and foot length L with standard uncertainties u_h and u_L; the interval is the
estimate × (1 ± k × that), k the coverage factor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from orthofit.config.thresholds import Band, Classified, Thresholds, TruncatedLengthRatio

#: The index estimated, and the measure that would replace the estimate.
AHI = "ahi_standing"
ESTIMATED_FIELD = "truncated_foot_length_mm"


@dataclass(frozen=True)
class TruncatedLengthEstimate:
    """A truncated foot length estimated from the foot length, with its ± (k standard uncertainties)."""

    value_mm: float
    plus_minus_mm: float
    ratio: float
    foot_length_mm: float
    source: str

    def text(self) -> str:
        return (
            f"{self.ratio:g} × foot length {self.foot_length_mm:g} mm = {self.value_mm:.1f} ± "
            f"{self.plus_minus_mm:.1f} mm ({self.source})"
        )


@dataclass(frozen=True)
class AhiEstimate:
    """A standing AHI whose truncated length was estimated: the value and its interval."""

    value: float
    low: float
    high: float
    dorsal_height_mm: float
    truncated_length: TruncatedLengthEstimate

    def truncated_length_mm_at(self, ahi: float) -> float:
        """The truncated length that would make the AHI exactly ``ahi``, mm."""
        return self.dorsal_height_mm / ahi


def estimate_truncated_length(foot_length_mm: float, rule: TruncatedLengthRatio) -> TruncatedLengthEstimate:
    """``rule.ratio_mean`` × foot length, ± k standard uncertainties (the ratio's SD and the
    foot length's uncertainty).
    """
    u = math.hypot(rule.ratio_sd * foot_length_mm, rule.ratio_mean * rule.foot_length_uncertainty_mm)
    return TruncatedLengthEstimate(
        value_mm=rule.ratio_mean * foot_length_mm,
        plus_minus_mm=rule.coverage_factor * u,
        ratio=rule.ratio_mean,
        foot_length_mm=foot_length_mm,
        source=rule.ratio_source.split(";")[0],
    )


def estimate_ahi(dorsal_height_mm: float, foot_length_mm: float, rule: TruncatedLengthRatio) -> AhiEstimate:
    """The standing AHI from the dorsal height at 50 % and the foot length alone, with its interval.

    Parameters
    ----------
    dorsal_height_mm : float
        Top of the foot at 50 % of foot length, standing (a scanner's instep height), mm.
    foot_length_mm : float
        Heel to the tip of the longest toe, mm.
    rule : TruncatedLengthRatio
        The ratio, its spread and the measurement uncertainties (thresholds.toml).
    """
    tfl = estimate_truncated_length(foot_length_mm, rule)
    value = dorsal_height_mm / tfl.value_mm
    relative = math.sqrt(
        (rule.ratio_sd / rule.ratio_mean) ** 2
        + (rule.dorsal_height_uncertainty_mm / dorsal_height_mm) ** 2
        + (rule.foot_length_uncertainty_mm / foot_length_mm) ** 2
    )
    half = rule.coverage_factor * relative * value
    # No foot has an AHI of 0 or below: a wide interval (a large uncertainty set in a user's
    # thresholds) stops at 0 rather than reaching into impossible values.
    return AhiEstimate(value, max(value - half, 0.0), value + half, dorsal_height_mm, tfl)


@dataclass(frozen=True)
class EstimateClass:
    """Where an estimated AHI falls: ``classified`` is its band when the whole interval lies in
    one band, else band None with a note; ``spans`` names the bands the interval reaches then.
    """

    classified: Classified
    spans: tuple[str, ...] = ()


def classify_estimate(th: Thresholds, est: AhiEstimate, age_years: float) -> EstimateClass:
    """Place an estimated AHI in its bands: a band only when both ends of its interval fall in
    it (the bands are contiguous, so everything between does too); otherwise no band, and a note
    saying which truncated length gives which band.
    """
    point = th.classify(AHI, est.value, age_years)
    # The low end is taken just above 0, so a band ending at or below 0 (a user's thresholds
    # may have one) is never reached and every band edge spanned is a positive AHI.
    low = th.classify(AHI, max(est.low, math.ulp(0.0)), age_years)
    high = th.classify(AHI, est.high, age_years)
    if point.band is None or low.band is None or high.band is None or low.band == high.band:
        return EstimateClass(point)  # one band, or no threshold at this age (then the note says why)
    group = th.rules[AHI].group_for(age_years)
    assert group is not None  # a band was found, so a group applies
    bands = list(group.bands)
    spanned = bands[bands.index(low.band) : bands.index(high.band) + 1]
    note = (
        f"its interval spans {' and '.join(b.label for b in spanned)}, because the truncated foot length was "
        f"estimated ({est.truncated_length.value_mm:.0f} ± {est.truncated_length.plus_minus_mm:.0f} mm); measure "
        f"the truncated foot length (heel to the 1st metatarsal head) to decide: with this dorsal height "
        f"({est.dorsal_height_mm:g} mm), " + _deciding_lengths(est, spanned)
    )
    return EstimateClass(Classified(None, None, point.source, note), tuple(b.label for b in spanned))


def _deciding_lengths(est: AhiEstimate, spanned: list[Band]) -> str:
    """Which truncated length gives which band, longest first (a longer length, a lower AHI)."""
    # cuts[i]: the length at which the AHI crosses band i's upper limit into band i + 1
    cuts = [est.truncated_length_mm_at(b.upper) for b in spanned[:-1] if b.upper is not None]
    parts = []
    for i, band in enumerate(spanned):
        at_least = cuts[i] if i < len(cuts) else None  # shorter than this is the next band up
        at_most = cuts[i - 1] if i > 0 else None  # longer than this is the band below
        if at_most is None and at_least is not None:
            parts.append(f"longer than {at_least:.1f} mm is {band.label}")
        elif at_most is not None and at_least is not None:
            parts.append(f"{at_least:.1f} to {at_most:.1f} mm is {band.label}")
        elif at_most is not None:
            parts.append(f"shorter is {band.label}" if len(spanned) == 2 else f"under {at_most:.1f} mm is {band.label}")
    return "; ".join(parts)
