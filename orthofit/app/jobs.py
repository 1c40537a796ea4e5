"""Pipeline runs off the request thread, in a process pool.

Each job gets a visit's case file (text) and the paths of the files it names in the store,
lays them out in a temporary folder exactly as an exported visit would be, and runs the same
pipeline function as the command line. A user error comes back as ``{"error": message}``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any

from orthofit.errors import UserError

CASE_NAME = "case.toml"


def safe_relative(name: str) -> PurePosixPath:
    """A file name a case file may use for its scans and grids: relative, no '..', no
    backslashes or control characters; anything else raises ValueError.
    """
    p = PurePosixPath(name)
    if (
        not name
        or len(name) > 200
        or p.is_absolute()
        or "\\" in name
        or any(part in ("", ".", "..") for part in p.parts)
        or any(ord(c) < 32 for c in name)
    ):
        raise ValueError(name)
    return p


def lay_out(folder: Path, case_toml: str, inputs: dict[str, str]) -> Path:
    """Write ``case.toml`` and copy each input (name -> store path) under its name; returns the case path."""
    case = folder / CASE_NAME
    case.write_text(case_toml, encoding="utf-8")
    for name, src in inputs.items():
        dest = folder / safe_relative(name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    return case


def assess_job(case_toml: str, inputs: dict[str, str]) -> dict[str, Any]:
    """The assessment of a visit: ``{"assessment": dict, "text": str}`` or ``{"error": str}``."""
    from orthofit.config.settings import load_settings
    from orthofit.pipeline.assess_case import assess_case_file
    from orthofit.report.summary import assessment_dict, assessment_text

    with tempfile.TemporaryDirectory(prefix="orthofit-job-") as tmp:
        try:
            a = assess_case_file(lay_out(Path(tmp), case_toml, inputs), load_settings("neutral"))
        except UserError as err:
            return {"error": str(err)}
        return {"assessment": assessment_dict(a), "text": assessment_text(a)}


class Jobs:
    """A pool of worker processes; ``await jobs.run(fn, *args)`` runs one job."""

    def __init__(self, workers: int) -> None:
        # spawn: the server has threads, and forking a threaded process can copy a held lock
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
