"""Reading a TOML file (case, profile or thresholds) with one-line errors that name it."""

from __future__ import annotations

import tomllib
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from .errors import UserError


def read_toml(path: Path | Traversable, what: str, error: type[UserError]) -> dict[str, Any]:
    """Parse the TOML file at ``path``.

    Parameters
    ----------
    what : str
        What the file is, for the messages ("case", "profile", "thresholds").
    error : type
        The UserError subclass to raise.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{what} file not found: {path}") from None
    except IsADirectoryError:
        raise error(f"{path} is a folder; give the path of a {what} file (.toml)") from None
    except OSError as err:
        raise error(f"cannot read {what} file {path}: {err.strerror}") from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise error(f"{path} is not a text file in UTF-8; save the {what} file as UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as err:
        raise error(f"{what} file {path} is not valid TOML ({err}); check the syntax on that line") from None
