"""orthofit's own ASCII STL and OBJ readers (orthofit/io/mesh_text.py) give trimesh's
triangles, and hand anything out of the plain case back to trimesh."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
import trimesh

from helpers.repo import ROOT, shared_data
from orthofit.io.mesh_text import read_ascii_stl, read_obj


def _trimesh_triangles(data: bytes, kind: str) -> np.ndarray:
    m = trimesh.load(io.BytesIO(data), file_type=kind, force="mesh", process=False)
    return np.asarray(m.vertices)[np.asarray(m.faces)]


def _ours(read, data: bytes) -> np.ndarray:
    result = read(data)
    assert result is not None
    v, f = result
    return v[f]


@pytest.mark.shared_data
def test_the_shared_obj_scan_reads_as_trimesh_reads_it():
    data = shared_data("scans", "find_template_lowres_left_m.obj").read_bytes()
    assert np.array_equal(_ours(read_obj, data), _trimesh_triangles(data, "obj"))


@pytest.mark.shared_data
def test_an_ascii_stl_reads_as_trimesh_reads_it():
    m = trimesh.load(shared_data("scans", "dupontgu_left_foot_m.stl"), process=False)
    data = m.export(file_type="stl_ascii").encode()
    assert np.array_equal(_ours(read_ascii_stl, data), _trimesh_triangles(data, "stl"))


OBJ = b"""# a scanner's export: comments, groups, texture and normal indices, a quad, a colour
mtllib foot.mtl
o foot
v 0 0 0 0.5 0.5 0.5
v 10 0 0
v 10 10 0
v 0 10 0
v 5 5 8
vt 0 0
vt 1 0
vn 0 0 1
g sole
usemtl skin
f 1/1/1 4/2/1 3/1/1 2/2/1
f 1//1 2//1 5//1
# negative: counted back from the end
f -4 -3 -1
s off
f 3 4 5
f 4 1 5
"""


def test_an_obj_with_quads_slashes_and_negative_indices_reads_as_trimesh_reads_it():
    ours = _ours(read_obj, OBJ)
    assert len(ours) == 6  # the quad as two triangles
    theirs = _trimesh_triangles(OBJ, "obj")
    # the same oriented triangles (trimesh splits a quad abcd into abc and cda, we into abc
    # and acd: the same triangle, its corners rotated)
    assert _canonical(ours) == _canonical(theirs)


def _canonical(tri: np.ndarray) -> list:
    """Each (3, 3) triangle as its corners rotated to start at the least; sorted."""
    out = []
    for t in np.round(tri, 9):
        rotations = [tuple(map(tuple, np.roll(t, -k, axis=0))) for k in range(3)]
        out.append(min(rotations))
    return sorted(out)


@pytest.mark.parametrize(
    "text",
    [
        b"v 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n",  # a vertex with two coordinates
        b"v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 x\n",  # a corner that is not an index
        b"v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 4\n",  # an index past the vertices
        b"v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2\n",  # two corners
        b"v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1.5 2 3\n",  # not an integer
    ],
)
def test_an_obj_out_of_the_plain_case_goes_to_trimesh(text):
    assert read_obj(text) is None


@pytest.mark.parametrize(
    "text",
    [
        b"solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nendloop\nendfacet\nendsolid x\n",
        b"solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 z\nendloop\nendfacet\n",
        b"solid x\nendsolid x\n",
    ],
)
def test_an_ascii_stl_out_of_the_plain_case_goes_to_trimesh(text):
    assert read_ascii_stl(text) is None


@pytest.mark.shared_data
def test_scanning_an_obj_does_not_import_trimesh():
    code = (
        "import sys; from orthofit.cli import main; c = main(['scan', sys.argv[1]]); print(c, 'trimesh' in sys.modules)"
    )
    path = shared_data("scans", "find_template_lowres_left_m.obj")
    r = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.split()[-2:] == ["0", "False"], r.stderr
