"""A throw-away PostgreSQL server for the tests: Debian's binaries (``apt-get install
postgresql``; ``.ci/run`` installs them), a fresh cluster in a temporary folder on a free
loopback port, stopped after. Run as the ``postgres`` user when the tests run as root
(PostgreSQL refuses root). Fails, never skips, without PostgreSQL.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager


def _bin() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    assert initdb, "the PostgreSQL tests need PostgreSQL's server (apt-get install postgresql)"
    return os.path.dirname(initdb)


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a cluster; yield an SQLAlchemy URL of an empty database; stop and remove it."""
    pg = _bin()
    root = tempfile.mkdtemp(prefix="orthofit-pg-")
    data = os.path.join(root, "data")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        os.chmod(root, 0o700)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = dict(check=True, capture_output=True, text=True)
    subprocess.run(_as_owner([f"{pg}/initdb", "-D", data, "-A", "trust", "-U", "orthofit", "-E", "UTF8"]), **run)
    log = os.path.join(root, "log")
    subprocess.run(
        _as_owner(
            [
                f"{pg}/pg_ctl",
                "-D",
                data,
                "-l",
                log,
                "-w",
                "-o",
                f"-p {port} -k {root} -c listen_addresses=127.0.0.1",
                "start",
            ]
        ),
        **run,
    )
    try:
        subprocess.run(
            _as_owner([f"{pg}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "orthofit", "orthofit"]), **run
        )
        yield f"postgresql://orthofit@127.0.0.1:{port}/orthofit"
    finally:
        subprocess.run(_as_owner([f"{pg}/pg_ctl", "-D", data, "-m", "immediate", "stop"]), capture_output=True)
        time.sleep(0.1)
        shutil.rmtree(root, ignore_errors=True)
