"""Batches for labs: many cases, one sub-folder each, nothing half-written, reruns skip
what is unchanged, and a stopped batch leaves nothing running.

Input: a folder of case files (``*.toml``, one case each; the sub-folder is the file's
stem) or a CSV with one row per patient (the sub-folder is the ``id``). CSV columns: ``id``
and ``age`` (required), ``name``, ``sex``, ``weight_kg``, and any measurement field of the
case file prefixed by its side: ``left_foot_length_mm``, ``right_ball_width_mm``, ... An
empty cell is "not measured".

Each case is written into a hidden folder (``.orthofit-partial-*``) beside its final place and
renamed into place when complete (one atomic rename; an earlier folder of the case is moved
aside as ``.orthofit-old-*`` just before and removed after), so a stopped batch leaves only
complete case folders. A case whose inputs (by SHA-256: its file or CSV row, the scans and
grids it names, the settings files) and outputs are unchanged since the last run is skipped.
A case that cannot be read fails with the reader's message; only a failure while writing its
folder says "cannot write". Either way the other cases go on.

Stopping a batch:

* Ctrl-C (SIGINT to the whole process group, as a terminal sends it, or to the batch process
  alone): the workers ignore SIGINT; the batch process stops them (SIGTERM), removes the
  hidden folders of the cases in progress (a case caught between its two renames gets its
  earlier folder back) and raises :class:`BatchInterrupted` with the cases finished so far.
  ``orthofit batch`` then prints one line, ``orthofit: interrupted; N of M cases done, rerun
  to finish the rest``, and the summary so far, and exits with status 130.
* SIGKILL (or any death) of the batch process: every worker dies with it (Linux:
  ``PR_SET_PDEATHSIG``; elsewhere a thread watching the parent), so nothing is written after
  it and nothing is printed. The hidden folders it leaves are cleared by the next run into the
  same folder, which also gives a case caught between its two renames its folder back.
* A worker killed on its own (the out-of-memory killer, say) would never report its case: the
  batch stops with :class:`WorkerLost` (one line) instead of waiting for it forever.

Test hook: ``ORTHOFIT_TEST_KILL_AT`` stops a batch at a chosen step (see :func:`_kill_point`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import signal
import stat
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orthofit.config.settings import Settings, load_settings
from orthofit.errors import CaseFileError, OutputError, UserError, ValidationError, shown
from orthofit.io.lab_csv import BatchCase, read_cases
from orthofit.io.output import folder_lock, make_folder
from orthofit.model.case import Case
from orthofit.model.enums import Side
from orthofit.pipeline.cluster import SchedulerLost

if TYPE_CHECKING:
    from multiprocessing.pool import Pool
    from multiprocessing.process import BaseProcess

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


def _so_far(summary: BatchSummary, total: int) -> str:
    return f"{len(summary.results)} of {total} cases done, rerun to finish the rest"


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped the batch: every worker has stopped and only complete case folders are
    left; ``summary`` holds the cases finished before, ``total`` how many the batch has.
    """

    def __init__(self, summary: BatchSummary, total: int) -> None:
        super().__init__(f"interrupted; {_so_far(summary, total)}")
        self.summary, self.total = summary, total


class WorkerLost(OutputError):
    """A worker process died on its own (killed from outside), so its case would never report:
    the batch stopped; ``summary`` holds the cases finished before, ``total`` how many.
    """

    def __init__(self, how: str, summary: BatchSummary, total: int) -> None:
        super().__init__(f"a worker process stopped unexpectedly ({how}); {_so_far(summary, total)}")
        self.summary, self.total = summary, total


class _Lost(Exception):
    def __init__(self, how: str) -> None:
        super().__init__(how)
        self.how = how


def _named_files(c: Case) -> None:
    """Refuse a scan or grid the case names that is missing or not a regular file (a folder, a
    device such as /dev/zero, a pipe) before it is hashed: hashing reads the whole file.
    """
    for side in Side:
        m = c.foot(side)
        for field, what, name in (
            ("scan", "scan", m.scan),
            ("footprint_grid", "footprint grid", m.footprint_grid),
            ("pressure", "pressure recording", m.pressure),
            ("pressure_before", "pressure recording", m.pressure_before),
        ):
            if not name:
                continue
            path = c.path_of(name)
            try:
                mode = os.stat(path).st_mode
            except FileNotFoundError:
                raise CaseFileError(f"{side.value}.{field}: {what} file not found: {path}") from None
            except OSError as err:
                raise CaseFileError(f"{side.value}.{field}: cannot read {what} file {path}: {err.strerror}") from None
            if stat.S_ISDIR(mode):
                raise CaseFileError(f"{side.value}.{field}: {path} is a folder; give the path of a {what} file")
            if not stat.S_ISREG(mode):
                kind = (
                    "character device"
                    if stat.S_ISCHR(mode)
                    else "named pipe"
                    if stat.S_ISFIFO(mode)
                    else "special file"
                )
                raise CaseFileError(
                    f"{side.value}.{field}: {path} is not a regular file (a {kind}); give the path of a {what} file"
                )


def _inputs(case: BatchCase, settings: Settings) -> tuple[dict[str, str], Callable[[], Case]]:
    """The case's inputs (name -> SHA-256) and a function that reads the case.

    The inputs are everything that shapes the output besides the version and the options the
    manifest records: the case (its file or its CSV row) and the scans and grids it names, and
    the settings files (a profile file, thresholds, a template). The hashes need only the case
    table, not the measured scans, so a rerun can tell an unchanged case without loading and
    measuring its scans.
    """
    from orthofit.io.case_file import load_case, parse_case
    from orthofit.pipeline.fit import hash_files, input_files, named_settings
    from orthofit.pipeline.inputs import named_inputs

    if case.path is not None:
        path = case.path
        c = load_case(path)
        _named_files(c)
        return input_files(c, path, settings), lambda: c
    if case.error:
        raise ValidationError(case.error)
    table = dict(case.table or {})
    unknown = table.pop("_unknown", [])
    if unknown:
        raise ValidationError(
            f"unknown column {shown(unknown[0])}; use id, age, name, sex, weight_kg or a left_/right_ "
            "measurement field such as left_foot_length_mm"
        )
    row = parse_case(table, source=case.source)
    _named_files(row)
    digest = hashlib.sha256(json.dumps(case.table, sort_keys=True).encode()).hexdigest()
    inputs = {case.source.rsplit(" row ", 1)[0] + f"#{case.name}": digest}
    # the scans and grids the row names too: an edited scan must not pass for unchanged
    inputs.update(hash_files([*named_inputs(row), *named_settings(settings)]))
    return inputs, lambda: row


def _complete(folder: Path) -> dict[str, Any] | None:
    """The manifest of ``folder`` when the folder holds exactly the files it lists (and itself),
    each with its SHA-256; None otherwise.
    """
    manifests = list(folder.glob("*-manifest.json")) if folder.is_dir() else []
    if len(manifests) != 1:
        return None
    try:
        m = json.loads(manifests[0].read_text(encoding="utf-8"))
        outputs = m["outputs"]
        if {p.name for p in folder.iterdir()} != set(outputs) | {manifests[0].name}:
            return None
        if all(hashlib.sha256((folder / n).read_bytes()).hexdigest() == h for n, h in outputs.items()):
            return dict(m)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def _unchanged(folder: Path, inputs: dict[str, str], settings: Settings) -> bool:
    """Whether ``folder`` holds a complete earlier run with these inputs, profile and slicer
    projects (an earlier run without a slicer list wrote PrusaSlicer's project only).
    """
    from orthofit import __version__

    m = _complete(folder)
    return (
        m is not None
        and m.get("inputs") == inputs
        and m.get("profile_requested") == settings.profile_requested
        and m.get("slicers", ["prusa"]) == [s.value for s in settings.slicers]
        and m.get("orthofit_version") == __version__
    )


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
    # Named by process and a random token: a cluster's workers on two machines may share a pid.
    token = f"{os.getpid()}x{uuid.uuid4().hex[:8]}"
    partial = out / f"{_PARTIAL}{name}-{token}"
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
    _kill_point("written")
    final = out / name
    old = None
    if os.path.lexists(final):
        old = out / f"{_OLD}{name}-{token}"
        os.replace(final, old)
        _kill_point("aside")
    try:
        os.replace(partial, final)
    except OSError:
        if old is not None:
            with contextlib.suppress(OSError):
                os.replace(old, final)  # the earlier case folder back
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _kill_point("placed")
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_case(case: BatchCase, out: Path, settings: Settings, force: bool) -> CaseResult:
    """Fit one case into ``out/<name>``; a user error is a failed case, not an exception.

    Only a failure while writing the case folder says "cannot write"; a case that cannot be read
    fails with the reader's message.
    """
    from orthofit.pipeline.fit import fit_case

    t = time.perf_counter()

    def result(status: str, message: str = "") -> CaseResult:
        return CaseResult(case.name, status, message, time.perf_counter() - t)

    folder = out / case.name
    try:
        inputs, load = _inputs(case, settings)
        _check_ours(folder)
        if not force and _unchanged(folder, inputs, settings):
            return result("skipped", "unchanged")
        files = fit_case(load(), inputs, settings).files
    except UserError as err:
        return result("failed", str(err))
    except OSError as err:  # one the readers did not word: still a reading error, not a writing one
        return result("failed", f"cannot read {err.filename or case.source}: {err.strerror or err}")
    try:
        _place(files, out, case.name)
    except OSError as err:
        return result("failed", f"cannot write {folder}: {err.strerror or err}")
    return result("done")


def _check_names(cases: list[BatchCase]) -> None:
    import re

    seen: set[str] = set()
    for c in cases:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", c.name):
            raise ValidationError(
                f"{c.source}: {shown(c.name)} cannot name a folder; use letters, digits, '.', '_' or '-'"
            )
        if c.name in seen:
            raise ValidationError(f"{c.source}: two cases are named {shown(c.name)}; each needs its own id")
        seen.add(c.name)


def _clean_leftovers(out: Path) -> None:
    """Remove the hidden folders a stopped batch left; a case folder moved aside just before its
    new folder was renamed in (the batch stopped between the two renames) is put back.
    """
    for p in sorted(out.glob(".orthofit-*")):
        if not p.is_dir() or p.is_symlink():
            continue
        if p.name.startswith(_OLD):
            final = out / p.name[len(_OLD) :].rpartition("-")[0]
            if final != out and not os.path.lexists(final) and _complete(p) is not None:
                with contextlib.suppress(OSError):  # failing that, it waits for the next run
                    os.replace(p, final)
                continue
            shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(_PARTIAL):
            shutil.rmtree(p, ignore_errors=True)


# --- the workers ---------------------------------------------------------------------------------

_parent = 0  # in a worker: the batch process's pid (set by init_worker)
_reached: dict[str, int] = {}  # step -> how often this process reached it (for _kill_point)


def _kill_point(step: str) -> None:
    """A test hook (tests/integration/test_hostile_batch.py); it does nothing unless the
    environment sets ``ORTHOFIT_TEST_KILL_AT=STEP:N[:SIGNAL]``.

    The N-th time this process reaches STEP, SIGNAL (default SIGKILL) is sent to the batch
    process, as a user or the system would send it; with SIGKILL the process that reached the
    step also dies at once (a worker; with --jobs 1 it is the batch process). The steps:
    ``written`` (a case's files are in its hidden folder), ``aside`` (its earlier folder was
    moved aside), ``placed`` (it was renamed into place), counted in each process that places
    cases, and ``result`` (the batch process has taken a case's result). On a cluster's worker
    (no batch process to signal) the worker kills itself; ``ORTHOFIT_TEST_KILL_ONCE`` (see
    :func:`_first_kill`) keeps its replacement from doing the same.
    """
    spec = os.environ.get("ORTHOFIT_TEST_KILL_AT", "")
    at, _, rest = spec.partition(":")
    if at != step:
        return
    n, _, name = rest.partition(":")
    _reached[step] = _reached.get(step, 0) + 1
    if str(_reached[step]) == n and _first_kill():
        sig = signal.Signals[name or "SIGKILL"]
        os.kill(_parent or os.getpid(), sig)
        if sig == signal.SIGKILL:
            os.kill(os.getpid(), sig)


def _first_kill() -> bool:
    """With ``ORTHOFIT_TEST_KILL_ONCE=PATH``, only the first process to get here kills (it makes
    PATH): a cluster restarts a killed worker, and the new one would otherwise count afresh.
    """
    marker = os.environ.get("ORTHOFIT_TEST_KILL_ONCE")
    if not marker:
        return True
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _die_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies (``prctl(PR_SET_PDEATHSIG)``)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        return int(libc.prctl(pr_set_pdeathsig, ctypes.c_ulong(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent() -> None:
    """Where prctl is missing: end this worker once its parent is gone (it is re-parented)."""
    while os.getppid() == _parent:
        time.sleep(0.2)
    os._exit(1)


def init_worker(parent: int, pdeathsig: bool = True) -> None:
    """Pool initializer: Ctrl-C is the parent's (the batch, the app) to handle; die with the parent.

    ``pdeathsig=False`` watches the parent with a thread instead of ``prctl``: Linux sends the
    death signal when the *thread* that started the worker ends, and a server may start
    workers from short-lived threads.
    """
    global _parent
    _parent = parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # also drops a Ctrl-C pending since the fork
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if not (pdeathsig and _die_with_parent()):
        threading.Thread(target=_watch_parent, name="orthofit-watch-parent", daemon=True).start()
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _worker(args: tuple[BatchCase, Path, Settings, bool]) -> CaseResult:
    case, out, settings, force = args
    result = run_case(case, out, settings, force)
    if _parent and os.getppid() != _parent:  # the batch process is gone: nobody to report to
        os._exit(1)
    return result


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Hold Ctrl-C back (it is delivered after) while workers are forked: they inherit the
    block, so none sees it before its initializer has it ignored.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while a stopped batch cleans up, so a second one cannot cut that short."""
    try:
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread, where Python handles signals
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _how(exitcode: int) -> str:
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


def _pool_results(pool: Pool, workers: list[BaseProcess], work: list[Any]) -> Iterator[CaseResult]:
    """The results as they come; :class:`_Lost` when a worker died (its case would never come)."""
    import multiprocessing

    results = pool.imap_unordered(_worker, work, chunksize=1)
    while True:
        try:
            yield results.next(timeout=0.2)
        except StopIteration:
            return
        except multiprocessing.TimeoutError:
            dead = [p.exitcode for p in workers if p.exitcode is not None]
            if dead:
                raise _Lost(_how(dead[0])) from None


def _stop_pool(pool: Pool, workers: set[BaseProcess], before: set[BaseProcess], lost: bool) -> None:
    """Stop every worker now; never wait long on a pool that a killed worker has wedged.

    ``workers`` are the pool's workers, ``before`` the child processes there were before it
    (any others are workers the pool started in place of a dead one). After Ctrl-C the pool
    stops its workers itself (SIGTERM). After a worker was killed (``lost``) the pool may never
    get its queue's lock back (a worker waiting for a case holds it), so the workers are killed
    here and the pool is left to stop in the background.
    """
    import multiprocessing

    workers = workers | (set(multiprocessing.active_children()) - before)
    if lost:
        for p in workers:
            p.kill()
    stopper = threading.Thread(target=pool.terminate, name="orthofit-stop-pool", daemon=True)
    stopper.start()
    stopper.join(1 if lost else 10)
    for p in workers:
        if p.exitcode is None:
            p.kill()
        p.join(5)


def run_batch(
    source: str | Path,
    out: str | Path,
    profile: str = "neutral",
    jobs: int = 1,
    force: bool = False,
    progress: Callable[[CaseResult, int, int, float], None] | None = None,
    slicer: str = "prusa",
    cluster: str | None = None,
) -> BatchSummary:
    """Fit every case of ``source`` into ``out/<name>/``; see the module docstring.

    ``progress(result, done, total, elapsed_s)`` is called after each case. ``slicer`` picks
    the slicer projects written beside each plain 3MF (``prusa``, ``cura`` or ``all``).
    ``cluster`` (``tcp://HOST:PORT`` or ``local:N``) runs the cases as tasks on a Dask
    cluster instead of ``jobs`` local processes (:mod:`orthofit.pipeline.cluster`).

    Raises
    ------
    BatchInterrupted
        Ctrl-C: the workers have stopped, only complete case folders are left.
    WorkerLost
        A worker was killed from outside; the others have stopped.
    SchedulerLost
        The Dask scheduler went away; the cases finished are complete.
    UserError
        The source, profile or output folder is unusable (nothing was run).
    """
    where = None
    if cluster is not None:
        from orthofit.pipeline.cluster import parse_address

        where = parse_address(cluster)
        if jobs != 1:
            raise ValidationError("give --jobs or --cluster, not both: a cluster's workers are its processes")
    settings = load_settings(profile, slicer=slicer)  # a bad profile fails the batch, not every case
    cases = read_cases(source)
    _check_names(cases)
    if jobs < 1:
        raise ValidationError(f"--jobs {jobs}: give 1 or more")
    out = make_folder(out).absolute()  # absolute: a cluster's workers need not share our working folder
    if where is not None:
        cases = [c if c.path is None else dataclasses.replace(c, path=c.path.absolute()) for c in cases]
    start = time.perf_counter()
    results: list[CaseResult] = []
    work = [(c, out, settings, force) for c in cases]
    order = {c.name: i for i, c in enumerate(cases)}

    def summary() -> BatchSummary:
        return BatchSummary(tuple(sorted(results, key=lambda r: order[r.name])), time.perf_counter() - start)

    def take(r: CaseResult) -> None:
        results.append(r)
        if progress is not None:
            progress(r, len(results), len(cases), time.perf_counter() - start)
        _kill_point("result")

    # One batch at a time in a folder: a second one would clear this one's cases in progress.
    with folder_lock(out):
        _clean_leftovers(out)
        pool: Pool | None = None
        workers: set[BaseProcess] = set()
        before: set[BaseProcess] = set()
        try:
            if where is not None:
                from orthofit.pipeline.cluster import check_workers_see, cluster_results, connect

                with connect(where) as client:
                    check_workers_see(client, out)
                    for r in cluster_results(client, work, lambda c, m: CaseResult(c.name, "failed", m, 0.0)):
                        take(r)
                _clean_leftovers(out)  # the hidden folders of attempts whose worker died
            elif jobs == 1 or len(work) == 1:
                for w in work:
                    take(_worker(w))
            else:
                import multiprocessing

                ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
                before = set(multiprocessing.active_children())
                with _sigint_blocked():  # a Ctrl-C now is raised once the pool is assigned
                    pool = ctx.Pool(min(jobs, len(work)), initializer=init_worker, initargs=(os.getpid(),))
                    workers = set(multiprocessing.active_children()) - before
                for r in _pool_results(pool, sorted(workers, key=lambda p: p.pid or 0), work):
                    take(r)
                pool.close()
                pool.join()
        except BaseException as err:
            with _sigint_ignored():  # a second Ctrl-C does not cut the clean-up short
                if pool is not None:
                    _stop_pool(pool, workers, before, isinstance(err, _Lost))
                _clean_leftovers(out)  # every worker has stopped: their hidden folders go
            if isinstance(err, _Lost):
                raise WorkerLost(err.how, summary(), len(cases)) from None
            if isinstance(err, SchedulerLost):
                raise SchedulerLost(f"{err}; {_so_far(summary(), len(cases))}", summary(), len(cases)) from None
            if isinstance(err, KeyboardInterrupt):
                raise BatchInterrupted(summary(), len(cases)) from None
            raise
    return summary()
