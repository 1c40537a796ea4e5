"""Dense scans (issue 14: a million faces in 2 s): a scan of more than
RESAMPLE_ABOVE_TRIANGLES is resampled by vertex clustering (orthofit.model.resample) before it
is oriented and measured. Resampling keeps a closed surface closed, the measures stay within
their stated uncertainty of the original's, and it does not make them look more certain than
the scanner's own sampling allows.
"""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from helpers.repo import shared_data
from helpers.synthetic import synthetic_foot
from orthofit.io.scan_file import RESAMPLE_ABOVE_TRIANGLES, load_scan
from orthofit.measure.orient import orient_scan
from orthofit.measure.scan_measure import ScanCondition, measure_scan
from orthofit.model.enums import Side
from orthofit.model.meshcheck import check_edges, triangle_checks
from orthofit.model.resample import cluster_vertices, surface_samples

#: Footprint indices carry no stated uncertainty; what a re-meshing may move them [D]
#: (as tests/unit/measure/test_remesh.py).
FOOTPRINT_TOLERANCE = {"arch_index": 0.02, "chippaux_smirak_pct": 3.0, "clarke_angle_deg": 3.0}


def _sphere(subdivisions: int, noise_mm: float, seed: int = 0):
    m = trimesh.creation.icosphere(subdivisions, radius=50.0)
    v = m.vertices + np.random.default_rng(seed).normal(0.0, noise_mm, m.vertices.shape)
    return v, np.asarray(m.faces)


def test_clustering_keeps_a_closed_surface_closed_and_its_shape():
    v, f = _sphere(6, 0.05)  # 81,920 faces, 0.9 mm edges
    cv, cf = cluster_vertices(v, f, 3.0)
    assert len(cf) < len(f) / 5
    edges = check_edges(cf, len(cv))
    assert edges.closed and edges.consistent and edges.open_edges == 0
    keep, volume = triangle_checks(cv, cf)
    assert keep.all()
    assert volume == pytest.approx(4 / 3 * np.pi * 50.0**3, rel=0.02)  # wound outward, the same ball
    assert np.linalg.norm(cv, axis=1) == pytest.approx(50.0, abs=0.5)


def test_clustering_keeps_an_open_rim_open():
    v, f = _sphere(6, 0.0)
    centre = v[f].mean(axis=1)
    f = f[centre[:, 2] < 20.0]  # a bowl: the rim is a circle 2 pi 40 mm round
    cv, cf = cluster_vertices(v, f, 2.5)
    edges = check_edges(cf, len(cv))
    assert edges.consistent and not edges.closed
    # The rim stays where it was (within a cell) and is still closed loops: every rim vertex
    # ends an even number of rim edges. (It is jagged: a staircase on the grid.)
    a, b = cf.ravel(), cf[:, [1, 2, 0]].ravel()
    key, count = np.unique(np.minimum(a, b) * len(cv) + np.maximum(a, b), return_counts=True)
    rim = key[count == 1]
    ends = np.bincount(np.r_[rim // len(cv), rim % len(cv)], minlength=len(cv))
    assert (ends % 2 == 0).all()
    p = cv[ends > 0]
    assert len(p) > 50
    assert p[:, 2] == pytest.approx(20.0, abs=2.5)
    assert np.hypot(p[:, 0], p[:, 1]) == pytest.approx(np.sqrt(50.0**2 - 20.0**2), abs=2.5)


def test_the_sample_spacing_is_the_scanners_not_the_triangles():
    v, f = _sphere(4, 0.05)  # a "scanner's" mesh: every face its own orientation
    area, spacing = surface_samples(v, f)
    edge = float(np.median(np.linalg.norm(v[f[:, 1]] - v[f[:, 0]], axis=1)))
    assert area == pytest.approx(4 * np.pi * 50.0**2, rel=0.02)
    assert spacing == pytest.approx(edge, rel=0.15)
    sv, sf = trimesh.remesh.subdivide(*trimesh.remesh.subdivide(v, f))
    assert surface_samples(sv, sf)[1] == pytest.approx(spacing, rel=0.01)  # no new samples
    d = trimesh.Trimesh(v, f, process=False).simplify_quadric_decimation(face_count=len(f) // 10)
    assert surface_samples(d.vertices, d.faces)[1] > 2.5 * spacing


def _write(v, f, path):
    trimesh.Trimesh(v, f, process=False).export(path)
    return path


def _measures(path, side=None):
    scan = load_scan(path)
    o = orient_scan(scan, side)
    return (
        scan,
        o,
        measure_scan(o, ScanCondition.STANDING if o.floor == "flat contact" else ScanCondition.NON_WEIGHT_BEARING),
    )


@pytest.mark.shared_data
def test_a_dense_copy_of_a_real_scan_measures_the_same_within_its_uncertainty(tmp_path):
    """The dupontgu right foot subdivided twice (the same surface, 204,096 faces; and once
    more with 0.1 mm of noise): resampled, each measure within the original's uncertainty,
    the uncertainty not smaller than the original's by more than the two spacing estimates
    differ (7 % on this scan), the side and the footprint the same."""
    src = shared_data("scans", "dupontgu_right_foot_m.stl")
    a_scan, a_o, a = _measures(src)
    m = trimesh.load_mesh(src)
    v, f = m.vertices, m.faces
    for _ in range(2):
        v, f = trimesh.remesh.subdivide(v, f)
    assert len(f) > RESAMPLE_ABOVE_TRIANGLES
    b_scan, b_o, b = _measures(_write(v, f, tmp_path / "dense.stl"))
    assert any("resampled" in n for n in b_scan.notes)
    assert len(b_scan.faces) < RESAMPLE_ABOVE_TRIANGLES / 2
    assert b_o.side is a_o.side is Side.RIGHT
    for name, ma in a.measures.items():
        mb = b.measures[name]
        assert (ma.value is None) == (mb.value is None), name
        if ma.value is None:
            continue
        assert abs(mb.value - ma.value) <= ma.uncertainty_mm, (name, ma.value, mb.value)
        assert mb.uncertainty_mm >= 0.9 * ma.uncertainty_mm, name
    for name, tol in FOOTPRINT_TOLERANCE.items():
        assert getattr(b.footprint, name) == pytest.approx(getattr(a.footprint, name), abs=tol), name


def test_a_dense_scan_with_its_leg_is_right_way_up_and_measured(tmp_path):
    """A synthetic relaxed foot with an open-cut leg, subdivided past the resampling limit,
    with a high-detail scanner's 0.1 mm noise, turned: resampled, right way up, its true
    length to 2 mm and ball width to 3 mm."""
    foot = synthetic_foot(262.0, 100.0, 68.0, curved_sole=True, leg_tilt_deg=-20.0, leg_open=True, pitch_mm=2.0)
    v, f = foot.vertices, foot.faces
    while len(f) <= RESAMPLE_ABOVE_TRIANGLES:
        v, f = trimesh.remesh.subdivide(v, f)
    rng = np.random.default_rng(3)
    v = v + rng.normal(0.0, 0.1, v.shape)
    mesh = trimesh.Trimesh(v, f, process=False)
    mesh.apply_transform(trimesh.transformations.random_rotation_matrix(rng.random(3)))
    scan, o, m = _measures(_write(mesh.vertices, mesh.faces, tmp_path / "leg.stl"))
    assert any("resampled" in n for n in scan.notes)
    assert m.measures["foot_length_mm"].value == pytest.approx(foot.length_mm, abs=2.0)
    assert m.measures["ball_width_mm"].value == pytest.approx(foot.ball_width_mm, abs=3.0)
    p = o.vertices
    assert np.ptp(p[p[:, 2] < 25.0, 0]) > 0.9 * foot.length_mm  # the sole at the bottom
    assert p[:, 2].max() < 0.6 * foot.length_mm  # the leg cropped


def test_a_folded_triangle_on_the_top_of_the_foot_is_not_the_plantar_arch():
    """A triangle folded over on the dorsum faces down: it must not be taken for the sole
    where the sole itself is too steep to count (a resampled scan has a few; 99 mm of
    "plantar arch" before the fix)."""
    foot = synthetic_foot(262.0, 100.0, 68.0, medial_arch_mm=12.0)
    v, f = foot.vertices.copy(), foot.faces.copy()
    v[:, 0] -= v[:, 0].min()
    v[:, 2] -= v[:, 2].min()
    from orthofit.io.scan_file import LoadedScan

    def arch(faces):
        o = orient_scan(LoadedScan(v, faces, "mm", False, (), "synthetic"), Side.RIGHT)
        return measure_scan(o, ScanCondition.STANDING).measures["plantar_arch_height_mm"].value

    before = arch(f)
    c = v[f].mean(axis=1)
    top = (c[:, 2] > 40.0) & (c[:, 0] > 0.35 * foot.length_mm) & (c[:, 0] < 0.55 * foot.length_mm) & (c[:, 1] > 20.0)
    assert top.sum() >= 3
    folded = f.copy()
    folded[top] = folded[top][:, ::-1]  # normals down, 40+ mm above the floor
    assert arch(folded) == pytest.approx(before, abs=0.5)
