"""The one exception tree of orthofit.

Every error a user can cause derives from :class:`UserError`; the command line prints its
message on one line and exits with status 2. Anything else that escapes is a bug in
orthofit (exit status 1). Messages say what is wrong *and* how to fix it.
"""

from __future__ import annotations


class OrthofitError(Exception):
    """Base class of every error orthofit raises on purpose."""


class UserError(OrthofitError):
    """An error in what the user gave us (a file, a value, an option)."""


class CaseFileError(UserError):
    """The case file cannot be read or is not valid TOML."""


class ValidationError(UserError):
    """A field is missing, misspelt, of the wrong type or out of its physical range."""


class ThresholdsError(UserError):
    """A thresholds file (the clinical cut-offs) is malformed or names unknown entries."""


class FootprintError(UserError):
    """A footprint outline is degenerate or cannot be measured."""


class PressureError(UserError):
    """A pressure recording cannot be read or analysed: a corrupt, truncated or absurd file,
    or a figure the file does not give (its sensor size, its side) that must be given.
    """


class DesignError(UserError):
    """The prescribed insole cannot be made as asked: its shape would break a smoothness rule
    (a slope, a step or a notch the foot would feel); the message says where and what to change.
    """


class FitError(UserError):
    """The insole would not fit its shoe: over the shoe type's thickness budget, or larger than
    the shoe's inside.
    """


class OutputError(UserError):
    """An output file or folder cannot be written."""


#: Most characters of a file's own text repeated in an error message.
SHOWN_CHARS = 40


def shown(value: object) -> str:
    """``value`` as an error message may quote it: ``repr`` (control characters escaped), cut
    to :data:`SHOWN_CHARS`.

    Messages quote what a file holds only through this, so a file that is not what it claims
    (a link to a secret, a binary) never has more than a few escaped characters printed, and
    no control character reaches the terminal.
    """
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."
