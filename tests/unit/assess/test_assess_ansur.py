"""All 6,068 feet of ANSUR II assess without error and give plausible shoe sizes."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from helpers.repo import shared_data
from helpers.steps import assess_case
from orthofit.io.case_file import parse_case

# all 6,068 rows of ../shared/data/anthropometry/ansur2_feet.csv
pytestmark = pytest.mark.shared_data


def test_every_ansur_row_assesses(thresholds):
    with open(shared_data("anthropometry", "ansur2_feet.csv"), newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6068
    lengths, eu, uk_men = [], [], []
    for row in rows:
        foot = {
            "foot_length_mm": float(row["footlength_mm"]),
            "ball_width_mm": float(row["footbreadthhorizontal_mm"]),
            "heel_width_mm": float(row["heelbreadth_mm"]),
            "truncated_foot_length_mm": float(row["balloffootlength_mm"]),
        }
        case = parse_case(
            {
                "patient": {
                    "id": f"ANSUR-{row['subject_id']}",
                    "age": int(row["age_years"]),
                    "sex": "male" if row["sex"] == "M" else "female",
                    "weight_kg": float(row["weight_kg"]),
                },
                "left": foot,
                "right": foot,
            }
        )
        a = assess_case(case, thresholds)
        size = a.left.shoe_size
        assert a.left.arch_type.value is None  # no arch measure in ANSUR: not determined, no crash
        lengths.append(foot["foot_length_mm"])
        eu.append(size.eu)
        if row["sex"] == "M":
            uk_men.append(float(size.uk))
    lengths, eu = np.array(lengths), np.array(eu)
    # Plausible: adult EU sizes, rising with foot length, and the male mean near EU 43-44.
    assert eu.min() >= 30 and eu.max() <= 52
    order = np.argsort(lengths)
    assert np.all(np.diff(eu[order]) >= 0)
    assert 7.0 <= np.mean(uk_men) <= 10.0
