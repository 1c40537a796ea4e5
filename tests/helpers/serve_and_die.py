"""``orthofit serve`` that kills itself (SIGKILL, no cleanup) right after its Nth file is
written to the store: ``python serve_and_die.py N serve --data DIR ...``.

Used by ``tests/app/test_app_kill.py`` to stop the server at an exact point of a save (the
files of a visit written, its transaction not yet committed) without a hook in the app.
"""

from __future__ import annotations

import os
import signal
import sys

from orthofit.app import store
from orthofit.cli import main

die_after = int(sys.argv[1]) if __name__ == "__main__" else 0
_put = store.FileStore.put
written = 0


def put(self: store.FileStore, data: bytes) -> str:
    global written
    sha = _put(self, data)
    written += 1
    if written >= die_after:
        os.kill(os.getpid(), signal.SIGKILL)
    return sha


if __name__ == "__main__":  # not in the worker processes, which import this module again (spawn)
    store.FileStore.put = put  # type: ignore[method-assign]
    sys.exit(main(sys.argv[2:]))
