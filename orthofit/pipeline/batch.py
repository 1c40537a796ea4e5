"""Batches for labs: many cases, one sub-folder each, nothing half-written, reruns skip
what is unchanged.

Input: a folder of case files (``*.toml``, one case each; the sub-folder is the file's
stem) or a CSV with one row per patient (the sub-folder is the ``id``). CSV columns: ``id``
and ``age`` (required), ``name``, ``sex``, ``weight_kg``, and any measurement field of the
case file prefixed by its side: ``left_foot_length_mm``, ``right_ball_width_mm``, ... An
empty cell is "not measured".

Each case is written into a hidden temporary folder beside its final place and renamed into
place when complete (one atomic rename), so an interrupted batch leaves only complete case
folders; leftovers of an interrupted run are removed at the next start. A case whose inputs
(by SHA-256) and outputs are unchanged since the last run is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from orthofit.config.settings import Settings, load_settings
from orthofit.errors import OutputError, UserError, ValidationError
from orthofit.io.lab_csv import BatchCase, read_cases
from orthofit.io.output import folder_lock, make_folder
from orthofit.model.case import Case

_PARTIAL = ".orthofit-partial-"
_OLD = ".orthofit-old-"


@dataclass(frozen=True)
class CaseResult:
    name: str
    status: str  # "done", "skipped" (unchanged) or "failed"
    message: str
    seconds: float


@dataclass(frozen=True)
class BatchSummary:
    results: tuple[CaseResult, ...]
    seconds: float

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def failed(self) -> int:
        return self.count("failed")


def _inputs(case: BatchCase, settings: Settings) -> tuple[dict[str, str], Callable[[], Case]]:
    """The case's inputs (name -> SHA-256) and a function that reads the case.

    The inputs are everything that shapes the output besides the version and the options the
    manifest records: the case (its file and the scans and grids it names, or its CSV row) and
    the settings files (a profile file, thresholds, a template). The hashes need only the case
    table, not the measured scans, so a rerun can tell an unchanged case without loading and
    measuring its scans.
    """
    from orthofit.io.case_file import load_case, parse_case
    from orthofit.pipeline.fit import input_files

    if case.path is not None:
        path = case.path
        c = load_case(path)
        return input_files(c, path, settings), lambda: c
    if case.error:
        raise ValidationError(case.error)
    table = dict(case.table or {})
    unknown = table.pop("_unknown", [])
    if unknown:
        raise ValidationError(
            f"unknown column {unknown[0]!r}; use id, age, name, sex, weight_kg or a left_/right_ "
            "measurement field such as left_foot_length_mm"
        )
    from orthofit.pipeline.fit import sha256

    digest = hashlib.sha256(json.dumps(case.table, sort_keys=True).encode()).hexdigest()
    inputs = {case.source.rsplit(" row ", 1)[0] + f"#{case.name}": digest}
    inputs.update({str(p): sha256(p.read_bytes()) for p in settings.files.values()})
    return inputs, lambda: parse_case(table, source=case.source)


def _unchanged(folder: Path, inputs: dict[str, str], profile: str) -> bool:
    """Whether ``folder`` holds a complete earlier run with these inputs and profile."""
    manifests = list(folder.glob("*-manifest.json")) if folder.is_dir() else []
    if len(manifests) != 1:
        return False
    try:
        m = json.loads(manifests[0].read_text(encoding="utf-8"))
        from orthofit import __version__

        if (
            m.get("inputs") != inputs
            or m.get("profile_requested") != profile
            or m.get("orthofit_version") != __version__
        ):
            return False
        return all(hashlib.sha256((folder / n).read_bytes()).hexdigest() == h for n, h in m["outputs"].items())
    except (OSError, ValueError, KeyError):
        return False


def _check_ours(folder: Path) -> None:
    """Refuse to replace a case folder orthofit did not write: it must hold one manifest and
    only the files that manifest lists (a user's notes there would be deleted otherwise).
    """
    if not os.path.lexists(folder):
        return
    if folder.is_symlink() or not folder.is_dir():
        raise OutputError(f"{folder} exists and is not a case folder orthofit wrote; move it away")
    manifests = list(folder.glob("*-manifest.json"))
    listed: set[str] = set()
    if len(manifests) == 1:
        try:
            listed = set(json.loads(manifests[0].read_text(encoding="utf-8"))["outputs"]) | {manifests[0].name}
        except (OSError, ValueError, KeyError, TypeError):
            listed = set()
    foreign = sorted(p.name for p in folder.iterdir() if p.name not in listed)
    if foreign:
        raise OutputError(
            f"{folder} holds files orthofit did not write ({', '.join(foreign[:3])}); "
            "move them away or choose another --out"
        )


def _place(files: dict[str, bytes], out: Path, name: str) -> None:
    """Write the files into a hidden folder, then rename it into ``out/name`` in one step."""
    partial = out / f"{_PARTIAL}{name}-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        for fname, data in files.items():
            with open(partial / fname, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)  # a full disk leaves nothing half-written behind
        raise
    final = out / name
    old = None
    if os.path.lexists(final):
        old = out / f"{_OLD}{name}-{os.getpid()}"
        os.replace(final, old)
    os.replace(partial, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_case(case: BatchCase, out: Path, settings: Settings, force: bool) -> CaseResult:
    """Fit one case into ``out/<name>``; a user error is a failed case, not an exception."""
    from orthofit.pipeline.fit import fit_case

    t = time.perf_counter()
    try:
        inputs, load = _inputs(case, settings)
        folder = out / case.name
        _check_ours(folder)
        if not force and _unchanged(folder, inputs, settings.profile_requested):
            return CaseResult(case.name, "skipped", "unchanged", time.perf_counter() - t)
        _place(fit_case(load(), inputs, settings).files, out, case.name)
        return CaseResult(case.name, "done", "", time.perf_counter() - t)
    except UserError as err:
        return CaseResult(case.name, "failed", str(err), time.perf_counter() - t)
    except OSError as err:
        return CaseResult(
            case.name, "failed", f"cannot write {out / case.name}: {err.strerror}", time.perf_counter() - t
        )


def _check_names(cases: list[BatchCase]) -> None:
    import re

    seen: set[str] = set()
    for c in cases:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", c.name):
            raise ValidationError(f"{c.source}: {c.name!r} cannot name a folder; use letters, digits, '.', '_' or '-'")
        if c.name in seen:
            raise ValidationError(f"{c.source}: two cases are named {c.name!r}; each needs its own id")
        seen.add(c.name)


def _clean_leftovers(out: Path) -> None:
    for p in out.glob(".orthofit-*"):
        if p.is_dir() and p.name.startswith((_PARTIAL, _OLD)):
            shutil.rmtree(p, ignore_errors=True)


def _worker(args: tuple[BatchCase, Path, Settings, bool]) -> CaseResult:
    case, out, settings, force = args
    return run_case(case, out, settings, force)


def run_batch(
    source: str | Path,
    out: str | Path,
    profile: str = "neutral",
    jobs: int = 1,
    force: bool = False,
    progress: Callable[[CaseResult, int, int, float], None] | None = None,
) -> BatchSummary:
    """Fit every case of ``source`` into ``out/<name>/``; see the module docstring.

    ``progress(result, done, total, elapsed_s)`` is called after each case.
    """
    settings = load_settings(profile)  # a bad profile fails the batch, not every case
    cases = read_cases(source)
    _check_names(cases)
    if jobs < 1:
        raise ValidationError(f"--jobs {jobs}: give 1 or more")
    out = make_folder(out)
    start = time.perf_counter()
    results: list[CaseResult] = []
    work = [(c, out, settings, force) for c in cases]
    # One batch at a time in a folder: a second one would clear this one's cases in progress.
    with folder_lock(out):
        _clean_leftovers(out)
        for r in _results(work, jobs):
            results.append(r)
            if progress is not None:
                progress(r, len(results), len(cases), time.perf_counter() - start)
    order = {c.name: i for i, c in enumerate(cases)}
    results.sort(key=lambda r: order[r.name])
    return BatchSummary(tuple(results), time.perf_counter() - start)


def _results(work: list[tuple[BatchCase, Path, Settings, bool]], jobs: int) -> Iterator[CaseResult]:
    if jobs == 1 or len(work) == 1:
        for w in work:
            yield _worker(w)
        return
    import multiprocessing

    with multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn").Pool(jobs) as pool:
        yield from pool.imap_unordered(_worker, work, chunksize=1)
