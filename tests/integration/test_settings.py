"""One settings object for every step: custom thresholds reach the assessment, the
prescription, its reasons and the report alike (the heel-lift defect of issue 11)."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader

from helpers.repo import EXAMPLES


def _pdf_text(path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_custom_heel_lift_fraction_reaches_lift_reason_and_report(tmp_path, cli):
    thresholds = tmp_path / "half.toml"
    thresholds.write_text("[leg_length]\nheel_lift_fraction = 0.5\n")
    out = tmp_path / "out"
    r = cli("fit", EXAMPLES / "asymmetric-adult.toml", "--out", out, "--thresholds", thresholds)
    assert r.code == 0, r
    manifest = json.loads((out / "EX-ASYM-manifest.json").read_text())
    left = manifest["insoles"]["left"]  # the example's left leg is 10 mm shorter
    assert left["params"]["heel_lift_mm"] == 5.0
    reason = next(x for x in left["reasons"] if x.startswith("heel lift"))
    assert reason.startswith("heel lift 5 mm: 50% of the measured leg-length difference 10 mm")
    assert str(thresholds) in manifest["inputs"]
    assessment = json.loads((out / "EX-ASYM-assessment.json").read_text())
    assert any(
        "a 5 mm heel lift under the left heel (50% of the difference" in x for x in assessment["asymmetry"]["reasons"]
    )
    text = _pdf_text(out / "EX-ASYM-lab-sheet.pdf")  # the reasons are on the lab sheet
    assert "heel lift 5 mm: 50% of the measured leg-length difference" in text
    assert "70% of the" not in text


def test_default_thresholds_keep_the_70_percent_rule(tmp_path, cli):
    # in a trainer, whose heel seat holds the 7 mm lift on the 4 mm base (an everyday shoe's
    # 10 mm would move 1 mm of it to a shoe raise)
    r = cli("fit", EXAMPLES / "asymmetric-adult.toml", "--out", tmp_path, "--set", "shoe=athletic")
    assert r.code == 0, r
    left = json.loads((tmp_path / "EX-ASYM-manifest.json").read_text())["insoles"]["left"]
    assert left["params"]["heel_lift_mm"] == 7.0
    assert any(x.startswith("heel lift 7 mm: 70% of the measured") for x in left["reasons"])


def test_settings_are_built_once_and_passed_down():
    from orthofit.assess.assessment import assess
    from orthofit.config.settings import load_settings
    from orthofit.model.enums import Side
    from orthofit.pipeline.inputs import load_measured_case
    from orthofit.pipeline.insoles import make_insoles

    settings = load_settings(
        "sport",
        length="3/4",
        overrides={"heel_cup_depth_mm": 15.0},
        fine=False,
        nd_criterion="brody",
        shoe_size="eu:40",
    )
    a = assess(load_measured_case(EXAMPLES / "normal-adult.toml"), settings)
    assert a.nd_criterion.value == "brody"
    (o,) = make_insoles(a, settings, [Side.RIGHT])
    p = o.prescription
    assert p.profile == "sport" and p.params.length.value == "3/4" and p.params.heel_cup_depth_mm == 15.0
    assert any("from the shoe size EU 40" in r for r in p.reasons)


def test_bad_settings_fail_before_any_work(tmp_path, cli):
    for argv, message in (
        (("--set", "nope=1"), "unknown key 'nope'"),
        (("--profile", "no-such"), "no-such"),
        (("--paper", "a3"), "invalid choice"),
    ):
        r = cli("fit", EXAMPLES / "normal-adult.toml", "--out", tmp_path / "x", *argv)
        assert r.code == 2, r
        assert message in r.err, r
        assert not (tmp_path / "x").exists()
