"""The patient report: from an assessment and its insoles to PDF bytes (no file access)."""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence

from orthofit.assess.assessment import Assessment
from orthofit.config.settings import Settings
from orthofit.errors import ValidationError
from orthofit.geometry.product import InsoleOutput
from orthofit.report.content import build_content
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


def make_report(
    assessment: Assessment, outputs: Sequence[InsoleOutput], settings: Settings, date: str | None = None
) -> bytes:
    """The report as PDF bytes.

    Parameters
    ----------
    assessment : Assessment
    outputs : list of InsoleOutput
        The insoles of the feet the report covers (from :func:`orthofit.pipeline.insoles.make_insoles`).
    settings : Settings
        The profile's name, the paper, the wording and the thresholds (for the usual ranges).
    date : str, optional
        ISO date printed on the report; :func:`report_date` by default.
    """
    content = build_content(
        assessment,
        outputs,
        settings.template,
        settings.thresholds,
        settings.profile.name,
        date or report_date(assessment),
    )
    return report_pdf_bytes(content, settings.paper.value)
