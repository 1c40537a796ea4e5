"""``orthofit report``: the patient report of a case, written as one PDF."""

from __future__ import annotations

from pathlib import Path

from orthofit.config.settings import Settings
from orthofit.errors import OutputError
from orthofit.io.output import write_files
from orthofit.model.enums import Side
from orthofit.pipeline.assess_case import assess_case_file
from orthofit.pipeline.insoles import make_insoles
from orthofit.report.document import make_report


def report_job(case_path: str | Path, settings: Settings, out: str | Path, force: bool = False) -> tuple[Path, int]:
    """Assess the case, build its insoles (as ``orthofit insole`` would) and write the report
    to ``out`` (a .pdf file; an existing one is only replaced, by a complete one, with
    ``force``). Returns the path and its size in bytes.
    """
    out = Path(out)
    if out.is_dir():
        raise OutputError(f"--out {out} is a folder; give the PDF's file name, e.g. {out / 'report.pdf'}")
    if out.suffix.lower() != ".pdf":
        raise OutputError(f"--out {out} should end in .pdf")
    assessment = assess_case_file(case_path, settings)
    sides = [s for s in Side if assessment.case.foot(s).foot_length_mm is not None]
    pdf = make_report(assessment, make_insoles(assessment, settings, sides), settings)
    written = write_files(out.parent if str(out.parent) else ".", {out.name: pdf}, force)
    return written[0], len(pdf)
