"""``python -m orthofit``: the command line."""

import sys

from orthofit.cli import main

sys.exit(main())
