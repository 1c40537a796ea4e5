"""The fast numpy mesh checks (orthofit.model.meshcheck) behind load_scan and the solid checks
agree with trimesh's: closed, consistently wound, open edges, degenerate triangles, volume."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from orthofit.model.meshcheck import check_edges, triangle_checks


def _box_variants():
    box = trimesh.creation.box((200.0, 90.0, 60.0))
    v, f = np.asarray(box.vertices), np.asarray(box.faces)
    flipped = f.copy()
    flipped[3] = flipped[3, ::-1]
    sphere = trimesh.creation.icosphere(subdivisions=2, radius=100.0)
    sv, sf = np.asarray(sphere.vertices), np.asarray(sphere.faces)
    fin = np.vstack([f, [[f[0, 0], f[0, 1], len(v)]]])  # a third triangle on one edge
    fin_v = np.vstack([v, [[0.0, 0.0, 500.0]]])
    return {
        "closed": (v, f),
        "face removed": (v, f[1:]),
        "face flipped": (v, flipped),
        "a fin": (fin_v, fin),
        "inside out": (v, f[:, ::-1]),
        "sphere with a hole": (sv, sf[4:]),
        "sphere, two flipped": (sv, np.vstack([sf[:10], sf[10:12, ::-1], sf[12:]])),
    }


@pytest.mark.parametrize("name", list(_box_variants()))
def test_edge_checks_agree_with_trimesh(name):
    v, f = _box_variants()[name]
    mesh = trimesh.Trimesh(v, f, process=False)
    check = check_edges(f, len(v))
    assert check.watertight == mesh.is_watertight
    assert check.consistent == mesh.is_winding_consistent
    assert check.open_edges == len(trimesh.grouping.group_rows(mesh.edges_sorted, require_count=1))
    ok, volume = triangle_checks(v, f)
    assert ok.all()
    if mesh.is_watertight and mesh.is_winding_consistent:
        assert volume == pytest.approx(mesh.volume, rel=1e-9)


def test_known_edge_checks():
    v, f = _box_variants()["closed"]
    c = check_edges(f, len(v))
    assert (c.watertight, c.consistent, c.open_edges) == (True, True, 0)
    c = check_edges(f[1:], len(v))
    assert (c.watertight, c.consistent, c.open_edges) == (False, True, 3)
    flipped = f.copy()
    flipped[0] = flipped[0, ::-1]
    c = check_edges(flipped, len(v))
    assert (c.watertight, c.consistent, c.open_edges) == (True, False, 0)
    assert triangle_checks(v, f)[1] == pytest.approx(200 * 90 * 60)
    assert triangle_checks(v, f[:, ::-1])[1] == pytest.approx(-200 * 90 * 60)


def test_degenerate_triangles_are_found():
    v = np.array([[0.0, 0, 0], [10, 0, 0], [0, 10, 0], [20, 0, 0], [5, 5, 1e-12]])
    f = np.array(
        [
            [0, 1, 2],  # proper
            [0, 1, 1],  # repeated corner
            [0, 1, 3],  # collinear
            [1, 2, 4],
        ]
    )  # a sliver 1e-12 mm off its base's line
    ok, _ = triangle_checks(v, f)
    assert ok.tolist() == [True, False, False, False]
    mesh = trimesh.Trimesh(v, f, process=False)
    assert ok.tolist() == mesh.nondegenerate_faces().tolist()
