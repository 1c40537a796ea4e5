"""Stiffness zones in the 3MF: closed modifier volumes with graded borders, their densities set
by the profile and by --set. PrusaSlicer reading them as per-region infill and printing them
at their densities: tests/integration/test_prusaslicer.py."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.repo import EXAMPLES
from helpers.steps import assess_case, settings
from orthofit.config.params import InsoleParams
from orthofit.geometry.outline import FootDimensions
from orthofit.geometry.zones import TRANSITION_STEPS, insole_zones
from orthofit.io.case_file import load_case
from orthofit.model.enums import Side
from orthofit.model.meshcheck import check_edges, triangle_checks
from orthofit.pipeline.insoles import make_insoles

FOOT = FootDimensions.from_measurements(262, 98, 66, 190)


def test_zones_are_closed_prisms_with_graded_borders():
    p = InsoleParams(
        infill_heel_pct=10,
        infill_arch_pct=40,
        infill_forefoot_pct=25,
        met_pad_height_mm=4,
        heel_spur_relief_mm=2,
        zone_transition_mm=12,
    )
    zones = insole_zones(FOOT, p, (0.0, 277.0), 25.0)
    for z in zones:
        e = check_edges(z.faces, len(z.vertices))
        assert e.watertight and e.consistent and triangle_checks(z.vertices, z.faces)[1] > 0, z.name
    by = {z.name: z.density_pct for z in zones}
    assert by["heel"] == 10 and by["arch"] == 40 and by["forefoot"] == 25
    steps = [by[f"heel-arch transition {k}"] for k in range(1, TRANSITION_STEPS + 1)]
    assert steps == sorted(steps) and 10 < steps[0] and steps[-1] < 40  # monotone, strictly between
    assert by["metatarsal heads 2-4 offload"] == 10 and by["heel-spur offload"] == 10
    # the slab bands tile the length with no gap
    slabs = [z for z in zones if "offload" not in z.name]
    spans = sorted((z.vertices[:, 0].min(), z.vertices[:, 0].max()) for z in slabs)
    assert all(abs(a[1] - b[0]) < 1e-9 for a, b in zip(spans, spans[1:], strict=False))
    # offload discs: outer rings first, the core last (a later modifier wins)
    met = [z for z in zones if z.name.startswith("metatarsal")]
    radii = [np.ptp(z.vertices[:, 0]) for z in met]
    assert radii == sorted(radii, reverse=True) and met[-1].name == "metatarsal heads 2-4 offload"


def test_abrupt_border_when_transition_is_zero():
    zones = insole_zones(FOOT, InsoleParams(zone_transition_mm=0), (0.0, 277.0), 25.0)
    assert [z.name for z in zones] == ["heel", "arch", "forefoot"]


@pytest.mark.parametrize(
    "profile, zone, density",
    [("plantar-heel-pain", "heel", 12), ("pronation-control", "arch", 40), ("neutral", "arch", 30)],
)
def test_profile_sets_zone_density_and_set_overrides_it(profile, zone, density):
    case = load_case(EXAMPLES / "normal-adult.toml")
    a = assess_case(case)
    out = make_insoles(a, settings(profile), [Side.LEFT])[0]
    assert {z.name: z.density_pct for z in out.zones}[zone] == density
    out = make_insoles(a, settings(profile, overrides={f"infill_{zone}_pct": 55.0}), [Side.LEFT])[0]
    assert {z.name: z.density_pct for z in out.zones}[zone] == 55
    # a left insole's zones are mirrored with it: the heel-spur disc (if any) lies medial (-y)
    assert all(np.isfinite(z.vertices).all() for z in out.zones)


def test_heel_pain_profile_offloads_the_spur_on_the_medial_side_of_a_left_insole():
    a = assess_case(load_case(EXAMPLES / "normal-adult.toml"))
    out = make_insoles(a, settings("plantar-heel-pain"), [Side.LEFT])[0]
    spur = next(z for z in out.zones if z.name == "heel-spur offload")
    assert spur.density_pct == 10 and spur.vertices[:, 1].mean() < 0
