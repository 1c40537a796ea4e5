"""Issue 15's constructions (orthofit/geometry/construction.py): the footbed under a
full-contact insole, its heel cup as a wall, its rounded lip, the shell's uniform thickness,
and the heights a shoe type's budget holds (orthofit/geometry/budget.py)."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from orthofit.config.params import InsoleParams, ShoeType
from orthofit.config.shoes import shoe_spec
from orthofit.geometry.budget import budget_problems, heel_heights, surface_z
from orthofit.geometry.build import build_insole
from orthofit.geometry.construction import footbed_height
from orthofit.geometry.field import SurfaceContext
from orthofit.geometry.outline import FootDimensions
from orthofit.geometry.smoothness import MAX_SLOPE_DEG
from orthofit.model.enums import Side

FOOT = FootDimensions.from_measurements(262, 98, 66, 190)


@pytest.mark.parametrize("shoe", list(ShoeType))
def test_the_underside_follows_the_shoe_types_footbed(shoe):
    """Drop under the heel seat, nothing under the ball, the toe spring at the tip, the dish."""
    spec = shoe_spec(shoe)
    ins = build_insole(FOOT, InsoleParams(shoe=shoe.value, heel_cup_depth_mm=0), Side.RIGHT)
    v, f = ins.solid.vertices, ins.solid.faces
    ctx = SurfaceContext.build(ins.outline, FOOT)
    ring = np.asarray(ins.outline.exterior.coords)
    tip = ring[np.argmax(ring[:, 0])]
    pts = np.array([[0.12 * 262, 0.0], [0.70 * 262, -5.0], [tip[0] - 1.0, tip[1]], [0.12 * 262, 0.9 * 30]])
    _, bottom = surface_z(v, f, pts)
    assert bottom[0] == pytest.approx(spec.drop_mm, abs=0.2)  # the heel seat stands drop_mm up
    assert bottom[1] == pytest.approx(0.0, abs=0.3)  # the ball rests on the floor
    assert bottom[2] == pytest.approx(spec.toe_spring_mm, rel=0.1)  # the toe springs up
    assert bottom[3] - bottom[0] > 0.5 * spec.heel_dish_mm  # the seat is dished across
    assert np.allclose(bottom, footbed_height(pts, ctx, spec), atol=0.2)


def test_a_childs_footbed_is_the_adults_scaled_down():
    child = FootDimensions.from_measurements(180, 70, 46, 130)
    ins = build_insole(child, InsoleParams(), Side.RIGHT)
    _, bottom = surface_z(ins.solid.vertices, ins.solid.faces, np.array([[0.12 * 180, 0.0]]))
    assert bottom[0] == pytest.approx(shoe_spec(ShoeType.EVERYDAY).drop_mm * 180 / 250, abs=0.2)


def test_the_heel_cup_is_a_wall_not_a_block():
    """Under the cup's rim the underside rises: the material is heel_cup_wall_mm thick square to
    the wall (within the wall's curvature), not the 16+ mm block a flat bottom would leave."""
    p = InsoleParams(heel_cup_depth_mm=16, heel_cup_wall_mm=4)
    ins = build_insole(FOOT, p, Side.RIGHT)
    v, f = ins.solid.vertices, ins.solid.faces
    ctx = SurfaceContext.build(ins.outline, FOOT)
    # across the heel at 12 % of the length, from the lateral rim inwards
    y_lat = float(np.interp(0.12 * 262, ctx.border_x, ctx.border_lateral))
    ys = y_lat + np.linspace(p.rim_radius_mm + 0.5, 12.0, 12)
    pts = np.column_stack([np.full_like(ys, 0.12 * 262), ys])
    top, bottom = surface_z(v, f, pts)
    bed = footbed_height(pts, ctx, shoe_spec(p.shoe))
    assert (bottom - bed).max() > 6.0  # the underside has risen under the rim
    slope = np.abs(np.gradient(top, ys))
    normal_thickness = (top - bottom) / np.sqrt(1.0 + slope**2)
    assert normal_thickness.max() < p.heel_cup_wall_mm + 1.0
    assert (top - bottom).min() >= p.base_thickness_rearfoot_mm - 0.05


def test_the_top_edge_is_a_rounded_lip():
    """The thickness rolls down to min_thickness_mm at the outline over rim_radius_mm."""
    p = InsoleParams()
    ins = build_insole(FOOT, p, Side.RIGHT)
    v = ins.solid.vertices
    n = len(v) // 2
    thickness = v[:n, 2] - v[n:, 2]
    ctx = SurfaceContext.build(ins.outline, FOOT)
    d = ctx.distance_to_edge(v[:n, :2])
    assert thickness[d < 0.01].max() == pytest.approx(p.min_thickness_mm, abs=1e-6)
    assert ins.min_thickness_mm == pytest.approx(p.min_thickness_mm, abs=1e-6)
    # a vertical outer wall only as high as the edge, not the insole's full height
    inner = thickness[(d > p.rim_radius_mm + 0.5) & (v[:n, 0] > 0.75 * 262)]
    assert inner.min() >= p.base_thickness_forefoot_mm - 0.05


@pytest.mark.parametrize("weight", ["default", "heavy"])
def test_a_shell_is_uniformly_thick(weight):
    """Issue 15: a shell's thickness is uniform within 0.3 mm (away from its cut edge and post)."""
    p = InsoleParams(construction="shell", shell_post_pct=0, shell_thickness_mm=3.6 if weight == "default" else 4.5)
    ins = build_insole(FOOT, p, Side.RIGHT)
    assert ins.params.length.value == "3/4"  # a shell ends behind the metatarsal heads
    v, f = ins.solid.vertices, ins.solid.faces
    n = len(v) // 2
    top_faces = f[(f < n).all(axis=1)]
    from scipy.spatial import cKDTree

    # the distance from each bottom vertex to the top surface, sampled every ~0.2 mm
    mesh = trimesh.Trimesh(v, top_faces, process=False)
    samples, _ = trimesh.sample.sample_surface(mesh, 600_000, seed=1)
    ctx = SurfaceContext.build(ins.outline, FOOT)
    keep = ctx.distance_to_edge(v[n:, :2]) > 8.0
    dist, _ = cKDTree(samples).query(v[n:][keep][::3])
    assert np.abs(dist - p.shell_thickness_mm).max() < 0.3


def test_a_shell_post_fills_down_to_the_footbed_under_the_heel():
    p = InsoleParams(construction="shell")
    ins = build_insole(FOOT, p, Side.RIGHT)
    ctx = SurfaceContext.build(ins.outline, FOOT)
    pt = np.array([[0.12 * 262, 0.0]])
    _, bottom = surface_z(ins.solid.vertices, ins.solid.faces, pt)
    assert bottom[0] == pytest.approx(footbed_height(pt, ctx, shoe_spec(p.shoe))[0], abs=0.2)
    # under the arch the shell floats: its underside well above the footbed
    arch = np.array([[0.42 * 262, float(np.interp(0.42 * 262, ctx.border_x, ctx.border_medial)) - 15.0]])
    _, under = surface_z(ins.solid.vertices, ins.solid.faces, arch)
    assert under[0] - footbed_height(arch, ctx, shoe_spec(p.shoe))[0] > 4.0


@pytest.mark.parametrize("shoe", list(ShoeType))
def test_the_profiles_insole_is_within_each_shoe_types_budget(shoe):
    """Heel seat, total heel height and cup, measured on the built solid, per shoe type (the
    low-profile profile's shallow cup and thin base for a dress shoe)."""
    from orthofit.config.profiles import load_profile

    base = load_profile("low-profile" if shoe is ShoeType.DRESS else "neutral").start_params()
    p = base.with_values(shoe=shoe.value)
    ins = build_insole(FOOT, p, Side.RIGHT)
    h = heel_heights(ins)
    spec = shoe_spec(shoe)
    assert budget_problems(h, p) == []
    assert h.heel_seat_mm == pytest.approx(p.base_thickness_rearfoot_mm, abs=0.2)
    assert h.cup_mm == pytest.approx(p.heel_cup_depth_mm, abs=0.6)
    assert h.heel_total_mm <= spec.heel_total_max_mm
    assert ins.smoothness.max_slope_deg <= MAX_SLOPE_DEG


def test_an_insole_over_budget_says_which_feature_to_trade():
    p = InsoleParams(shoe="dress", heel_cup_depth_mm=14, heel_cushion_mm=3)
    h = heel_heights(build_insole(FOOT, p, Side.RIGHT))
    problems = budget_problems(h, p)
    assert any("the heel seat is 7.0 mm thick, more than a dress shoe's 6 mm" in x for x in problems), problems
    assert any("reduce heel_cushion_mm (3)" in x and "--set shoe=" in x for x in problems)
    assert any("heel cup stands 1" in x and "reduce heel_cup_depth_mm (14)" in x for x in problems)


def test_print_pose_lies_flat_but_under_the_cup():
    ins = build_insole(FOOT, InsoleParams(), Side.LEFT)
    printed = ins.print_pose()
    v = printed.vertices
    n = len(v) // 2
    assert v[:, 2].min() == pytest.approx(0.0, abs=1e-9)
    bottom = v[n:]
    lifted = bottom[bottom[:, 2] > 0.05]
    assert len(lifted) and lifted[:, 0].max() < 0.32 * 262 + 1.0  # only under the heel cup
    mesh = trimesh.Trimesh(v, printed.faces, process=False)
    assert mesh.is_watertight and mesh.is_winding_consistent and mesh.volume == pytest.approx(ins.volume_mm3)
