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


class OutputError(UserError):
    """An output file or folder cannot be written."""
