"""`orthofit pressure`: each vendor's recording from the command line, text and JSON, and its
one-line errors (in-process, the ``cli`` fixture)."""

from __future__ import annotations

import json

import pytest

from helpers.repo import shared_data

pytestmark = pytest.mark.shared_data


def vendor(name: str):
    return shared_data("pressure", "vendor", name)


def test_fscan_json(cli):
    r = cli("pressure", vendor("fscan_testL.asf"), "--json")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    (foot,) = d["feet"]
    assert foot["side"] == "left" and foot["in_shoe"] and foot["steps_found"] == 6
    assert foot["steps_averaged"] == [2, 3, 4, 5, 6]
    assert set(foot["regions"]) == {
        "heel medial",
        "heel lateral",
        "midfoot",
        "MTH1",
        "MTH2-3",
        "MTH4-5",
        "hallux",
        "lesser toes",
    }
    assert len(foot["max_pressure_kpa"]) == 60 and len(foot["max_pressure_kpa"][0]) == 21
    assert len(foot["cop_path_mm"]) > 10 and foot["cpei_pct"] is not None
    assert foot["foot_progression_deg"] is None  # in-shoe: no progression angle


def test_pedar_text_has_both_feet_and_their_asymmetry(cli):
    r = cli("pressure", vendor("pedar_example.asc"))
    assert r.code == 0, r.err
    assert "Left foot: 9 steps" in r.out and "Right foot: 9 steps" in r.out
    assert "Asymmetry" in r.out and "no centre-of-pressure path" in r.out
    r = cli("pressure", vendor("pedar_example.asc"), "--side", "left")
    assert "Left foot" in r.out and "Right foot" not in r.out


def test_emed_and_footscan(cli):
    r = cli("pressure", vendor("emed_test.lst"))
    assert r.code == 0 and "Right foot: 1 step" in r.out and "Foot progression" in r.out
    r = cli("pressure", vendor("footscan_test.xls"))
    assert r.code == 2 and r.err.count("\n") == 1 and "--sensor-mm" in r.err
    r = cli("pressure", vendor("footscan_test.xls"), "--sensor-mm", "5.08x7.62")
    assert r.code == 0 and "Right foot: 1 step" in r.out


def test_errors_are_one_line(cli, tmp_path):
    bad = tmp_path / "walk.asf"
    bad.write_bytes(vendor("fscan_testL.asf").read_bytes()[:5000])
    for args in (
        (bad,),
        (tmp_path / "none.lst",),
        (vendor("emed_test.lst"), "--sensor-mm", "0"),
        (tmp_path,),
    ):
        r = cli("pressure", *args)
        assert r.code == 2, (args, r.out)
        assert r.err.startswith("orthofit: error:") and r.err.count("\n") == 1, r.err
