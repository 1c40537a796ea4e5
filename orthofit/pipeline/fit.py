"""The whole job for one case: load, assess, prescribe, build, export, report, manifest.

:func:`fit` returns everything as objects and bytes (no file is written); :func:`write_fit`
writes them all or none. Files are named with the patient id (which the case file restricts
to letters, digits, ``.``, ``_`` and ``-``, so it cannot steer a path outside the folder):

========================  ===========================================================
``<id>-assessment.json``  the assessment, as ``orthofit assess --json`` prints it
``<id>-left.stl/.3mf``    the insoles (each foot that has a foot length)
``<id>-right.stl/.3mf``
``<id>-report.pdf``       the patient report
``<id>-manifest.json``    inputs and outputs with their SHA-256, version, profile, every
                          parameter: what a lab needs to trust and reproduce the run
========================  ===========================================================
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orthofit import __version__
from orthofit.errors import OutputError, ValidationError


@dataclass(frozen=True)
class FitResult:
    """One case's complete output: ``files`` maps file name -> bytes (manifest included)."""

    case: Any                   # Case
    assessment: Any             # Assessment
    insoles: tuple              # InsoleOutput per foot built, left first
    report_pdf: bytes
    manifest: dict[str, Any]
    files: dict[str, bytes]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def input_files(case, case_path: Path, profile_path: str | None, thresholds_path: str | None,
                 template_path: str | None) -> dict[str, str]:
    """Every file the result depends on -> its SHA-256 (a rerun with equal hashes is equal)."""
    from orthofit.model.enums import Side

    paths = [case_path]
    for side in Side:
        m = case.foot(side)
        if m.scan:
            paths.append(case_path.parent / m.scan)
        if m.footprint_grid:
            paths.append(case_path.parent / m.footprint_grid)
    paths += [Path(p) for p in (profile_path, thresholds_path, template_path) if p]
    return {str(p): sha256(p.read_bytes()) for p in paths}


def fit(case_path: str | Path, profile: str = "neutral", paper: str = "a4", thresholds: str | Path | None = None,
        template: str | Path | None = None, overrides: dict[str, Any] | None = None) -> FitResult:
    """Run the whole chain for one case file (scans and grids it names included).

    Parameters
    ----------
    case_path : path
        The case file (TOML).
    profile : str
        A shipped profile name or a profile file's path.
    paper : {"a4", "letter"}
        The report's paper.
    thresholds, template : path, optional
        Files overriding the clinical thresholds and the report's wording.
    overrides : dict, optional
        Insole parameters set by the clinician (as ``--set``).

    Raises
    ------
    UserError
        Any problem with the inputs (one line saying what and how to fix it); nothing has
        been written.
    """
    from orthofit.io.case_file import load_case

    case_path = Path(case_path)
    settings = _settings(profile, thresholds, template)     # bad options fail before any work
    case = load_case(case_path)
    profile_path = profile if profile.endswith(".toml") else None
    inputs = input_files(case, case_path, profile_path, str(thresholds) if thresholds else None,
                          str(template) if template else None)
    return fit_case(case, inputs, profile, paper, thresholds, template, overrides, settings)


def _settings(profile, thresholds, template):
    from orthofit.config.profiles import load_profile
    from orthofit.config.templates import load_report_template
    from orthofit.config.thresholds import load_thresholds

    return load_profile(profile), load_thresholds(thresholds), (load_report_template(template) if template else None)


def fit_case(case, inputs: dict[str, str], profile: str = "neutral", paper: str = "a4",
             thresholds: str | Path | None = None, template: str | Path | None = None,
             overrides: dict[str, Any] | None = None, settings=None) -> FitResult:
    """:func:`fit` for a case already loaded (a batch row, say); ``inputs`` (name -> SHA-256)
    is what the manifest records as the inputs."""
    from orthofit.assess.assessment import assess
    from orthofit.model.enums import Side
    from orthofit.pipeline.insoles import make_insoles
    from orthofit.report.document import make_report, report_date
    from orthofit.report.summary import assessment_dict

    prof, th, tpl = settings or _settings(profile, thresholds, template)
    sides = [s for s in Side if case.foot(s).foot_length_mm is not None]
    if not sides:
        raise ValidationError(f"{case.source or case.patient.id}: neither foot has a foot_length_mm (typed or "
                              "from a scan), so no insole can be sized; add [left] or [right] foot_length_mm, "
                              "or a scan")
    a = assess(case, th)
    outputs = tuple(make_insoles(a, prof, sides, overrides, thresholds=th))
    date = report_date(a)
    pdf = make_report(a, list(outputs), prof.name, paper, tpl, th, date)
    pid = case.patient.id
    files: dict[str, bytes] = {
        f"{pid}-assessment.json": (json.dumps(assessment_dict(a), indent=2, ensure_ascii=False) + "\n").encode()}
    for o in outputs:
        files.update(o.files)
    files[f"{pid}-report.pdf"] = pdf
    manifest = {
        "orthofit_version": __version__,
        "patient_id": pid,
        "profile": prof.name,
        "profile_requested": profile,      # as asked (a name or a path): a batch rerun compares it
        "paper": paper,
        "report_date": date,
        "inputs": inputs,
        "overrides": dict(sorted((overrides or {}).items())),
        "insoles": {o.prescription.side.value: {"params": o.prescription.params.as_dict(),
                                                "reasons": list(o.prescription.reasons)} for o in outputs},
        "outputs": {name: sha256(data) for name, data in files.items()},
    }
    files[f"{pid}-manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n").encode()
    return FitResult(case, a, outputs, pdf, manifest, files)


def write_fit(result: FitResult, out_dir: str | Path, force: bool = False) -> list[Path]:
    """Write every file of ``result`` into ``out_dir``, all or none; existing files are only
    replaced with ``force``."""
    from orthofit.io.output import write_files

    out = Path(out_dir)
    if not force:
        existing = [n for n in result.files if (out / n).exists()]
        if existing:
            raise OutputError(f"{out / existing[0]} already exists (from an earlier run); use --force to "
                              "replace this case's files")
    return write_files(out, result.files, force=True)
