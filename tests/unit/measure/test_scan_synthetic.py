"""Scan measurement accuracy on synthetic feet nobody tuned to (helpers.synthetic), and on the
real scans.

Each synthetic foot is put in a random pose, written in mm, m or inches, mirrored for a left
foot, given noise (sigma 0.5 mm), 10 % of its faces dropped and three holes.
"""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from helpers.synthetic import synthetic_foot
from orthofit.config.params import InsoleParams
from orthofit.geometry.outline import FootDimensions
from orthofit.io.scan_file import UNITS_MM, load_scan
from orthofit.measure.orient import orient_scan
from orthofit.measure.scan_measure import ScanCondition, measure_scan
from orthofit.model.enums import Side

CASES = [
    (seed, fl, units, side, fmt)
    for seed, (fl, units, side, fmt) in enumerate(
        [
            (262, "mm", Side.RIGHT, "stl"),
            (240, "m", Side.LEFT, "ply"),
            (285, "in", Side.RIGHT, "obj"),
            (225, "cm", Side.LEFT, "stl"),
            (300, "m", Side.RIGHT, "stl"),
            (250, "in", Side.LEFT, "ply"),
            (270, "mm", Side.LEFT, "obj"),
            (232, "m", Side.RIGHT, "obj"),
        ]
    )
]


def _cases(cases, ids):
    """The first case in the quick loop, the rest slow (together they take several seconds)."""
    return [
        pytest.param(*c, id=i, marks=[pytest.mark.slow] if k else [])
        for k, (c, i) in enumerate(zip(cases, ids, strict=True))
    ]


@pytest.mark.parametrize(
    "seed, fl, units, side, fmt",  # 8 feet: about 5 s, 0.6 s each
    _cases(CASES, [f"{c[1]}mm-{c[2]}-{c[3].value}-{c[4]}" for c in CASES]),
)
def test_synthetic_feet_in_any_pose_unit_and_side(tmp_path, seed, fl, units, side, fmt):
    rng = np.random.default_rng(seed)
    solid = synthetic_foot(fl, rng.uniform(0.36, 0.41) * fl, rng.uniform(0.24, 0.28) * fl)
    true_length = solid.length_mm
    true_ball = solid.ball_width_mm
    v, f = solid.vertices.copy(), solid.faces.copy()
    if side is Side.LEFT:
        v[:, 1] *= -1
        f = f[:, ::-1]
    v += rng.normal(0.0, 0.5, v.shape)  # scanner noise, mm
    f = f[rng.random(len(f)) > 0.10]  # 10 % of the faces lost
    x = v[:, 0]
    for _ in range(3):  # and three holes, 8 mm across
        mid = np.flatnonzero((x > x.min() + 0.2 * true_length) & (x < x.min() + 0.8 * true_length))
        c = v[rng.choice(mid)]
        f = f[(np.linalg.norm(v[f].mean(axis=1) - c, axis=1) > 4.0)]
    R = trimesh.transformations.random_rotation_matrix(rng.random(3))
    R[:3, 3] = rng.uniform(-400, 400, 3)
    mesh = trimesh.Trimesh(v, f, process=False)
    mesh.apply_transform(R)
    mesh.apply_scale(1.0 / UNITS_MM[units])
    path = tmp_path / f"foot.{fmt}"
    mesh.export(path)
    scan = load_scan(path)  # units inferred
    oriented = orient_scan(scan)
    m = measure_scan(oriented, ScanCondition.STANDING)
    assert oriented.side is side
    assert m.measures["foot_length_mm"].value == pytest.approx(true_length, abs=2.0)
    assert m.measures["ball_width_mm"].value == pytest.approx(true_ball, abs=3.0)
    assert oriented.floor == "flat contact"


def test_units_inferred_for_synthetic_inches_say_so(tmp_path):
    solid = synthetic_foot(262, 100, 68)
    mesh = trimesh.Trimesh(solid.vertices / 25.4, solid.faces)
    mesh.export(tmp_path / "foot.stl")
    scan = load_scan(tmp_path / "foot.stl")
    assert scan.units == "in"
    assert any("inferred as in" in n for n in scan.notes)


@pytest.mark.parametrize(
    "seed, fl, units, side, fmt",  # 3 scan-fitted insoles: about 3 s
    _cases(CASES[:3], [f"{c[1]}mm-{c[3].value}" for c in CASES[:3]]),
)
def test_scan_fitted_insole_from_a_noisy_synthetic_scan_is_a_valid_solid(tmp_path, seed, fl, units, side, fmt):
    """Noise, holes and lost faces do not reach the insole: it is a closed solid that covers
    the foot and is as long as the foot plus the allowance."""
    from orthofit.geometry.build import build_scan_insole
    from orthofit.geometry.scan_fit import plantar_surface
    from orthofit.geometry.solid import check_solid
    from orthofit.measure.scan_case import measure_foot_scan

    rng = np.random.default_rng(seed)
    solid = synthetic_foot(fl, 0.385 * fl, 0.26 * fl)
    true_length = solid.length_mm
    v, f = solid.vertices.copy(), solid.faces.copy()
    if side is Side.LEFT:
        v[:, 1] *= -1
        f = f[:, ::-1]
    v += rng.normal(0.0, 0.5, v.shape)
    f = f[rng.random(len(f)) > 0.10]
    R = trimesh.transformations.random_rotation_matrix(rng.random(3))
    mesh = trimesh.Trimesh(v, f, process=False)
    mesh.apply_transform(R)
    path = tmp_path / "foot.stl"
    mesh.export(path)
    rec = measure_foot_scan(load_scan(path), None, None)
    assert rec.condition is ScanCondition.STANDING and rec.side is side
    m = rec.measurements.values()
    foot = FootDimensions.from_measurements(
        m["foot_length_mm"], m["ball_width_mm"], m["heel_width_mm"], m["truncated_foot_length_mm"]
    )
    params = InsoleParams(arch_fill_mm=3.0)
    surface = plantar_surface(rec.oriented, foot, params, m.get("plantar_arch_height_mm"))
    ins = build_scan_insole(surface, foot, params, side)
    check = check_solid(ins.solid)
    assert check.watertight and check.winding_consistent and check.volume_mm3 > 0
    x0, y0, x1, y1 = ins.outline.bounds
    assert x1 - x0 == pytest.approx(true_length + params.length_allowance_mm, abs=3.0)
    # a flat-soled foot: the top over the middle of the sole is the base plus at most the fill
    # (as printed: the footbed unrolled, heights are thicknesses)
    V = ins.print_pose().vertices
    centre = V[(np.abs(V[:, 1]) < 10) & (V[:, 0] > 0.3 * true_length) & (V[:, 0] < 0.6 * true_length)]
    assert centre[:, 2].max() < params.base_thickness_rearfoot_mm + params.arch_fill_mm + 1.5


def test_a_scan_declared_standing_without_floor_contact_gives_no_loaded_measures(tmp_path):
    """A rocker-soled foot (the sole curves up 15 mm at both ends, as a foot held in the air
    does) rests on no floor: called standing, its standing heights and footprint are refused
    with the reason, and what needs no load is still measured."""
    from orthofit.measure.scan_case import LOADED_MEASURES, measure_foot_scan

    solid = synthetic_foot(262, 101, 68)
    true_length = solid.length_mm
    v = solid.vertices.copy()
    mid = 0.5 * (v[:, 0].min() + v[:, 0].max())
    v[:, 2] += 15.0 * ((v[:, 0] - mid) / (0.5 * true_length)) ** 2
    path = tmp_path / "rocker.stl"
    trimesh.Trimesh(v, solid.faces, process=False).export(path)
    record = measure_foot_scan(load_scan(path, "mm"), Side.RIGHT, ScanCondition.STANDING)
    assert record.oriented.floor == "support plane"
    m = record.measurements
    for name in LOADED_MEASURES:
        assert m.measures[name].value is None and "no flat contact" in (m.measures[name].note or "")
    assert m.footprint is None and "no flat contact" in (m.footprint_note or "")
    assert any("declared standing" in n for n in record.notes)
    assert abs(m.measures["foot_length_mm"].value - true_length) < 0.1 * true_length


def test_a_scan_measure_far_outside_the_adult_range_is_flagged_and_not_used(tmp_path):
    """Plausible ranges from ANSUR II as fractions of the foot length: a real-shaped foot
    keeps every measure; a heel width of half the foot length (a sock, a cut, a misplaced
    landmark) is dropped with a note saying what adults measure."""
    from dataclasses import replace as dc_replace

    from orthofit.measure.scan_case import drop_implausible

    solid = synthetic_foot(262, 101, 68)
    path = tmp_path / "foot.stl"
    trimesh.Trimesh(solid.vertices, solid.faces, process=False).export(path)
    m = measure_scan(orient_scan(load_scan(path, "mm")), ScanCondition.STANDING)
    same, notes = drop_implausible(m)
    assert same is m and notes == []
    wide = dc_replace(m.measures["heel_width_mm"], value=131.0)
    flagged, notes = drop_implausible(dc_replace(m, measures={**m.measures, "heel_width_mm": wide}))
    assert flagged.measures["heel_width_mm"].value is None
    assert len(notes) == 1 and "heel_width_mm 131.0 mm is implausible" in notes[0] and "ANSUR II" in notes[0]
    assert flagged.measures["ball_width_mm"].value == m.measures["ball_width_mm"].value  # the others stay


def test_length_and_ball_width_are_along_the_foot_axis_not_the_shapes_main_axis(tmp_path):
    """A foot whose main axis is 8° off its foot axis (here: turned 8° after orienting) is
    measured along the foot axis (heel centre to ball centre): as long and as wide as the
    truth; measured along the turned x, it would read 2 mm or more short."""
    from dataclasses import replace as dc_replace

    from orthofit.measure.orient import _foot_axis_angle, _turned

    foot = synthetic_foot(262, 101, 68)
    path = tmp_path / "foot.stl"
    trimesh.Trimesh(foot.vertices, foot.faces, process=False).export(path)
    o = orient_scan(load_scan(path, "mm"))
    turned = _turned(o.vertices, np.radians(8.0))
    assert np.degrees(_foot_axis_angle(turned, Side.RIGHT)) == pytest.approx(8.0, abs=0.5)
    along_turned = measure_scan(dc_replace(o, vertices=turned), ScanCondition.STANDING)
    assert along_turned.measures["foot_length_mm"].value < foot.length_mm - 2.0
    m = measure_scan(o, ScanCondition.STANDING)
    assert m.measures["foot_length_mm"].value == pytest.approx(foot.length_mm, abs=0.5)
    assert m.measures["ball_width_mm"].value == pytest.approx(foot.ball_width_mm, abs=1.0)
    assert "heel-centre-ball-centre" in m.measures["foot_length_mm"].definition


@pytest.mark.parametrize("subdivisions", [0, 2])
def test_a_clean_mesh_measures_its_full_length_however_fine(tmp_path, subdivisions):
    """The ends are trimmed by surface area (10 mm² left beyond), not by a share of the
    vertices, which read every mesh 0.9-1.3 mm short: a noiseless foot reads its length to
    0.3 mm on its own 3 mm mesh and 16 times finer."""
    foot = synthetic_foot(262, 101, 68)
    v, f = foot.vertices, foot.faces
    for _ in range(subdivisions):
        v, f = trimesh.remesh.subdivide(v, f)
    path = tmp_path / "foot.stl"
    trimesh.Trimesh(v, f, process=False).export(path)
    m = measure_scan(orient_scan(load_scan(path, "mm")), ScanCondition.STANDING)
    assert m.measures["foot_length_mm"].value == pytest.approx(foot.length_mm, abs=0.3)


def test_a_scan_footprint_leaves_the_toes_out_where_the_sole_rises_at_the_toe_sulcus(tmp_path):
    """A sole that rises 4 mm under the toes' bases (the sulcus, oblique as the ball line is)
    and touches again under the toe pads: the footprint is cut along the sulcus, so its Arch
    Index is the toe-free print's (the synthetic outline cut along its own sulcus line), not
    the flatter one of a print that keeps the toes; a sole with no such rise keeps its toes
    and says so."""
    from orthofit.measure.footprint import footprint_indices

    foot = synthetic_foot(262, 101, 68, toe_sulcus_mm=4.0)
    path = tmp_path / "foot.stl"
    trimesh.Trimesh(foot.vertices, foot.faces, process=False).export(path)
    m = measure_scan(orient_scan(load_scan(path, "mm")), ScanCondition.STANDING)
    assert m.footprint is not None and m.footprint.toes_removed == "sulcus"
    truth = footprint_indices([np.asarray(foot.toe_free_plan.exterior.coords)[:-1]], Side.RIGHT, "sulcus")
    assert m.footprint.arch_index == pytest.approx(truth.arch_index, abs=0.01)
    # the contact ends where the sole lifts 2 mm, about 5 mm behind the sulcus's crest
    assert truth.print_length_mm - 8.0 < m.footprint.print_length_mm < truth.print_length_mm
    flat = synthetic_foot(262, 101, 68)
    trimesh.Trimesh(flat.vertices, flat.faces, process=False).export(tmp_path / "flat.stl")
    kept = measure_scan(orient_scan(load_scan(tmp_path / "flat.stl", "mm")), ScanCondition.STANDING)
    assert kept.footprint is not None and kept.footprint.toes_removed == "none found"
    assert kept.footprint.arch_index > truth.arch_index + 0.01  # the toes kept: flatter


@pytest.mark.parametrize("arch_mm", [0.0, 12.0, 22.0])
def test_the_arch_edge_height_is_the_sole_s_height_at_its_medial_border(tmp_path, arch_mm):
    """The scanner-style arch height (the medial arch's edge above the floor) of a foot whose
    sole lifts ``arch_mm`` toward its medial border at mid-foot: the sole's height on the
    outline's medial border, to its uncertainty; a flat sole reads about 0."""
    foot = synthetic_foot(262, 101, 68, medial_arch_mm=arch_mm)
    path = tmp_path / "foot.stl"
    trimesh.Trimesh(foot.vertices, foot.faces, process=False).export(path)
    m = measure_scan(orient_scan(load_scan(path, "mm")), ScanCondition.STANDING).measures["arch_edge_height_mm"]
    assert m.value == pytest.approx(foot.arch_edge_mm, abs=m.uncertainty_mm)
    assert "medial arch's edge" in m.definition and "not used by the arch label" in m.definition
