"""Labels when the measures disagree (issue 14): one dissenting measure is reported and the
label follows the first; when most of the others contradict the deciding measure the label
is "mixed", with the measures on each side, the prescription takes the neutral path and the
report asks for a check by hand."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from helpers.repo import EXAMPLES
from orthofit.assess.assessment import Finding, _label
from orthofit.config.settings import load_settings
from orthofit.pipeline.fit import fit


def _f(measure: str, suggests: str) -> Finding:
    return Finding(measure, measure, 1.0, suggests, suggests, None, "x", "source")


@pytest.mark.parametrize(
    "others, expected",
    [
        ([], "cavus"),  # one measure: it decides
        (["planus"], "cavus"),  # one dissent: the usual disagreement, the first decides
        (["cavus", "planus", "planus"], "mixed"),  # most of the others against it
        (["cavus", "planus"], "cavus"),  # as many for as against: the first decides
        (["planus", "normal"], "mixed"),  # two against, none for
        (["cavus", "cavus", "planus", "planus"], "cavus"),
    ],
)
def test_the_label_is_mixed_when_most_of_the_others_contradict_the_deciding_measure(others, expected):
    findings = {"first": _f("first", "cavus"), **{f"m{i}": _f(f"m{i}", s) for i, s in enumerate(others)}}
    label = _label(tuple(findings), findings)
    assert label.value == expected
    assert label.decided_by.measure == "first"
    assert len(label.agreeing) + len(label.disagreeing) == len(others)
    if expected == "mixed":
        assert label.severity is None and label.text == "mixed"


def test_the_scanned_example_is_mixed_takes_the_neutral_path_and_the_report_says_check_by_hand():
    """The bundled scan: its AHI says high arch while its footprint says flat (issue 14)."""
    r = fit(EXAMPLES / "scanned-adult.toml", load_settings("neutral"))
    for foot in (r.assessment.left, r.assessment.right):
        assert foot.arch_type.value == "mixed"
        assert foot.arch_type.decided_by.measure == "ahi_standing" and len(foot.arch_type.disagreeing) >= 3
    for o in r.insoles:
        reasons = " ".join(o.prescription.reasons)
        assert "no arch type rule: its measures are mixed" in reasons and "check it by hand" in reasons
        assert "arch fill for total contact" not in reasons and "lateral arch support" not in reasons  # no cavus rule

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.report_pdf)).pages)
    text = " ".join(text.split())
    assert "should check your arch by hand" in text
    assert "higher than most" not in text  # the patient is not told a high arch the footprint contradicts
