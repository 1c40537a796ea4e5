"""The patient report: from an assessment and its insoles to PDF bytes (no file access)."""

from __future__ import annotations

import datetime
import os

from orthofit.assess.assessment import Assessment
from orthofit.report.content import build_content
from orthofit.report.pdf import PAPERS, report_pdf_bytes
from orthofit.config.templates import load_report_template


def report_date(assessment: Assessment) -> str:
    """The report's date: the visit date in the case (``[clinician] date``), else
    ``SOURCE_DATE_EPOCH`` (reproducible builds), else today; ISO format."""
    if assessment.case.clinician.date:
        return assessment.case.clinician.date
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date().isoformat()
    return datetime.date.today().isoformat()


def make_report(assessment: Assessment, outputs, profile_name: str, paper: str = "a4",
                template: dict | None = None, thresholds=None, date: str | None = None) -> bytes:
    """The report as PDF bytes.

    Parameters
    ----------
    assessment : Assessment
    outputs : list of InsoleOutput
        The insoles of the feet the report covers (from :func:`orthofit.pipeline.insoles.make_insoles`).
    profile_name : str
        The prescription profile used.
    paper : {"a4", "letter"}
    template : dict, optional
        The wording (:func:`orthofit.config.templates.load_report_template`); the shipped one by default.
    thresholds : Thresholds, optional
        For the usual ranges; the shipped ones by default.
    date : str, optional
        ISO date printed on the report; :func:`report_date` by default.
    """
    from orthofit.errors import ValidationError
    from orthofit.config.thresholds import load_thresholds

    if paper not in PAPERS:
        raise ValidationError(f"paper {paper!r} is not known; use one of {', '.join(PAPERS)}")
    content = build_content(assessment, outputs, template or load_report_template(),
                            thresholds or load_thresholds(), profile_name, date or report_date(assessment))
    return report_pdf_bytes(content, paper)
