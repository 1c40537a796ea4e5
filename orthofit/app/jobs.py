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
    """Two pools of worker processes: ``await jobs.run(fn, *args)`` runs a build (previews,
    approvals) in the main pool; ``light=True`` runs a page's job (an assessment, a FHIR
    export) in a pool of its own, so a page never queues behind other users' builds.
    """

    def __init__(self, workers: int) -> None:
        self.pool = _pool(workers)
        self.light = _pool(1)

    async def run(self, fn: Callable[..., Any], *args: Any, light: bool = False) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.light if light else self.pool, fn, *args)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.light.shutdown(wait=False, cancel_futures=True)


def _pool(workers: int) -> ProcessPoolExecutor:
    import os

    from orthofit.pipeline.batch import init_worker

    # spawn: the server has threads, and forking a threaded process can copy a held lock.
    # The workers ignore Ctrl-C (the server stops them) and end with the server.
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(os.getpid(), False),
    )


def _overrides(assessment: Any, profile: str, sides: list[Any], posted: dict[str, str]) -> dict[str, float]:
    """The posted parameter values that differ from what the profile and the rules give."""
    from orthofit.config.params import PARAMETERS
    from orthofit.config.settings import load_settings
    from orthofit.pipeline.insoles import rule_params

    base = rule_params(assessment, load_settings(profile), sides)
    overrides: dict[str, float] = {}
    for name, text in posted.items():
        spec = PARAMETERS.get(name)
        if spec is None or text in ("", None):
            continue
        try:
            value = float(text)
        except ValueError:
            raise UserError(f"{name} = {text[:20]!r} is not a number") from None
        # a value equal to every side's rule value is not a change
        if any(abs(value - float(b.get(name, value))) > 1e-9 for b in base.values()):
            overrides[name] = value
    return overrides


def design_job(case_toml: str, inputs: dict[str, str], profile: str, posted: dict[str, str]) -> dict[str, Any]:
    """Prescribe and build both insoles for the design page (a coarser mesh than the files').

    ``posted`` holds the parameter values the form sent (text); the ones that differ from
    what the profile and the rules give become the clinician's overrides (``--set``), so the
    reasons say which values came from rules and which the clinician changed.

    Returns ``{"sides": {side: {"stl": bytes, "params": {...}, "reasons": [...],
    "size": [x, y, z]}}, "overrides": {...}}`` or ``{"error": str}``.
    """
    from orthofit.assess.assessment import assess
    from orthofit.config.settings import load_settings
    from orthofit.model.enums import Side
    from orthofit.pipeline.inputs import load_measured_case
    from orthofit.pipeline.insoles import preview_insoles

    with tempfile.TemporaryDirectory(prefix="orthofit-job-") as tmp:
        try:
            measured = load_measured_case(lay_out(Path(tmp), case_toml, inputs))
            sides = [s for s in Side if measured.case.foot(s).foot_length_mm is not None]
            if not sides:
                return {"error": "neither foot has a foot length, so no insole can be sized"}
            a = assess(measured, load_settings(profile))
            overrides = _overrides(a, profile, sides, posted)
            previews = preview_insoles(a, load_settings(profile, overrides=overrides), sides)
        except UserError as err:
            return {"error": str(err)}
    out: dict[str, Any] = {"sides": {}, "overrides": overrides}
    for rx, stl, size, zones in previews:
        out["sides"][rx.side.value] = {
            "stl": stl,
            "zones": [{"name": n, "infill_pct": pct, "stl": data} for n, pct, data in zones],
            "params": {k: v for k, v in rx.params.as_dict().items() if isinstance(v, (int, float))},
            "reasons": list(rx.reasons),
            "size": [round(x, 1) for x in size],
        }
    return out


def fit_command(profile: str, overrides: dict[str, float]) -> list[str]:
    """The command line that makes a visit's files from its exported folder."""
    cmd = ["orthofit", "fit", CASE_NAME, "--out", "out", "--profile", profile]
    for name, value in sorted(overrides.items()):
        cmd += ["--set", f"{name}={value:g}"]
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
    from orthofit.config.settings import load_settings
    from orthofit.model.enums import Side
    from orthofit.pipeline.fit import fit
    from orthofit.pipeline.inputs import load_measured_case

    with tempfile.TemporaryDirectory(prefix="orthofit-job-") as tmp:
        lay_out(Path(tmp), case_toml, inputs)
        here = os.getcwd()
        os.chdir(tmp)  # a worker runs one job at a time
        try:
            measured = load_measured_case(CASE_NAME)
            sides = [s for s in Side if measured.case.foot(s).foot_length_mm is not None]
            overrides = _overrides(assess(measured, load_settings(profile)), profile, sides, posted) if sides else {}
            result = fit(CASE_NAME, load_settings(profile, overrides=overrides))
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
    from orthofit.config.settings import load_settings
    from orthofit.export.fhir import visit_bundle
    from orthofit.model.enums import Side
    from orthofit.pipeline.inputs import load_measured_case
    from orthofit.pipeline.insoles import make_insoles

    with tempfile.TemporaryDirectory(prefix="orthofit-job-") as tmp:
        try:
            measured = load_measured_case(lay_out(Path(tmp), case_toml, inputs))
            settings = load_settings(profile, overrides=overrides)
            a = assess(measured, settings)
            sides = [s for s in Side if measured.case.foot(s).foot_length_mm is not None]
            outputs = make_insoles(a, settings, sides) if sides else []
            bundle = visit_bundle(measured.case, a, outputs, visit_id=visit_id, issued=issued, status=status)
        except UserError as err:
            return {"error": str(err)}
    return {"bundle": bundle}
