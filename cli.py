"""Run orthofit from a source checkout without installing: ``python cli.py COMMAND ...``.

The command line itself is :mod:`orthofit.cli`; the installed console script and
``python -m orthofit`` call the same :func:`orthofit.cli.main`.
"""

import sys

from orthofit.cli import main

if __name__ == "__main__":
    sys.exit(main())
