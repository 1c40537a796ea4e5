"""The file store: every file once, named by its SHA-256 (``files/ab/cdef...``).

A file is written to a temporary name, flushed to disk and renamed into place, so a file
under its hash is always whole. The database row that refers to it is written after, in the
visit's transaction; a file no row refers to (the server was killed between the two) is
removed at the next start by :meth:`FileStore.sweep`. One server owns a data folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from orthofit.app.models import StoredFile, VisitFile

_SHA256 = re.compile(r"[0-9a-f]{64}")


class FileStore:
    """Content-addressed files under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        """Where the file with this hash lives; anything but 64 lower-case hex digits is refused
        (a file id can never name a path outside the store).
        """
        if not _SHA256.fullmatch(sha256):
            raise KeyError(sha256)
        return self.root / sha256[:2] / sha256[2:]

    def put(self, data: bytes) -> str:
        """Store ``data`` (once) and return its SHA-256."""
        sha = hashlib.sha256(data).hexdigest()
        final = self.path(sha)
        if final.exists():
            return sha
        final.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def sweep(self, referenced: set[str]) -> int:
        """Remove files no record refers to and half-written temporaries; returns how many."""
        removed = 0
        for tmp in self.root.glob(".tmp-*"):
            tmp.unlink(missing_ok=True)
            removed += 1
        for sub in self.root.iterdir():
            if not sub.is_dir() or len(sub.name) != 2:
                continue
            for f in sub.iterdir():
                if sub.name + f.name not in referenced:
                    f.unlink(missing_ok=True)
                    removed += 1
        return removed


def record_file(store: FileStore, session: Session, visit_id: int, name: str, kind: str, data: bytes) -> str:
    """Store ``data`` (whole under its hash, before any row refers to it) and add the rows that
    make it the visit's file ``name`` (``kind`` "input" or "output"); returns its SHA-256.
    """
    sha = store.put(data)
    # The file's row once, even when two saves of the same file (a scan uploaded by two
    # clinicians at once) race: the later insert waits for the earlier transaction and then
    # does nothing, where "select, then add if missing" made the later commit fail.
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(StoredFile).values(sha256=sha, size_bytes=len(data)).on_conflict_do_nothing())
    session.add(VisitFile(visit_id=visit_id, name=name, kind=kind, sha256=sha))
    return sha
