"""``orthofit report``: the patient report of a case and its lab sheet, written as two PDFs."""

from __future__ import annotations

from pathlib import Path

from orthofit.config.settings import Settings
from orthofit.errors import OutputError
from orthofit.io.output import write_files
from orthofit.model.enums import Side
from orthofit.pipeline.assess_case import assess_case_file
from orthofit.pipeline.insoles import make_insoles
from orthofit.report.document import make_documents


def lab_sheet_name(report_name: str) -> str:
    """The lab sheet's file name beside a report named ``report_name``: ``X-report.pdf`` ->
    ``X-lab-sheet.pdf``, any other ``Y.pdf`` -> ``Y-lab-sheet.pdf``.
    """
    stem = report_name[: -len(".pdf")]
    if stem.lower().endswith("-report"):
        stem = stem[: -len("-report")]
    return f"{stem}-lab-sheet.pdf"


def report_job(
    case_path: str | Path, settings: Settings, out: str | Path, force: bool = False
) -> tuple[list[Path], int]:
    """Assess the case, build its insoles (as ``orthofit insole`` would) and write the report
    to ``out`` (a .pdf file) and the lab sheet beside it (:func:`lab_sheet_name`); both or
    neither, and existing files only replaced, by complete ones, with ``force``. Returns the
    paths and the report's size in bytes.
    """
    out = Path(out)
    if out.is_dir():
        raise OutputError(f"--out {out} is a folder; give the PDF's file name, e.g. {out / 'report.pdf'}")
    if out.suffix.lower() != ".pdf":
        raise OutputError(f"--out {out} should end in .pdf")
    assessment = assess_case_file(case_path, settings)
    sides = [s for s in Side if assessment.case.foot(s).foot_length_mm is not None]
    pdf, lab = make_documents(assessment, make_insoles(assessment, settings, sides), settings)
    files = {out.name: pdf, lab_sheet_name(out.name): lab}
    written = write_files(out.parent if str(out.parent) else ".", files, force)
    return written, len(pdf)
