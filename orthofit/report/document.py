"""The two documents, patient report and lab sheet: from an assessment and its insoles to PDF
bytes (no file access).
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Sequence

from orthofit.assess.assessment import Assessment
from orthofit.config.settings import Settings
from orthofit.config.templates import TemplateError, check_template
from orthofit.errors import ValidationError
from orthofit.geometry.product import InsoleOutput
from orthofit.report.content import ReportContent
from orthofit.report.lab_sheet import lab_content
from orthofit.report.patient import patient_content
from orthofit.report.pdf import report_pdf_bytes


def report_date(assessment: Assessment) -> str:
    """The report's date: the visit date in the case (``[clinician] date``), else
    ``SOURCE_DATE_EPOCH`` (reproducible builds), else today; ISO format.
    """
    if assessment.case.clinician.date:
        return assessment.case.clinician.date
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            raise ValidationError(
                f"SOURCE_DATE_EPOCH = {epoch[:20]} is not a time orthofit can date a report with; "
                "give seconds since 1970 (or unset it)"
            ) from None
    return datetime.date.today().isoformat()


def build_contents(
    assessment: Assessment, outputs: Sequence[InsoleOutput], settings: Settings, date: str
) -> tuple[ReportContent, ReportContent]:
    """The blocks of the patient report and of the lab sheet, with the clinic on both."""
    template = settings.template
    check_template(template)
    clinic = settings.clinic
    if not clinic.name and assessment.case.clinician.clinic:  # no settings file: the case's clinic
        clinic = dataclasses.replace(clinic, name=assessment.case.clinician.clinic)
    try:
        patient = patient_content(assessment, outputs, template, settings.thresholds, date)
        lab = lab_content(assessment, outputs, template, settings.thresholds, settings.profile.name, date)
    except KeyError as err:
        raise TemplateError(
            f"the report template has no entry {err}; restore it from the shipped templates/report.toml"
        ) from None
    return dataclasses.replace(patient, clinic=clinic), dataclasses.replace(lab, clinic=clinic)


def make_documents(
    assessment: Assessment, outputs: Sequence[InsoleOutput], settings: Settings, date: str | None = None
) -> tuple[bytes, bytes]:
    """The patient report and the lab sheet as PDF bytes.

    Parameters
    ----------
    assessment : Assessment
    outputs : list of InsoleOutput
        The insoles of the feet the report covers (from :func:`orthofit.pipeline.insoles.make_insoles`).
    settings : Settings
        The profile's name, the paper, the wording, the thresholds (for the usual ranges) and
        the clinic.
    date : str, optional
        ISO date printed on both; :func:`report_date` by default.

    Returns
    -------
    report, lab_sheet : bytes
    """
    patient, lab = build_contents(assessment, outputs, settings, date or report_date(assessment))
    paper = settings.paper.value
    return report_pdf_bytes(patient, paper), report_pdf_bytes(lab, paper)


def make_report(
    assessment: Assessment, outputs: Sequence[InsoleOutput], settings: Settings, date: str | None = None
) -> bytes:
    """The patient report alone as PDF bytes (:func:`make_documents` makes both)."""
    patient, _ = build_contents(assessment, outputs, settings, date or report_date(assessment))
    return report_pdf_bytes(patient, settings.paper.value)
