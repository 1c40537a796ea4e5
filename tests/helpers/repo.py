"""Where things are: the checkout, its examples and profiles, and the real data beside it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"

#: The prescription profiles shipped in profiles/ (sorted; ``_rules.toml`` is not a profile).
#: The profile each example's insoles are made with where a test needs an insole of every
#: example: the child's flexible flat feet need none (issue 17), so its insole is the flat
#: comfort insole, made on request; every other example takes the default.
EXAMPLE_PROFILE = {"child": "comfort"}


def example_profile(name: str) -> str:
    return EXAMPLE_PROFILE.get(name, "neutral")


SHIPPED_PROFILES = [
    "cavus-accommodative",
    "comfort",
    "low-profile",
    "neutral",
    "plantar-heel-pain",
    "pronation-control",
    "sport",
]

#: The real scans of ../shared/data/scans the tests load: key -> (file name, the foot it is).
REAL_SCANS = {
    "dupontgu-left": ("dupontgu_left_foot_m.stl", "left"),
    "dupontgu-right": ("dupontgu_right_foot_m.stl", "right"),
    "find-left": ("find_template_lowres_left_m.obj", "left"),
}


def shared_data(*parts: str) -> Path:
    """A file of ../shared/data; fail loudly (not skip) when it is missing.

    A test that calls this must carry the ``shared_data`` marker.
    """
    path = SHARED.joinpath("data", *parts)
    assert path.exists(), f"{path} is missing: the tests need ../shared beside the checkout"
    return path
