"""Shoe sizes and last lengths (orthofit.assess.sizing). The worked example of clinical-basis.md
§7.7 (example 8): tests/unit/measure/test_indices.py."""

from __future__ import annotations

import pytest


def test_last_length_inverts_the_sizing_formulas(thresholds):
    from orthofit.assess.sizing import last_length_mm, shoe_size

    r = thresholds.sizing
    assert last_length_mm("eu", 42, r) == pytest.approx(280.0)  # clinical-basis.md §7.7 example 8
    assert last_length_mm("uk", 8, r) == pytest.approx(33 / 3 * 25.4)
    assert last_length_mm("us-men", 9, r) == pytest.approx(last_length_mm("uk", 8, r))
    assert last_length_mm("us-women", 10, r) == pytest.approx(last_length_mm("us-men", 9, r))
    assert last_length_mm("mondopoint", 265, r) == pytest.approx(280.0)
    s = shoe_size(265, r)
    assert last_length_mm("eu", s.eu, r) == pytest.approx(s.last_length_mm, abs=5)
