"""One settings object for a whole run, built once from the command line or the API.

Every pipeline step takes the same :class:`Settings`, so the thresholds the assessment
uses are the ones the prescription words its reasons with and the report prints its usual
ranges from; no step falls back to the shipped defaults on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orthofit.config.clinic import Clinic, load_clinic
from orthofit.config.params import Choice, InsoleLength, check_names
from orthofit.config.profiles import Profile, load_profile
from orthofit.config.shoes import ShoeInside
from orthofit.config.templates import check_template, load_report_template
from orthofit.config.thresholds import Thresholds, load_thresholds
from orthofit.errors import ValidationError, shown
from orthofit.model.enums import NavicularDropCriterion, Paper, Slicer

#: Mesh resolutions: target triangle edge length, mm (``--fine`` takes the second).
DEFAULT_EDGE_MM = 1.5
FINE_EDGE_MM = 0.5
#: Size systems of ``--shoe-size SYSTEM:SIZE``.
SIZE_SYSTEMS = ("eu", "uk", "us-men", "us-women", "mondopoint")

#: A value of an insole parameter as set by the clinician: a number, or the insole length.
Override = float | Choice


@dataclass(frozen=True)
class ShoeSizeRequest:
    """Make the insole as long as this shoe's inside: ``system`` one of :data:`SIZE_SYSTEMS`."""

    system: str
    size: float

    @classmethod
    def parse(cls, text: str) -> ShoeSizeRequest:
        """``"eu:42"`` -> ShoeSizeRequest("eu", 42.0)."""
        system, sep, size = text.partition(":")
        try:
            value = float(size)
        except ValueError:
            value = float("nan")
        if not sep or system.strip().lower() not in SIZE_SYSTEMS or not 0 < value < 400:
            raise ValidationError(
                f"--shoe-size {shown(text)}: write SYSTEM:SIZE with SYSTEM one of "
                f"{', '.join(SIZE_SYSTEMS)}, e.g. --shoe-size eu:42"
            )
        return cls(system.strip().lower(), value)


@dataclass(frozen=True)
class Settings:
    """Everything a run is configured with besides the case.

    Attributes
    ----------
    thresholds : Thresholds
        Clinical cut-offs (the shipped ones, or merged with ``--thresholds``).
    profile : Profile
        The prescription profile: starting parameters and rule amounts.
    template : dict
        The report's wording (checked: every ``{field}`` is one orthofit fills).
    paper : Paper
    edge_mm : float
        Mesh edge length of the insoles, mm.
    overrides : dict of str -> float or InsoleLength
        Insole parameters set by the clinician (``--set``, ``--length``), applied last.
    shoe_size : ShoeSizeRequest or None
    shoe_inside : ShoeInside or None
        A shoe's inside as the lab measured it (``--shoe-inside``): the insole must fit it.
    nd_criterion : NavicularDropCriterion
        Upper limit of normal navicular drop.
    profile_requested : str
        The profile as asked for (a shipped name or a path), for the manifest.
    files : dict of str -> Path
        The settings files given ("profile", "thresholds", "template", "clinic"), for the manifest.
    """

    thresholds: Thresholds
    profile: Profile
    template: dict[str, Any]
    paper: Paper = Paper.A4
    edge_mm: float = DEFAULT_EDGE_MM
    overrides: dict[str, Override] = field(default_factory=dict)
    shoe_size: ShoeSizeRequest | None = None
    nd_criterion: NavicularDropCriterion | None = None
    shoe_inside: ShoeInside | None = None
    slicers: tuple[Slicer, ...] = (Slicer.PRUSA,)
    profile_requested: str = "neutral"
    files: dict[str, Path] = field(default_factory=dict)
    #: The clinic shown on both documents (``--clinic FILE``; the default shows the case's).
    clinic: Clinic = field(default_factory=Clinic)

    @property
    def criterion(self) -> NavicularDropCriterion:
        """The navicular-drop criterion in force (the thresholds' default unless chosen)."""
        return self.nd_criterion or self.thresholds.nd_default_criterion


def load_settings(
    profile: str | Path = "neutral",
    thresholds: str | Path | None = None,
    template: str | Path | None = None,
    paper: str | Paper = Paper.A4,
    fine: bool = False,
    overrides: Mapping[str, Override] | None = None,
    shoe_size: str | ShoeSizeRequest | None = None,
    nd_criterion: str | NavicularDropCriterion | None = None,
    length: str | InsoleLength | None = None,
    shoe_inside: str | None = None,
    slicer: str = "prusa",
    clinic: str | Path | None = None,
) -> Settings:
    """Build the settings of a run from option values (names, paths and strings as typed).

    Raises
    ------
    UserError
        A settings file is missing or invalid, or an option's value is not valid (one line
        saying what and how to fix it). Nothing has been built.
    """
    prof = load_profile(profile)
    th = load_thresholds(thresholds)
    tpl = load_report_template(template)
    check_template(tpl)
    values: dict[str, Override] = dict(overrides or {})
    check_names(values, "the overrides (--set)")
    if length is not None:
        values["length"] = InsoleLength.parse(length, "--length")
    files = {name: Path(p) for name, p in (("thresholds", thresholds), ("template", template), ("clinic", clinic)) if p}
    clinic_settings = load_clinic(clinic)
    if clinic_settings.logo_path is not None:
        files["clinic_logo"] = clinic_settings.logo_path
    if str(profile).endswith(".toml"):
        files = {"profile": Path(profile), **files}
    return Settings(
        thresholds=th,
        profile=prof,
        template=tpl,
        paper=Paper.parse(paper, "--paper"),
        edge_mm=FINE_EDGE_MM if fine else DEFAULT_EDGE_MM,
        overrides=values,
        shoe_size=ShoeSizeRequest.parse(shoe_size) if isinstance(shoe_size, str) else shoe_size,
        shoe_inside=ShoeInside.parse(shoe_inside) if shoe_inside else None,
        slicers=Slicer.parse_many(slicer, "--slicer"),
        nd_criterion=(
            NavicularDropCriterion.parse(nd_criterion, "--nd-criterion")
            if isinstance(nd_criterion, str)
            else nd_criterion
        ),
        profile_requested=str(profile),
        clinic=clinic_settings,
        files=files,
    )
