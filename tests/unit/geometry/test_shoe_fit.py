"""The shoe-fit check (orthofit/geometry/shoe_fit.py): verdicts on shoes too small and big
enough, where it collides, the room over the instep; and the --shoe-inside option."""

from __future__ import annotations

import pytest

from orthofit.config.params import InsoleParams
from orthofit.config.shoes import ShoeInside
from orthofit.errors import ValidationError
from orthofit.geometry.budget import heel_heights
from orthofit.geometry.build import build_insole
from orthofit.geometry.outline import FootDimensions
from orthofit.geometry.shoe_fit import ball_width, shoe_fit
from orthofit.model.enums import Side

FOOT = FootDimensions.from_measurements(262, 98, 66, 190)


@pytest.fixture(scope="module")
def insole():
    return build_insole(FOOT, InsoleParams(), Side.LEFT)


def test_a_shoe_fitted_to_the_foot_fits_with_room_to_spare(insole):
    fit = shoe_fit(insole, heel_heights(insole))
    assert fit.fits
    assert fit.length_room_mm == pytest.approx(23.6 - 15.0, abs=0.5)  # Menz 2014 fitted shoe vs 15 mm allowance
    assert 0.0 < fit.instep_room_mm < 8.0
    assert "an everyday shoe fitted to this foot" in fit.lines[0]
    assert fit.lines[-1].startswith("fits: ")


def test_a_shoe_big_enough_fits_and_one_too_small_says_where(insole):
    length = insole.outline.bounds[2] - insole.outline.bounds[0]
    width = ball_width(insole)
    assert width == pytest.approx(FOOT.ball_width_mm, abs=5.0)  # square to the axis, across the ball
    roomy = shoe_fit(insole, heel_heights(insole), ShoeInside(length + 5.0, width + 4.0, "measured"))
    assert roomy.fits and roomy.length_room_mm == pytest.approx(5.0, abs=1e-6)
    short = shoe_fit(insole, heel_heights(insole), ShoeInside(length - 6.0, width + 4.0, "measured"))
    assert not short.fits
    assert any("at the toe: the insole is 6.0 mm longer" in line for line in short.lines)
    narrow = shoe_fit(insole, heel_heights(insole), ShoeInside(length + 5.0, width - 3.0, "measured"))
    assert not narrow.fits
    assert any("at the ball" in line and "3.0 mm wider than the shoe" in line for line in narrow.lines)


def test_a_thick_heel_in_a_dress_shoe_collides_at_the_heel_and_over_the_instep():
    p = InsoleParams(shoe="dress", heel_cup_depth_mm=9, base_thickness_rearfoot_mm=8, base_thickness_forefoot_mm=6)
    ins = build_insole(FOOT, p, Side.RIGHT)
    fit = shoe_fit(ins, heel_heights(ins))
    assert not fit.fits
    assert any(line.startswith("does NOT fit at the heel: the heel seat is 8.0 mm thick") for line in fit.lines)
    assert any(line.startswith("does NOT fit over the instep") for line in fit.lines)
    assert fit.instep_room_mm < 0


@pytest.mark.parametrize(
    "text, message",
    [
        ("270", "LENGTHxWIDTH"),
        ("270x", "LENGTHxWIDTH"),
        ("27x10", "inside length of 27 mm is outside 100-400 mm"),
        ("270x9.8", "inside width of 9.8 mm is outside 40-160 mm"),
        ("270x98\x00", "LENGTHxWIDTH"),
    ],
)
def test_shoe_inside_is_refused_with_how_to_write_it(text, message):
    with pytest.raises(ValidationError, match=message):
        ShoeInside.parse(text)
    assert ShoeInside.parse(" 270 x 98 mm ").length_mm == 270.0


def test_the_insole_command_refuses_an_insole_the_shoe_cannot_hold(tmp_path, cli):
    from tests.helpers.repo import EXAMPLES

    r = cli("insole", EXAMPLES / "normal-adult.toml", "--out", tmp_path, "--shoe-inside", "250x100")
    assert r.code != 0
    assert "would not fit its shoe" in r.err and "at the toe" in r.err and len(r.err.strip().splitlines()) == 1
    assert not any(tmp_path.iterdir())  # nothing written
    ok = cli("insole", EXAMPLES / "normal-adult.toml", "--out", tmp_path, "--shoe-inside", "290x104")
    assert ok.code == 0, ok.err
    assert "fits: " in ok.out and "the shoe's inside as measured, 290 x 104 mm" in ok.out


def test_a_shoe_size_is_the_inside_length_the_fit_check_uses(tmp_path, cli):
    """--shoe-size makes the insole as long as the shoe's inside; the fit check then measures
    against that shoe, not a shoe fitted to the foot (EU 40 is 267 mm inside, 21.7 mm beyond
    this 245 mm foot)."""
    from tests.helpers.repo import EXAMPLES

    r = cli("insole", EXAMPLES / "normal-adult.toml", "--out", tmp_path, "--shoe-size", "eu:40")
    assert r.code == 0, r.err
    assert "of the size asked for" in r.out and "fits: 0.0 mm to spare in length" in r.out
