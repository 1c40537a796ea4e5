"""Shoe size from foot length (clinical-basis.md §4.2).

Last length = foot length + allowance. Mondopoint (ISO 9407) is the foot length in mm, in
5 mm steps; EU = 1.5 x last length in cm; UK and US use the last length L in inches:
UK adult 3L - 25 (child 3L - 12), US men 3L - 24, US women 3L - 23, US child 3L - 11 2/3.
Sizes are rounded to the nearest half size. The constants are in the thresholds file.
"""

from __future__ import annotations

from dataclasses import dataclass

from orthofit.config.settings import SIZE_SYSTEMS
from orthofit.config.thresholds import SizingRules
from orthofit.errors import shown

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class ShoeSize:
    foot_length_mm: float
    allowance_mm: float
    last_length_mm: float
    mondopoint: str
    eu: float
    uk: str  # "8" or "child 12.5"
    us_men: str
    us_women: str

    def labels(self) -> dict[str, str]:
        """Each size as printed: Mondopoint, EU, UK, US men, US women."""
        return {
            "Mondopoint": self.mondopoint,
            "EU": f"{self.eu:g}",
            "UK": self.uk,
            "US men": self.us_men,
            "US women": self.us_women,
        }

    def as_dict(self) -> dict[str, object]:
        return {
            "mondopoint": self.mondopoint,
            "eu": self.eu,
            "uk": self.uk,
            "us_men": self.us_men,
            "us_women": self.us_women,
            "last_length_mm": self.last_length_mm,
            "allowance_mm": self.allowance_mm,
        }


def _half(x: float, step: float) -> float:
    return round(x / step) * step


def _label(adult: float, child: float, step: float) -> str:
    """Adult scale from size 1 up; below that the children's scale."""
    a = _half(adult, step)
    if a >= 1.0:
        return f"{a:g}"
    return f"child {_half(child, step):g}"


def shoe_size(foot_length_mm: float, rules: SizingRules, allowance_mm: float | None = None) -> ShoeSize:
    """Shoe sizes for a foot of ``foot_length_mm`` (mm)."""
    allowance = rules.allowance_mm if allowance_mm is None else allowance_mm
    last = foot_length_mm + allowance
    inches = last / MM_PER_INCH
    step = rules.half_size_step
    mondo = round(foot_length_mm / rules.mondopoint_step_mm) * rules.mondopoint_step_mm
    uk_adult = 3 * inches - rules.uk_adult_offset
    return ShoeSize(
        foot_length_mm=foot_length_mm,
        allowance_mm=allowance,
        last_length_mm=last,
        mondopoint=f"{mondo:.0f}",
        eu=_half(rules.eu_per_cm * last / 10.0, step),
        uk=_label(uk_adult, 3 * inches - rules.uk_child_offset, step),
        us_men=_label(3 * inches - rules.us_men_offset, 3 * inches - rules.us_child_offset, step),
        us_women=_label(3 * inches - rules.us_women_offset, 3 * inches - rules.us_child_offset, step),
    )


def last_length_mm(system: str, size: float, rules: SizingRules) -> float:
    """The inside length of a shoe (its last) from its marked size: the inverse of the
    formulas above. Mondopoint marks the foot length, so its last adds the default allowance.
    """
    from orthofit.errors import ValidationError

    s = system.strip().lower()
    if s == "eu":
        return size / rules.eu_per_cm * 10.0
    if s == "uk":
        return (size + rules.uk_adult_offset) / 3.0 * MM_PER_INCH
    if s == "us-men":
        return (size + rules.us_men_offset) / 3.0 * MM_PER_INCH
    if s == "us-women":
        return (size + rules.us_women_offset) / 3.0 * MM_PER_INCH
    if s == "mondopoint":
        return size + rules.allowance_mm
    raise ValidationError(f"shoe size system {shown(system)} is not known; use one of {', '.join(SIZE_SYSTEMS)}")
