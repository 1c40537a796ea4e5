"""Writing output files so that a failure never leaves a partial or corrupt file behind."""

from __future__ import annotations

import os
from pathlib import Path

from orthofit.errors import OutputError


def write_files(out_dir: str | Path, files: dict[str, bytes], force: bool = True) -> list[Path]:
    """Write every file, or none of them.

    Each file is written to a temporary name in ``out_dir`` first; only when all are written
    are they renamed into place (a rename within one folder is atomic).

    Raises
    ------
    OutputError
        The folder cannot be created or written, or (without ``force``) a file exists.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"--out {out} is a file, not a folder; give a folder for the output") from None
    except OSError as err:
        raise OutputError(f"cannot create the output folder {out}: {err.strerror}; choose another --out") from None
    targets = [out / name for name in files]
    if not force:
        existing = [str(t) for t in targets if t.exists()]
        if existing:
            raise OutputError(f"{existing[0]} already exists; use --force to overwrite it")
    temps: list[Path] = []
    try:
        for target, data in zip(targets, files.values(), strict=True):
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            temps.append(tmp)
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, target in zip(temps, targets, strict=True):
            os.replace(tmp, target)
    except OSError as err:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        raise OutputError(
            f"cannot write to {out}: {err.strerror}; check the folder's permissions "
            "and free space, or choose another --out"
        ) from None
    return targets
