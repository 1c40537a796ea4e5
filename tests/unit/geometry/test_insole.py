"""The insole solid: valid over the whole legal parameter space, and each feature does what
its parameter says."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import trimesh
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.repo import shared_data
from orthofit.config.params import PARAMETERS, InsoleLength, InsoleParams
from orthofit.errors import ValidationError
from orthofit.geometry.build import DEFAULT_EDGE_MM, build_insole
from orthofit.geometry.outline import FootDimensions, insole_outline
from orthofit.geometry.printability import printability
from orthofit.geometry.solid import GeometryError, Solid, check_solid
from orthofit.geometry.surface import SurfaceContext, top_height
from orthofit.model.enums import Side

FOOT = FootDimensions.from_measurements(262, 98, 66, 190)


def assert_valid(insole, params=None):
    mesh = trimesh.Trimesh(insole.solid.vertices, insole.solid.faces, process=False)
    assert mesh.is_watertight
    assert mesh.is_winding_consistent
    assert mesh.volume > 0
    assert mesh.volume == pytest.approx(insole.volume_mm3, rel=1e-9)
    # on the bed as printed: the footbed unrolled, the lowest point on the floor
    assert insole.print_pose().vertices[:, 2].min() == pytest.approx(0.0, abs=1e-9)
    assert insole.min_thickness_mm >= (params or insole.params).min_thickness_mm - 1e-9


def heel_seat(insole, foot=FOOT):
    """Top vertices of the central heel seat (clear of the cup wall), right-foot frame, as
    printed (the footbed's drop and dish unrolled, so heights are thicknesses)."""
    v = insole.print_pose().vertices
    if insole.side is Side.LEFT:
        v = v * np.array([1, -1, 1])
    x, y, z = v.T
    m = (
        (z > 0.01)
        & (x > 0.08 * foot.foot_length_mm)
        & (x < 0.20 * foot.foot_length_mm)
        & (np.abs(y) < 0.2 * foot.heel_width_mm)
    )
    assert m.sum() > 30
    return v[m]


def frontal_tilt_deg(points):
    """Fit z = a + b x + c y; the frontal-plane tilt is atan(c) (medial side up = positive)."""
    A = np.column_stack([np.ones(len(points)), points[:, 0], points[:, 1]])
    a, b, c = np.linalg.lstsq(A, points[:, 2], rcond=None)[0]
    return float(np.degrees(np.arctan(c)))


# --- hypothesis: the whole legal parameter space -----------------------------------------


@st.composite
def legal_params(draw):
    values = {"length": draw(st.sampled_from(list(InsoleLength)))}
    for spec in PARAMETERS.values():
        values[spec.name] = draw(st.floats(spec.low, spec.high, allow_nan=False))
    if values["medial_heel_skive_mm"] < 2:
        values["medial_heel_skive_mm"] = draw(st.sampled_from([0.0, 2.0]))
    values["arch_blend_mm"] = min(values["arch_blend_mm"], values["arch_width_mm"])
    values["min_thickness_mm"] = min(
        values["min_thickness_mm"], values["base_thickness_rearfoot_mm"], values["base_thickness_forefoot_mm"]
    )
    for spec in PARAMETERS.values():  # a recess leaves the thinnest wall; excluded pairs are not both used
        if spec.recess_from:
            room = sum(values[k] for k in spec.recess_from) - values["min_thickness_mm"]
            values[spec.name] = min(values[spec.name], max(room, 0.0))
        for other in spec.excludes:
            if values[spec.name] > 0 and values[other] > 0:
                values[other] = 0.0
    return InsoleParams(**values)


@st.composite
def feet(draw):
    fl = draw(st.floats(110, 330))
    b = fl * draw(st.floats(0.33, 0.44))
    return FootDimensions.from_measurements(fl, b, b * draw(st.floats(0.58, 0.78)), fl * draw(st.floats(0.69, 0.77)))


@pytest.mark.slow  # 60 hypothesis examples, 12-26 s
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=legal_params(), foot=feet(), side=st.sampled_from(list(Side)))
def test_every_legal_insole_is_a_valid_printable_solid(params, foot, side):
    """Valid, or refused by the smoothness rules with a one-line user error (issue 15)."""
    from orthofit.errors import DesignError

    try:
        insole = build_insole(foot, params, side)
    except DesignError as err:
        assert "would not be smooth to stand on" in str(err) and "\n" not in str(err)
        return
    assert_valid(insole, params)
    summary = printability(insole)
    assert summary.min_thickness_mm >= params.min_thickness_mm - 1e-6
    assert summary.volume_cm3 > 0


@pytest.mark.parametrize(
    "foot_mm, bed, fits, turned",
    [
        (262, (300, 300), True, False),  # 277 mm insole: fits straight
        (291, (300, 300), True, True),  # 306 mm: only across the diagonal
        (262, (270, 270), True, True),
        (262, (150, 150), False, False),
    ],
)
def test_bed_fit(foot_mm, bed, fits, turned):
    foot = FootDimensions.from_measurements(foot_mm, 0.38 * foot_mm, 0.26 * foot_mm)
    summary = printability(build_insole(foot, InsoleParams(), Side.RIGHT), bed)
    assert summary.fits_bed is fits
    assert bool(summary.bed_rotation_deg) is turned


@pytest.mark.slow  # about 12 s
@settings(max_examples=25, deadline=None)
@given(params=legal_params(), raise_mm=st.floats(0.5, 10.0))
def test_higher_arch_raises_the_arch_region(params, raise_mm):
    if params.arch_height_mm + raise_mm > 30:
        raise_mm = 30 - params.arch_height_mm
    if raise_mm < 0.5:
        return
    ctx = SurfaceContext.build(insole_outline(FOOT, params), FOOT)
    higher = params.with_values(arch_height_mm=params.arch_height_mm + raise_mm)
    # Points along the medial border at the apex.
    x = params.arch_apex_pct / 100 * FOOT.foot_length_mm
    y_med = np.interp(x, ctx.border_x, ctx.border_medial)
    pts = np.array([[x, y_med - d] for d in (2.0, 5.0, 8.0)])
    gain = top_height(pts, ctx, higher) - top_height(pts, ctx, params)
    assert np.all(gain > 0)
    assert gain[0] == pytest.approx(raise_mm, rel=0.05)
    # and nothing moves outside the arch's length
    start = (params.arch_apex_pct - params.arch_length_pct / 2) / 100 * FOOT.foot_length_mm
    end = (params.arch_apex_pct + params.arch_length_pct / 2) / 100 * FOOT.foot_length_mm
    far = np.array([[start - 2.0, 0.0], [end + 2.0, 0.0]])
    assert np.allclose(top_height(far, ctx, higher), top_height(far, ctx, params))


@pytest.mark.slow  # about 6 s
@settings(max_examples=20, deadline=None)
@given(post=st.floats(-8.0, 8.0))
def test_rearfoot_post_tilts_the_heel_seat(post):
    base = InsoleParams(arch_height_mm=0.0)
    flat = frontal_tilt_deg(heel_seat(build_insole(FOOT, base, Side.RIGHT)))
    tilted = frontal_tilt_deg(heel_seat(build_insole(FOOT, base.with_values(rearfoot_post_deg=post), Side.RIGHT)))
    assert tilted - flat == pytest.approx(post, abs=0.5)
    # the left insole tilts its own medial side up: in its frame that is -y
    left = build_insole(FOOT, base.with_values(rearfoot_post_deg=post), Side.LEFT)
    assert frontal_tilt_deg(heel_seat(left)) - flat == pytest.approx(post, abs=0.5)


@pytest.mark.slow  # about 4 s
@settings(max_examples=20, deadline=None)
@given(lift=st.floats(0.0, 15.0))
def test_heel_lift_raises_the_heel_seat(lift):
    base = InsoleParams()
    z0 = heel_seat(build_insole(FOOT, base, Side.RIGHT))[:, 2].mean()
    z1 = heel_seat(build_insole(FOOT, base.with_values(heel_lift_mm=lift), Side.RIGHT))[:, 2].mean()
    assert z1 - z0 == pytest.approx(lift, abs=0.2)


@pytest.mark.slow  # about 12 s
@settings(max_examples=15, deadline=None)
@given(params=legal_params())
def test_left_and_right_are_mirror_images(params):
    from orthofit.errors import DesignError

    try:
        right = build_insole(FOOT, params, Side.RIGHT).solid
    except DesignError:  # refused by the smoothness rules: nothing to mirror
        return
    left = build_insole(FOOT, params, Side.LEFT).solid
    assert np.array_equal(left.vertices, right.vertices * np.array([1, -1, 1]))
    assert np.array_equal(left.faces, right.faces[:, ::-1])
    r = trimesh.Trimesh(right.vertices, right.faces, process=False)
    l_ = trimesh.Trimesh(left.vertices, left.faces, process=False)
    assert l_.volume == pytest.approx(r.volume, rel=1e-12)


# --- lengths, features and failures ------------------------------------------------------


def test_lengths_get_shorter():
    got = {ln: build_insole(FOOT, InsoleParams(length=ln), Side.RIGHT) for ln in InsoleLength}
    full, sulcus, three = (
        np.ptp(got[k].solid.vertices[:, 0])
        for k in (InsoleLength.FULL, InsoleLength.SULCUS, InsoleLength.THREE_QUARTER)
    )
    assert full == pytest.approx(262 + 15, abs=1.0)  # foot length + allowance
    assert three < 190 < sulcus < full  # 3/4 ends behind MTH1, sulcus past it


def test_met_pad_sits_proximal_to_the_metatarsal_heads():
    p = InsoleParams(met_pad_height_mm=5.0)
    insole = build_insole(FOOT, p, Side.RIGHT)
    ctx = SurfaceContext.build(insole.outline, FOOT)
    from orthofit.geometry.outline import landmarks

    mth24_x, mth24_y = landmarks(FOOT).mth_line_point(0.45)
    xs = np.linspace(100, 260, 1601)
    line = np.column_stack([xs, np.full_like(xs, mth24_y)])
    z = top_height(line, ctx, p) - top_height(line, ctx, InsoleParams())
    peak = xs[np.argmax(z)]
    distal_edge = xs[z > 0.001].max()
    assert z.max() == pytest.approx(5.0, abs=0.1)
    assert mth24_x - distal_edge == pytest.approx(p.met_pad_offset_mm, abs=1.0)
    assert peak < distal_edge


@pytest.mark.parametrize(
    "steep",
    [
        {},
        # Huppin's deep cup at its steepest wall (71°, the walls' limit is 72°) with the largest skive and post
        dict(heel_cup_depth_mm=20, heel_cup_wall_width_mm=14, medial_heel_skive_mm=8, rearfoot_post_deg=8),
        # the steepest pad the smoothness rule lets through (38°): still finer than 1.5 mm
        dict(arch_height_mm=20, met_pad_height_mm=4, met_pad_length_mm=20, met_pad_width_mm=16, forefoot_post_deg=-8),
        pytest.param(
            dict(medial_flange_mm=15, lateral_flange_mm=15, flange_width_mm=5, heel_lift_mm=15), marks=pytest.mark.slow
        ),  # about 3.5 s
        dict(heel_spur_relief_mm=4, heel_spur_relief_diameter_mm=15, base_thickness_rearfoot_mm=6, heel_cushion_mm=6),
    ],
    ids=["defaults", "deep-cup-skive-post", "arch-small-tall-pad", "flanges-lift", "spur-relief"],
)
def test_surface_follows_the_height_field_to_a_tenth_of_a_mm(steep):
    """At the default 1.5 mm edges, steep features get a finer mesh where they need it."""
    p = InsoleParams(**steep)
    insole = build_insole(FOOT, p, Side.RIGHT, DEFAULT_EDGE_MM)
    ctx = SurfaceContext.build(insole.outline, FOOT)
    err = surface_error(insole, ctx, p)
    assert err.max() < 0.1


def test_a_pad_too_steep_to_stand_on_is_refused_where_it_is():
    """An 8 mm pad over 15 x 10 mm rises at 69°: the smoothness rule refuses it, saying where."""
    from orthofit.errors import DesignError, UserError

    p = InsoleParams(met_pad_height_mm=8, met_pad_length_mm=15, met_pad_width_mm=10)
    with pytest.raises(DesignError, match=r"a \d+° slope at x = 1[5-7]\d mm") as err:
        build_insole(FOOT, p, Side.RIGHT)
    assert isinstance(err.value, UserError)  # one line to the user, not an internal error


def surface_error(insole, ctx, p):
    """|mesh - height field| at the centroids and edge midpoints of the top triangles, mm,
    away from the rounded lip (``rim_radius_mm`` along the outline, where the top rolls down
    on purpose), in the print pose (the footbed unrolled: heights are the field's).

    The mesh is linear on each triangle, so its height there is the mean of the corners'.
    """
    solid = insole.print_pose()
    v, f = solid.vertices, solid.faces
    tri = v[f]
    up = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])[:, 2] > 0
    d = ctx.distance_to_edge(tri.mean(axis=1)[:, :2])
    top = f[up & (d > p.rim_radius_mm + 1.0)]
    samples = [top, top[:, [0, 1]], top[:, [1, 2]], top[:, [2, 0]]]
    errs = []
    for idx in samples:
        pts = v[idx].mean(axis=1)
        errs.append(np.abs(pts[:, 2] - top_height(pts[:, :2], ctx, p)))
    return np.concatenate(errs)


def test_too_thin_raises_and_names_the_cause():
    with pytest.raises(ValidationError, match="heel_spur_relief_mm"):
        InsoleParams(base_thickness_rearfoot_mm=3.0, heel_spur_relief_mm=2.5)
    with pytest.raises(ValidationError, match="medial_heel_skive_mm"):
        InsoleParams(medial_heel_skive_mm=1.0)
    with pytest.raises(ValidationError, match=r"arch_height_mm = 31 is out of range: it must be 0 to 30 mm"):
        InsoleParams(arch_height_mm=31)


def test_inside_out_and_open_meshes_are_refused():
    box = trimesh.creation.box((10, 10, 10))
    check_solid(Solid(np.asarray(box.vertices), np.asarray(box.faces)))
    with pytest.raises(GeometryError, match="volume"):
        check_solid(Solid(np.asarray(box.vertices), np.asarray(box.faces)[:, ::-1]))
    with pytest.raises(GeometryError, match="watertight=False"):
        check_solid(Solid(np.asarray(box.vertices), np.asarray(box.faces)[:-1]))


@pytest.mark.slow  # about 30-40 s
@pytest.mark.shared_data
def test_ansur_spread_sample_gives_valid_insoles():
    """Every 40th of the 6,068 ANSUR II feet (152 people), both sides: valid, smooth by the rules
    (the builder refuses any other) and within the everyday shoe's budget
    (benchmarks/bench_insole.py --budget runs 1,000 feet against every shoe type)."""
    from orthofit.geometry.budget import budget_problems, heel_heights

    with open(shared_data("anthropometry", "ansur2_feet.csv"), newline="") as fh:
        rows = list(csv.DictReader(fh))[::40]
    lengths = []
    for row in rows:
        foot = FootDimensions.from_measurements(
            float(row["footlength_mm"]),
            float(row["footbreadthhorizontal_mm"]),
            float(row["heelbreadth_mm"]),
            float(row["balloffootlength_mm"]),
        )
        for side in Side:
            insole = build_insole(foot, InsoleParams(), side)
            assert_valid(insole)
            assert budget_problems(heel_heights(insole), insole.params) == []
            lengths.append(np.ptp(insole.solid.vertices[:, 0]) - foot.foot_length_mm)
    assert np.allclose(lengths, 15.0, atol=1.0)


@pytest.mark.parametrize(
    "foot, params",
    [
        # a straight sulcus cut lay on Qhull's convex hull: zero-area slivers, a ring edge lost
        (
            FootDimensions(268.9852817164027, 112.97381832088914, 86.18042649532475, 185.59984438431786),
            InsoleParams(
                length="sulcus",
                length_allowance_mm=21.23,
                width_allowance_mm=2.03,
                base_thickness_rearfoot_mm=2.0,
                base_thickness_forefoot_mm=2.0,
                heel_cup_depth_mm=0.0,
                arch_height_mm=0.0,
                medial_heel_skive_mm=2.0,
                lateral_flange_mm=6.5625,
                flange_width_mm=8.0,
                min_thickness_mm=1.0,
            ),
        ),
        # a heel-cup wall wider than half a small child's heel: the inward offsets split
        (
            FootDimensions(110, 48.34, 33.23, 82.5),
            InsoleParams(
                length_allowance_mm=10,
                base_thickness_rearfoot_mm=2,
                base_thickness_forefoot_mm=2,
                heel_cup_depth_mm=1,
                heel_cup_wall_width_mm=17,
                arch_height_mm=0,
                lateral_flange_mm=1,
                flange_width_mm=5,
                min_thickness_mm=1,
                arch_width_mm=15,
                arch_blend_mm=5,
            ),
        ),
        (FootDimensions(110, 48.34, 33.23, 82.5), InsoleParams(heel_cup_depth_mm=30, heel_cup_wall_width_mm=25)),
    ],
    ids=["straight-sulcus-cut", "wide-cup-wall-small-heel", "deep-wide-cup-small-heel"],
)
@pytest.mark.parametrize(
    "edge",
    [
        pytest.param(1.0, marks=pytest.mark.slow),
        1.5,  # 9 builds, about 3 s:
        pytest.param(2.0, marks=pytest.mark.slow),
    ],
)  # the default edge quick
def test_cases_hypothesis_found_build(foot, params, edge):
    for side in Side:
        assert_valid(build_insole(foot, params, side, edge), params)


def test_outline_spline_is_the_periodic_cubic_spline():
    """The numpy spline equals scipy's periodic CubicSpline (the one it replaces)."""
    from scipy.interpolate import CubicSpline

    from orthofit.geometry.outline import _periodic_spline

    rng = np.random.default_rng(1)
    ang = np.sort(rng.uniform(0, 2 * np.pi, 18))
    ctrl = np.column_stack([np.cos(ang) * 100, np.sin(ang) * 40])
    pts = np.vstack([ctrl, ctrl[:1]])
    chord = np.r_[0, np.cumsum(np.linalg.norm(np.diff(pts, axis=0), axis=1))]
    ref = CubicSpline(chord, pts, bc_type="periodic")(np.linspace(0, chord[-1], 500, endpoint=False))
    assert np.abs(_periodic_spline(ctrl, 500) - ref).max() < 1e-9


@pytest.mark.parametrize("length", ["full", "sulcus", "3/4"])
def test_border_extent_equals_shapelys_intersection(length):
    """The outline's medial and lateral borders from the ring's crossings equal the bounds of
    shapely's line-polygon intersection (which the context computed before, 5x slower)."""
    import shapely

    from orthofit.geometry.field import border_extent
    from orthofit.geometry.outline import insole_outline

    outline = insole_outline(FOOT, InsoleParams(length=length, width_allowance_mm=3))
    x0, _, x1, _ = outline.bounds
    xs = np.linspace(x0 - 2.0, x1 + 2.0, 700)  # past both ends too: NaN there
    lines = shapely.linestrings(np.stack([np.column_stack([xs, xs * 0 - 1e3]), np.column_stack([xs, xs * 0 + 1e3])], 1))
    b = shapely.bounds(shapely.intersection(lines, outline))
    lateral, medial = border_extent(np.asarray(outline.exterior.coords), xs)
    assert np.array_equal(np.isnan(lateral), np.isnan(b[:, 1]))
    assert np.allclose(lateral, b[:, 1], atol=1e-9, equal_nan=True)
    assert np.allclose(medial, b[:, 3], atol=1e-9, equal_nan=True)


def test_smoothness_is_enforced_where_files_are_made_not_on_a_coarse_preview():
    """A 3 mm preview mesh cuts chords steeper than the design: its figures are kept, not
    refused; at the files' 1.5 mm the same insole is within the rules."""
    from orthofit.geometry.smoothness import MAX_SLOPE_DEG

    p = InsoleParams(arch_height_mm=24)
    coarse = build_insole(FOOT, p, Side.LEFT, 3.0)
    assert coarse.smoothness is not None
    fine = build_insole(FOOT, p, Side.LEFT, DEFAULT_EDGE_MM)
    assert fine.smoothness.max_slope_deg <= MAX_SLOPE_DEG


@pytest.mark.parametrize("x_pct", [1.0, 70.0])
def test_overlapping_offload_recesses_take_the_deeper_not_their_sum(x_pct):
    """CI's legal-parameter search: recesses under the first and the 2nd-3rd heads, each capped
    at the 1 mm above the minimum thickness of a 2 mm base, overlap side by side; summed they
    left 0 mm at the heads and the build refused. The surface takes the deeper of the two."""
    thin = dict(base_thickness_rearfoot_mm=2.0, base_thickness_forefoot_mm=2.0, min_thickness_mm=1.0)
    both = InsoleParams(
        **thin,
        offload_mth1_mm=1.0,
        offload_mth1_x_pct=x_pct,
        offload_mth2_3_mm=1.0,
        offload_mth2_3_x_pct=x_pct,
    )
    insole = build_insole(FOOT, both, Side.RIGHT)  # no GeometryError: the builder checks the thickness
    one = build_insole(FOOT, InsoleParams(**thin, offload_mth1_mm=1.0, offload_mth1_x_pct=x_pct), Side.RIGHT)
    z_both, z_one = insole.solid.vertices[:, 2], one.solid.vertices[:, 2]
    # as deep as one recess alone, not twice as deep (the lowest top-surface point)
    assert z_both[z_both > 0.4].min() == pytest.approx(z_one[z_one > 0.4].min(), abs=0.05)
