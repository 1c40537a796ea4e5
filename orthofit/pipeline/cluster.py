"""Batches on a Dask distributed cluster (``orthofit batch --cluster ADDRESS``).

Each case is one Dask task; the task is :func:`orthofit.pipeline.batch.run_case`, the same
function a local batch runs, so a case folder from a cluster is byte for byte the folder a
local run writes, and it appears the same way (written into a hidden folder, renamed into
place). Dask is an optional dependency (``pip install 'orthofit[cluster]'``) and is imported
only here, only when ``--cluster`` is given.

Addresses:

* ``tcp://HOST:PORT`` (or ``tls://``, ``ucx://``, ``ws://``, ``wss://``; HOST a name, an IPv4
  address or an IPv6 one in brackets; PORT 1-65535, the scheduler's, 8786 unless it was
  started with another): a running
  scheduler (``dask scheduler``) with workers (``dask worker tcp://HOST:8786``) that see the
  output folder, and the case files, at the same path as this process.
* ``local:N``: a local cluster of N worker processes (one thread each), started and stopped
  here.

Faults (Dask does the retrying; we keep the folders whole):

* A worker that dies in the middle of a case (SIGKILL, the out-of-memory killer, a machine
  gone) never renames its hidden folder into place; the scheduler gives the case to another
  worker, which writes its own hidden folder. The hidden folders of dead attempts are removed
  when the batch ends (and by any later run into the same folder). A case that kills
  ``distributed.scheduler.allowed-failures`` + 1 workers (4 by default) fails with one line,
  and the other cases go on.
* A scheduler that goes away ends the batch with :class:`SchedulerLost` (one line); the cases
  that finished are complete, so a rerun (against a scheduler that is back) resumes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orthofit.errors import OutputError, ValidationError, shown

if TYPE_CHECKING:
    from distributed import Client

    from orthofit.config.settings import Settings
    from orthofit.io.lab_csv import BatchCase
    from orthofit.pipeline.batch import BatchSummary, CaseResult

#: How long to wait for a scheduler to answer, or a local cluster's workers to start (s).
CONNECT_TIMEOUT_S = 20.0
#: The largest local cluster ``local:N`` starts.
MAX_LOCAL_WORKERS = 256
#: Dask settings for the workers of a local cluster (a lab's own workers take them from the
#: environment, see the README). Dask's nanny starts each worker with MALLOC_TRIM_THRESHOLD_
#: = 64 kB so that freed memory goes back to the system at once: a case allocates and frees
#: tens of MB of numpy arrays, and the trimming and faulting back made a case 28 % slower
#: (1.83 s against 1.43 s in a plain process; 1.53 s without it). The statistical profiler
#: samples the running case's stack every 10 ms, which no one reads here.
WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
}

_LOCAL = re.compile(r"local:(\d{1,4})")
_REMOTE = re.compile(r"(tcp|tls|ucx|ws|wss)://(\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9._-]{1,253}):(\d{1,5})")


@dataclass(frozen=True)
class ClusterAddress:
    """Where the cluster is: ``local_workers`` for ``local:N``, else the scheduler's ``address``."""

    text: str
    local_workers: int = 0

    @property
    def address(self) -> str:
        return "" if self.local_workers else self.text


def parse_address(text: str) -> ClusterAddress:
    """``local:N`` or a scheduler address such as ``tcp://HOST:8786``; anything else is one line."""
    m = _LOCAL.fullmatch(text)
    if m:
        n = int(m.group(1))
        if not 1 <= n <= MAX_LOCAL_WORKERS:
            raise ValidationError(f"--cluster {shown(text)}: give local:N with N from 1 to {MAX_LOCAL_WORKERS}")
        return ClusterAddress(text, n)
    m = _REMOTE.fullmatch(text)
    if m and 1 <= int(m.group(3)) <= 65535:
        return ClusterAddress(text)
    raise ValidationError(
        f"--cluster {shown(text)} is not a cluster address; give a Dask scheduler's address with its port, "
        "such as tcp://HOST:8786, or local:N for N worker processes on this machine"
    )


class SchedulerLost(OutputError):
    """The Dask scheduler went away during the batch; the cases finished are complete.

    ``summary`` holds them (the batch adds it), ``total`` how many cases the batch has.
    """

    def __init__(self, message: str, summary: BatchSummary | None = None, total: int = 0) -> None:
        super().__init__(message)
        self.summary, self.total = summary, total


def _dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise ValidationError(
            "--cluster needs Dask distributed, which is not installed; install it with "
            "pip install 'orthofit[cluster]', or run without --cluster"
        ) from None
    return distributed


def _quiet() -> None:
    """Dask logs retries and lost workers as it recovers from them; the batch reports faults
    itself, in one line, so those logs stay below ERROR in this process.
    """
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] in ("distributed", "dask", "tornado")]
    for name in ("distributed", "dask", "tornado", *names):  # Dask's config gives some their own level
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


@contextlib.contextmanager
def connect(where: ClusterAddress) -> Iterator[Client]:
    """A Dask client for ``where``; a local cluster is started here and stopped after."""
    distributed = _dask()
    import dask

    _quiet()
    with contextlib.ExitStack() as stack:
        try:
            if where.local_workers:
                stack.enter_context(dask.config.set(WORKER_CONFIG))
                cluster = stack.enter_context(
                    distributed.LocalCluster(
                        n_workers=where.local_workers,
                        threads_per_worker=1,  # a case is single-threaded Python: one per process
                        processes=True,
                        dashboard_address=None,
                        silence_logs=logging.CRITICAL,
                        timeout=CONNECT_TIMEOUT_S,
                    )
                )
                client = stack.enter_context(distributed.Client(cluster, timeout=CONNECT_TIMEOUT_S))
            else:
                client = stack.enter_context(distributed.Client(where.address, timeout=CONNECT_TIMEOUT_S))
        except ValueError as err:  # an address Dask cannot parse after all
            raise ValidationError(
                f"--cluster {shown(where.text)}: Dask cannot use this address ({_reason(err)})"
            ) from None
        except (OSError, TimeoutError) as err:
            raise OutputError(
                f"cannot reach the Dask scheduler at {where.text} ({_reason(err)}); start it with "
                "'dask scheduler' and its workers with 'dask worker ADDRESS', or check the address"
                if not where.local_workers
                else f"cannot start a local Dask cluster of {where.local_workers} workers ({_reason(err)})"
            ) from None
        yield client


def _reason(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text[:160] or type(err).__name__


def _sees(probe: str) -> bool:
    return os.path.isfile(probe)


def check_workers_see(client: Client, out: Path) -> int:
    """Every worker must see the output folder at this path (a shared folder on a cluster);
    returns how many workers there are.

    Raises
    ------
    OutputError
        No workers, or a worker that does not see ``out``.
    """
    probe = out / f".orthofit-probe-{uuid.uuid4().hex}"
    probe.write_bytes(b"")
    try:
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
        except (TimeoutError, OSError):
            raise OutputError(
                f"the Dask scheduler has no workers after {CONNECT_TIMEOUT_S:.0f} s; start them with "
                "'dask worker SCHEDULER-ADDRESS'"
            ) from None
        seen = client.run(_sees, str(probe))
    finally:
        probe.unlink(missing_ok=True)
    blind = sorted(w for w, ok in seen.items() if not ok)
    if blind:
        raise OutputError(
            f"the Dask worker {blind[0]} does not see the output folder {out}; every worker needs "
            "it (and the cases) at the same path: a shared folder"
        )
    return len(seen)


def _task(case: BatchCase, out: Path, settings: Settings, force: bool) -> CaseResult:
    """A cluster task: one case, as a local batch runs it (the output folder checked first, so
    a worker that lost the shared folder does not make one of its own).
    """
    from orthofit.pipeline.batch import CaseResult, run_case

    if not out.is_dir():
        return CaseResult(case.name, "failed", f"the worker does not see the output folder {out}", 0.0)
    return run_case(case, out, settings, force)


def cluster_results(
    client: Client,
    work: list[tuple[BatchCase, Path, Settings, bool]],
    failed: Callable[[BatchCase, str], CaseResult],
) -> Iterator[CaseResult]:
    """Run ``work`` on the cluster and yield each case's result as its task finishes.

    ``failed(case, message)`` makes the result of a case whose task itself failed (it killed
    its workers every time it was tried).

    Raises
    ------
    SchedulerLost
        The scheduler stopped answering; the tasks still out are given up.
    """
    distributed = _dask()
    if not work:
        return
    settings = client.scatter(work[0][2], broadcast=True, hash=False)  # sent once, not per case
    token = uuid.uuid4().hex[:12]
    futures = {
        client.submit(_task, case, out, settings, force, key=f"orthofit-case-{token}-{i}", pure=False): case
        for i, (case, out, _, force) in enumerate(work)
    }
    try:
        for future in distributed.as_completed(futures):
            case = futures[future]
            if future.status == "finished":
                yield future.result()
            elif future.status == "cancelled":
                raise SchedulerLost("the Dask scheduler went away")
            else:
                err = future.exception()
                if isinstance(err, distributed.KilledWorker):
                    yield failed(case, "the case stopped every worker that ran it (killed or out of memory)")
                else:
                    yield failed(case, f"the case's task failed on the cluster: {_reason(err)}")
    except (OSError, distributed.comm.CommClosedError, TimeoutError) as err:
        raise SchedulerLost(f"the Dask scheduler went away ({_reason(err)})") from None
    finally:
        with contextlib.suppress(Exception):
            client.cancel(list(futures), force=True)
