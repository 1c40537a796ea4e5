"""Reading user files (TOML cases, profiles, thresholds; scans) with one-line errors that name them."""

from __future__ import annotations

import tomllib
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from orthofit.errors import UserError


def read_bytes(path: Path | Traversable, what: str, error: type[UserError], kind: str = "") -> bytes:
    """The bytes of the ``what`` file at ``path``; a missing, folder or unreadable path raises
    ``error`` with one line ("give the path of a {what} file{kind}").
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise error(f"{what} file not found: {path}") from None
    except IsADirectoryError:
        raise error(f"{path} is a folder; give the path of a {what} file{kind}") from None
    except OSError as err:
        raise error(f"cannot read {what} file {path}: {err.strerror}") from None


def read_toml(path: Path | Traversable, what: str, error: type[UserError]) -> dict[str, Any]:
    """Parse the TOML file at ``path``.

    Parameters
    ----------
    what : str
        What the file is, for the messages ("case", "profile", "thresholds").
    error : type
        The UserError subclass to raise.
    """
    data = read_bytes(path, what, error, " (.toml)")
    try:
        return tomllib.loads(data.decode("utf-8-sig"))  # a byte-order mark (Windows editors) is fine
    except UnicodeDecodeError:
        raise error(f"{path} is not a text file in UTF-8; save the {what} file as UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as err:
        raise error(f"{what} file {path} is not valid TOML ({err}); check the syntax on that line") from None
