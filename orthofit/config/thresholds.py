"""Clinical thresholds: loaded from data, never written into code.

The defaults live in ``orthofit/data/thresholds.toml``, each with its source. A user file
overrides any part of them: its tables are merged into the defaults, its arrays replace ours.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from orthofit.config.keys import check_keys
from orthofit.config.tomlfile import read_toml
from orthofit.errors import ThresholdsError, shown
from orthofit.model.enums import ArchType, NavicularDropCriterion, Pronation

#: Every index that has a classification table, and what its labels classify.
ARCH_INDICES = (
    "ahi_standing",
    "navicular_height_mm",
    "arch_index",
    "chippaux_smirak_pct",
    "staheli",
    "clarke_angle_deg",
    "arch_index_walking",
)
PRONATION_INDICES = ("fpi6_total", "rcsp_deg", "navicular_drop_mm", "cpei_pct")

_RULE_KEYS = {"title", "formula", "source", "groups", "default_criterion", "upper_limit_mm"}
_GROUP_KEYS = {"min_age_years", "max_age_years", "bands", "source", "note"}
_BAND_KEYS = {"label", "suggests", "upper", "upper_inclusive", "severity"}
_TOP_KEYS = {
    "schema",
    "population",
    "classification",
    "asymmetry",
    "leg_length",
    "sizing",
    "truncated_length_estimate",
    "pressure",
    *ARCH_INDICES,
    *PRONATION_INDICES,
}
_POPULATION_KEYS = {"adult_age_years", "normal_development_until_age_years", "source"}
_CLASSIFICATION_KEYS = {"arch_measure_priority", "pronation_measure_priority", "source"}
_ASYMMETRY_KEYS = {
    "fpi6_normal_max_abs",
    "fpi6_severe_above_abs",
    "fpi6_source",
    "foot_length_flag_mm",
    "foot_length_source",
}
_LEG_KEYS = {
    "heel_lift_fraction",
    "heel_lift_min_difference_mm",
    "heel_lift_source",
    "usually_significant_from_mm",
    "significance_source",
}
_PRESSURE_KEYS = {
    "offload_target_kpa",
    "reduction_target_pct",
    "target_source",
    "hot_spot_share",
    "hot_spot_source",
}
_SIZING_KEYS = {
    "allowance_mm",
    "allowance_range_mm",
    "mondopoint_step_mm",
    "eu_per_cm",
    "uk_adult_brannock_offset",
    "uk_child_brannock_offset",
    "us_men_brannock_offset",
    "us_women_brannock_offset",
    "us_child_brannock_offset",
    "brannock_allowance_mm",
    "half_size_step",
    "source",
}
_ESTIMATE_KEYS = {
    "ratio_mean",
    "ratio_sd",
    "ratio_source",
    "coverage_factor",
    "foot_length_uncertainty_mm",
    "dorsal_height_uncertainty_mm",
    "uncertainty_source",
}


@dataclass(frozen=True)
class Band:
    """One band of a classification table.

    A value belongs to the band when it is below ``upper`` (or equal, if
    ``upper_inclusive``); ``upper`` is None for the last band.
    """

    label: str
    suggests: str
    upper: float | None
    upper_inclusive: bool = False
    severity: str | None = None

    def contains(self, value: float) -> bool:
        if self.upper is None:
            return True
        return value <= self.upper if self.upper_inclusive else value < self.upper

    def describe_limit(self, previous: Band | None, index_title: str) -> str:
        """The band as an inequality, e.g. ``0.21 < Arch Index < 0.26``."""
        parts = []
        if previous is not None and previous.upper is not None:
            parts.append(f"{_fmt(previous.upper)} {'<' if previous.upper_inclusive else '≤'}")
        parts.append(index_title)
        if self.upper is not None:
            parts.append(f"{'≤' if self.upper_inclusive else '<'} {_fmt(self.upper)}")
        return " ".join(parts)


@dataclass(frozen=True)
class AgeGroup:
    """The bands that apply for ages in [min_age_years, max_age_years)."""

    min_age_years: float
    max_age_years: float | None
    bands: tuple[Band, ...]
    source: str | None = None
    note: str | None = None

    def covers(self, age_years: float) -> bool:
        return self.min_age_years <= age_years and (self.max_age_years is None or age_years < self.max_age_years)


@dataclass(frozen=True)
class IndexRule:
    """How one index is classified, with its source."""

    name: str
    title: str
    formula: str
    source: str
    groups: tuple[AgeGroup, ...]

    def group_for(self, age_years: float) -> AgeGroup | None:
        for group in self.groups:
            if group.covers(age_years):
                return group
        return None


@dataclass(frozen=True)
class Classified:
    """The result of placing one value in its table."""

    band: Band | None  # None when no threshold applies at this age
    limit: str | None  # the band as an inequality, for the reasons
    source: str  # where the threshold comes from
    note: str | None = None  # why no threshold applies, when band is None


@dataclass(frozen=True)
class SizingRules:
    """The thresholds' ``[sizing]``: how a foot length becomes shoe sizes (orthofit.assess.sizing).

    The ``*_brannock_offset`` are subtracted from 3 x the foot length in inches (the Brannock
    convention: US men 3F - 22); ``allowance_mm`` is the Paris-point (EU) last's allowance
    beyond the foot; ``brannock_allowance_mm`` the one the Brannock scale implies, used only to
    turn a marked US or UK size into a shoe's inside length.
    """

    allowance_mm: float
    allowance_range_mm: tuple[float, float]
    mondopoint_step_mm: float
    eu_per_cm: float
    uk_adult_brannock_offset: float
    uk_child_brannock_offset: float
    us_men_brannock_offset: float
    us_women_brannock_offset: float
    us_child_brannock_offset: float
    brannock_allowance_mm: float
    half_size_step: float
    source: str


@dataclass(frozen=True)
class TruncatedLengthRatio:
    """How a truncated foot length not measured is estimated from the foot length, and how
    sure the estimate is (clinical-basis.md §2.5).

    Attributes
    ----------
    ratio_mean, ratio_sd : float
        Truncated length / foot length in adults: mean and standard deviation (ANSUR II).
    coverage_factor : float
        The interval is the estimate ± this many standard uncertainties.
    foot_length_uncertainty_mm, dorsal_height_uncertainty_mm : float
        Standard uncertainty of the measured foot length and dorsal height, mm.
    """

    ratio_mean: float
    ratio_sd: float
    ratio_source: str
    coverage_factor: float
    foot_length_uncertainty_mm: float
    dorsal_height_uncertainty_mm: float
    uncertainty_source: str


@dataclass(frozen=True)
class PressureTargets:
    """Walking pressure: when a region is overloaded, and what a change must reach."""

    #: In-shoe peak pressure an at-risk foot's regions should stay under, kPa.
    offload_target_kpa: float
    #: A peak this much lower (%) than before meets the target too.
    reduction_target_pct: float
    target_source: str
    #: A region is the foot's hot spot when its peak is at least this share of the foot's
    #: highest regional peak.
    hot_spot_share: float
    hot_spot_source: str


@dataclass(frozen=True)
class Thresholds:
    """Every clinical constant orthofit uses, with sources. Build with :func:`load_thresholds`."""

    rules: dict[str, IndexRule]
    adult_age_years: float
    normal_development_until_age_years: float
    arch_measure_priority: tuple[str, ...]
    pronation_measure_priority: tuple[str, ...]
    nd_upper_limit_mm: dict[str, float]
    nd_default_criterion: NavicularDropCriterion
    fpi6_asymmetry_normal_max_abs: float
    fpi6_asymmetry_severe_above_abs: float
    fpi6_asymmetry_source: str
    foot_length_difference_flag_mm: float
    foot_length_difference_source: str
    heel_lift_fraction: float
    heel_lift_min_difference_mm: float
    heel_lift_source: str
    lld_usually_significant_from_mm: float
    lld_significance_source: str
    sizing: SizingRules
    population_source: str
    truncated_length: TruncatedLengthRatio
    pressure: PressureTargets

    def classify(
        self, name: str, value: float, age_years: float, nd_criterion: NavicularDropCriterion | None = None
    ) -> Classified:
        """Place ``value`` of index ``name`` in the table for a patient of ``age_years``."""
        rule = self.rules[name]
        group = rule.group_for(age_years)
        if group is None:
            return Classified(None, None, rule.source, f"no {rule.title} threshold for age {_fmt(age_years)}")
        bands = group.bands
        if name == "navicular_drop_mm" and group.note is None:
            bands = self.navicular_drop_bands(nd_criterion or self.nd_default_criterion)
        if not bands:
            return Classified(None, None, group.source or rule.source, group.note)
        previous = None
        for band in bands:
            if band.contains(value):
                return Classified(band, band.describe_limit(previous, rule.title), group.source or rule.source)
            previous = band
        raise AssertionError("the last band has no upper limit")  # checked on load

    def navicular_drop_bands(self, criterion: NavicularDropCriterion) -> tuple[Band, ...]:
        """Navicular drop above the chosen criterion's upper limit of normal is excessive."""
        limit = self.nd_upper_limit_mm[criterion.value]
        name = criterion.value.capitalize()
        return (
            Band(f"within the {name} limit ({_fmt(limit)} mm)", Pronation.NEUTRAL.value, limit, True),
            Band(f"excessive by the {name} limit (> {_fmt(limit)} mm)", Pronation.PRONATED.value, None),
        )


def _fmt(x: float) -> str:
    return f"{x:g}"


def default_thresholds_path() -> Path:
    """Path of the thresholds shipped with orthofit."""
    return Path(str(resources.files("orthofit") / "data" / "thresholds.toml"))


def load_thresholds(override: str | Path | None = None) -> Thresholds:
    """Load the default thresholds, merged with a user file when given.

    Parameters
    ----------
    override : path, optional
        A TOML file with any subset of the default tables.

    Raises
    ------
    ThresholdsError
        The user file cannot be read, names an unknown entry, or gives a malformed table.
    """
    raw = _read_toml(default_thresholds_path())
    if override is not None:
        user = _read_toml(Path(override))
        _refuse_last_based_offsets(user)
        raw = _merge(raw, user, "the thresholds file")
    return _build(raw)


#: The last-based US/UK offsets of orthofit before the Brannock scales (3 x last - 24 ...), with
#: the foot-based key that replaced each. Copying such a number into its new key would size
#: shoes two sizes small, so a file that still has one is refused with the conversion.
_LAST_BASED_OFFSETS = {
    "uk_adult_offset": "uk_adult_brannock_offset",
    "uk_child_offset": "uk_child_brannock_offset",
    "us_men_offset": "us_men_brannock_offset",
    "us_women_offset": "us_women_brannock_offset",
    "us_child_offset": "us_child_brannock_offset",
}


def _refuse_last_based_offsets(user: dict[str, Any]) -> None:
    """Refuse a user file's ``[sizing]`` that still gives a last-based offset."""
    sizing = user.get("sizing")
    if not isinstance(sizing, dict):
        return
    for old, new in _LAST_BASED_OFFSETS.items():
        if old in sizing:
            raise ThresholdsError(
                f"sizing.{old} is no longer read: US and UK sizes now come from the foot length on the "
                f"Brannock scale (3 x foot (in) - offset) instead of the last (3 x last (in) - offset); "
                f"give sizing.{new} instead: the old value minus 2, as the Brannock scale's last is two "
                f"barleycorns (2/3 in) longer than the foot (clinical-basis.md §4.2)"
            )


def _read_toml(path: Path) -> dict[str, Any]:
    return read_toml(path, "thresholds", ThresholdsError)


def _merge(base: dict[str, Any], user: dict[str, Any], where: str) -> dict[str, Any]:
    """Tables merge key by key; everything else (numbers, strings, arrays) replaces."""
    check_keys(user, base.keys(), where, ThresholdsError)
    merged = copy.deepcopy(base)
    for key, value in user.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merge(base[key], value, f"[{key}] of {where}")
        else:
            merged[key] = value
    return merged


def _build(raw: dict[str, Any]) -> Thresholds:
    check_keys(raw, _TOP_KEYS, "the thresholds", ThresholdsError)
    pop = _table(raw, "population", _POPULATION_KEYS)
    cls = _table(raw, "classification", _CLASSIFICATION_KEYS)
    asym = _table(raw, "asymmetry", _ASYMMETRY_KEYS)
    leg = _table(raw, "leg_length", _LEG_KEYS)
    siz = _table(raw, "sizing", _SIZING_KEYS)
    est = _table(raw, "truncated_length_estimate", _ESTIMATE_KEYS)
    pre = _table(raw, "pressure", _PRESSURE_KEYS)
    rules = {name: _rule(name, _table(raw, name, _RULE_KEYS)) for name in (*ARCH_INDICES, *PRONATION_INDICES)}
    nd = raw["navicular_drop_mm"]
    limits = {
        str(k): _number(v, f"navicular_drop_mm.upper_limit_mm.{k}")
        for k, v in _typed(nd.get("upper_limit_mm", {}), dict, "navicular_drop_mm.upper_limit_mm", "a table").items()
    }
    for criterion in NavicularDropCriterion:
        if criterion.value not in limits:
            raise ThresholdsError(f"navicular_drop_mm.upper_limit_mm is missing '{criterion.value}'")
    arch_priority = tuple(
        _typed(
            cls.get("arch_measure_priority", list(ARCH_INDICES)),
            list,
            "classification.arch_measure_priority",
            "a list of index names",
        )
    )
    pron_priority = tuple(
        _typed(
            cls.get("pronation_measure_priority", list(PRONATION_INDICES)),
            list,
            "classification.pronation_measure_priority",
            "a list of index names",
        )
    )
    for name, allowed in ((arch_priority, ARCH_INDICES), (pron_priority, PRONATION_INDICES)):
        for item in name:
            if item not in allowed:
                raise ThresholdsError(f"{shown(item)} in a measure priority list is not one of {', '.join(allowed)}")
    allowance_range = _typed(siz["allowance_range_mm"], list, "sizing.allowance_range_mm", "a list [low, high]")
    if len(allowance_range) != 2:
        raise ThresholdsError("sizing.allowance_range_mm must be a list [low, high] in mm")
    lo, hi = (_number(x, "sizing.allowance_range_mm") for x in allowance_range)
    return Thresholds(
        rules=rules,
        adult_age_years=_number(pop["adult_age_years"], "population.adult_age_years"),
        normal_development_until_age_years=_number(
            pop["normal_development_until_age_years"], "population.normal_development_until_age_years"
        ),
        arch_measure_priority=arch_priority,
        pronation_measure_priority=pron_priority,
        nd_upper_limit_mm=limits,
        nd_default_criterion=NavicularDropCriterion.parse(
            nd.get("default_criterion", "mueller"), "navicular_drop_mm.default_criterion"
        ),
        fpi6_asymmetry_normal_max_abs=_number(asym["fpi6_normal_max_abs"], "asymmetry.fpi6_normal_max_abs"),
        fpi6_asymmetry_severe_above_abs=_number(asym["fpi6_severe_above_abs"], "asymmetry.fpi6_severe_above_abs"),
        fpi6_asymmetry_source=str(asym["fpi6_source"]),
        foot_length_difference_flag_mm=_number(asym["foot_length_flag_mm"], "asymmetry.foot_length_flag_mm"),
        foot_length_difference_source=str(asym["foot_length_source"]),
        heel_lift_fraction=_number(leg["heel_lift_fraction"], "leg_length.heel_lift_fraction"),
        heel_lift_min_difference_mm=_number(
            leg["heel_lift_min_difference_mm"], "leg_length.heel_lift_min_difference_mm"
        ),
        heel_lift_source=str(leg["heel_lift_source"]),
        lld_usually_significant_from_mm=_number(
            leg["usually_significant_from_mm"], "leg_length.usually_significant_from_mm"
        ),
        lld_significance_source=str(leg["significance_source"]),
        sizing=SizingRules(
            allowance_mm=_number(siz["allowance_mm"], "sizing.allowance_mm"),
            allowance_range_mm=(lo, hi),
            **{
                k: _number(siz[k], f"sizing.{k}")
                for k in sorted(_SIZING_KEYS - {"allowance_mm", "allowance_range_mm", "source"})
            },
            source=str(siz["source"]),
        ),
        population_source=str(pop.get("source", "")),
        truncated_length=TruncatedLengthRatio(
            **{
                k: _number(est[k], f"truncated_length_estimate.{k}")
                for k in sorted(_ESTIMATE_KEYS - {"ratio_source", "uncertainty_source"})
            },
            ratio_source=str(est["ratio_source"]),
            uncertainty_source=str(est["uncertainty_source"]),
        ),
        pressure=PressureTargets(
            offload_target_kpa=_number(pre["offload_target_kpa"], "pressure.offload_target_kpa"),
            reduction_target_pct=_number(pre["reduction_target_pct"], "pressure.reduction_target_pct"),
            target_source=str(pre["target_source"]),
            hot_spot_share=_number(pre["hot_spot_share"], "pressure.hot_spot_share"),
            hot_spot_source=str(pre["hot_spot_source"]),
        ),
    )


def _table(raw: dict[str, Any], name: str, keys: set[str]) -> dict[str, Any]:
    table = raw.get(name)
    if not isinstance(table, dict):
        raise ThresholdsError(f"the thresholds have no [{name}] table")
    check_keys(table, keys, f"[{name}] of the thresholds", ThresholdsError)
    return table


def _typed(value: Any, kind: type, where: str, what: str) -> Any:
    if not isinstance(value, kind):
        raise ThresholdsError(f"{where} must be {what}, not {shown(value)}")
    return value


#: The legal range of each single-number threshold, by its dotted name [D]: wide enough for
#: any published convention, narrow enough that a typo (0, 1e308) cannot divide by zero or
#: size a shoe 1e307 long.
LIMITS: dict[str, tuple[float, float]] = {
    "population.adult_age_years": (1.0, 30.0),
    "population.normal_development_until_age_years": (0.0, 30.0),
    "asymmetry.fpi6_normal_max_abs": (0.0, 24.0),
    "asymmetry.fpi6_severe_above_abs": (0.0, 24.0),
    "asymmetry.foot_length_flag_mm": (0.0, 50.0),
    "leg_length.heel_lift_fraction": (0.0, 1.0),
    "pressure.offload_target_kpa": (50.0, 2000.0),
    "pressure.reduction_target_pct": (1.0, 90.0),
    "pressure.hot_spot_share": (0.1, 1.0),
    "leg_length.heel_lift_min_difference_mm": (0.0, 50.0),
    "leg_length.usually_significant_from_mm": (0.0, 100.0),
    "sizing.allowance_mm": (0.0, 60.0),
    "sizing.allowance_range_mm": (0.0, 60.0),
    "sizing.mondopoint_step_mm": (1.0, 20.0),
    "sizing.eu_per_cm": (0.5, 5.0),
    "sizing.uk_adult_brannock_offset": (-60.0, 60.0),
    "sizing.uk_child_brannock_offset": (-60.0, 60.0),
    "sizing.us_men_brannock_offset": (-60.0, 60.0),
    "sizing.us_women_brannock_offset": (-60.0, 60.0),
    "sizing.us_child_brannock_offset": (-60.0, 60.0),
    "sizing.brannock_allowance_mm": (0.0, 60.0),
    "sizing.half_size_step": (0.1, 2.0),
    # A ratio outside 0.5-0.9 is no adult foot's (ANSUR II: 0.688-0.798); an SD or a
    # scanner's uncertainty of 0 would claim a certainty no estimate has.
    "truncated_length_estimate.ratio_mean": (0.5, 0.9),
    "truncated_length_estimate.ratio_sd": (0.001, 0.1),
    "truncated_length_estimate.coverage_factor": (1.0, 4.0),
    "truncated_length_estimate.foot_length_uncertainty_mm": (0.1, 20.0),
    "truncated_length_estimate.dorsal_height_uncertainty_mm": (0.1, 20.0),
}


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ThresholdsError(f"{where} must be a finite number, not {shown(value)}")
    if where in LIMITS:
        lo, hi = LIMITS[where]
        if not lo <= value <= hi:
            raise ThresholdsError(f"{where} = {value:g} is out of range: it must be {lo:g} to {hi:g}")
    return float(value)


def _rule(name: str, table: dict[str, Any]) -> IndexRule:
    groups = []
    suggests_enum = ArchType if name in ARCH_INDICES else Pronation
    for i, g in enumerate(_typed(table.get("groups", []), list, f"{name}.groups", "a list of tables")):
        where = f"{name}.groups[{i}]"
        if not isinstance(g, dict):
            raise ThresholdsError(f"{where} must be a table")
        check_keys(g, _GROUP_KEYS, where, ThresholdsError)
        bands = []
        for j, b in enumerate(_typed(g.get("bands", []), list, f"{where}.bands", "a list of tables")):
            bw = f"{where}.bands[{j}]"
            if not isinstance(b, dict):
                raise ThresholdsError(f"{bw} must be a table")
            check_keys(b, _BAND_KEYS, bw, ThresholdsError)
            if "label" not in b or "suggests" not in b:
                raise ThresholdsError(f"{bw} needs a 'label' and a 'suggests'")
            try:
                suggests = suggests_enum.parse(b["suggests"], f"{bw}.suggests").value
            except Exception as err:
                raise ThresholdsError(str(err)) from None
            upper = b.get("upper")
            bands.append(
                Band(
                    str(b["label"]),
                    suggests,
                    None if upper is None else _number(upper, f"{bw}.upper"),
                    bool(b.get("upper_inclusive", False)),
                    b.get("severity"),
                )
            )
        if bands:
            if bands[-1].upper is not None:
                raise ThresholdsError(f"the last band of {where} must have no 'upper'")
            uppers = [b.upper for b in bands[:-1] if b.upper is not None]
            if len(uppers) != len(bands) - 1 or uppers != sorted(uppers):
                raise ThresholdsError(f"the bands of {where} must have increasing 'upper' limits")
        max_age = g.get("max_age_years")
        groups.append(
            AgeGroup(
                _number(g.get("min_age_years", 0), f"{where}.min_age_years"),
                None if max_age is None else _number(max_age, f"{where}.max_age_years"),
                tuple(bands),
                g.get("source"),
                g.get("note"),
            )
        )
    return IndexRule(
        name, str(table.get("title", name)), str(table.get("formula", "")), str(table.get("source", "")), tuple(groups)
    )
