"""Writing a set of output files: all or nothing, locked, and never through a planted link.

How a set is written into a folder ``out`` (one set: a case's STL/3MF, report, manifest):

1. The folder is locked (``flock`` on the folder itself, no lock file): a second orthofit run
   writing into the same folder refuses with one line instead of mixing its files in.
2. Left-overs of an earlier run that was killed are finished first (see 5).
3. Without ``force``, a name that exists in any form (a file, a folder, a link, even a
   dangling one) stops the run. With ``force``, only regular files are replaced: a folder or a
   link under an output's name was not written by orthofit and is refused, untouched.
4. The new files are written into a fresh staging folder inside ``out`` (``mkdtemp``: a random
   name created exclusively, so nothing can be planted in it) and flushed to disk.
5. A journal naming the set is written (atomically) next to it. Then each old file is moved
   into a backup folder and each new file moved into place. A run killed after the journal
   exists is rolled forward by the next run that writes into the folder (the new set is
   complete in the staging folder); a run killed before has left only a staging folder, which
   the next run removes, and the old set is untouched. A failure (no space, no permission) or
   Ctrl-C during the moves rolls back at once: the old set is restored and the error is one
   line.
6. The journal, the backup and the staging folder are removed.

With ``force`` and the set's manifest named, the files an earlier set of that manifest wrote
and the new set does not (an insole for a foot no longer measured) move into the backup in
the same swap: the folder never holds a stale file of an earlier set beside a new manifest.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from orthofit.errors import OutputError, shown

#: Names of orthofit's own bookkeeping entries inside an output folder.
STAGE_PREFIX = ".orthofit-stage-"
BACKUP_PREFIX = ".orthofit-backup-"
JOURNAL_PREFIX = ".orthofit-journal-"


def write_files(
    out_dir: str | Path, files: dict[str, bytes], force: bool = False, earlier_manifest: str | None = None
) -> list[Path]:
    """Write every file into ``out_dir``, all or none (see the module docstring).

    Parameters
    ----------
    out_dir : path
        The output folder (created if missing).
    files : dict of str -> bytes
        File name (no folder part) -> contents.
    force : bool
        Replace files of the same names (regular files only).
    earlier_manifest : str, optional
        The name of the set's manifest. With ``force``, the files an earlier manifest of that
        name lists and the new set does not write (an insole for a foot no longer sized) are
        removed in the same swap, so no stale file of the earlier set is left beside the new one.

    Returns
    -------
    list of Path
        The files written, in the order of ``files``.

    Raises
    ------
    OutputError
        The folder cannot be created, written or locked, a name exists (without ``force``) or
        is not a regular file; nothing was changed.
    """
    out = make_folder(out_dir)
    for name in files:
        if not name or os.sep in name or name in (".", "..") or name.startswith(".orthofit-"):
            raise OutputError(f"{shown(name)} cannot name an output file")
    targets = [out / name for name in files]
    with folder_lock(out):
        recover(out)
        for t in targets:
            if not os.path.lexists(t):
                continue
            if not force:
                raise OutputError(f"{t} already exists (from an earlier run); use --force to replace it")
            mode = os.lstat(t).st_mode
            if not stat.S_ISREG(mode):
                kind = "a folder" if stat.S_ISDIR(mode) else "a link" if stat.S_ISLNK(mode) else "not a regular file"
                raise OutputError(f"{t} is {kind}, not a file orthofit wrote; move it away and run again")
        remove = _earlier_only(out, earlier_manifest, files) if force and earlier_manifest else []
        _write_set(out, files, remove)
    return targets


def _earlier_only(out: Path, manifest: str, files: dict[str, bytes]) -> list[str]:
    """The regular files an earlier manifest ``out/manifest`` lists that ``files`` does not hold."""
    try:
        listed = json.loads((out / manifest).read_text(encoding="utf-8"))["outputs"]
        names = [n for n in listed if isinstance(n, str)] if isinstance(listed, dict) else []
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [
        n
        for n in names
        if n not in files
        and n
        and os.sep not in n
        and n not in (".", "..")
        and not n.startswith(".orthofit-")
        and os.path.lexists(out / n)
        and stat.S_ISREG(os.lstat(out / n).st_mode)
    ]


def make_folder(out_dir: str | Path) -> Path:
    """``out_dir`` as a folder, created if missing; an OutputError saying what is wrong otherwise."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"--out {out} is a file, not a folder; give a folder for the output") from None
    except OSError as err:
        raise OutputError(f"cannot create the output folder {out}: {err.strerror}; choose another --out") from None
    return out


@contextlib.contextmanager
def folder_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder ``out`` itself, or refuse at once with one line."""
    try:
        fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as err:
        raise OutputError(f"cannot open the output folder {out}: {err.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"another orthofit run is writing into {out}; wait for it to finish, or choose another --out"
            ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def recover(out: Path) -> None:
    """Finish what a killed run left in ``out``: roll journaled sets forward, remove the rest.

    Call it with the folder locked.
    """
    for journal in sorted(out.glob(JOURNAL_PREFIX + "*.json")):
        try:
            entry = json.loads(journal.read_text(encoding="utf-8"))
            stage, backup, names = out / entry["stage"], out / entry["backup"], list(entry["names"])
            remove = [str(n) for n in entry.get("remove", [])]
        except (OSError, ValueError, KeyError, TypeError):
            with contextlib.suppress(OSError):
                journal.unlink(missing_ok=True)  # written atomically, so unreadable means not ours
            continue
        try:
            _move_in(out, stage, backup, names, remove)
        except OSError as err:  # e.g. the folder was made read-only after the run was killed
            raise OutputError(
                f"cannot finish the interrupted earlier run in {out}: {err.strerror}; make the folder "
                "writable and run again (the earlier files are kept until then)"
            ) from None
        _finish(journal, stage, backup)
    for leftover in (*out.glob(STAGE_PREFIX + "*"), *out.glob(BACKUP_PREFIX + "*")):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def _write_set(out: Path, files: dict[str, bytes], remove: list[str]) -> None:
    try:
        stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=out))
    except OSError as err:
        raise OutputError(_cannot_write(out, err)) from None
    token = stage.name[len(STAGE_PREFIX) :]
    backup = out / f"{BACKUP_PREFIX}{token}"
    journal = out / f"{JOURNAL_PREFIX}{token}.json"
    names = list(files)
    try:
        for name, data in files.items():
            fd = os.open(stage / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        backup.mkdir()
        entry = json.dumps({"stage": stage.name, "backup": backup.name, "names": names, "remove": remove})
        fd = os.open(stage / ".journal", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(entry)
            fh.flush()
            os.fsync(fh.fileno())
        _fsync_dir(stage)
        os.replace(stage / ".journal", journal)  # from here on the new set wins
        _fsync_dir(out)
    except BaseException as err:
        _finish(journal, stage, backup)
        if isinstance(err, OSError):
            raise OutputError(_cannot_write(out, err)) from None
        raise
    try:
        _move_in(out, stage, backup, names, remove)
    except BaseException as err:
        _roll_back(out, stage, backup, names, remove)
        _finish(journal, stage, backup)
        if isinstance(err, OSError):
            raise OutputError(_cannot_write(out, err)) from None
        raise
    try:
        _fsync_dir(out)
    finally:
        _finish(journal, stage, backup)  # the new set is in place: even Ctrl-C here cleans up


def _move_in(out: Path, stage: Path, backup: Path, names: list[str], remove: list[str]) -> None:
    """Move each old file into ``backup`` and each staged file into place, and the earlier
    set's files the new one does not write into ``backup`` too (idempotent).
    """
    for name in remove:
        target, old = out / name, backup / name
        if os.path.lexists(target) and not os.path.lexists(old):
            os.replace(target, old)
    for name in names:
        new, target, old = stage / name, out / name, backup / name
        if not os.path.lexists(new):
            continue  # already moved in
        if os.path.lexists(target) and not os.path.lexists(old):
            os.replace(target, old)
        os.replace(new, target)


def _roll_back(out: Path, stage: Path, backup: Path, names: list[str], remove: list[str]) -> None:
    """Undo :func:`_move_in`: restore the old files, remove new files that replaced nothing."""
    for name in remove:
        with contextlib.suppress(OSError):
            if os.path.lexists(backup / name):
                os.replace(backup / name, out / name)
    for name in names:
        new, target, old = stage / name, out / name, backup / name
        with contextlib.suppress(OSError):
            if os.path.lexists(old):
                os.replace(old, target)
            elif not os.path.lexists(new) and os.path.lexists(target):
                os.unlink(target)  # it was ours and new: there was no old file


def _finish(journal: Path, stage: Path, backup: Path) -> None:
    """Remove a run's journal, staging and backup folders; a folder that refuses (read-only)
    keeps them, and the next run that can write removes them.
    """
    with contextlib.suppress(OSError):
        journal.unlink(missing_ok=True)
    shutil.rmtree(stage, ignore_errors=True)
    shutil.rmtree(backup, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _cannot_write(out: Path, err: OSError) -> str:
    return (
        f"cannot write to {out}: {err.strerror}; check the folder's permissions and free space, or choose another --out"
    )
