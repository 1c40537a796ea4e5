"""Shoe sizes and last lengths (orthofit.assess.sizing) against published size charts.

Each chart row gives a foot length and the size the chart prints for it; orthofit must print
the same size, or, where a chart follows another convention for that scale, come within the
chart's own step (half a size) and the test says why. The worked example of clinical-basis.md
§7.7 (example 8) is in tests/unit/measure/test_indices.py.
"""

from __future__ import annotations

import pytest

from orthofit.assess.sizing import MM_PER_INCH, last_length_mm, shoe_size

#: ukcalculator.com, "Shoe size calculator guide", men's and women's conversion tables
#: (https://ukcalculator.com/blog/shoe-size-calculator-guide.html): foot length (cm), UK, US,
#: EU. Men's and women's UK is one scale (UK = US men - 1 = US women - 2).
UKCALC_MEN = [  # foot cm, UK, US men, EU
    (24.6, 6, 7, 39.5),
    (25.4, 7, 8, 41),
    (26.2, 8, 9, 42),
    (27.1, 9, 10, 43),
    (27.9, 10, 11, 44.5),
    (28.8, 11, 12, 46),
    (29.6, 12, 13, 47),
]
UKCALC_WOMEN = [  # foot cm, UK, US women, EU
    (22.1, 3, 5, 35.5),
    (22.9, 4, 6, 37),
    (23.8, 5, 7, 38),
    (24.6, 6, 8, 39),
    (25.4, 7, 9, 40.5),
    (26.2, 8, 10, 42),
]

#: A retailer's "Size conversions" chart (https://cdn.shopify.com/s/files/1/0611/5852/3123/
#: files/conversion-chart.pdf): US men's size and foot length in inches to 0.01 in. (Its UK
#: column is US - 0.5, an athletic-brand convention, not Brannock's UK; not tested.)
CONVERSION_CHART_US_MEN = [
    (9.00, 5),
    (9.17, 5.5),
    (9.33, 6),
    (9.50, 6.5),
    (9.67, 7),
    (9.83, 7.5),
    (10.00, 8),
    (10.17, 8.5),
    (10.33, 9),
    (10.50, 9.5),
    (10.67, 10),
    (10.83, 10.5),
    (11.00, 11),
    (11.16, 11.5),
    (11.33, 12),
    (11.66, 13),
    (12.00, 14),
    (12.33, 15),
]


@pytest.fixture(scope="module")
def rules(thresholds):
    return thresholds.sizing


def _mm(inches: float) -> float:
    return inches * MM_PER_INCH


@pytest.mark.parametrize("foot_cm, uk, us_men, eu", UKCALC_MEN)
def test_men_match_the_ukcalculator_chart(rules, foot_cm, uk, us_men, eu):
    """ukcalculator.com men's table: foot 26.2 cm -> UK 8, US men 9, EU 42, and so on.

    US and UK must match exactly (the chart's lengths are to 1 mm, an eighth of a size). The
    chart's EU is converted from its US size and runs about 0.4 EU above the continental
    Paris-point rule orthofit follows (last = foot + 15 mm): within half a size, not equal.
    """
    s = shoe_size(foot_cm * 10, rules)
    assert (s.uk, s.us_men) == (f"{uk:g}", f"{us_men:g}")
    assert abs(s.eu - eu) <= 0.5


@pytest.mark.parametrize("foot_cm, uk, us_women, eu", UKCALC_WOMEN)
def test_women_match_the_ukcalculator_chart(rules, foot_cm, uk, us_women, eu):
    """ukcalculator.com women's table: foot 23.8 cm -> UK 5, US women 7, EU 38, and so on.

    US women = US men + 1 (the FIA "standard" scale) reproduces every row; the "common"
    men + 1.5 scale would print half a size more on each.
    """
    s = shoe_size(foot_cm * 10, rules)
    assert (s.uk, s.us_women) == (f"{uk:g}", f"{us_women:g}")
    assert abs(s.eu - eu) <= 0.5


@pytest.mark.parametrize("foot_in, us_men", CONVERSION_CHART_US_MEN)
def test_us_men_match_the_conversion_chart(rules, foot_in, us_men):
    """A retailer's conversion chart: foot 10.33 in -> US men 9, 12.33 in -> 15: exactly
    3 x foot (in) - 22, the Brannock men's scale, to the chart's 0.01 in."""
    assert shoe_size(_mm(foot_in), rules).us_men == f"{us_men:g}"


def test_brannock_mens_scale_starts_at_7_2_3_inches_and_steps_a_third_of_an_inch(rules):
    """The Brannock device's men's scale: size 1 at a foot of 7 2/3 in, each size 1/3 in
    (a barleycorn) longer (healthystepsdfw.blogspot.com 2010, "That thing to measure your
    feet"; secondary, as no Brannock Co. text with the numbers was found)."""
    for n in range(1, 17):
        foot_in = 7 + 2 / 3 + (n - 1) / 3
        assert shoe_size(_mm(foot_in), rules).us_men == str(n)
        assert shoe_size(_mm(foot_in + 1 / 6), rules).us_men == f"{n + 0.5:g}"


def test_a_foot_midway_between_two_sizes_takes_the_larger(rules):
    """razmery.info men's chart: foot 10 1/4 in -> US men 9. 3 x 10.25 - 22 = 8.75, midway
    between 8.5 and 9; the chart (and orthofit) give the larger. Also on a millimetre boundary:
    Mondopoint 262.5 mm -> 265."""
    assert shoe_size(_mm(10.25), rules).us_men == "9"
    assert shoe_size(_mm(9.75), rules).us_men == "7.5"  # same chart: 9 3/4 in -> 7.5
    assert shoe_size(262.5, rules).mondopoint == "265"


@pytest.mark.parametrize("foot_mm, mondopoint", [(265, "265"), (262.4, "260"), (267.6, "270"), (231, "230")])
def test_mondopoint_is_the_foot_length_in_5_mm_steps(rules, foot_mm, mondopoint):
    """ISO 9407:2019: the Mondopoint size is the length of the foot the shoe fits, in mm
    (ANSI summary); sizes step by 5 mm (DIN 66074-2 range 1, as ISO/TS 19407 describes)."""
    assert shoe_size(foot_mm, rules).mondopoint == mondopoint


@pytest.mark.parametrize(
    "foot_mm, eu",
    [
        (250, 40),  # choosefineshoes.com "English shoe sizes": (25 + 1.5) x 1.5 = 39.75 -> 40
        (265, 42),  # beschuhung.de: EU 42 = a 28.0 cm last; minus 1.5 cm gives the foot, 26.5 cm
    ],
)
def test_eu_follows_the_continental_paris_point_rule(rules, foot_mm, eu):
    """EU = 1.5 x (foot + 1.5 cm), the rule continental sources state, rounded to a half size."""
    assert shoe_size(foot_mm, rules).eu == eu


def test_each_scale_names_its_convention(rules):
    s = shoe_size(265, rules)
    assert s.labels() == {
        "Mondopoint (ISO 9407)": "265",
        "EU (Paris point, last = foot + 15 mm)": "42",
        "UK (Brannock)": "8.5",
        "US men (Brannock)": "9.5",
        "US women (Brannock)": "10.5",
    }
    conventions = s.as_dict()["conventions"]
    assert conventions["us_men"].startswith("US men (Brannock): 3 x foot length (in) - 22, nearest half size")
    assert conventions["eu"].startswith("EU (Paris point, last = foot + 15 mm): 1.5 x (foot length + 15 mm)")
    # an EU allowance given for this foot is the one named
    assert shoe_size(265, rules, allowance_mm=20).scale("eu").title == "EU (Paris point, last = foot + 20 mm)"


def test_children_take_the_childrens_scale_below_adult_size_1(rules):
    """Children's Brannock scales: US 3 x foot (in) - 9 2/3, UK 3 x foot (in) - 10 (the
    traditional 3 x last - 11 2/3 and - 12, with a last two barleycorns longer than the foot)."""
    s = shoe_size(_mm(7.0), rules)  # US child 11.33 -> 11.5, UK child 11
    assert (s.us_men, s.us_women, s.uk) == ("child 11.5", "child 11.5", "child 11")
    adult = shoe_size(_mm(7 + 2 / 3), rules)  # men's 1 and UK child 13
    assert (adult.us_men, adult.uk) == ("1", "child 13")


def test_last_length_inverts_the_sizing_formulas(rules):
    assert last_length_mm("eu", 42, rules) == pytest.approx(280.0)  # clinical-basis.md §7.7 example 8
    # A Brannock size names its foot, (size + offset) / 3 in; the shoe adds two barleycorns.
    assert last_length_mm("us-men", 9, rules) == pytest.approx(_mm(31 / 3 + 2 / 3))  # 11 in, 279.4 mm
    assert last_length_mm("uk", 8, rules) == pytest.approx(last_length_mm("us-men", 9, rules))
    assert last_length_mm("us-women", 10, rules) == pytest.approx(last_length_mm("us-men", 9, rules))
    assert last_length_mm("mondopoint", 265, rules) == pytest.approx(280.0)
    s = shoe_size(265, rules)
    assert last_length_mm("eu", s.eu, rules) == pytest.approx(s.last_length_mm, abs=5)


@pytest.mark.parametrize(
    "system, key, offset", [("us-men", "us_men", 22), ("us-women", "us_women", 21), ("uk", "uk", 23)]
)
def test_a_marked_brannock_size_round_trips(rules, system, key, offset):
    """The foot a marked size names gets that size back, and the shoe is 2/3 in longer."""
    for twice in range(2 * 3, 2 * 15 + 1):
        size = twice / 2
        foot_mm = _mm((size + offset) / 3)
        assert getattr(shoe_size(foot_mm, rules), key) == f"{size:g}"
        assert last_length_mm(system, size, rules) - foot_mm == pytest.approx(_mm(2 / 3))


def test_a_long_arch_sizes_the_brannock_scales_by_its_arch_length(thresholds):
    """A Brannock fitter sizes by the longer of heel-to-toe and heel-to-ball: a foot of
    average proportions (truncated length 0.7404 of its length) keeps its length's size; one
    whose ball lies further forward (0.77) takes the size of a foot 0.77/0.7404 as long on
    the US and UK scales, and says so; EU and Mondopoint stay with the foot length."""
    rules, ratio = thresholds.sizing, thresholds.truncated_length.ratio_mean
    plain = shoe_size(260.0, rules)
    average = shoe_size(260.0, rules, truncated_foot_length_mm=ratio * 260.0, arch_ratio=ratio)
    assert average.labels() == plain.labels()
    long_arch = shoe_size(260.0, rules, truncated_foot_length_mm=0.77 * 260.0, arch_ratio=ratio)
    as_long = shoe_size(0.77 * 260.0 / ratio, rules)
    assert (long_arch.us_men, long_arch.us_women, long_arch.uk) == (as_long.us_men, as_long.us_women, as_long.uk)
    assert float(long_arch.us_men) >= float(plain.us_men) + 1.0
    assert (long_arch.eu, long_arch.mondopoint) == (plain.eu, plain.mondopoint)
    assert "sized by the arch length" in long_arch.scale("us_men").rule
    assert "arch length" not in long_arch.scale("eu").rule
