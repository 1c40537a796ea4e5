"""The options several commands share, each declared once, and the settings built from them."""

from __future__ import annotations

import argparse

from orthofit.config.settings import Settings, load_settings
from orthofit.model.enums import Slicer


def debug(p: argparse.ArgumentParser) -> None:
    # --debug also after the command (the top-level one must come before it)
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def case(p: argparse.ArgumentParser) -> None:
    p.add_argument("case", help="case file (TOML) or a shop scanner's CSV (one patient, a row per foot)")


def out_dir(p: argparse.ArgumentParser, what: str = "output folder (created if missing)") -> None:
    p.add_argument("--out", required=True, metavar="DIR", help=what)


def force(p: argparse.ArgumentParser, what: str = "replace this case's files from an earlier run") -> None:
    p.add_argument("--force", action="store_true", help=what)


def json_output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON")


def thresholds(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--thresholds",
        metavar="FILE",
        help="TOML file overriding the clinical thresholds (see orthofit/data/thresholds.toml)",
    )


def template(p: argparse.ArgumentParser) -> None:
    p.add_argument("--template", metavar="FILE", help="the report's wording (default: templates/report.toml)")


def clinic(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--clinic",
        metavar="FILE",
        help="clinic settings (TOML: name, address, phone, logo, accent_colour) shown on the report and "
        "the lab sheet (default: the clinic named in the case file)",
    )


def profile(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--profile",
        default="neutral",
        metavar="NAME|PATH",
        help="prescription profile: a shipped name (neutral, pronation-control, cavus-accommodative, "
        "plantar-heel-pain, sport, low-profile, comfort) or a .toml file (default: neutral)",
    )


def paper(p: argparse.ArgumentParser) -> None:
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="the report's paper (default: a4)")


def overrides(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one insole parameter, e.g. --set heel_cup_depth_mm=14 (repeatable)",
    )


def slicer(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--slicer",
        choices=[*(s.value for s in Slicer), "all"],
        default="prusa",
        help="the slicer project written beside each plain 3MF, with the stiffness zones in that "
        "slicer's form: prusa (<id>-<side>.prusa.3mf, the default), orca (<id>-<side>.orca.3mf, for "
        "OrcaSlicer and Bambu Studio), cura (<id>-<side>.cura.3mf) or all",
    )


def side(p: argparse.ArgumentParser) -> None:
    p.add_argument("--side", choices=["left", "right"], help="which foot (default: read from the arch)")


def settings(args: argparse.Namespace) -> Settings:
    """The run's settings from whichever of the shared options the command has."""
    from orthofit.config.params import parse_set_option

    get = vars(args).get
    return load_settings(
        profile=get("profile") or "neutral",
        thresholds=get("thresholds"),
        template=get("template"),
        clinic=get("clinic"),
        paper=get("paper") or "a4",
        fine=bool(get("fine")),
        overrides=dict(parse_set_option(item) for item in get("set") or []),
        shoe_size=get("shoe_size"),
        nd_criterion=get("nd_criterion"),
        length=get("length"),
        shoe_inside=get("shoe_inside"),
        slicer=get("slicer") or "prusa",
    )
