"""The command-line contract of ``orthofit.cli``, run in-process (the ``cli`` fixture).

Exit status: 0 success, 2 a user error (one line), 1 an internal error (one line; the
traceback only with --debug). The real process's exit status: tests/integration/test_process.py.
The property test of parse + assess: tests/unit/io/test_case_file_properties.py.
"""

from __future__ import annotations

import importlib
import json
import math
import tomllib

import pytest

from helpers.repo import ROOT
from orthofit import __version__
from orthofit.model.enums import NavicularDropCriterion

EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))


def test_there_are_examples():
    assert len(EXAMPLES) >= 6, EXAMPLES


# --- assess on the examples -----------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_assess_json_on_examples(cli, example):
    result = cli("assess", "--json", example)
    assert result.code == 0, result.err
    assert result.err == ""
    data = json.loads(result.out)
    written = tomllib.loads(example.read_text(encoding="utf-8"))

    assert data["patient"]["id"] == written["patient"]["id"]
    assert isinstance(data["referral"], bool)
    assert isinstance(data["red_flags"], list)
    assert all(isinstance(f, str) for f in data["red_flags"])
    flags_written = {k for k, v in written.get("red_flags", {}).items() if v is True}
    assert flags_written <= set(data["red_flags"])
    assert data["referral"] == bool(data["red_flags"])

    for side in ("left", "right"):
        foot = data["feet"][side]
        for key in ("arch_type", "pronation", "indices", "reasons", "shoe_size"):
            assert key in foot, f"feet.{side}.{key} missing"
        assert foot["arch_type"] in ("cavus", "normal", "planus", "mixed", None)
        assert foot["pronation"] in ("supinated", "neutral", "pronated", None)
        indices = foot["indices"]
        assert isinstance(indices, dict) and indices
        for name, value in indices.items():
            assert isinstance(name, str)
            assert value is None or (
                isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            ), (name, value)
        assert any(v is not None for v in indices.values()), "every example is measured"
        reasons = foot["reasons"]
        assert isinstance(reasons, list) and reasons
        assert all(isinstance(r, str) and r.strip() for r in reasons)
        if "foot_length_mm" in written[side] or "scan" in written[side]:  # typed, or from a scan
            assert isinstance(foot["shoe_size"], dict)
            assert {"mondopoint", "eu", "uk", "us_men", "us_women"} <= foot["shoe_size"].keys()
            # each scale says which convention it follows
            conventions = foot["shoe_size"]["conventions"]
            assert set(conventions) == {"mondopoint", "eu", "uk", "us_men", "us_women"}
            assert conventions["us_men"].startswith("US men (Brannock): ")
            assert conventions["eu"].startswith("EU (Paris point, last = foot + 15 mm): ")
        else:
            assert foot["shoe_size"] is None


def test_red_flag_example_refers(cli):
    data = json.loads(cli("assess", "--json", ROOT / "examples" / "red-flag.toml").out)
    assert data["referral"] is True
    assert {"foot_drop", "numbness_or_tingling"} <= set(data["red_flags"])


def test_normal_example_does_not_refer(cli):
    data = json.loads(cli("assess", "--json", ROOT / "examples" / "normal-adult.toml").out)
    assert data["referral"] is False
    assert data["red_flags"] == []


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_assess_text_on_examples(cli, example):
    result = cli("assess", example)
    assert result.code == 0, result.err
    assert result.err == ""
    lines = result.out.splitlines()
    assert any(line.startswith("Arch type ") for line in lines), result.out
    assert any(line.startswith("Pronation ") for line in lines), result.out
    patient_id = tomllib.loads(example.read_text(encoding="utf-8"))["patient"]["id"]
    assert patient_id in lines[0]


def test_assess_text_names_each_size_scales_convention(cli):
    """The size rows name their scale's convention; a 245/246 mm foot is US men 7 (3 x 9.65 - 22)."""
    out = cli("assess", ROOT / "examples" / "normal-adult.toml").out
    rows = {title: values.split() for title, _, values in (line.partition("  ") for line in out.splitlines())}
    assert [t for t in rows if t.split(" ")[0] in ("Mondopoint", "EU", "UK", "US")] == [
        "Mondopoint (ISO 9407)",
        "EU size (Paris point, last = foot + 15 mm)",
        "UK size (Brannock)",
        "US men (Brannock)",
        "US women (Brannock)",
    ]
    assert rows["US men (Brannock)"] == ["7", "7"]


@pytest.mark.parametrize("criterion", [c.value for c in NavicularDropCriterion])
def test_nd_criterion_option(cli, criterion):
    result = cli("assess", "--json", "--nd-criterion", criterion, EXAMPLES[0])
    assert result.code == 0, result.err
    assert json.loads(result.out)["navicular_drop_criterion"] == criterion


def test_version(cli):
    result = cli("--version")
    assert result.code == 0, result.err
    assert result.out.strip() == f"orthofit {__version__}"


# --- errors: user (2) and internal (1) ------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--debug", "assess", "MISSING"],
        ["assess", "--debug", "MISSING"],
    ],
    ids=["debug-before-command", "debug-after-command"],
)
def test_debug_shows_traceback_on_user_error(cli, tmp_path, args):
    missing = tmp_path / "no-such-case.toml"
    result = cli(*[missing if a == "MISSING" else a for a in args])
    assert result.code == 2, result.err
    assert "Traceback" in result.err, result.err
    assert "CaseFileError" in result.err
    assert result.err.splitlines()[-1].startswith("orthofit: error: case file not found")
    assert result.out == ""


def test_user_error_without_debug_has_no_traceback(cli, tmp_path):
    result = cli("assess", tmp_path / "no-such-case.toml")
    assert result.code == 2
    assert "Traceback" not in result.err
    assert len(result.err.splitlines()) == 1


def _boom(*args, **kwargs):
    raise RuntimeError("boom")


@pytest.fixture
def broken_assess(monkeypatch):
    """Make the library's assess raise a non-user error, as a bug would."""
    module = importlib.import_module("orthofit.pipeline.assess_case")
    monkeypatch.setattr(module, "assess", _boom)


def test_internal_error_is_one_line_exit_1(broken_assess, cli):
    result = cli("assess", EXAMPLES[0])
    assert result.code == 1
    assert result.out == ""
    assert "Traceback" not in result.err
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("orthofit: internal error")
    assert "RuntimeError" in lines[0] and "boom" in lines[0]
    assert "--debug" in lines[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["--debug", "assess", "CASE"],
        ["assess", "--debug", "CASE"],
    ],
    ids=["debug-before-command", "debug-after-command"],
)
def test_internal_error_with_debug_shows_traceback(broken_assess, cli, argv):
    result = cli(*[EXAMPLES[0] if a == "CASE" else a for a in argv])
    assert result.code == 1
    assert result.out == ""
    assert "Traceback" in result.err, result.err
    assert "RuntimeError: boom" in result.err


def test_main_returns_0_in_process(capsys):
    from orthofit.cli import main

    assert main(["assess", "--json", str(EXAMPLES[0])]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert json.loads(out)["patient"]["id"]
