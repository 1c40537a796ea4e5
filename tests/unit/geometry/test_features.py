"""Insole features as plug-ins: the registry, the protocol, and the three features added on it
(lateral wedge, Morton's extension, reverse Morton's extension) from case to report."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from helpers.repo import ROOT

CASE = """
[patient]
id = "T-FEAT"
age = 60
weight_kg = 70
[left]
foot_length_mm = 250
ball_width_mm = 96
heel_width_mm = 64
truncated_foot_length_mm = 182
{left}
[right]
foot_length_mm = 250
ball_width_mm = 96
heel_width_mm = 64
truncated_foot_length_mm = 182
{right}
"""


def _assess(left: str = "", right: str = "", age: int = 60, profile: str = "neutral"):
    from orthofit.assess.assessment import assess
    from orthofit.config.settings import load_settings
    from orthofit.io.case_file import parse_case
    from orthofit.measure.case import measure_case

    neutral = "\nfpi6 = [0, 1, 1, 0, 1, 0]"
    left, right = (t if "fpi6" in t else t + neutral for t in (left, right))
    raw = tomllib.loads(CASE.format(left=left, right=right).replace("age = 60", f"age = {age}"))
    settings = load_settings(profile)
    return assess(measure_case(parse_case(raw)), settings), settings


def _insoles(left: str = "", right: str = "", **kw):
    from orthofit.model.enums import Side
    from orthofit.pipeline.insoles import make_insoles

    a, settings = _assess(left, right, **kw)
    return {o.prescription.side: o for o in make_insoles(a, settings, list(Side))}, a, settings


# --- the registry ---------------------------------------------------------------------------------


def test_every_feature_in_the_data_is_a_module_in_table_order():
    from orthofit.config.params import FEATURE_NAMES, PARAMETERS
    from orthofit.geometry.features import FEATURES

    assert [f.name for f in FEATURES] == list(FEATURE_NAMES)
    for f in FEATURES:
        assert f.parameters, f.name
        assert all(s.feature == f.name for s in f.parameters)
    first = {}
    for i, spec in enumerate(PARAMETERS.values()):
        first.setdefault(spec.feature, i)
    assert sorted(FEATURE_NAMES, key=first.__getitem__) == list(FEATURE_NAMES)


def test_every_parameter_has_a_range_unit_doc_and_source():
    from orthofit.config.params import PARAMETERS

    for spec in PARAMETERS.values():
        assert spec.low <= spec.default <= spec.high, spec
        assert spec.doc and spec.source, spec.name
        for other in spec.excludes:
            assert other in PARAMETERS, (spec.name, other)


def test_every_purpose_key_of_a_feature_is_in_the_report_template():
    from orthofit.config.templates import load_report_template
    from orthofit.geometry.features import FEATURES

    purposes = load_report_template()["summary"]["purpose"]
    statements = {s["when"] for s in load_report_template()["evidence"]["statement"]}
    for f in FEATURES:
        for key in f.purpose_keys:
            assert key in purposes, (f.name, key)
    for name in ("lateral_wedge", "mortons_extension", "reverse_mortons"):
        assert name in statements


def test_rule_amounts_of_features_are_checked_against_the_parameter_range(tmp_path):
    from orthofit.config.profiles import load_profile
    from orthofit.errors import ValidationError

    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\ndescription = "test"\n[rules.lateral_wedge]\nlateral_wedge_deg = 12\n')
    with pytest.raises(ValidationError, match=r"lateral_wedge_deg = 12 is out of range"):
        load_profile(str(bad))
    typo = tmp_path / "typo.toml"
    typo.write_text('name = "typo"\ndescription = "test"\n[rules.lateral_wedge]\nlateral_wedge_dg = 5\n')
    with pytest.raises(ValidationError, match="lateral_wedge_deg"):
        load_profile(str(typo))
    assert load_profile("neutral").rules.feature("lateral_wedge") == {"lateral_wedge_deg": 5.0}


def test_morton_and_reverse_morton_cannot_both_be_used():
    from orthofit.config.params import InsoleParams
    from orthofit.errors import ValidationError

    with pytest.raises(ValidationError, match="cannot both be used"):
        InsoleParams(mortons_extension_mm=3, reverse_mortons_mm=3)


def test_unknown_condition_is_a_clear_error():
    from orthofit.errors import ValidationError

    with pytest.raises(ValidationError, match=r"left.conditions: 'knee_oa' is not a known condition"):
        _assess(left='conditions = ["knee_oa"]')


# --- lateral wedge --------------------------------------------------------------------------------


def test_medial_knee_oa_gives_a_lateral_wedge_on_that_side_only():
    from orthofit.model.enums import Side

    out, _, _ = _insoles(left='conditions = ["medial_knee_oa"]')
    left, right = out[Side.LEFT].prescription, out[Side.RIGHT].prescription
    assert left.params.lateral_wedge_deg == 5 and right.params.lateral_wedge_deg == 0
    reason = next(r for r in left.reasons if r.startswith("lateral wedge 5°"))
    assert "little or no effect on knee pain" in reason


def test_lateral_wedge_removes_a_varus_post_and_skive():
    from orthofit.model.enums import Side

    out, _, _ = _insoles(
        left='conditions = ["medial_knee_oa"]\nrcsp_deg = 8\nfpi6 = [2, 2, 2, 2, 2, 1]', profile="pronation-control"
    )
    rx = out[Side.LEFT].prescription
    assert rx.params.lateral_wedge_deg == 5
    assert rx.params.medial_heel_skive_mm == 0 and rx.params.rearfoot_post_deg <= 0
    assert any("a lateral wedge is prescribed for the knee" in r for r in rx.reasons)
    assert any("foot symptoms should be checked at review" in r for r in rx.reasons)
    assert rx.params.arch_height_mm > 0  # the arch support stays


def test_lateral_wedge_tilts_the_top_by_its_angle():
    from orthofit.config.params import InsoleParams
    from orthofit.geometry.field import SurfaceContext
    from orthofit.geometry.outline import FootDimensions, insole_outline
    from orthofit.geometry.surface import top_height

    foot = FootDimensions.from_measurements(250, 96, 64, 182)
    flat, wedged = (
        InsoleParams(arch_height_mm=0, heel_cup_depth_mm=0),
        InsoleParams(arch_height_mm=0, heel_cup_depth_mm=0, lateral_wedge_deg=5),
    )
    ctx = SurfaceContext.build(insole_outline(foot, flat), foot)
    x = 200.0
    y_med = float(np.interp(x, ctx.border_x, ctx.border_medial))
    xy = np.array([[x, y_med - 10.0], [x, y_med - 50.0]])
    rise = top_height(xy, ctx, wedged) - top_height(xy, ctx, flat)
    assert rise == pytest.approx(np.tan(np.radians(5.0)) * np.array([10.0, 50.0]), abs=1e-9)


def test_no_lateral_wedge_for_a_child():
    from orthofit.model.enums import Side

    out, _, _ = _insoles(left='conditions = ["medial_knee_oa"]', age=12)
    rx = out[Side.LEFT].prescription
    assert rx.params.lateral_wedge_deg == 0
    assert any("left to the clinician" in r for r in rx.reasons)


# --- Morton's extension and its reverse -----------------------------------------------------------


def test_hallux_rigidus_gives_a_stiff_mortons_extension_with_its_zone():
    from orthofit.model.enums import Side

    out, _, _ = _insoles(right='conditions = ["hallux_rigidus"]', profile="low-profile")
    o = out[Side.RIGHT]
    assert o.prescription.params.mortons_extension_mm == 3
    assert o.prescription.params.length.value == "full"
    zone = next(z for z in o.zones if z.name == "Morton's extension (stiff)")
    assert zone.density_pct == 100
    assert any(r.startswith("Morton's extension 3 mm") for r in o.prescription.reasons)
    assert not any("Morton" in z.name for z in out[Side.LEFT].zones)


def test_mortons_extension_raises_the_first_ray_only():
    from orthofit.config.params import InsoleParams
    from orthofit.geometry.field import SurfaceContext
    from orthofit.geometry.outline import FootDimensions, insole_outline
    from orthofit.geometry.surface import top_height

    foot = FootDimensions.from_measurements(250, 96, 64, 182)
    plain, ext = InsoleParams(), InsoleParams(mortons_extension_mm=3)
    ctx = SurfaceContext.build(insole_outline(foot, plain), foot)
    m = ctx.marks
    first_ray = np.array([[m.mth1_x_mm, m.mth1_y_mm + 5.0], [m.mth1_x_mm + 40.0, m.mth1_y_mm + 3.0]])
    lateral = np.array([[m.mth5_x_mm, m.mth5_y_mm], [m.mth1_x_mm + 40.0, -20.0]])
    assert top_height(first_ray, ctx, ext) - top_height(first_ray, ctx, plain) == pytest.approx(3.0, abs=1e-6)
    assert top_height(lateral, ctx, ext) == pytest.approx(top_height(lateral, ctx, plain), abs=1e-9)


def test_functional_hallux_limitus_gives_a_first_ray_cut_out():
    from orthofit.model.enums import Side

    out, _, _ = _insoles(left='conditions = ["functional_hallux_limitus"]')
    o = out[Side.LEFT]
    p = o.prescription.params
    assert p.reverse_mortons_mm == 3 and p.mortons_extension_mm == 0
    assert p.base_thickness_forefoot_mm >= 3 + p.min_thickness_mm  # the recess leaves the thinnest wall
    assert o.insole.min_thickness_mm >= p.min_thickness_mm - 1e-6
    assert any(z.name == "first-ray cut-out offload" for z in o.zones)


def test_both_kinds_of_hallux_limitus_leave_the_choice_to_the_clinician():
    from orthofit.model.enums import Side

    out, _, _ = _insoles(left='conditions = ["hallux_limitus", "functional_hallux_limitus"]')
    rx = out[Side.LEFT].prescription
    assert rx.params.mortons_extension_mm == 0 and rx.params.reverse_mortons_mm == 0
    assert any("call for opposite devices; left to the clinician" in r for r in rx.reasons)


@pytest.mark.parametrize("conditions", [["medial_knee_oa"], ["hallux_rigidus"], ["functional_hallux_limitus"]])
def test_each_new_feature_builds_a_checked_solid_on_both_sides(conditions):
    import trimesh

    from orthofit.geometry.solid import check_solid
    from orthofit.model.enums import Side

    text = f"conditions = {conditions!r}".replace("'", '"')
    out, _, _ = _insoles(left=text, right=text)
    for side in Side:
        solid = out[side].insole.solid
        assert check_solid(solid).volume_mm3 > 0, (side, conditions)
        mesh = trimesh.Trimesh(solid.vertices, solid.faces, process=False)  # an independent check
        assert mesh.is_watertight and mesh.is_winding_consistent and mesh.volume > 0, (side, conditions)


def test_the_report_grades_the_new_features_and_says_what_they_are_for():
    import io

    from pypdf import PdfReader

    from orthofit.model.enums import Side
    from orthofit.report.document import make_report

    out, a, settings = _insoles(left='conditions = ["medial_knee_oa"]', right='conditions = ["hallux_rigidus"]')
    pdf = make_report(a, [out[Side.LEFT], out[Side.RIGHT]], settings, "2026-12-01")
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "shift some load away from the inner side of your knee" in text
    assert "make your big toe joint bend less when you walk" in text
    assert "moderate certainty of little or no effect on knee pain" in text
    assert "did not ease knee pain more than a flat insole" in text
    assert "This stiff strip has not been tested on its own" in text
    assert "cut-out" not in text.split("For the clinician")[0]  # not prescribed: not described


def test_the_example_case_uses_both_new_features(tmp_path, cli):
    import json

    r = cli("fit", ROOT / "examples" / "knee-oa-hallux-adult.toml", "--out", tmp_path)
    assert r.code == 0, r
    m = json.loads((tmp_path / "EX-KNEE-manifest.json").read_text())
    assert m["insoles"]["left"]["params"]["lateral_wedge_deg"] == 5
    assert m["insoles"]["right"]["params"]["mortons_extension_mm"] == 3
