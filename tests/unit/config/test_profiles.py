"""Prescription profile files (orthofit.config.profiles): the shipped ones, the rules file and
its sources, user profiles, and broken ones (one clear error naming the closest key). The rules
they feed: tests/unit/prescribe/test_prescription.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.repo import ROOT, SHIPPED_PROFILES
from orthofit.config.params import InsoleParams
from orthofit.config.profiles import RuleSettings, default_rules, load_profile, profile_names, profiles_dir
from orthofit.errors import CaseFileError, ValidationError

SHIPPED = SHIPPED_PROFILES


def user_profile(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_profiles():
    assert profile_names() == SHIPPED
    assert "_rules" not in profile_names()
    for name in SHIPPED:
        prof = load_profile(name)
        assert prof.name == name
        assert isinstance(prof.rules, RuleSettings)
        assert isinstance(prof.start_params(), InsoleParams)
        # one plain sentence
        assert prof.description.endswith(".") and prof.description.count(". ") == 0
        assert prof.path is not None and prof.path.name == f"{name}.toml"


def test_profiles_dir_is_the_source_checkout():
    assert Path(str(profiles_dir())) == ROOT / "profiles"


def test_every_rule_amount_names_its_source():
    lines = (profiles_dir() / "_rules.toml").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if not re.match(r"^\w+\s*=", line):
            continue
        j = i - 1
        while j >= 0 and re.match(r"^\w+\s*=", lines[j]):  # a group shares one comment
            j -= 1
        block = []
        while j >= 0 and lines[j].startswith("#"):
            block.append(lines[j])
            j -= 1
        text = " ".join(block)
        assert "§" in text or "[D]" in text, f"no source for {line!r}"


def test_default_rules_match_the_brief():
    r = default_rules()
    p = r.pronated_or_planus
    assert (
        p.pronation_control,
        p.skive_mm,
        p.skive_highly_pronated_mm,
        p.varus_post_deg,
        p.arch_raise_mm,
        p.heel_cup_with_skive_min_mm,
        p.heel_cup_deep_min_mm,
        p.heel_cup_deep_when_sum_above,
    ) == ("skive", 4, 6, 4, 3, 14, 20, 5)
    c = r.supinated_or_cavus
    assert (c.heel_cup_min_mm, c.lateral_arch_height_mm, c.heel_cushion_mm, c.arch_raise_mm) == (16, 4, 3, 4)
    assert (r.heel_pain.heel_cushion_mm, r.heel_pain.heel_spur_relief_mm) == (3, 2)
    assert r.forefoot_pain.met_pad_height_mm == 4 and r.leg_length.heel_lift_max_mm == 15


def test_unknown_profile_name_lists_the_available():
    with pytest.raises(ValidationError) as err:
        load_profile("sprot")
    msg = str(err.value)
    assert "did you mean 'sport'" in msg
    for name in SHIPPED:
        assert name in msg
    with pytest.raises(ValidationError, match="available profiles"):
        load_profile("_rules")


@pytest.mark.parametrize(
    "text, closest",
    [
        ('name = "x"\ndescripton = "X."\n', "description"),
        ('name = "x"\ndescription = "X."\n[params]\nheel_cup_dept_mm = 14\n', "heel_cup_depth_mm"),
        ('name = "x"\ndescription = "X."\n[rules.pronated_or_planus]\nskive_m = 3\n', "skive_mm"),
        ('name = "x"\ndescription = "X."\n[rules.pronated_or_planos]\nskive_mm = 3\n', "pronated_or_planus"),
        ('name = "x"\ndescription = "X."\n[rulez]\n', "rules"),
    ],
)
def test_unknown_key_in_a_profile_names_the_closest(tmp_path, text, closest):
    with pytest.raises(ValidationError, match=f"did you mean '{closest}'"):
        load_profile(user_profile(tmp_path, text))


@pytest.mark.parametrize(
    "text, match",
    [
        ('name = "x"\ndescription = "X."\n[params]\nheel_cup_depth_mm = 40\n', r"heel_cup_depth_mm = 40.*0 to 30 mm"),
        ('name = "x"\ndescription = "X."\n[params]\narch_blend_mm = 60\narch_width_mm = 30\n', "arch_blend_mm"),
        ('name = "x"\ndescription = "X."\n[params]\nlength = "half"\n', "length"),
        (
            'name = "x"\ndescription = "X."\n[rules.pronated_or_planus]\npronation_control = "wedge"\n',
            r"pronation_control.*'skive', 'post', 'both'",
        ),
        ('name = "x"\ndescription = "X."\n[rules.pronated_or_planus]\nskive_mm = 1\n', r"skive_mm = 1.*2 to 8 mm"),
        ('name = "x"\ndescription = "X."\n[rules.leg_length]\nheel_lift_max_mm = 20\n', r"heel_lift_max_mm.*0 to 15"),
        ('name = "x"\ndescription = "X."\n[rules.heel_pain]\nheel_cushion_mm = "soft"\n', "must be a number"),
        ('name = "x"\n', "description"),
        ('name = "x"\ndescription = "X."\nparams = 3\n', "must be a table"),
    ],
)
def test_invalid_profile_values(tmp_path, text, match):
    with pytest.raises(ValidationError, match=match):
        load_profile(user_profile(tmp_path, text))


def test_unreadable_or_invalid_toml_is_one_line(tmp_path):
    bad = user_profile(tmp_path, 'name = "x"\ndescription = \n')
    for path in (bad, tmp_path / "missing.toml", tmp_path):
        with pytest.raises(CaseFileError) as err:
            load_profile(path)
        assert "\n" not in str(err.value) and str(path) in str(err.value)
