"""The whole job for one case: load, assess, prescribe, build, export, report, manifest.

:func:`fit` returns everything as objects and bytes (no file is written); :func:`write_fit`
writes them all or none. Files are named with the patient id (which the case file restricts
to letters, digits, ``.``, ``_`` and ``-``, so it cannot steer a path outside the folder):

========================  ===========================================================
``<id>-assessment.json``  the assessment, as ``orthofit assess --json`` prints it
``<id>-left.stl/.3mf``    the insoles (each foot that has a foot length): STL and a plain 3MF
``<id>-right.stl/.3mf``   that any slicer reads as the insole alone
``<id>-<side>.prusa.3mf`` PrusaSlicer's project: the stiffness zones and the print profile
``<id>-report.pdf``       the patient report (at most four pages, pictures first)
``<id>-lab-sheet.pdf``    the prescription, measures and sources for the clinician and lab
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
from orthofit.assess.assessment import Assessment, assess
from orthofit.config.params import Choice
from orthofit.config.settings import Settings
from orthofit.config.tomlfile import read_bytes
from orthofit.errors import CaseFileError, ValidationError
from orthofit.geometry.product import InsoleOutput
from orthofit.measure.case import MeasuredCase
from orthofit.model.case import Case
from orthofit.model.enums import Side
from orthofit.pipeline.inputs import case_kind, measure_files, named_inputs, read_case
from orthofit.pipeline.insoles import make_insoles, not_needed_feet
from orthofit.report.document import make_documents, report_date
from orthofit.report.summary import assessment_dict


@dataclass(frozen=True)
class FitResult:
    """One case's complete output: ``files`` maps file name -> bytes (manifest included)."""

    case: Case
    assessment: Assessment
    insoles: tuple[InsoleOutput, ...]  # one per foot built, left first
    report_pdf: bytes
    lab_sheet_pdf: bytes
    manifest: dict[str, Any]
    files: dict[str, bytes]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def input_files(case: Case, case_path: Path, settings: Settings | None) -> dict[str, str]:
    """Every file the result depends on -> its SHA-256 (a rerun with equal hashes is equal):
    the case file, the scans and grids it names, and the settings files given.
    """
    return hash_files([(case_path, case_kind(case_path)), *named_inputs(case), *named_settings(settings)])


def named_settings(settings: Settings | None) -> list[tuple[Path, str]]:
    """The settings files given (profile, thresholds, template, clinic and its logo), each with its kind."""
    kinds = {
        "profile": "profile",
        "thresholds": "thresholds",
        "template": "report template",
        "clinic": "clinic settings file",
        "clinic_logo": "clinic logo",
    }
    return [(p, kinds[k]) for k, p in (settings.files.items() if settings else ())]


def hash_files(named: list[tuple[Path, str]]) -> dict[str, str]:
    """Each (path, kind) -> SHA-256, read as safely as the readers read them (a regular file
    within its kind's size limit), so hashing cannot hang on a FIFO or read without end.
    """
    return {str(p): sha256(read_bytes(p, kind, CaseFileError)) for p, kind in named}


def fit(case_path: str | Path, settings: Settings) -> FitResult:
    """Run the whole chain for one case file (scans and grids it names included).

    Parameters
    ----------
    case_path : path
        The case file (TOML) or a shop scanner's CSV.
    settings : Settings
        From :func:`orthofit.config.settings.load_settings` (profile, thresholds, wording,
        paper, overrides).

    Raises
    ------
    UserError
        Any problem with the inputs (one line saying what and how to fix it); nothing has
        been written.
    """
    case_path = Path(case_path)
    case = read_case(case_path)
    measured = measure_files(case)
    return fit_measured(measured, input_files(case, case_path, settings), settings)


def fit_case(case: Case, inputs: dict[str, str], settings: Settings) -> FitResult:
    """:func:`fit` for a case already read (a batch row, say); ``inputs`` (name -> SHA-256)
    is what the manifest records as the inputs.
    """
    return fit_measured(measure_files(case), inputs, settings)


def fit_measured(measured: MeasuredCase, inputs: dict[str, str], settings: Settings) -> FitResult:
    """:func:`fit` for a case already read and measured."""
    case = measured.case
    sides = [s for s in Side if case.foot(s).foot_length_mm is not None]
    if not sides:
        raise ValidationError(
            f"{case.source or case.patient.id}: neither foot has a foot_length_mm (typed or "
            "from a scan), so no insole can be sized; add [left] or [right] foot_length_mm, "
            "or a scan"
        )
    a = assess(measured, settings)
    outputs = tuple(make_insoles(a, settings, sides))
    date = report_date(a)
    pdf, lab_pdf = make_documents(a, outputs, settings, date)
    pid = case.patient.id
    files: dict[str, bytes] = {
        f"{pid}-assessment.json": (
            json.dumps(assessment_dict(a), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        ).encode()
    }
    for o in outputs:
        files.update(o.files)
    files[f"{pid}-report.pdf"] = pdf
    files[f"{pid}-lab-sheet.pdf"] = lab_pdf
    manifest = {
        "orthofit_version": __version__,
        "patient_id": pid,
        "profile": settings.profile.name,
        "profile_requested": settings.profile_requested,  # as asked (a name or a path): a batch rerun compares it
        "paper": settings.paper.value,
        "slicers": [s.value for s in settings.slicers],  # the slicer projects written (--slicer)
        "report_date": date,
        "inputs": inputs,
        "overrides": {k: (v.value if isinstance(v, Choice) else v) for k, v in sorted(settings.overrides.items())},
        "insoles": {
            o.prescription.side.value: {
                "params": o.prescription.params.as_dict(),
                "reasons": list(o.prescription.reasons),
            }
            for o in outputs
        },
        # feet left without an insole because they need none, each with why
        "not_needed": {side.value: why for side, why in not_needed_feet(a, settings, sides).items()},
        "outputs": {name: sha256(data) for name, data in files.items()},
    }
    files[f"{pid}-manifest.json"] = (
        json.dumps(manifest, indent=2, ensure_ascii=False, default=str, allow_nan=False) + "\n"
    ).encode()
    return FitResult(case, a, outputs, pdf, lab_pdf, manifest, files)


def write_fit(result: FitResult, out_dir: str | Path, force: bool = False) -> list[Path]:
    """Write every file of ``result`` into ``out_dir``, all or none; existing files are only
    replaced with ``force``.
    """
    from orthofit.io.output import write_files

    return write_files(out_dir, result.files, force=force, earlier_manifest=f"{result.case.patient.id}-manifest.json")


def fit_job(
    case_path: str | Path, settings: Settings, out_dir: str | Path, force: bool = False
) -> tuple[FitResult, list[Path]]:
    """``orthofit fit``: :func:`fit`, then :func:`write_fit`."""
    result = fit(case_path, settings)
    return result, write_fit(result, out_dir, force)
