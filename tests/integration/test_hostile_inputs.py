"""Hostile inputs that must give exit 2 and one line (issue 12, "Inputs"): names with control
characters or of absurd length, report templates with format specs, thresholds that would
divide by zero or overflow, and an out-of-range SOURCE_DATE_EPOCH."""

from __future__ import annotations

import time

import pytest

from helpers.repo import EXAMPLES

CASE = EXAMPLES / "normal-adult.toml"


def _one_line_exit_2(r, *words):
    assert r.code == 2, r
    assert "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1, r
    for w in words:
        assert w in r.err, r


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("name", "Ann\x1b[31m Red", ("patient.name", "U+001B")),
        ("name", "Nul\x00byte", ("patient.name", "U+0000")),
        ("name", "x" * 1_000_000, ("patient.name", "1000000 characters")),
    ],
    ids=["escape", "nul", "1MB"],
)
def test_names_with_control_characters_or_absurd_length_are_refused_at_once(cli, tmp_path, field, value, words):
    text = CASE.read_text(encoding="utf-8").replace('name = "Maria Jensen"', f"{field} = {_toml_string(value)}", 1)
    case = tmp_path / "c.toml"
    case.write_text(text, encoding="utf-8")
    t = time.perf_counter()
    r = cli("assess", case)
    _one_line_exit_2(r, *words)
    assert "\x1b" not in r.out + r.err
    assert time.perf_counter() - t < 10  # refused before any work (a generous bound, not a benchmark)


def _toml_string(value: str) -> str:
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04X}" for c in value) + '"'


@pytest.mark.parametrize("text", ["{patient:>100000000}", "{patient:d}", "{}", "{0}", "{patient!r}"])
def test_template_fields_with_formats_or_without_names_are_refused(cli, tmp_path, text):
    from orthofit.config.templates import templates_dir

    shipped = templates_dir().joinpath("report.toml").read_text(encoding="utf-8")
    bad = tmp_path / "t.toml"
    bad.write_text(shipped.replace('patient_line = "Patient: {patient}"', f'patient_line = "Patient: {text}"', 1))
    r = cli("report", CASE, "--out", tmp_path / "r.pdf", "--template", bad)
    _one_line_exit_2(r, "summary.patient_line")
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.parametrize(
    "table, key, value",
    [
        ("sizing", "half_size_step", "0"),
        ("sizing", "mondopoint_step_mm", "0"),
        ("sizing", "allowance_mm", "1e308"),
        ("leg_length", "heel_lift_fraction", "7"),
    ],
)
def test_thresholds_out_of_their_legal_range_are_refused(cli, tmp_path, table, key, value):
    th = tmp_path / "th.toml"
    th.write_text(f"[{table}]\n{key} = {value}\n")
    r = cli("assess", CASE, "--thresholds", th)
    _one_line_exit_2(r, f"{table}.{key}", "out of range")


@pytest.mark.parametrize("epoch", ["99999999999999999999", "9" * 40])
def test_an_out_of_range_source_date_epoch_is_one_line(cli, tmp_path, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    text = CASE.read_text(encoding="utf-8")
    case = tmp_path / "c.toml"
    case.write_text(text.split("[clinician]")[0] if "[clinician]" in text else text, encoding="utf-8")
    r = cli("report", case, "--out", tmp_path / "r.pdf")
    _one_line_exit_2(r, "SOURCE_DATE_EPOCH")
    assert not (tmp_path / "r.pdf").exists()
