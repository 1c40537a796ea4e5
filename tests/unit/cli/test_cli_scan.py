"""``orthofit scan`` and scans named in a case file (typed values win; provenance reported),
in-process (the ``cli`` fixture)."""

from __future__ import annotations

import json

import pytest

from helpers.repo import shared_data

CASE_FIELDS = (
    "foot_length_mm",
    "ball_width_mm",
    "heel_width_mm",
    "truncated_foot_length_mm",
    "dorsal_height_standing_mm",
)


def scan_json(cli, *args) -> dict:
    r = cli("scan", "--json", *args)
    assert r.code == 0, r.err
    assert r.err == ""
    return json.loads(r.out)


@pytest.mark.shared_data
@pytest.mark.parametrize("name, side", [("dupontgu_left_foot_m.stl", "left"), ("dupontgu_right_foot_m.stl", "right")])
def test_scan_json_contract(cli, name, side):
    d = scan_json(cli, shared_data("scans", name))
    assert d["side"] == side and d["side_from_scan"] == side
    assert d["units"] == "m" and d["units_inferred"] is True
    assert any("units inferred as m" in n for n in d["notes"])
    assert d["condition"] == "standing"  # inferred from the flat contact, and said
    assert any("condition not given" in n and "standing" in n for n in d["notes"])
    for f in CASE_FIELDS:
        m = d["measurements"][f]
        assert m["value"] > 0 and 0 < m["uncertainty_mm"] < 10, f
        assert m["definition"]
    assert d["measurements"]["dorsal_height_sitting_mm"]["value"] is None
    assert "sitting" in d["measurements"]["dorsal_height_sitting_mm"]["note"]
    fp = d["footprint_indices"]
    assert 0.15 < fp["arch_index"] < 0.45 and 20 < fp["chippaux_smirak_pct"] < 90
    a = d["assessment"]
    # the assessment is that of assess --json for the foot, fed by the scan's measures
    assert a["indices"]["arch_index"] == pytest.approx(fp["arch_index"], abs=1e-4)
    assert a["indices"]["ahi_standing"] == pytest.approx(
        d["measurements"]["dorsal_height_standing_mm"]["value"]
        / d["measurements"]["truncated_foot_length_mm"]["value"],
        abs=1e-3,
    )
    # These glass-plate scans: the AHI says high arch, the footprint's indices say flat. With
    # most measures against the deciding one, the label is "mixed" with both sides named.
    assert a["arch_type"] == "mixed"
    assert a["arch_type_detail"]["decided_by"] and len(a["arch_type_detail"]["disagreeing"]) >= 2
    assert set(a["measurement_sources"].values()) == {"scan"}


@pytest.mark.shared_data
def test_scan_text_shows_uncertainty_and_assessment(cli):
    r = cli("scan", shared_data("scans", "dupontgu_right_foot_m.stl"), "--units", "m", "--condition", "standing")
    assert r.code == 0, r.err
    assert "foot_length_mm" in r.out and "±" in r.out
    assert "Arch Index" in r.out and "Assessment (right foot)" in r.out
    assert "condition not given" not in r.out


@pytest.mark.shared_data
def test_footprint_height_is_configurable(cli):
    scan = shared_data("scans", "dupontgu_right_foot_m.stl")
    low, high = scan_json(cli, scan, "--footprint-height", "1"), scan_json(cli, scan, "--footprint-height", "5")
    assert low["footprint_height_mm"] == 1 and high["footprint_height_mm"] == 5
    # a higher cut takes in more of the sole: a wider midfoot
    assert high["footprint_indices"]["chippaux_smirak_pct"] > low["footprint_indices"]["chippaux_smirak_pct"]


@pytest.mark.shared_data
def test_given_side_wins_and_disagreement_is_reported(cli):
    d = scan_json(cli, shared_data("scans", "dupontgu_left_foot_m.stl"), "--side", "right")
    assert d["side"] == "right" and d["side_from_scan"] == "left"
    assert any("looks like a left foot" in n for n in d["notes"])


@pytest.mark.shared_data
def test_non_weight_bearing_scan_says_what_it_cannot_give(cli):
    d = scan_json(cli, shared_data("scans", "find_template_lowres_left_m.obj"), "--condition", "non-weight-bearing")
    assert d["side"] == "left" and d["floor"] == "support plane"
    assert d["footprint_indices"] is None and "standing" in d["footprint_note"]
    for f in ("dorsal_height_standing_mm", "navicular_height_standing_mm", "plantar_arch_height_mm"):
        assert d["measurements"][f]["value"] is None and d["measurements"][f]["note"]
    assert d["assessment"]["arch_type"] is None
    # without a condition it is not taken as standing: there is no flat contact
    d = scan_json(cli, shared_data("scans", "find_template_lowres_left_m.obj"))
    assert d["condition"] == "non-weight-bearing"
    # called standing, the scan contradicts it: the loaded measures are refused, with the reason
    d = scan_json(cli, shared_data("scans", "find_template_lowres_left_m.obj"), "--condition", "standing")
    assert any("declared standing, but its sole has no flat contact" in n for n in d["notes"])
    assert d["footprint_indices"] is None and "no flat contact" in d["footprint_note"]
    for f in ("dorsal_height_standing_mm", "navicular_height_standing_mm", "plantar_arch_height_mm"):
        assert d["measurements"][f]["value"] is None and "no flat contact" in d["measurements"][f]["note"]
    assert d["assessment"]["arch_type"] is None
    assert d["measurements"]["foot_length_mm"]["value"] > 200  # what needs no load is still measured


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "args, words",
    [
        (["SCAN", "--units", "mm"], ["0.27", "long in mm", "--units m"]),
        (["missing.stl"], ["not found"]),
        (["SCAN", "--age", "-3"], ["--age", "0 to 120"]),
        (["SCAN", "--footprint-height", "50"], ["--footprint-height", "0.2 to 10 mm"]),
    ],
    ids=["wrong-units", "missing-file", "bad-age", "bad-footprint-height"],
)
def test_scan_bad_input(cli, args, words):
    scan = shared_data("scans", "dupontgu_left_foot_m.stl")
    r = cli("scan", *[scan if a == "SCAN" else a for a in args])
    assert r.code == 2
    assert r.out == "" and len(r.err.strip().splitlines()) == 1
    for w in words:
        assert w in r.err


def test_corrupt_scan_is_one_line_error(cli, tmp_path):
    bad = tmp_path / "foot.stl"
    bad.write_bytes(b"\x00" * 200)
    r = cli("scan", bad)
    assert r.code == 2 and "truncated" in r.err and "Traceback" not in r.err


def _case(tmp_path, left_extra="", right_extra=""):
    left = shared_data("scans", "dupontgu_left_foot_m.stl")
    right = shared_data("scans", "dupontgu_right_foot_m.stl")
    text = (
        f'[patient]\nid = "SC-1"\nage = 40\n\n[left]\nscan = "{left}"\nscan_units = "m"\n'
        f'scan_condition = "standing"\n{left_extra}\n[right]\nscan = "{right}"\n{right_extra}\n'
    )
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.shared_data
def test_case_scans_feed_assess_and_typed_values_win(cli, tmp_path):
    r = cli("assess", "--json", _case(tmp_path, right_extra="foot_length_mm = 270\nfpi6 = [1, 1, 1, 1, 0, 1]"))
    assert r.code == 0, r.err
    d = json.loads(r.out)
    left, right = d["feet"]["left"], d["feet"]["right"]
    assert left["measurement_sources"]["foot_length_mm"] == "scan"
    assert right["measurement_sources"]["foot_length_mm"] == "typed"
    assert right["measurement_sources"]["ball_width_mm"] == "scan"
    assert right["shoe_size"]["mondopoint"] == "270"  # the typed length was used
    assert any("typed values kept" in n and "foot_length_mm 270 mm (scan 27" in n for n in right["notes"])
    assert any("from the scan" in n and "±" in n for n in left["notes"])
    for foot in (left, right):
        assert foot["indices"]["arch_index"] is not None  # footprint from the scan
        assert foot["indices"]["ahi_standing"] is not None
    assert right["indices"]["fpi6_total"] == 5  # typed measures still count
    assert d["asymmetry"]["foot_length_difference_mm_right_minus_left"] is not None


def test_case_with_a_bad_scan_names_the_foot(cli, tmp_path):
    bad = tmp_path / "bad.stl"
    bad.write_bytes(b"solid x\nfacet normal 0 0 1\nouter loop\nvertex nan 0 0\n")
    path = tmp_path / "case.toml"
    path.write_text('[patient]\nid = "SC-2"\nage = 40\n\n[right]\nscan = "bad.stl"\n', encoding="utf-8")
    r = cli("assess", path)
    assert r.code == 2 and r.err.startswith("orthofit: error: right.scan:")
    assert len(r.err.strip().splitlines()) == 1


@pytest.mark.shared_data
def test_insole_from_a_scan_case(cli, tmp_path):
    out = tmp_path / "out"
    r = cli("insole", _case(tmp_path), "--out", out)
    assert r.code == 0, r.err
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        *("SC-1-left.3mf", "SC-1-left.prusa.3mf", "SC-1-left.stl"),
        *("SC-1-right.3mf", "SC-1-right.prusa.3mf", "SC-1-right.stl"),
    ]
