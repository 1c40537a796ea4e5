"""The command-line contract of ``cli.py``, and a property test of parse + assess.

Exit status: 0 success, 2 a user error (one line), 1 an internal error (one line; the
traceback only with --debug).
"""

from __future__ import annotations

import importlib
import json
import math
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orthofit import __version__
from orthofit.io.case_file import FOOT_FIELDS, PATIENT_FIELDS, parse_case
from orthofit.model.enums import NavicularDropCriterion
from orthofit.errors import UserError
from orthofit.report.summary import assessment_dict, assessment_text

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "cli.py"
EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
import cli  # noqa: E402  (cli.py is a top-level module of the checkout)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CLI), *args], capture_output=True, text=True, cwd=ROOT)


def test_there_are_examples():
    assert len(EXAMPLES) >= 6, EXAMPLES


# --- assess on the examples -----------------------------------------------------------------

@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_assess_json_on_examples(example):
    result = run_cli("assess", "--json", str(example))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
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
        assert foot["arch_type"] in ("cavus", "normal", "planus", None)
        assert foot["pronation"] in ("supinated", "neutral", "pronated", None)
        indices = foot["indices"]
        assert isinstance(indices, dict) and indices
        for name, value in indices.items():
            assert isinstance(name, str)
            assert value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)
                                     and math.isfinite(value)), (name, value)
        assert any(v is not None for v in indices.values()), "every example is measured"
        reasons = foot["reasons"]
        assert isinstance(reasons, list) and reasons
        assert all(isinstance(r, str) and r.strip() for r in reasons)
        if "foot_length_mm" in written[side] or "scan" in written[side]:     # typed, or from a scan
            assert isinstance(foot["shoe_size"], dict)
            assert {"mondopoint", "eu", "uk", "us_men", "us_women"} <= foot["shoe_size"].keys()
        else:
            assert foot["shoe_size"] is None


def test_red_flag_example_refers():
    data = json.loads(run_cli("assess", "--json", str(ROOT / "examples" / "red-flag.toml")).stdout)
    assert data["referral"] is True
    assert {"foot_drop", "numbness_or_tingling"} <= set(data["red_flags"])


def test_normal_example_does_not_refer():
    data = json.loads(run_cli("assess", "--json", str(ROOT / "examples" / "normal-adult.toml")).stdout)
    assert data["referral"] is False
    assert data["red_flags"] == []


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_assess_text_on_examples(example):
    result = run_cli("assess", str(example))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert any(line.startswith("Arch type ") for line in lines), result.stdout
    assert any(line.startswith("Pronation ") for line in lines), result.stdout
    patient_id = tomllib.loads(example.read_text(encoding="utf-8"))["patient"]["id"]
    assert patient_id in lines[0]


@pytest.mark.parametrize("criterion", [c.value for c in NavicularDropCriterion])
def test_nd_criterion_option(criterion):
    result = run_cli("assess", "--json", "--nd-criterion", criterion, str(EXAMPLES[0]))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["navicular_drop_criterion"] == criterion


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"orthofit {__version__}"


# --- errors: user (2) and internal (1) ------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["--debug", "assess", "MISSING"],
    ["assess", "--debug", "MISSING"],
], ids=["debug-before-command", "debug-after-command"])
def test_debug_shows_traceback_on_user_error(tmp_path, args):
    missing = tmp_path / "no-such-case.toml"
    result = run_cli(*[str(missing) if a == "MISSING" else a for a in args])
    assert result.returncode == 2, result.stderr
    assert "Traceback" in result.stderr, result.stderr
    assert "CaseFileError" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("orthofit: error: case file not found")
    assert result.stdout == ""


def test_user_error_without_debug_has_no_traceback(tmp_path):
    result = run_cli("assess", str(tmp_path / "no-such-case.toml"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def _boom(*args, **kwargs):
    raise RuntimeError("boom")


@pytest.fixture
def broken_assess(monkeypatch):
    """Make the library's assess raise a non-user error, as a bug would."""
    module = importlib.import_module("orthofit.assess.assessment")
    monkeypatch.setattr(module, "assess", _boom)


def test_internal_error_is_one_line_exit_1(broken_assess, capsys):
    code = cli.main(["assess", str(EXAMPLES[0])])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("orthofit: internal error")
    assert "RuntimeError" in lines[0] and "boom" in lines[0]
    assert "--debug" in lines[0]


@pytest.mark.parametrize("argv", [
    ["--debug", "assess", "CASE"],
    ["assess", "--debug", "CASE"],
], ids=["debug-before-command", "debug-after-command"])
def test_internal_error_with_debug_shows_traceback(broken_assess, capsys, argv):
    code = cli.main([str(EXAMPLES[0]) if a == "CASE" else a for a in argv])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert "Traceback" in err, err
    assert "RuntimeError: boom" in err


def test_main_returns_0_in_process(capsys):
    assert cli.main(["assess", "--json", str(EXAMPLES[0])]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert json.loads(out)["patient"]["id"]


# --- property: parse_case + assess ----------------------------------------------------------

def _in_range(rng) -> st.SearchStrategy:
    return st.one_of(
        st.floats(rng.low, rng.high, allow_nan=False, allow_infinity=False),
        st.integers(math.ceil(rng.low), math.floor(rng.high)),
    )


def _bad_value(rng) -> st.SearchStrategy:
    """Out of range, not finite, or not a number at all."""
    return st.one_of(
        st.floats(max_value=rng.low, exclude_max=True, allow_nan=False, allow_infinity=False),
        st.floats(min_value=rng.high, exclude_min=True, allow_nan=False, allow_infinity=False),
        st.integers(max_value=math.ceil(rng.low) - 1, min_value=-(2**63)),
        st.integers(min_value=math.floor(rng.high) + 1, max_value=2**63 - 1),
        st.sampled_from([math.nan, math.inf, -math.inf, True, False, "250", "", [1.0]]),
    )


_FOOT_KEYS = sorted(FOOT_FIELDS)
_FPI_ITEM = st.integers(-2, 2)


@st.composite
def _valid_foot(draw) -> dict:
    keys = draw(st.sets(st.sampled_from(_FOOT_KEYS)))
    foot = {k: draw(_in_range(FOOT_FIELDS[k])) for k in sorted(keys)}
    if "foot_length_mm" in foot and "truncated_foot_length_mm" in foot:
        rng = FOOT_FIELDS["truncated_foot_length_mm"]
        upper = min(rng.high, foot["foot_length_mm"] - 0.5)   # foot_length_mm >= 60 > 40.5
        foot["truncated_foot_length_mm"] = draw(st.floats(rng.low, upper))
    if draw(st.booleans()):
        foot["fpi6"] = draw(st.lists(_FPI_ITEM, min_size=6, max_size=6))
    if draw(st.booleans()):
        foot["arch_on_tiptoe"] = draw(st.booleans())
    return foot


@st.composite
def _valid_case(draw) -> dict:
    patient = {"id": "P-1", "age": draw(_in_range(PATIENT_FIELDS["age"]))}
    if draw(st.booleans()):
        patient["weight_kg"] = draw(_in_range(PATIENT_FIELDS["weight_kg"]))
    raw: dict = {"patient": patient}
    for side in ("left", "right"):
        if draw(st.integers(0, 4)):          # mostly present, sometimes absent
            raw[side] = draw(_valid_foot())
    return raw


@st.composite
def _invalid_case(draw) -> dict:
    """A valid case with one foot field broken (out of range, non-finite, wrong type) or,
    sometimes, the truncated foot length made at least the foot length."""
    raw = draw(_valid_case())
    side = draw(st.sampled_from(["left", "right"]))
    foot = raw.setdefault(side, {})
    if draw(st.integers(0, 5)) == 0:
        # both in range, truncated >= foot length (the truncated length stops at 300 mm)
        fl = draw(st.floats(FOOT_FIELDS["foot_length_mm"].low, FOOT_FIELDS["truncated_foot_length_mm"].high))
        foot["foot_length_mm"] = fl
        foot["truncated_foot_length_mm"] = draw(st.floats(fl, FOOT_FIELDS["truncated_foot_length_mm"].high))
    else:
        key = draw(st.sampled_from(_FOOT_KEYS))
        foot[key] = draw(_bad_value(FOOT_FIELDS[key]))
    return raw


_CRITERION = st.one_of(st.none(), st.sampled_from(list(NavicularDropCriterion)))


@settings(max_examples=60, deadline=None)
@given(raw=_valid_case(), criterion=_CRITERION)
def test_valid_case_never_raises(thresholds, raw, criterion):
    from orthofit.assess.assessment import assess

    case = parse_case(raw)
    result = assess(case, thresholds, criterion)
    data = assessment_dict(result)
    json.dumps(data, allow_nan=False)       # the JSON output is strict JSON
    assert "Arch type" in assessment_text(result)
    for side in ("left", "right"):
        assert data["feet"][side]["reasons"]


@settings(max_examples=60, deadline=None)
@given(raw=_invalid_case(), criterion=_CRITERION)
def test_invalid_case_raises_only_user_errors(thresholds, raw, criterion):
    from orthofit.assess.assessment import assess

    try:
        case = parse_case(raw)
        assess(case, thresholds, criterion)
    except UserError as err:
        assert str(err).strip() and "\n" not in str(err)
    else:
        pytest.fail(f"invalid input was accepted: {raw!r}")
