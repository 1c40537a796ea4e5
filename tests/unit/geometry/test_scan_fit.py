"""The scan-fitted insole: outline from the scan, top on the standing plantar surface plus the
prescribed fill, heel cup on the heel; still a checked, printable solid. (Sliced by
PrusaSlicer: tests/integration/test_prusaslicer.py.)"""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import MultiPoint

from helpers.repo import shared_data
from helpers.steps import measured_from_scans, settings
from orthofit.assess.assessment import assess
from orthofit.config.params import InsoleParams
from orthofit.geometry.build import build_scan_insole
from orthofit.geometry.scan_fit import plantar_surface
from orthofit.geometry.solid import check_solid
from orthofit.io.scan_file import load_scan
from orthofit.measure.scan_case import measure_foot_scan, merge_scan
from orthofit.measure.scan_measure import ScanCondition
from orthofit.model.case import Case, FootMeasurements, Patient
from orthofit.model.enums import Side
from orthofit.pipeline.insoles import foot_dimensions, make_insoles

# the real scans of ../shared/data/scans
pytestmark = pytest.mark.shared_data


@pytest.fixture
def records(scan_records):
    """Side -> the measured standing dupontgu scan (the session's ``scan_records``)."""
    return scan_records


def _foot_and_surface(rec, params):
    m, _ = merge_scan(FootMeasurements(), rec)
    case = Case(Patient("t", 40), **{rec.side.value: m, rec.side.other.value: FootMeasurements()})
    foot = foot_dimensions(case, rec.side)
    arch = rec.measurements.values()["plantar_arch_height_mm"]
    return foot, plantar_surface(rec.oriented, foot, params, arch), arch


def _right_frame(rec) -> np.ndarray:
    v = rec.oriented.vertices.copy()
    if rec.side is Side.LEFT:
        v[:, 1] *= -1
    return v


def _underside(v: np.ndarray, f: np.ndarray, xy: np.ndarray, r: float = 1.5) -> np.ndarray:
    """The scan's lowest surface over each point (faces sampled densely), mm; NaN if none."""
    tri = v[f]
    w = np.array([(i / 6, j / 6, 1 - (i + j) / 6) for i in range(7) for j in range(7 - i)])
    pts = np.einsum("qk,nkd->nqd", w, tri).reshape(-1, 3)
    from scipy.spatial import cKDTree

    tree = cKDTree(pts[:, :2])
    out = np.full(len(xy), np.nan)
    for k, idx in enumerate(tree.query_ball_point(xy, r)):
        if idx:
            out[k] = pts[idx, 2].min()
    return out


@pytest.mark.parametrize("side", list(Side))
def test_scan_fitted_insole_follows_the_standing_sole(records, side):
    rec = records[side]
    params = InsoleParams(arch_fill_mm=0.0, heel_cup_depth_mm=14.0)
    foot, surface, arch = _foot_and_surface(rec, params)
    ins = build_scan_insole(surface, foot, params, Side.RIGHT)  # built in the right-foot frame
    check = check_solid(ins.solid)
    assert check.watertight and check.winding_consistent and check.volume_mm3 > 0
    # outline: as long as the foot plus the allowance, and covering the whole contact print
    x0, _, x1, _ = ins.outline.bounds
    assert x0 == pytest.approx(0.0, abs=1e-6)
    assert x1 == pytest.approx(foot.foot_length_mm + params.length_allowance_mm, abs=1.0)
    v = _right_frame(rec)
    shift = surface.x_mm[0] - (v[:, 0].min() - 40.0) - 0.5  # scan x -> insole x
    contact = v[v[:, 2] < 1.0][:, :2] + [shift, 0]
    assert ins.outline.buffer(1.0).contains(MultiPoint(contact))
    # top: base + the scan's own underside in the midfoot (where the sole is not capped), as
    # printed (the footbed unrolled: heights are thicknesses)
    V = ins.print_pose().vertices
    top = V[(V[:, 2] > 0.5) & (V[:, 0] > 0.30 * foot.foot_length_mm) & (V[:, 0] < 0.55 * foot.foot_length_mm)]
    under = _underside(v, rec.oriented.faces, top[:, :2] - [shift, 0])
    d_edge = np.array([ins.outline.exterior.distance(p) for p in MultiPoint(top[:, :2]).geoms])
    ok = np.isfinite(under) & (under < arch - 2.0) & (d_edge > 12.0)
    assert ok.sum() > 200
    base = params.base_thickness_rearfoot_mm + 0 * top[:, 0]  # upper bound of the taper
    lo = params.base_thickness_forefoot_mm
    gap = top[ok, 2] - under[ok]
    # The underside is the lowest scan point within 1.5 mm (_underside), which on the arch's
    # slope lies up to about half a millimetre below the surface under the point: hence +2.0
    # above (the largest gap was 5.2-5.4 mm, and 5.6 once the scan was turned onto its foot axis).
    assert np.all(gap > lo - 1.5) and np.all(gap < base[ok] + 2.0), (gap.min(), gap.max())
    # the arch really is followed: the underside spans several mm here and the top with it
    assert np.ptp(under[ok]) > 5.0
    assert np.corrcoef(top[ok, 2], under[ok])[0, 1] > 0.95


def test_arch_fill_raises_the_arch_only(records):
    rec = records[Side.RIGHT]
    p0 = InsoleParams(arch_fill_mm=0.0)
    p4 = p0.with_values(arch_fill_mm=4.0)
    foot, surface, _ = _foot_and_surface(rec, p0)
    a = build_scan_insole(surface, foot, p0, Side.RIGHT)
    b = build_scan_insole(surface, foot, p4, Side.RIGHT)
    from orthofit.geometry.scan_fit import scan_height_components
    from orthofit.geometry.surface import SurfaceContext

    ctx = SurfaceContext.build(surface.outline, foot)
    fl = foot.foot_length_mm
    medial = np.interp(0.42 * fl, ctx.border_x, ctx.border_medial)
    pts = np.array(
        [
            [0.42 * fl, medial - 0.5],  # the arch apex, at the medial border
            [0.10 * fl, 0.0],  # heel centre
            [0.75 * fl, 0.0],
        ]
    )  # forefoot
    za = np.sum(list(scan_height_components(pts, surface, ctx, p0, 0.0).values()), axis=0)
    zb = np.sum(list(scan_height_components(pts, surface, ctx, p4, 4.0).values()), axis=0)
    assert zb[0] - za[0] == pytest.approx(4.0, abs=0.05)
    assert zb[1:] - za[1:] == pytest.approx([0.0, 0.0], abs=1e-6)
    assert b.volume_mm3 > a.volume_mm3


def test_heel_cup_reaches_the_prescribed_rim(records):
    rec = records[Side.LEFT]
    params = InsoleParams(heel_cup_depth_mm=18.0, heel_cushion_mm=0.0)
    foot, surface, _ = _foot_and_surface(rec, params)
    ins = build_scan_insole(surface, foot, params, Side.RIGHT)
    V = ins.print_pose().vertices
    back = V[(V[:, 0] < 0.12 * foot.foot_length_mm)]
    # the lip rounds the rim's last rim_radius_mm, so its top stands a little inside the edge
    rim = back[:, 2].max()
    assert params.base_thickness_rearfoot_mm + 18.0 - 2.0 < rim <= params.base_thickness_rearfoot_mm + 18.0 + 0.3


def test_case_with_scans_gives_scan_fitted_insoles_and_says_so(tmp_path, records):
    # a typed sitting height 2 mm above the scanned standing one: a 4 mm fill (the clinician's;
    # these scans' arch labels are mixed, so no rule fills the arch) is capped at 2 mm
    standing = merge_scan(FootMeasurements(), records[Side.LEFT])[0].dorsal_height_standing_mm
    typed = {Side.LEFT: FootMeasurements(dorsal_height_sitting_mm=standing + 2.0)}
    measured = measured_from_scans(records, Patient("SF", 40), typed)
    s = settings("pronation-control", overrides={"arch_fill_mm": 4.0})
    out = make_insoles(assess(measured, s), s, list(Side))
    for r in out:
        assert any(t.startswith("scan-fitted to") for t in r.prescription.reasons)
        check = check_solid(r.insole.solid)
        assert check.watertight and check.volume_mm3 > 0
    left_reason = next(t for t in out[0].prescription.reasons if t.startswith("scan-fitted"))
    assert "arch fill 2 mm, capped by the arch drop 2 mm" in left_reason
    right_reason = next(t for t in out[1].prescription.reasons if t.startswith("scan-fitted"))
    assert f"arch fill {out[1].prescription.params.arch_fill_mm:g} mm" in right_reason
    # the left insole is the mirror image: its arch is on the -y side
    V = out[0].insole.solid.vertices
    mid = V[(V[:, 0] > 100) & (V[:, 0] < 130)]
    assert mid[np.argmax(mid[:, 2]), 1] < 0


def test_non_standing_scan_gives_the_parametric_insole():
    rec = measure_foot_scan(
        load_scan(shared_data("scans", "find_template_lowres_left_m.obj"), "m"),
        Side.LEFT,
        ScanCondition.NON_WEIGHT_BEARING,
    )
    measured = measured_from_scans({Side.LEFT: rec}, Patient("NW", 40))
    out = make_insoles(assess(measured, settings()), settings(), [Side.LEFT])
    assert any("parametric shape sized from the scan" in t for t in out[0].prescription.reasons)
