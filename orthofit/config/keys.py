"""Checking the keys of user-written tables (case files, thresholds files).

A misspelt key must never be silently ignored: a podiatrist who writes ``navicular_drp_mm``
would otherwise get an assessment without the measurement they typed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from orthofit.errors import UserError, shown


def closest_key(key: str, valid: Iterable[str]) -> str | None:
    """Return the valid key most like ``key``, or None when nothing is close."""
    matches = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.6)
    return matches[0] if matches else None


def check_keys(
    table: Mapping[str, object],
    valid: Iterable[str],
    where: str,
    error: type[UserError] = UserError,
) -> None:
    """Raise ``error`` naming the first unknown key in ``table`` and the closest valid one.

    Parameters
    ----------
    table : mapping
        The parsed table.
    valid : iterable of str
        The keys allowed in it.
    where : str
        Where the table sits, for the message (``"[left]"``, ``"the thresholds file"``).
    """
    valid = list(valid)
    for key in table:
        if key not in valid:
            hint = closest_key(key, valid)
            fix = f"did you mean '{hint}'?" if hint else "valid keys: " + ", ".join(sorted(valid))
            raise error(f"unknown key {shown(key)} in {where}: {fix}")
