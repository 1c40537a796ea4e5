"""Property tests of parse_case + assess: any valid case assesses (strict-JSON output, a
reason for every foot); any invalid one raises only a one-line UserError."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orthofit.errors import UserError
from orthofit.io.case_file import FOOT_FIELDS, PATIENT_FIELDS, parse_case
from orthofit.model.enums import NavicularDropCriterion
from orthofit.report.summary import assessment_dict, assessment_text

# 60 hypothesis examples each
pytestmark = pytest.mark.slow


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
        upper = min(rng.high, foot["foot_length_mm"] - 0.5)  # foot_length_mm >= 60 > 40.5
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
        if draw(st.integers(0, 4)):  # mostly present, sometimes absent
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
    from helpers.steps import assess_case

    case = parse_case(raw)
    result = assess_case(case, thresholds, criterion)
    data = assessment_dict(result)
    json.dumps(data, allow_nan=False)  # the JSON output is strict JSON
    assert "Arch type" in assessment_text(result)
    for side in ("left", "right"):
        assert data["feet"][side]["reasons"]


@settings(max_examples=60, deadline=None)
@given(raw=_invalid_case(), criterion=_CRITERION)
def test_invalid_case_raises_only_user_errors(thresholds, raw, criterion):
    from helpers.steps import assess_case

    try:
        case = parse_case(raw)
        assess_case(case, thresholds, criterion)
    except UserError as err:
        assert str(err).strip() and "\n" not in str(err)
    else:
        pytest.fail(f"invalid input was accepted: {raw!r}")
