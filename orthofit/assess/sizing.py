"""Shoe sizes from foot length, each on a named convention (clinical-basis.md §4.2).

* **US men, US women, UK** follow the Brannock convention that shoe shops and foot scanners
  use: the size is read from the *foot* length F in inches, and the scale already holds the
  shoe's allowance. US men ``3F - 22``, US women ``3F - 21`` (the FIA scale: men's + 1), UK
  ``3F - 23``; below adult size 1 the children's scales, US ``3F - 9 2/3`` and UK ``3F - 10``.
  These are the traditional last-based scales (US men ``3 x last - 24`` ...) with a last two
  barleycorns (2/3 in, 16.9 mm) longer than the foot.
* **EU** (Paris point, 2/3 cm): ``1.5 x last (cm)`` with last = foot + ``allowance_mm``
  (15 mm, the continental convention).
* **Mondopoint** (ISO 9407): the foot length in mm, in 5 mm steps.

Sizes are rounded to the nearest half size (Mondopoint: the nearest step); a foot exactly
between two sizes takes the larger, because a shoe a little long fits and one a little short
does not [D]. The constants are in the thresholds file, ``[sizing]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from orthofit.config.settings import SIZE_SYSTEMS
from orthofit.config.thresholds import SizingRules
from orthofit.errors import shown

MM_PER_INCH = 25.4

#: A size this close below a rounding boundary counts as on it: a foot length typed in
#: millimetres from a chart in inches (10 1/4 in = 260.35 mm) must land on the chart's
#: boundary, not a float's width short of it.
_ON_BOUNDARY = 1e-6


@dataclass(frozen=True)
class ScaleSize:
    """One scale's size for a foot, and the convention it follows.

    Attributes
    ----------
    key : str
        The scale's key in :meth:`ShoeSize.as_dict` (``"us_men"``).
    name : str
        The scale (``"US men"``).
    convention : str
        The convention, short enough to print beside the size (``"Brannock"``,
        ``"Paris point, last = foot + 15 mm"``).
    size : str
        The size as printed (``"9.5"``, ``"child 12"``, ``"265"``).
    rule : str
        How the size is computed from the foot length, for the JSON and the docs.
    """

    key: str
    name: str
    convention: str
    size: str
    rule: str

    @property
    def title(self) -> str:
        """The scale with its convention, as a heading: ``"US men (Brannock)"``."""
        return f"{self.name} ({self.convention})"


@dataclass(frozen=True)
class ShoeSize:
    """A foot's shoe size on every scale orthofit prints.

    Attributes
    ----------
    foot_length_mm : float
        The foot the sizes are for.
    allowance_mm : float
        The Paris-point (EU) last's allowance beyond the foot.
    last_length_mm : float
        The Paris-point last the EU size is read from: foot + ``allowance_mm``. The Brannock
        sizes (US, UK) are read from the foot length itself.
    mondopoint, uk, us_men, us_women : str
        The sizes as printed (``"265"``, ``"8.5"``, ``"child 12.5"``).
    eu : float
        The EU size.
    scales : tuple of ScaleSize
        The same sizes with the convention each follows, in print order.
    """

    foot_length_mm: float
    allowance_mm: float
    last_length_mm: float
    mondopoint: str
    eu: float
    uk: str  # "8" or "child 12.5"
    us_men: str
    us_women: str
    scales: tuple[ScaleSize, ...]

    def scale(self, key: str) -> ScaleSize:
        """The scale ``key`` (``"eu"``, ``"uk"``, ``"us_men"``, ``"us_women"``, ``"mondopoint"``)."""
        for s in self.scales:
            if s.key == key:
                return s
        raise KeyError(key)

    def labels(self) -> dict[str, str]:
        """Each size as printed, under its scale and convention (``"US men (Brannock)": "9.5"``)."""
        return {s.title: s.size for s in self.scales}

    def as_dict(self) -> dict[str, object]:
        return {
            "mondopoint": self.mondopoint,
            "eu": self.eu,
            "uk": self.uk,
            "us_men": self.us_men,
            "us_women": self.us_women,
            "last_length_mm": self.last_length_mm,
            "allowance_mm": self.allowance_mm,
            "conventions": {s.key: f"{s.title}: {s.rule}" for s in self.scales},
        }


def _nearest(x: float, step: float) -> float:
    """``x`` to the nearest multiple of ``step``; exactly between two, the larger."""
    return math.floor(x / step + 0.5 + _ON_BOUNDARY) * step


def _label(adult: float, child: float, step: float) -> str:
    """Adult scale from size 1 up; below that the children's scale."""
    a = _nearest(adult, step)
    if a >= 1.0:
        return f"{a:g}"
    return f"child {_nearest(child, step):g}"


def _minus(offset: float) -> str:
    """An offset as the formula prints it: 22 -> "22", 9.666667 -> "9.67"."""
    return f"{offset:.2f}".rstrip("0").rstrip(".")


def brannock_length_mm(foot_length_mm: float, truncated_foot_length_mm: float | None, arch_ratio: float) -> float:
    """The length a Brannock fitter sizes by: the longer of heel-to-toe and the heel-to-ball
    (arch) reading, the device's arch scale giving the foot length of an average-proportioned
    foot with that heel-to-ball length (truncated / ``arch_ratio``), mm.
    """
    if truncated_foot_length_mm is None:
        return foot_length_mm
    return max(foot_length_mm, truncated_foot_length_mm / arch_ratio)


def shoe_size(
    foot_length_mm: float,
    rules: SizingRules,
    allowance_mm: float | None = None,
    truncated_foot_length_mm: float | None = None,
    arch_ratio: float | None = None,
) -> ShoeSize:
    """Shoe sizes for a foot of ``foot_length_mm`` (mm) on every scale.

    Parameters
    ----------
    foot_length_mm : float
        Heel to the longest toe, standing.
    rules : SizingRules
        The thresholds' ``[sizing]``.
    allowance_mm : float, optional
        The Paris-point (EU) last's allowance beyond the foot; ``rules.allowance_mm`` by default.
        The Brannock sizes (US, UK) do not use it: their scale holds its own allowance.
    truncated_foot_length_mm, arch_ratio : float, optional
        Heel to the 1st metatarsal head, and the adult mean of its ratio to the foot length:
        with both, the Brannock sizes follow the longer of the foot's length and its arch
        length (:func:`brannock_length_mm`), as Brannock fitters do.
    """
    allowance = rules.allowance_mm if allowance_mm is None else allowance_mm
    last = foot_length_mm + allowance
    sized = (
        foot_length_mm
        if arch_ratio is None
        else brannock_length_mm(foot_length_mm, truncated_foot_length_mm, arch_ratio)
    )
    by_arch = sized > foot_length_mm
    foot_in = sized / MM_PER_INCH
    step = rules.half_size_step
    mondopoint = f"{_nearest(foot_length_mm, rules.mondopoint_step_mm):.0f}"
    eu = _nearest(rules.eu_per_cm * last / 10.0, step)
    us_child = 3 * foot_in - rules.us_child_brannock_offset
    uk = _label(3 * foot_in - rules.uk_adult_brannock_offset, 3 * foot_in - rules.uk_child_brannock_offset, step)
    us_men = _label(3 * foot_in - rules.us_men_brannock_offset, us_child, step)
    us_women = _label(3 * foot_in - rules.us_women_brannock_offset, us_child, step)
    half = "nearest half size (a foot exactly midway takes the larger)"
    brannock_half = half
    if by_arch:  # the arch length decided: say so in every Brannock scale's rule
        brannock_half += (
            f"; sized by the arch length: heel to ball {truncated_foot_length_mm:.0f} mm reads as a "
            f"{sized:.0f} mm foot, longer than the {foot_length_mm:.0f} mm heel to toe"
        )
    us_child_rule = f"children's scale 3 x foot length (in) - {_minus(rules.us_child_brannock_offset)} below adult 1"
    scales = (
        ScaleSize(
            "mondopoint",
            "Mondopoint",
            "ISO 9407",
            mondopoint,
            f"foot length in mm, nearest {rules.mondopoint_step_mm:g} mm",
        ),
        ScaleSize(
            "eu",
            "EU",
            f"Paris point, last = foot + {allowance:g} mm",
            f"{eu:g}",
            f"{rules.eu_per_cm:g} x (foot length + {allowance:g} mm) in cm, {half}",
        ),
        ScaleSize(
            "uk",
            "UK",
            "Brannock",
            uk,
            f"3 x foot length (in) - {_minus(rules.uk_adult_brannock_offset)}, {brannock_half}; children's scale "
            f"3 x foot length (in) - {_minus(rules.uk_child_brannock_offset)} below adult 1",
        ),
        ScaleSize(
            "us_men",
            "US men",
            "Brannock",
            us_men,
            f"3 x foot length (in) - {_minus(rules.us_men_brannock_offset)}, {brannock_half}; {us_child_rule}",
        ),
        ScaleSize(
            "us_women",
            "US women",
            "Brannock",
            us_women,
            f"3 x foot length (in) - {_minus(rules.us_women_brannock_offset)}, {brannock_half}; {us_child_rule}",
        ),
    )
    return ShoeSize(
        foot_length_mm=foot_length_mm,
        allowance_mm=allowance,
        last_length_mm=last,
        mondopoint=mondopoint,
        eu=eu,
        uk=uk,
        us_men=us_men,
        us_women=us_women,
        scales=scales,
    )


def last_length_mm(system: str, size: float, rules: SizingRules) -> float:
    """The inside length of a shoe (its last) from its marked adult size: what an insole for it
    may be as long as.

    * EU marks the Paris-point last itself: ``size / 1.5`` cm.
    * UK and US mark a Brannock size, which names the foot it fits,
      ``(size + offset) / 3`` in; the shoe is that plus the allowance the Brannock scale
      implies (``brannock_allowance_mm``, two barleycorns).
    * Mondopoint marks the foot length; its shoe adds the default allowance (``allowance_mm``).
    """
    from orthofit.errors import ValidationError

    s = system.strip().lower()
    brannock = {
        "uk": rules.uk_adult_brannock_offset,
        "us-men": rules.us_men_brannock_offset,
        "us-women": rules.us_women_brannock_offset,
    }
    if s == "eu":
        return size / rules.eu_per_cm * 10.0
    if s in brannock:
        foot_mm = (size + brannock[s]) / 3.0 * MM_PER_INCH
        return foot_mm + rules.brannock_allowance_mm
    if s == "mondopoint":
        return size + rules.allowance_mm
    raise ValidationError(f"shoe size system {shown(system)} is not known; use one of {', '.join(SIZE_SYSTEMS)}")
