"""PrusaSlicer print profiles shipped with orthofit (``profiles/print/*.ini``).

An insole's 3MF carries its print profile as PrusaSlicer project settings
(``Metadata/Slic3r_PE.config``), so a lab that opens the 3MF in PrusaSlicer gets the settings
it was designed to print with; the ``.ini`` file itself loads the same settings for the STL
(``prusa-slicer --load FILE.ini``). The values and their sources are in the files and in
``docs/print-profiles.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from orthofit.config.profiles import profiles_dir
from orthofit.errors import OrthofitError


class PrintProfileError(OrthofitError):
    """A shipped print profile is missing or malformed (a fault of the installation)."""


#: The profile an insole is printed with, by construction (issue 15) [D].
INSOLE_PRINT_PROFILE = "tpu-95a-insole"
SHELL_PRINT_PROFILE = "pla-petg-shell"

#: A setting line of a PrusaSlicer .ini: ``key = value`` (PrusaSlicer's keys are lower-case
#: words joined by underscores).
_SETTING = re.compile(r"^([a-z][a-z0-9_]*) = (.*)$")
#: A shipped profile is a few kB; anything larger is not one.
_MAX_CHARS = 64_000


@dataclass(frozen=True)
class PrintProfile:
    """A named set of PrusaSlicer settings, in file order."""

    name: str
    settings: tuple[tuple[str, str], ...]

    def value(self, key: str) -> str:
        return dict(self.settings)[key]


@lru_cache(maxsize=8)
def print_profile(name: str) -> PrintProfile:
    """The shipped print profile ``name`` (``profiles/print/NAME.ini``), read once per process
    (a batch builds thousands of insoles; the shipped files do not change while it runs).

    Raises
    ------
    PrintProfileError
        No such profile, or a line that is neither a comment, blank nor ``key = value``.
    """
    path = profiles_dir().joinpath("print", f"{name}.ini")
    if not path.is_file():
        raise PrintProfileError(f"no print profile {name!r}: the shipped ones are in profiles/print/")
    text = path.read_text(encoding="utf-8")
    if len(text) > _MAX_CHARS:
        raise PrintProfileError(
            f"print profile {name!r} is over {_MAX_CHARS} characters: it is not a PrusaSlicer profile"
        )
    settings = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _SETTING.match(line)
        if match is None or any(ord(c) < 32 for c in line):
            raise PrintProfileError(f"print profile {name!r}, line {number}: not a PrusaSlicer 'key = value' line")
        settings.append((match.group(1), match.group(2)))
    return PrintProfile(name, tuple(settings))


def slicer_project_config(profile: PrintProfile) -> str:
    """The profile as PrusaSlicer's project settings inside a 3MF (``Metadata/Slic3r_PE.config``:
    ``; key = value`` lines, as PrusaSlicer reads them from a 3MF or a G-code file).
    """
    lines = [f"; orthofit print profile {profile.name}", ""]
    lines += [f"; {key} = {value}" for key, value in profile.settings]
    return "\n".join(lines) + "\n"
