"""Reading the text mesh formats a foot scanner writes (ASCII STL, Wavefront OBJ) with numpy.

trimesh reads them too, but importing it takes over a second of a fresh ``orthofit scan``
(the FIND template, a 1,750-triangle OBJ, took 1.7 s against 0.04 s to measure); on large
files these readers take about as long as trimesh's (2-3 s for 30-60 MB: parsing text
numbers is most of it). They take the common case, the
triangles and their corners, and return ``None`` for anything else (a polygon with a
missing corner, a face index that is not a number, an STL whose corners do not come in
threes), which is then handed to trimesh as before, so an odd or broken file gets
trimesh's reading and the same error as before. tests/unit/io/test_mesh_text.py checks that
both give trimesh's triangles.
"""

from __future__ import annotations

import re
import warnings

import numpy as np

_STL_VERTEX = re.compile(rb"\bvertex[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)[ \t]*[\r\n]", re.IGNORECASE)
_STL_FACET = re.compile(rb"\bfacet\b", re.IGNORECASE)
_OBJ_FACE_LINE = re.compile(rb"^[ \t]*f[ \t]+([^\r\n#]*)", re.MULTILINE)
_OBJ_VERTEX_LINE = re.compile(rb"^[ \t]*v[ \t]+([^\r\n#]*)", re.MULTILINE)
#: A corner's texture and normal indices (``1/2/3``, ``1//3``): only the vertex is needed.
_AFTER_SLASH = re.compile(rb"/\S*")


def read_ascii_stl(data: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """An ASCII STL's triangles as ``_read_binary_stl`` gives a binary one's.

    Returns
    -------
    (vertices, faces) or None
        vertices (3 m, 3) float64: each triangle's three corners, in file order; faces
        (m, 3) int64 ``[[0, 1, 2], [3, 4, 5], ...]``. None when the file is not the plain
        case (its corners not three per facet, or one not a number).
    """
    corners = _STL_VERTEX.findall(data)
    if not corners or len(corners) != 3 * len(_STL_FACET.findall(data)):
        return None
    try:
        vertices = np.array(corners, dtype=np.bytes_).astype(np.float64)
    except ValueError:  # not a number
        return None
    return vertices, np.arange(len(corners), dtype=np.int64).reshape(-1, 3)


def read_obj(data: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """A Wavefront OBJ's vertices and triangles (polygons split into fans from their first
    corner, as trimesh splits them).

    Returns
    -------
    (vertices, faces) or None
        vertices (n, 3) float64 as listed (``v`` lines; a fourth value or a colour is not
        needed, nor are texture coordinates and normals); faces (m, 3) int64, zero-based.
        None when a line is not the plain case (a vertex with fewer than three numbers, a
        face with fewer than three corners, a corner that is not an index, an index that
        points at no vertex).
    """
    v = _numbers(_OBJ_VERTEX_LINE.findall(data), np.float64)
    f = _numbers(_OBJ_FACE_LINE.findall(data), np.int64, corners=True)
    if v is None or f is None:
        return None
    (values, v_sizes, v_start), (idx, sizes, start) = v, f
    if len(v_sizes) and v_sizes.min() < 3:
        return None
    n = len(v_sizes)
    vertices = values[v_start[:, None] + np.arange(3)] if n else np.empty((0, 3))
    if len(sizes) == 0:
        return vertices, np.empty((0, 3), dtype=np.int64)
    if sizes.min() < 3:
        return None
    # Fans: corner 0 with corners (k, k + 1) for k = 1 .. size - 2.
    count = sizes - 2
    face = np.repeat(np.arange(len(sizes)), count)
    k = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count) + 1
    first = start[face]
    tri = np.column_stack([idx[first], idx[first + k], idx[first + k + 1]])
    # 1-based, or negative: counted back from the end of the vertex list (OBJ counts back
    # from the face's own line; the same for a file that lists its vertices first, as every
    # scanner's does, and any other is refused below or read by trimesh).
    tri = np.where(tri < 0, tri + n, tri - 1)
    if tri.min() < 0 or tri.max() >= n:
        return None
    return vertices, tri


def _numbers(
    lines: list[bytes], dtype: type, corners: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The numbers on ``lines`` (each a line's body after its keyword), parsed by numpy in one
    pass: (all values, how many on each line, where each line's first is). None when one is
    not a number of ``dtype``. ``corners``: OBJ face corners, each read as the vertex index
    before its first slash.
    """
    if not lines:
        return np.empty(0, dtype=dtype), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    body = b"\n".join(lines)
    if corners and b"/" in body:
        body = _AFTER_SLASH.sub(b"", body)
    chars = np.frombuffer(body, dtype=np.uint8)
    blank = (chars == 32) | (chars == 9) | (chars == 10) | (chars == 13) | (chars == 11) | (chars == 12)
    begins = ~blank & np.r_[True, blank[:-1]]  # the first character of each number
    line = np.cumsum(chars == 10)
    sizes = np.bincount(line[begins], minlength=len(lines)).astype(np.int64)
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy warns where it stops reading; counted below
        try:
            values: np.ndarray = np.fromstring(text, dtype=dtype, sep=" ")
        except ValueError:  # newer numpy raises where it stops
            return None
    if len(values) != int(sizes.sum()):  # it stopped at something that is not a number
        return None
    return values, sizes, np.cumsum(sizes) - sizes
