"""Every cut-off boundary, with the expected band written out from clinical-basis.md.

The expectations are typed here, not read from the thresholds file, so a wrong number in the
data fails a test.
"""

from __future__ import annotations

import pytest

from orthofit.config.thresholds import load_thresholds
from orthofit.errors import ThresholdsError
from orthofit.model.enums import NavicularDropCriterion as ND

ADULT = 40

# (index, age, value, expected "suggests", expected band label or None to skip the label)
BOUNDARIES = [
    # Arch Index, Cavanagh & Rodgers: high <= 0.21 < normal < 0.26 <= flat (§1.1, §7.7)
    ("arch_index", ADULT, 0.2099, "cavus", "high arch"),
    ("arch_index", ADULT, 0.21, "cavus", "high arch"),
    ("arch_index", ADULT, 0.2101, "normal", "normal arch"),
    ("arch_index", ADULT, 0.2599, "normal", "normal arch"),
    ("arch_index", ADULT, 0.26, "planus", "flat (low) arch"),
    # AHI standing, Williams 2001: low < 0.275; high > 0.356 (§2.1)
    ("ahi_standing", ADULT, 0.2749, "planus", None),
    ("ahi_standing", ADULT, 0.275, "normal", None),
    ("ahi_standing", ADULT, 0.356, "normal", None),
    ("ahi_standing", ADULT, 0.3561, "cavus", None),
    # Navicular height, Nilsson 2012 Table 3 in mm (§2.4)
    ("navicular_height_mm", ADULT, 26.9, "planus", "severely low"),
    ("navicular_height_mm", ADULT, 27.0, "planus", "low"),
    ("navicular_height_mm", ADULT, 35.9, "planus", "low"),
    ("navicular_height_mm", ADULT, 36.0, "normal", "normal"),
    ("navicular_height_mm", ADULT, 55.9, "normal", "normal"),
    ("navicular_height_mm", ADULT, 56.0, "cavus", "high"),
    ("navicular_height_mm", ADULT, 64.0, "cavus", "high"),
    ("navicular_height_mm", ADULT, 64.1, "cavus", "severely high"),
    # Chippaux-Smirak, adult convention [M]: high < 25, flat >= 45 (§1.2)
    ("chippaux_smirak_pct", ADULT, 24.9, "cavus", None),
    ("chippaux_smirak_pct", ADULT, 25.0, "normal", None),
    ("chippaux_smirak_pct", ADULT, 44.9, "normal", None),
    ("chippaux_smirak_pct", ADULT, 45.0, "planus", None),
    # Chippaux-Smirak children, Banwell 2018: > 62.7 (3-7 y), > 59 (6-9 y), >= 40 (9-16 y)
    ("chippaux_smirak_pct", 4, 62.7, "normal", "not flat for age"),
    ("chippaux_smirak_pct", 4, 62.8, "planus", "flat for age"),
    ("chippaux_smirak_pct", 7, 59.0, "normal", "not flat for age"),
    ("chippaux_smirak_pct", 7, 59.1, "planus", "flat for age"),
    ("chippaux_smirak_pct", 12, 39.9, "normal", "not flat for age"),
    ("chippaux_smirak_pct", 12, 40.0, "planus", "flat for age"),
    # Staheli children, Banwell 2018: > 1.07 (3-6 y), >= 1.28 (6-9 y)
    ("staheli", 4, 1.07, "normal", "not flat for age"),
    ("staheli", 4, 1.0701, "planus", "flat for age"),
    ("staheli", 8, 1.2799, "normal", "not flat for age"),
    ("staheli", 8, 1.28, "planus", "flat for age"),
    # Clarke's angle [M]: flat < 31, normal 31-45, cavus > 45 (§1.4)
    ("clarke_angle_deg", ADULT, 30.9, "planus", None),
    ("clarke_angle_deg", ADULT, 31.0, "normal", None),
    ("clarke_angle_deg", ADULT, 45.0, "normal", None),
    ("clarke_angle_deg", ADULT, 45.1, "cavus", None),
    # FPI-6 manual: -12..-5 highly supinated, -4..-1 supinated, 0..5 normal, 6..9 pronated,
    # 10..12 highly pronated (§3.3)
    ("fpi6_total", ADULT, -12, "supinated", "highly supinated"),
    ("fpi6_total", ADULT, -5, "supinated", "highly supinated"),
    ("fpi6_total", ADULT, -4, "supinated", "supinated"),
    ("fpi6_total", ADULT, -1, "supinated", "supinated"),
    ("fpi6_total", ADULT, 0, "neutral", "normal"),
    ("fpi6_total", ADULT, 5, "neutral", "normal"),
    ("fpi6_total", ADULT, 6, "pronated", "pronated"),
    ("fpi6_total", ADULT, 9, "pronated", "pronated"),
    ("fpi6_total", ADULT, 10, "pronated", "highly pronated"),
    ("fpi6_total", ADULT, 12, "pronated", "highly pronated"),
    # FPI-6 children 6-11 y, Gijon-Nogueron 2016: P85 = 6 is the normal/pronated boundary
    ("fpi6_total", 8, 6, "neutral", "normal for age"),
    ("fpi6_total", 8, 7, "pronated", "pronated for age"),
    # RCSP (positive = everted): pronator >= 2 deg everted, supinator >= 3 deg inverted (§3.4)
    ("rcsp_deg", ADULT, -3.0, "supinated", None),
    ("rcsp_deg", ADULT, -2.9, "neutral", None),
    ("rcsp_deg", ADULT, 1.9, "neutral", None),
    ("rcsp_deg", ADULT, 2.0, "pronated", None),
]


@pytest.mark.parametrize(
    "index, age, value, suggests, label", BOUNDARIES, ids=[f"{b[0]}-age{b[1]}-{b[2]}" for b in BOUNDARIES]
)
def test_boundary(thresholds, index, age, value, suggests, label):
    c = thresholds.classify(index, value, age)
    assert c.band is not None, c.note
    assert c.band.suggests == suggests
    if label is not None:
        assert c.band.label == label
    assert c.source  # every threshold names its source


@pytest.mark.parametrize("criterion, limit", [(ND.MUELLER, 10.0), (ND.BECKETT, 13.0), (ND.BRODY, 15.0)])
def test_navicular_drop_limits(thresholds, criterion, limit):
    assert thresholds.classify("navicular_drop_mm", limit, ADULT, criterion).band.suggests == "neutral"
    assert thresholds.classify("navicular_drop_mm", limit + 0.1, ADULT, criterion).band.suggests == "pronated"
    assert criterion.value.capitalize() in thresholds.classify("navicular_drop_mm", 20, ADULT, criterion).band.label


@pytest.mark.parametrize(
    "index, age",
    [
        ("arch_index", 8),
        ("ahi_standing", 12),
        ("navicular_height_mm", 15),
        ("clarke_angle_deg", 10),
        ("navicular_drop_mm", 9),
        ("rcsp_deg", 9),
        ("chippaux_smirak_pct", 2),
        ("staheli", 2),
        ("staheli", ADULT),
        ("fpi6_total", 4),
    ],
)
def test_no_threshold_where_none_is_published(thresholds, index, age):
    c = thresholds.classify(index, 1.0, age)
    assert c.band is None
    assert c.note  # says why


def test_every_rule_has_source_and_ordered_bands(thresholds):
    for name, rule in thresholds.rules.items():
        assert rule.source, name
        assert "clinical-basis.md" in rule.source, name
        for group in rule.groups:
            uppers = [b.upper for b in group.bands[:-1]]
            assert uppers == sorted(uppers), name


def test_user_file_overrides_a_table(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text(
        "[arch_index]\ngroups = [{ min_age_years = 0, bands = ["
        '{ label = "high", suggests = "cavus", upper = 0.15, upper_inclusive = true },'
        '{ label = "flat", suggests = "planus" } ] }]\n'
        '[navicular_drop_mm]\ndefault_criterion = "brody"\n'
    )
    th = load_thresholds(f)
    assert th.classify("arch_index", 0.2, ADULT).band.suggests == "planus"
    assert th.classify("arch_index", 0.2, 8).band.suggests == "planus"  # now applies to children
    assert th.nd_default_criterion is ND.BRODY
    # untouched entries keep their defaults
    assert th.classify("ahi_standing", 0.27, ADULT).band.suggests == "planus"


@pytest.mark.parametrize(
    "text, words",
    [
        ("[arch_indx]\nsource = 'x'\n", ["arch_indx", "arch_index"]),
        ("[sizing]\nallowance = 12\n", ["allowance", "allowance_mm"]),
        (
            "[arch_index]\ngroups = [{ min_age_years = 0, bands = [{ label = 'a', suggests = 'flat', upper = 1 }, "
            "{ label = 'b', suggests = 'planus' }] }]\n",
            ["suggests", "flat"],
        ),
        (
            "[arch_index]\ngroups = [{ min_age_years = 0, bands = "
            "[{ label = 'a', suggests = 'cavus', upper = 1 }] }]\n",
            ["last band"],
        ),
        ("[sizing]\nallowance_mm = nan\n", ["sizing.allowance_mm", "finite"]),
        # a last-based offset of orthofit before the Brannock scales would size two sizes small
        ("[sizing]\nus_men_offset = 24\n", ["sizing.us_men_offset", "sizing.us_men_brannock_offset", "minus 2"]),
        ("not toml [", ["not valid TOML"]),
    ],
)
def test_bad_user_file(tmp_path, text, words):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ThresholdsError) as info:
        load_thresholds(f)
    for w in words:
        assert w in str(info.value)


def test_the_truncated_length_estimate_is_data_with_its_sources(thresholds):
    """The estimate's constants as clinical-basis.md §2.5 gives them (typed here, not read)."""
    r = thresholds.truncated_length
    assert (r.ratio_mean, r.ratio_sd, r.coverage_factor) == (0.7404, 0.0143, 2.0)
    assert (r.foot_length_uncertainty_mm, r.dorsal_height_uncertainty_mm) == (1.5, 1.5)
    assert "ANSUR II" in r.ratio_source and "§2.5" in r.ratio_source
    assert "JFAR 2014;7:44" in r.uncertainty_source and "§2.5" in r.uncertainty_source


@pytest.mark.parametrize(
    "key, value",
    [("ratio_mean", "7.4"), ("ratio_sd", "0"), ("coverage_factor", "0"), ("dorsal_height_uncertainty_mm", "-1")],
)
def test_a_truncated_length_estimate_out_of_its_legal_range_is_refused(tmp_path, key, value):
    f = tmp_path / "bad.toml"
    f.write_text(f"[truncated_length_estimate]\n{key} = {value}\n")
    with pytest.raises(ThresholdsError) as info:
        load_thresholds(f)
    assert f"truncated_length_estimate.{key}" in str(info.value) and "out of range" in str(info.value)
