"""``python -m orthofit``: the command line."""

import sys

from orthofit.cli import main

if __name__ == "__main__":  # not when a worker process imports it (multiprocessing spawn)
    sys.exit(main())
