"""Prescription profiles: a named starting point for the insole and the amounts of its rules.

A profile is a TOML file::

    name = "sport"
    description = "One plain sentence a clinician reads."
    [params]                      # any InsoleParams field -> value, over the InsoleParams defaults
    heel_cup_depth_mm = 14
    [rules.pronated_or_planus]    # overrides of profiles/_rules.toml, table by table
    pronation_control = "post"

The shipped profiles live in the top-level ``profiles/`` folder of the repository, which
installs as the package data ``orthofit/profiles/``; ``profiles/_rules.toml`` holds the
default rule amounts with their sources (clinical-basis.md §5). A misspelt key anywhere is an
error naming the closest valid key: a silently ignored key would silently change an insole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from orthofit.config.keys import check_keys, closest_key
from orthofit.config.params import FEATURE_NAMES, PARAMETERS, InsoleParams, check_names
from orthofit.config.tomlfile import read_toml
from orthofit.errors import CaseFileError, ValidationError, shown

#: Name of the rule-defaults file in the profiles folder; not itself a profile.
RULES_FILE = "_rules.toml"

#: The ways a pronated or flat foot's rearfoot can be controlled (clinical-basis.md §5).
PRONATION_CONTROLS = ("skive", "post", "both")

# Each rule amount is checked against the range of the InsoleParams field it sets, so a
# profile cannot ask for an amount the insole would refuse. Arch raises have their own
# range: the 0 to +6 mm "arch fill / raise" of clinical-basis.md §5.
_ARCH_RAISE_RANGE_MM = (0.0, 6.0)
# skive (mm) + post (deg) above which Huppin's deep cup applies; both are at most 8 (params).
_SUM_RANGE = (0.0, 16.0)


@dataclass(frozen=True)
class PronatedOrPlanusRules:
    """Amounts for a pronated or planus foot (clinical-basis.md §5: Kirby, Huppin, Sweeney)."""

    pronation_control: str
    skive_mm: float
    skive_highly_pronated_mm: float
    varus_post_deg: float
    arch_raise_mm: float
    heel_cup_with_skive_min_mm: float
    heel_cup_deep_min_mm: float
    heel_cup_deep_when_sum_above: float


@dataclass(frozen=True)
class SupinatedOrCavusRules:
    """Amounts for a supinated or cavus foot (cushion, lateral support, cup, arch fill)."""

    heel_cup_min_mm: float
    lateral_arch_height_mm: float
    heel_cushion_mm: float
    arch_raise_mm: float


@dataclass(frozen=True)
class HeelPainRules:
    """Amounts for plantar heel pain."""

    heel_cushion_mm: float
    heel_spur_relief_mm: float


@dataclass(frozen=True)
class ForefootPainRules:
    """Amounts for forefoot pain (the pad position is InsoleParams.met_pad_offset_mm)."""

    met_pad_height_mm: float


@dataclass(frozen=True)
class LegLengthRules:
    """The in-shoe heel-lift cap; fraction and minimum come from the thresholds."""

    heel_lift_max_mm: float


@dataclass(frozen=True)
class ShellRules:
    """A shell's thickness by foot posture and body weight (McCormick 2013), and the factor that
    turns a polypropylene thickness into the print material's.
    """

    pp_cavoid_light_mm: float
    pp_middle_mm: float
    pp_pronated_heavy_mm: float
    weight_split_kg: float
    thickness_factor: float


@dataclass(frozen=True)
class ComfortRules:
    """The flat comfort insole made for a foot the assessment says needs none (a child's
    flexible flat foot), when the clinician asks for one: no arch support, a shallow cup.
    """

    arch_height_mm: float
    heel_cup_depth_mm: float


@dataclass(frozen=True)
class RuleSettings:
    """Every rule amount, one frozen table per finding (the tables of ``_rules.toml``)."""

    pronated_or_planus: PronatedOrPlanusRules
    supinated_or_cavus: SupinatedOrCavusRules
    heel_pain: HeelPainRules
    forefoot_pain: ForefootPainRules
    leg_length: LegLengthRules
    shell: ShellRules
    comfort: ComfortRules
    #: Amounts of the plug-in features' rules: a table per feature (named as the feature in
    #: orthofit/data/parameters.toml), each key a parameter of that feature -> its amount.
    features: dict[str, dict[str, float]] = field(default_factory=dict)

    def feature(self, name: str) -> dict[str, float]:
        """The rule amounts of feature ``name`` (empty when it has none)."""
        return self.features.get(name, {})


#: Table name in _rules.toml -> the dataclass it builds.
_TABLES: dict[str, type] = {
    "pronated_or_planus": PronatedOrPlanusRules,
    "supinated_or_cavus": SupinatedOrCavusRules,
    "heel_pain": HeelPainRules,
    "forefoot_pain": ForefootPainRules,
    "leg_length": LegLengthRules,
    "shell": ShellRules,
    "comfort": ComfortRules,
}


def _param_range(name: str) -> tuple[float, float, str]:
    spec = PARAMETERS[name]
    return spec.low, spec.high, spec.unit


#: (table, rule key) -> (low, high, unit) of its legal values.
_RANGES: dict[tuple[str, str], tuple[float, float, str]] = {
    # A rule skive is a real skive: 2-8 mm (Kirby, params); 0 would make "skive" mean "none".
    ("pronated_or_planus", "skive_mm"): (2.0, _param_range("medial_heel_skive_mm")[1], "mm"),
    ("pronated_or_planus", "skive_highly_pronated_mm"): (2.0, _param_range("medial_heel_skive_mm")[1], "mm"),
    ("pronated_or_planus", "varus_post_deg"): (0.0, _param_range("rearfoot_post_deg")[1], "deg"),
    ("pronated_or_planus", "arch_raise_mm"): (*_ARCH_RAISE_RANGE_MM, "mm"),
    ("pronated_or_planus", "heel_cup_with_skive_min_mm"): _param_range("heel_cup_depth_mm"),
    ("pronated_or_planus", "heel_cup_deep_min_mm"): _param_range("heel_cup_depth_mm"),
    ("pronated_or_planus", "heel_cup_deep_when_sum_above"): (*_SUM_RANGE, "(mm + deg)"),
    ("supinated_or_cavus", "heel_cup_min_mm"): _param_range("heel_cup_depth_mm"),
    ("supinated_or_cavus", "lateral_arch_height_mm"): _param_range("lateral_arch_height_mm"),
    ("supinated_or_cavus", "heel_cushion_mm"): _param_range("heel_cushion_mm"),
    ("supinated_or_cavus", "arch_raise_mm"): (*_ARCH_RAISE_RANGE_MM, "mm"),
    ("heel_pain", "heel_cushion_mm"): _param_range("heel_cushion_mm"),
    ("heel_pain", "heel_spur_relief_mm"): _param_range("heel_spur_relief_mm"),
    ("forefoot_pain", "met_pad_height_mm"): _param_range("met_pad_height_mm"),
    ("leg_length", "heel_lift_max_mm"): _param_range("heel_lift_mm"),
    ("shell", "pp_cavoid_light_mm"): (1.0, 8.0, "mm"),
    ("shell", "pp_middle_mm"): (1.0, 8.0, "mm"),
    ("shell", "pp_pronated_heavy_mm"): (1.0, 8.0, "mm"),
    ("shell", "weight_split_kg"): (20.0, 200.0, "kg"),
    ("shell", "thickness_factor"): (0.5, 1.5, ""),
    ("comfort", "arch_height_mm"): _param_range("arch_height_mm"),
    ("comfort", "heel_cup_depth_mm"): _param_range("heel_cup_depth_mm"),
}

_PROFILE_KEYS = ("name", "description", "make_when_not_needed", "params", "rules")


@dataclass(frozen=True)
class Profile:
    """A loaded, validated profile.

    Attributes
    ----------
    name : str
        The profile's name (for shipped profiles, the file name without ``.toml``).
    description : str
        One plain sentence for the clinician.
    params : dict
        InsoleParams field -> value: the profile's starting point over the InsoleParams defaults.
    rules : RuleSettings
        ``_rules.toml`` merged with the profile's ``[rules]``.
    path : Path or None
        Where it was read from (None for a resource that is not a file on disk).
    make_when_not_needed : bool
        Make the flat comfort insole (``[comfort]`` rules) also for a foot the assessment says
        needs none; without it such a foot gets no insole, and the report says why.
    """

    name: str
    description: str
    params: dict[str, Any]
    rules: RuleSettings
    path: Path | None
    make_when_not_needed: bool = False

    def start_params(self) -> InsoleParams:
        """The InsoleParams defaults with the profile's [params] applied."""
        return InsoleParams(**self.params)


def profiles_dir() -> Traversable:
    """The folder of the shipped profiles.

    A source checkout (and an editable install) has ``profiles/`` beside the package; an
    installed orthofit has it as the package data ``orthofit/_profiles`` (see pyproject.toml).
    """
    import orthofit

    source = Path(orthofit.__file__).resolve().parents[1] / "profiles"
    if (source / RULES_FILE).is_file():  # not any "profiles" folder beside site-packages/orthofit
        return source
    return resources.files("orthofit").joinpath("_profiles")


def profile_names() -> list[str]:
    """Names of the shipped profiles, sorted (``_rules`` and other ``_`` files excluded)."""
    return sorted(
        p.name[: -len(".toml")]
        for p in profiles_dir().iterdir()
        if p.name.endswith(".toml") and not p.name.startswith("_")
    )


def default_rules() -> RuleSettings:
    """The rule amounts of ``_rules.toml``, validated."""
    return _rules_from(default_rules_raw(), {}, RULES_FILE)


def load_profile(name_or_path: str | Path) -> Profile:
    """Load a shipped profile by name (``"sport"``) or a user profile by path.

    A value that is a :class:`~pathlib.Path`, ends in ``.toml`` or contains a path separator
    is read as a file; anything else is a shipped profile's name.

    Raises
    ------
    ValidationError
        Unknown profile name (the message lists the available ones); an unknown key (the
        message names the closest valid one); a value of the wrong type or out of range.
    CaseFileError
        The file cannot be read or is not valid TOML.
    """
    if isinstance(name_or_path, Path) or _looks_like_path(str(name_or_path)):
        path = Path(name_or_path)
        raw = _read(path, "profile")
        return _build(raw, str(path), path)
    name = str(name_or_path).strip()
    names = profile_names()
    if name not in names:
        hint = closest_key(name, names)
        fix = f"did you mean '{hint}'? " if hint else ""
        raise ValidationError(
            f"unknown profile {shown(name)}: {fix}available profiles: {', '.join(names)} "
            "(or give the path of your own .toml profile)"
        )
    res = profiles_dir().joinpath(f"{name}.toml")
    raw = _read(res, "profile")
    profile = _build(raw, f"profile '{name}'", res if isinstance(res, Path) else None)
    if profile.name != name:  # a shipped file must be found under the name it declares
        raise ValidationError(f"profile file {name}.toml declares name = {shown(profile.name)}; they must match")
    return profile


def _looks_like_path(text: str) -> bool:
    return text.endswith(".toml") or "/" in text or "\\" in text


def _read(source: Path | Traversable, what: str) -> dict[str, Any]:
    """Parse a TOML file; every failure is one line naming the file."""
    return read_toml(source, what, CaseFileError)


def _build(raw: dict[str, Any], where: str, path: Path | None) -> Profile:
    check_keys(raw, _PROFILE_KEYS, f"{where} (top level)", ValidationError)
    for key in ("name", "description"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f'{where} needs {key} = "..." (a non-empty string) at the top level')
    make = raw.get("make_when_not_needed", False)
    if not isinstance(make, bool):
        raise ValidationError(f"make_when_not_needed in {where} must be true or false, not {shown(make)}")
    params = _table(raw, "params", where)
    rules = _table(raw, "rules", where)
    check_names(params, f"[params] of {where}")
    try:
        start = InsoleParams(**params)  # the profile's values must make a valid insole
    except ValidationError as err:
        raise ValidationError(f"[params] of {where}: {err}") from None
    except TypeError as err:  # e.g. a table where a number belongs
        raise ValidationError(f"[params] of {where}: {err}") from None
    validated = {k: v for k, v in start.as_dict().items() if k in params}
    return Profile(
        name=raw["name"].strip(),
        description=" ".join(raw["description"].split()),
        params=validated,
        rules=_rules_from(default_rules_raw(), rules, where),
        path=path,
        make_when_not_needed=make,
    )


def default_rules_raw() -> dict[str, Any]:
    """The parsed ``_rules.toml`` (unvalidated; :func:`default_rules` validates it)."""
    return _read(profiles_dir().joinpath(RULES_FILE), "rules file")


def _table(raw: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ValidationError(f"'{key}' in {where} must be a table: write it as [{key}] on its own line")
    return value


def _rules_from(base: dict[str, Any], user: dict[str, Any], where: str) -> RuleSettings:
    """Merge a profile's [rules] into the defaults table by table, then validate every value."""
    tables = (*_TABLES, *FEATURE_NAMES)
    check_keys(base, tables, f"{RULES_FILE}", ValidationError)
    check_keys(user, tables, f"[rules] of {where}", ValidationError)
    built: dict[str, Any] = {"features": _feature_rules(base, user, where)}
    for table, cls in _TABLES.items():
        defaults = base.get(table)
        if not isinstance(defaults, dict):
            raise ValidationError(f"{RULES_FILE} has no [{table}] table")
        override = user.get(table, {})
        if not isinstance(override, dict):
            raise ValidationError(f"rules.{table} in {where} must be a table: write it as [rules.{table}]")
        keys = [f.name for f in fields(cls)]
        check_keys(defaults, keys, f"[{table}] of {RULES_FILE}", ValidationError)
        check_keys(override, keys, f"[rules.{table}] of {where}", ValidationError)
        merged = {**defaults, **override}
        values = {}
        for key in keys:
            if key not in merged:
                raise ValidationError(f"{RULES_FILE} [{table}] is missing {key}")
            source = where if key in override else RULES_FILE
            values[key] = _rule_value(table, key, merged[key], source)
        built[table] = cls(**values)
    return RuleSettings(**built)


def _feature_rules(base: dict[str, Any], user: dict[str, Any], where: str) -> dict[str, dict[str, float]]:
    """The feature tables: each key is a parameter of that feature, checked against its range."""
    out: dict[str, dict[str, float]] = {}
    for table in FEATURE_NAMES:
        defaults, override = base.get(table, {}), user.get(table, {})
        if not isinstance(defaults, dict) or not isinstance(override, dict):
            raise ValidationError(f"rules.{table} in {where} must be a table: write it as [rules.{table}]")
        keys = [n for n, spec in PARAMETERS.items() if spec.feature == table]
        check_keys(defaults, keys, f"[{table}] of {RULES_FILE}", ValidationError)
        check_keys(override, keys, f"[rules.{table}] of {where}", ValidationError)
        merged = {**defaults, **override}
        if merged:
            out[table] = {
                k: _number_in(
                    PARAMETERS[k].low,
                    PARAMETERS[k].high,
                    PARAMETERS[k].unit,
                    v,
                    f"{where if k in override else RULES_FILE}: rules.{table}.{k}",
                )
                for k, v in merged.items()
            }
    return out


def _number_in(lo: float, hi: float, unit: str, value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValidationError(f"{name} must be a number ({lo:g} to {hi:g} {unit}), not {shown(value)}")
    if not lo <= value <= hi:
        raise ValidationError(f"{name} = {value:g} is out of range: it must be {lo:g} to {hi:g} {unit}")
    return float(value)


def _rule_value(table: str, key: str, value: Any, where: str) -> Any:
    name = f"{where}: rules.{table}.{key}"
    if key == "pronation_control":
        if value not in PRONATION_CONTROLS:
            raise ValidationError(
                f"{name} = {shown(value)} is not valid; use one of " + ", ".join(repr(c) for c in PRONATION_CONTROLS)
            )
        return value
    lo, hi, unit = _RANGES[(table, key)]
    return _number_in(lo, hi, unit, value, name)
