"""Reading user files (TOML cases, profiles, thresholds; scans) with one-line errors that name them."""

from __future__ import annotations

import os
import stat
import tomllib
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from orthofit.config.limits import MAX_FILE_BYTES, MAX_TOML_INTEGER, MB
from orthofit.errors import UserError


def read_bytes(path: Path | Traversable, what: str, error: type[UserError], kind: str = "") -> bytes:
    """The bytes of the ``what`` file at ``path``, refused before reading when it is not a
    regular file (a FIFO would hang, ``/dev/zero`` never ends) or is larger than its limit in
    :data:`orthofit.config.limits.MAX_FILE_BYTES`; every failure raises ``error`` with one
    line that says what to give instead.
    """
    limit = MAX_FILE_BYTES[what]
    if not isinstance(path, Path):  # a file shipped inside the package
        return path.read_bytes()
    try:
        # O_NONBLOCK: opening a FIFO for reading would wait for a writer; the type is checked
        # on the open descriptor, so the file cannot be swapped between the check and the read.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise error(f"{what} file not found: {path}") from None
    except IsADirectoryError:
        raise error(f"{path} is a folder; give the path of a {what} file{kind}") from None
    except OSError as err:
        raise error(f"cannot read {what} file {path}: {err.strerror}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        if stat.S_ISDIR(st.st_mode):
            raise error(f"{path} is a folder; give the path of a {what} file{kind}")
        raise error(f"{path} is not a regular file (a {_file_type(st.st_mode)}); give the path of a {what} file{kind}")
    if st.st_size > limit:
        os.close(fd)
        raise error(_too_big(path, what, st.st_size, limit))
    with os.fdopen(fd, "rb") as fh:
        try:
            data = fh.read(limit + 1)  # the file may have grown since fstat
        except OSError as err:
            raise error(f"cannot read {what} file {path}: {err.strerror}") from None
    if len(data) > limit:
        raise error(_too_big(path, what, len(data), limit))
    return data


def _too_big(path: Path, what: str, size: int, limit: int) -> str:
    return (
        f"{path} is {size / MB:.1f} MB; a {what} file may be at most {limit / MB:g} MB "
        "(see 'Input limits' in the README)"
    )


def _file_type(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "named pipe"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return name
    return "special file"


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
        table = tomllib.loads(data.decode("utf-8-sig"))  # a byte-order mark (Windows editors) is fine
    except UnicodeDecodeError:
        raise error(f"{path} is not a text file in UTF-8; save the {what} file as UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as err:
        raise error(f"{what} file {path} is not valid TOML ({err}); check the syntax on that line") from None
    except RecursionError:  # tomllib recurses once per level of nesting
        raise error(f"{what} file {path} nests arrays or tables too deeply; it is not a {what} file") from None
    _check_values(table, path, what, error, 0)
    return table


#: Deepest nesting of tables and arrays in an accepted TOML file (orthofit's need 4).
MAX_TOML_DEPTH = 32


def _check_values(value: Any, path: Path | Traversable, what: str, error: type[UserError], depth: int) -> None:
    """Refuse nesting deeper than :data:`MAX_TOML_DEPTH` and whole numbers beyond
    :data:`MAX_TOML_INTEGER` (a 400-digit number is no measurement, and would overflow a float).
    """
    if depth > MAX_TOML_DEPTH:
        raise error(
            f"{what} file {path} nests arrays or tables more than {MAX_TOML_DEPTH} deep; it is not a {what} file"
        )
    if isinstance(value, dict):
        for v in value.values():
            _check_values(v, path, what, error, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _check_values(v, path, what, error, depth + 1)
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_TOML_INTEGER:
        raise error(
            f"{what} file {path} holds a whole number of {len(str(abs(value)))} digits; "
            f"numbers beyond ±{MAX_TOML_INTEGER:.0e} are not measurements or settings"
        )
