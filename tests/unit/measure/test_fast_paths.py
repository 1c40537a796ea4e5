"""The numpy code that replaced slower calls in measuring a scan (issue 14, speed) gives what
those calls gave: scipy's cKDTree (nearest directions, pairs within a chord), its
connected components and convex hull, shapely's line-polygon intersections, np.unique and
np.median, the plane-by-plane section loop; and ``orthofit scan`` imports none of the heavy
modules it does not need."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import ConvexHull, cKDTree

from helpers.repo import ROOT, shared_data
from orthofit.measure import footprint
from orthofit.measure.directions import directions_within, fibonacci_sphere, nearest_directions
from orthofit.measure.hull import convex_hull, exit_facet
from orthofit.measure.orient import _components
from orthofit.measure.scan_measure import _median, _section_breadth, mesh_edges
from orthofit.model.meshcheck import check_edges


def _unit(rng, m):
    n = rng.normal(size=(m, 3))
    return n / np.linalg.norm(n, axis=1, keepdims=True)


@pytest.mark.parametrize("m", [50, 13_000, 250_000])  # one sector of azimuth, then several
def test_nearest_directions_are_ckdtrees(m):
    rng = np.random.default_rng(m)
    sphere = fibonacci_sphere(2000)
    n = _unit(rng, m)
    n[:3] = 0.0  # degenerate faces' normals
    n[3:7] = [[0, 0, 1], [0, 0, -1], [-1, 0, 0], [-1, -1e-17, 0]]  # poles, the azimuth's seam
    n[7:40] = sphere[rng.integers(0, 2000, 33)] + rng.normal(0, 1e-9, (33, 3))  # on the points
    found = nearest_directions(n, sphere)
    assert np.array_equal(found[3:], cKDTree(sphere).query(n[3:])[1])


def test_directions_within_a_chord_are_ckdtrees_pairs():
    sphere = fibonacci_sphere(2000)
    chord = 2 * np.sin(np.radians(12.0) / 2)
    tree = cKDTree(sphere)
    pairs = tree.sparse_distance_matrix(tree, chord, output_type="coo_matrix")  # with its zero diagonal
    row, col = directions_within(2000, chord)
    assert sorted(zip(row.tolist(), col.tolist(), strict=True)) == sorted(
        zip(pairs.row.tolist(), pairs.col.tolist(), strict=True)
    )


def test_components_are_scipys_in_scipys_order():
    rng = np.random.default_rng(0)
    for trial in range(60):
        n = int(rng.integers(2, 300))
        if trial % 2:  # loops, like a scan's open rims
            perm = rng.permutation(n)[: max(2, n // 3)]
            a, b = perm, np.roll(perm, 1)
        else:
            a, b = rng.integers(0, n, n), rng.integers(0, n, n)
        ours = _components(a, b, n)
        _, theirs = connected_components(coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n)), directed=False)
        assert np.array_equal(np.unique(ours, return_inverse=True)[1], theirs)


def test_convex_hull_is_the_multipoints():
    rng = np.random.default_rng(1)
    for n in (1, 2, 3, 50, 5000):
        p = np.round(rng.normal(size=(n, 2)) * 40, 1)
        assert convex_hull(p).equals_exact(shapely.MultiPoint(p).convex_hull, 0.0)


def _qhull_exit(v, c, up):
    hull = ConvexHull(v)
    normals, offsets = hull.equations[:, :3], hull.equations[:, 3]
    facing = normals @ -up
    t = np.where(facing > 0, -(normals @ c + offsets) / np.where(facing > 0, facing, 1.0), np.inf)
    return normals[np.argmin(np.where(t > 0, t, np.inf))]


def test_exit_facet_is_qhulls():
    rng = np.random.default_rng(2)
    for _ in range(100):
        v = rng.normal(size=(int(rng.integers(10, 2000)), 3)) * [100, 40, 30]
        up = _unit(rng, 1)[0]
        c = v.mean(axis=0)
        assert np.allclose(exit_facet(v, c, up), _qhull_exit(v, c, up), atol=1e-12, rtol=0)


def test_exit_facet_through_a_vertex_is_one_of_its_facets():
    import trimesh

    sphere = trimesh.creation.icosphere(3, radius=100.0)
    up = np.array([1.0, 0.0, 0.0])  # straight down from the centre is a vertex
    n = exit_facet(sphere.vertices, sphere.vertices.mean(axis=0), up)
    assert n is not None and n @ -up > 0.99
    assert np.isclose(np.abs(sphere.face_normals @ n).max(), 1.0)


def _old_widths(geom, s):
    lines = shapely.linestrings(np.stack([np.stack([s, s * 0 - 1000.0], 1), np.stack([s, s * 0 + 1000.0], 1)], 1))
    cut = shapely.intersection(lines, geom)
    return shapely.length(cut), shapely.bounds(cut)[:, 3]


def test_cross_sections_are_shapelys_intersections():
    rng = np.random.default_rng(3)
    for trial in range(60):
        m = int(rng.integers(5, 60))
        angle = np.sort(rng.uniform(0, 2 * np.pi, m))
        pts = np.column_stack([np.cos(angle), 0.5 * np.sin(angle)]) * rng.uniform(40, 120, (m, 1))
        if trial % 2:
            pts = np.round(pts * 2) / 2  # on the sections' half-millimetre grid: lines through vertices
        geom = footprint._polygons_only(shapely.make_valid(shapely.Polygon(pts)))
        if trial % 3 == 0:
            geom = geom.difference(shapely.Point(0, 0).buffer(8))  # a hole
        x0, _, x1, _ = geom.bounds
        s = np.arange(x0 - 1, x1 + 1, 0.5)
        width, top = footprint._sections(geom, s)
        old_width, old_top = _old_widths(geom, s)
        assert np.allclose(width, old_width, atol=1e-9, rtol=0)
        assert np.array_equal(np.isnan(top), np.isnan(old_top))
        assert np.allclose(top[~np.isnan(top)], old_top[~np.isnan(old_top)], atol=1e-9, rtol=0)


def test_mesh_edges_median_and_edge_check_are_numpys_and_scipys():
    import trimesh

    rng = np.random.default_rng(4)
    mesh = trimesh.creation.icosphere(3)
    f = mesh.faces
    assert np.array_equal(
        mesh_edges(f), np.unique(np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), axis=1), axis=0)
    )
    for n in (1, 2, 7, 100):
        a = rng.normal(size=(n, 3))
        assert _median(a) == float(np.median(a))
    for faces in (f, f[5:], np.vstack([f[:1, ::-1], f[1:]]), np.vstack([f, f[:3]]), np.empty((0, 3), dtype=int)):
        check = check_edges(faces, len(mesh.vertices))
        assert (check.watertight, check.consistent, check.open_edges) == _scipy_check_edges(faces, len(mesh.vertices))


def _scipy_check_edges(faces, n_vertices):
    """check_edges as it was, with scipy.sparse."""
    from scipy import sparse

    a, b = faces.ravel(), faces[:, [1, 2, 0]].ravel()
    forward = a < b
    use = np.where(forward, np.int64(1 + (1 << 32)), np.int64(1))
    edges = sparse.coo_array(
        (use, (np.where(forward, a, b), np.where(forward, b, a))), shape=(n_vertices, n_vertices)
    ).tocsr()
    edges.sum_duplicates()
    count, runs_forward = edges.data & 0xFFFFFFFF, edges.data >> 32
    two = count == 2
    return bool(two.all()), bool((runs_forward[two] == 1).all()), int((count == 1).sum())


def test_section_breadth_is_the_plane_by_plane_loop():
    rng = np.random.default_rng(5)
    import trimesh

    mesh = trimesh.creation.icosphere(4, radius=50.0)
    v = mesh.vertices * [2.0, 1.0, 0.8] + rng.normal(0, 0.3, mesh.vertices.shape)
    e = mesh_edges(mesh.faces)
    xs = np.arange(-60.0, 61.0, 2.7)

    def loop(below):
        a, b = v[e[:, 0]], v[e[:, 1]]
        lo, hi = np.minimum(a[:, 0], b[:, 0]), np.maximum(a[:, 0], b[:, 0])
        best = None
        for c in xs:
            cross = (lo <= c) & (hi > c)
            if cross.sum() < 4:
                continue
            pa, pb = a[cross], b[cross]
            p = pa + ((c - pa[:, 0]) / (pb[:, 0] - pa[:, 0]))[:, None] * (pb - pa)
            if below is not None:
                p = p[p[:, 2] < below]
            if len(p) >= 4:
                best = max(best or 0.0, float(np.ptp(p[:, 1])))
        return best

    for below in (None, 0.0, -35.0, -100.0):
        assert _section_breadth(v, e, xs, below) == loop(below)


HEAVY = ("scipy", "trimesh", "reportlab", "fastapi", "sqlalchemy", "PIL", "manifold3d", "matplotlib")


@pytest.mark.shared_data
def test_orthofit_scan_imports_no_heavy_module():
    """A fresh ``orthofit scan`` of an STL starts fast: none of these is imported."""
    code = (
        "import sys; from orthofit.cli import main; main(['scan', sys.argv[1], '--json']);"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})), file=sys.stderr)"
    )
    scan = shared_data("scans", "dupontgu_right_foot_m.stl")
    r = subprocess.run([sys.executable, "-c", code, str(scan)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip() == "[]"


def test_an_stl_over_the_limit_is_refused_from_its_header_before_numpy(tmp_path):
    import struct

    from orthofit.io.scan_file import ScanError, load_scan
    from orthofit.io.scan_header import refuse_over_limit

    huge = tmp_path / "huge.stl"
    with open(huge, "wb") as fh:
        fh.write(b"\0" * 80 + struct.pack("<I", 1_250_000))
        fh.truncate(84 + 50 * 1_250_000)  # sparse
    with pytest.raises(ScanError) as from_header:
        refuse_over_limit(huge)
    with pytest.raises(ScanError) as from_loading:
        load_scan(huge)
    assert str(from_header.value) == str(from_loading.value)
    code = (
        "import sys; from orthofit.cli import main; c = main(['scan', sys.argv[1]]); print(c, 'numpy' in sys.modules)"
    )
    r = subprocess.run([sys.executable, "-c", code, str(huge)], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.split() == ["2", "False"] and "1,250,000 triangles" in r.stderr
    # anything else passes, for load_scan to check in full
    (tmp_path / "text.stl").write_text("solid x\nendsolid x\n")
    (tmp_path / "short.stl").write_bytes(b"\0" * 90)
    (tmp_path / "folder.stl").mkdir()
    for path in ("text.stl", "short.stl", "folder.stl", "missing.stl"):
        refuse_over_limit(tmp_path / path)
