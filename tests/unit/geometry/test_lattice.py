"""The gyroid lattice's tables: the threshold that gives a relative density, the struts and
pores per cell size, and the zone table's densities and stiffnesses."""

from __future__ import annotations

import numpy as np
import pytest

from orthofit.geometry import lattice as lat
from orthofit.geometry.solid import GeometryError


@pytest.mark.parametrize("rho", [0.08, 0.1, 0.2, 0.3, 0.45, 0.6])
def test_the_threshold_gives_the_density_on_a_finer_cell(rho):
    """Measured again on a cell sampled differently (80³ against the table's 64³)."""
    n = 80
    x = (np.arange(n) + 0.25) * (2 * np.pi / n)
    s, c = np.sin(x), np.cos(x)
    g = s[:, None, None] * c[None, :, None] + s[None, :, None] * c[None, None, :] + s[None, None, :] * c[:, None, None]
    assert (g > lat.threshold(rho)).mean() == pytest.approx(rho, abs=0.004)


def test_the_literatures_linear_rule_is_off_at_low_density():
    """ρ ≈ 0.5 − t/3 is close near 0.5 but 10 % off at ρ = 0.1, so orthofit measures its table."""
    t = float(lat.threshold(0.1))
    assert 0.5 - 0.326 * t == pytest.approx(0.1, rel=0.2) and abs(0.5 - 0.326 * t - 0.1) > 0.005
    assert 0.5 - 0.326 * float(lat.threshold(0.45)) == pytest.approx(0.45, abs=0.003)


@pytest.mark.slow  # two unit cells of 64³ with periodic distance transforms, about 20 s
@pytest.mark.parametrize("row", [1, 4])
def test_the_width_table_is_measured(row):
    rho, strut, pore = lat.WIDTHS[row]
    got_strut, got_pore = lat.measure_widths(rho, samples=64)
    assert got_strut == pytest.approx(strut, abs=0.02) and got_pore == pytest.approx(pore, abs=0.02)


def test_the_cell_size_bounds_the_densities():
    spec = lat.LatticeSpec(8.0, 1.5, 2.0, 0.5, 1.0, 2.0)
    lo, hi = lat.density_range(spec)
    assert 0.06 < lo < 0.08 and hi == pytest.approx(0.695)  # 1 mm struts: 1/8 of the cell
    lo12, hi12 = lat.density_range(lat.LatticeSpec(8.0, 1.5, 2.0, 0.5, 1.5, 4.0))
    assert lo12 > lo and hi12 < hi  # thicker walls and wider pores narrow the range
    with pytest.raises(GeometryError, match="larger cell"):
        lat.density_range(lat.LatticeSpec(4.0, 1.5, 2.0, 0.5, 1.5, 2.5))


def test_zone_table_holds_densities_and_scales_stiffness_by_the_square():
    table = lat.zone_table([("heel", 20.0), ("arch", 40.0), ("offload", 3.0)], (0.07, 0.7))
    heel, arch, offload = table
    assert arch.relative_stiffness == 1.0 and heel.relative_stiffness == pytest.approx(0.25)
    assert offload.density == 0.07 and "raised from 3 % to 7 %" in offload.held
    assert heel.held == "" and arch.held == ""


@pytest.mark.slow  # four voxel finite-element coupons, about a minute
def test_a_voxel_compression_of_coupons_follows_the_reported_trend():
    """The stiffness the report gives by Gibson-Ashby (∝ ρ², the network gyroid bends) is
    checked against a voxel FE compression of coupons (2 x 2 x 1 cells of 12 voxels between
    solid plates, as the lattice lies under its skin): the modulus rises with the density,
    with an exponent near 2."""
    from helpers.voxel_fe import compression_modulus

    n = 12
    k = 2 * np.pi / n
    x = (np.arange(2 * n) + 0.5) * k
    z = (np.arange(n) + 0.5) * k
    g = (
        np.sin(x)[:, None, None] * np.cos(x)[None, :, None]
        + np.sin(x)[None, :, None] * np.cos(z)[None, None, :]
        + np.sin(z)[None, None, :] * np.cos(x)[:, None, None]
    )
    plate = np.ones((2 * n, 2 * n, 1), bool)
    rhos = np.array([0.1, 0.2, 0.3, 0.45])
    moduli = np.array([compression_modulus(np.concatenate([plate, g > lat.threshold(r), plate], axis=2)) for r in rhos])
    assert (np.diff(moduli) > 0).all(), moduli
    exponent = np.polyfit(np.log(rhos), np.log(moduli), 1)[0]
    assert 1.5 <= exponent <= 2.5, (exponent, moduli)
    assert compression_modulus(np.ones((4, 4, 4), bool)) == pytest.approx(1.0, rel=1e-6)


def test_a_zone_prescribed_solid_is_solid():
    """A Morton's extension at 100 % is printed solid, not held at the densest lattice."""
    (stiff,) = lat.zone_table([("Morton's extension (stiff)", 100.0)], (0.07, 0.7))
    assert stiff.density == 1.0 and stiff.held == "" and stiff.relative_stiffness == 1.0
