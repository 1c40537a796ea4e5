"""Pipeline runs off the request thread, in a process pool.

Each job gets a visit's case file (text) and the paths of the files it names in the store,
lays them out in a temporary folder exactly as an exported visit would be, and runs the same
pipeline function as the command line. A user error comes back as ``{"error": message}``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import multiprocessing
import shutil
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from orthofit.errors import UserError

if TYPE_CHECKING:
    from orthofit.assess.assessment import Assessment
    from orthofit.config.settings import Override, Settings

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
    from orthofit.pipeline.assess_case import assess_case_file
    from orthofit.report.summary import assessment_dict, assessment_text

    with tempfile.TemporaryDirectory(prefix="orthofit-job-") as tmp:
        try:
            a = assess_case_file(lay_out(Path(tmp), case_toml, inputs), _settings("neutral"))
        except UserError as err:
            return {"error": str(err)}
        return {"assessment": assessment_dict(a), "text": assessment_text(a)}


class Lane(Enum):
    """Which pool a job runs in, and so how soon it gets the processor.

    Each lane has its own worker processes, at a lower scheduling priority the longer its
    jobs take (``nice``): the kernel hands the processor to a page's job first and to an
    approval last, so a preview never queues behind other users' approvals and a page never
    waits behind either. On 2 cores this is what keeps pages and previews quick while
    approvals are being built.
    """

    PAGE = 0  # an assessment or a FHIR export, for a page being shown
    PREVIEW = 5  # the design page's coarse insoles
    BUILD = 15  # an approval's files (``orthofit fit``)

    @property
    def nice(self) -> int:
        return self.value


class Jobs:
    """Worker processes by :class:`Lane`: ``await jobs.run(Lane.PREVIEW, fn, *args)``.

    Parameters
    ----------
    workers : int
        Processes of the preview and of the build lanes each (the page lane has one).
    """

    def __init__(self, workers: int) -> None:
        sizes = {lane: 1 if lane is Lane.PAGE else workers for lane in Lane}
        self.pools = {lane: _pool(n, lane.nice) for lane, n in sizes.items()}
        # started now, not awaited: the server answers at once, the workers are ready soon after
        self.warming = [self.pools[lane].submit(_warm) for lane, n in sizes.items() for _ in range(n)]

    def ready(self) -> bool:
        """Whether every worker has started and imported the pipeline."""
        return all(f.done() for f in self.warming)

    async def run(self, lane: Lane, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.pools[lane], fn, *args)

    async def design(
        self, case_toml: str, inputs: dict[str, str], profile: str, posted: dict[str, str]
    ) -> dict[str, Any]:
        """:func:`design_job` for both feet, each foot in a preview worker of its own: the
        two insoles are built side by side, so a preview takes the time of one (both took
        0.19 s of one core on the examples; one takes 0.1 s).
        """
        from orthofit.model.enums import Side

        parts = await asyncio.gather(
            *(self.run(Lane.PREVIEW, design_job, case_toml, inputs, profile, posted, side.value) for side in Side)
        )
        for part in parts:
            if "error" in part:
                return part
        return {"sides": {k: v for part in parts for k, v in part["sides"].items()}, "overrides": parts[0]["overrides"]}

    def close(self) -> None:
        """Stop the workers: queued jobs are dropped, running ones finish (a second at most).
        Waiting for them also lets each pool release its queues' semaphores, which otherwise
        showed as a "leaked semaphore objects" warning every time the app was stopped.
        """
        for pool in self.pools.values():
            pool.shutdown(wait=True, cancel_futures=True)


def _pool(workers: int, nice: int) -> ProcessPoolExecutor:
    import os

    # spawn: the server has threads, and forking a threaded process can copy a held lock.
    # The workers ignore Ctrl-C (the server stops them) and end with the server.
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(os.getpid(), nice),
    )


def _init_worker(parent: int, nice: int) -> None:
    import os

    from orthofit.pipeline.batch import init_worker

    init_worker(parent, False)
    os.nice(nice)


def _warm() -> None:
    """Import what the jobs use, so the first user's job does not pay for it (about 1 s).

    The short sleep keeps this worker busy while the other warm-ups are handed out, so each
    worker of a pool gets one.
    """
    import time

    import orthofit.pipeline.fit  # noqa: F401
    import orthofit.pipeline.insoles  # noqa: F401

    _settings("neutral")
    time.sleep(0.3)


@functools.lru_cache(maxsize=32)
def _base_settings(profile: str) -> Settings:
    from orthofit.config.settings import load_settings

    return load_settings(profile)


def _settings(profile: str, overrides: Mapping[str, Override | str] | None = None) -> Settings:
    """``load_settings(profile, overrides=overrides)``, the shipped files read once per worker
    (they do not change while the server runs; reading them was a sixth of a preview).
    ``overrides`` as a visit stores them (JSON): a choice may come back as its name.
    """
    from orthofit.config.params import CHOICES, Choice, check_names

    base = _base_settings(profile)
    if not overrides:
        return base
    values: dict[str, Override] = {
        k: CHOICES[k][0].parse(v, k) if k in CHOICES and not isinstance(v, Choice) else v  # type: ignore[misc]
        for k, v in overrides.items()
    }
    check_names(values, "the overrides (--set)")
    return dataclasses.replace(base, overrides=values)


def _overrides(assessment: Any, profile: str, sides: list[Any], posted: dict[str, str]) -> dict[str, Override]:
    """The posted parameter values that differ from what the profile and the rules give: a
    number for a numeric parameter, the choice's name (``"shell"``) for ``length``,
    ``construction`` and ``shoe``.
    """
    from orthofit.config.params import CHOICES, PARAMETERS
    from orthofit.pipeline.insoles import rule_params

    base = rule_params(assessment, _settings(profile), sides)
    overrides: dict[str, Override] = {}
    for name, text in posted.items():
        if text in ("", None) or (name not in PARAMETERS and name not in CHOICES):
            continue
        if name in CHOICES:
            choice = CHOICES[name][0].parse(text, name)
            if any(b.get(name) != choice.value for b in base.values()):
                overrides[name] = choice
            continue
        try:
            value = float(text)
        except ValueError:
            raise UserError(f"{name} = {text[:20]!r} is not a number") from None
        # a value equal to every side's rule value is not a change
        if any(abs(value - float(b.get(name, value))) > 1e-9 for b in base.values()):
            overrides[name] = value
    return overrides


@functools.lru_cache(maxsize=8)
def _assessed(case_toml: str, inputs: tuple[tuple[str, str], ...], profile: str) -> Assessment:
    """A visit's case read, measured and assessed with ``profile``'s settings, kept for the
    next preview of the same visit in this worker (a clinician moves one control after
    another; reading and measuring a case with a footprint or scan is a fifth of a preview).
    A visit's case and inputs never change: the store paths name their contents' SHA-256.
    """
    from orthofit.assess.assessment import assess
    from orthofit.pipeline.inputs import load_measured_case

    with tempfile.TemporaryDirectory(prefix="orthofit-job-") as tmp:
        return assess(load_measured_case(lay_out(Path(tmp), case_toml, dict(inputs))), _settings(profile))


def design_job(
    case_toml: str, inputs: dict[str, str], profile: str, posted: dict[str, str], only: str | None = None
) -> dict[str, Any]:
    """Prescribe and build both insoles for the design page (a coarser mesh than the files'),
    or only the ``only`` foot ("left", "right"): :meth:`Jobs.design` builds each foot in a
    worker of its own.

    ``posted`` holds the parameter values the form sent (text); the ones that differ from
    what the profile and the rules give become the clinician's overrides (``--set``), so the
    reasons say which values came from rules and which the clinician changed.

    Returns ``{"sides": {side: {"stl": bytes, "params": {...}, "reasons": [...],
    "size": [x, y, z]}}, "overrides": {...}}`` or ``{"error": str}``.
    """
    from orthofit.model.enums import Side
    from orthofit.pipeline.insoles import preview_insoles

    try:
        a = _assessed(case_toml, tuple(sorted(inputs.items())), profile)
        sides = [s for s in Side if a.measured.case.foot(s).foot_length_mm is not None]
        if not sides:
            return {"error": "neither foot has a foot length, so no insole can be sized"}
        # over both feet: a value equal to every foot's rule value is not a change
        overrides = _overrides(a, profile, sides, posted)
        built = [s for s in sides if only is None or s.value == only]
        previews = preview_insoles(a, _settings(profile, overrides), built) if built else []
    except UserError as err:
        return {"error": str(err)}
    out: dict[str, Any] = {"sides": {}, "overrides": overrides}
    for rx, stl, size, zones in previews:
        out["sides"][rx.side.value] = {
            "stl": stl,
            "zones": [{"name": n, "infill_pct": pct, "stl": data} for n, pct, data in zones],
            "params": {k: v for k, v in rx.params.as_dict().items() if isinstance(v, (int, float, str))},
            "reasons": list(rx.reasons),
            "size": [round(x, 1) for x in size],
        }
    return out


def fit_command(profile: str, overrides: dict[str, Override]) -> list[str]:
    """The command line that makes a visit's files from its exported folder."""
    cmd = ["orthofit", "fit", CASE_NAME, "--out", "out", "--profile", profile]
    for name, value in sorted(overrides.items()):
        # a choice is stored by its name (JSON keeps a str); a number as the shortest decimal
        text = f"{value:g}" if isinstance(value, float) else getattr(value, "value", value)
        cmd += ["--set", f"{name}={text}"]
    return cmd


def approve_job(case_toml: str, inputs: dict[str, str], profile: str, posted: dict[str, str]) -> dict[str, Any]:
    """The whole job of ``orthofit fit`` for an approved visit: ``{"files": {name: bytes},
    "overrides": {...}}`` (the posted values that differ from the rules), or ``{"error": str}``.

    Run in the laid-out folder with the case's relative name, exactly as
    :func:`fit_command` runs on the exported folder, so the manifest (which names the inputs
    as given) and every file are byte-identical to the command line's.
    """
    import os

    from orthofit.assess.assessment import assess
    from orthofit.model.enums import Side
    from orthofit.pipeline.fit import fit_measured, input_files
    from orthofit.pipeline.inputs import load_measured_case

    with tempfile.TemporaryDirectory(prefix="orthofit-job-") as tmp:
        lay_out(Path(tmp), case_toml, inputs)
        here = os.getcwd()
        os.chdir(tmp)  # a worker runs one job at a time
        try:
            measured = load_measured_case(CASE_NAME)
            sides = [s for s in Side if measured.case.foot(s).foot_length_mm is not None]
            overrides = _overrides(assess(measured, _settings(profile)), profile, sides, posted) if sides else {}
            settings = _settings(profile, overrides)
            # what fit(CASE_NAME, settings) does, without reading and measuring the case again
            result = fit_measured(measured, input_files(measured.case, Path(CASE_NAME), settings), settings)
        except UserError as err:
            return {"error": str(err)}
        finally:
            os.chdir(here)
    return {"files": dict(result.files), "overrides": overrides}


def fhir_job(
    case_toml: str,
    inputs: dict[str, str],
    profile: str,
    overrides: dict[str, float],
    visit_id: str,
    issued: str,
    status: str,
) -> dict[str, Any]:
    """The visit as an HL7 FHIR R4 Bundle (``{"bundle": dict}``), from the same pipeline steps."""
    from orthofit.assess.assessment import assess
    from orthofit.export.fhir import visit_bundle
    from orthofit.model.enums import Side
    from orthofit.pipeline.inputs import load_measured_case
    from orthofit.pipeline.insoles import make_insoles

    with tempfile.TemporaryDirectory(prefix="orthofit-job-") as tmp:
        try:
            measured = load_measured_case(lay_out(Path(tmp), case_toml, inputs))
            settings = _settings(profile, overrides)
            a = assess(measured, settings)
            sides = [s for s in Side if measured.case.foot(s).foot_length_mm is not None]
            outputs = make_insoles(a, settings, sides) if sides else []
            bundle = visit_bundle(measured.case, a, outputs, visit_id=visit_id, issued=issued, status=status)
        except UserError as err:
            return {"error": str(err)}
    return {"bundle": bundle}
