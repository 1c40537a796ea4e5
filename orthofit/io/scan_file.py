"""Loading a 3D foot scan (STL, OBJ, PLY) into millimetres, with every failure explained.

trimesh is never allowed to guess units: it reads words in the file name as units
("foot_scan.stl" becomes feet) and scales silently (engineering.md §2). The file is handed to
it as bytes with only its format, and units come from the user or, failing that, from the one
unit that makes the scan a plausible foot, which is reported.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orthofit.config.tomlfile import read_bytes
from orthofit.errors import shown
from orthofit.io.mesh_text import read_ascii_stl, read_obj
from orthofit.io.scan_header import (  # noqa: F401  (ScanError re-exported: raised by every scan reader)
    FORMATS,
    ScanError,
    check_stl,
    check_triangle_count,
    is_binary_stl,
)
from orthofit.model.meshcheck import EdgeCheck, check_edges, triangle_checks
from orthofit.model.resample import cluster_vertices, surface_samples

#: Millimetres per unit.
UNITS_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4}
#: The longest extent of a foot scan (a foot, possibly with some leg), mm [D].
PLAUSIBLE_EXTENT_MM = (80.0, 700.0)
#: A typical adult foot scan's longest extent, to choose between two plausible units [D].
TYPICAL_EXTENT_MM = 270.0
#: A scan with more triangles than this is resampled before it is measured: a foot scanned
#: at 0.5 mm detail has about 200,000, and measuring a million took 12.5 s against issue
#: 14's 2 s [D].
RESAMPLE_ABOVE_TRIANGLES = 200_000
#: About how many triangles a resampled scan keeps: a 1.7 mm grid on a foot with its ankle,
#: whose measures lie within 0.6 mm of the 13,000-triangle original's except the navicular
#: height's 1.8 mm (within its ±6; tests/unit/measure/test_scan_dense.py) [D].
RESAMPLE_TRIANGLES = 60_000
#: One binary STL triangle: normal, three corners (little-endian float32) and a 2-byte attribute.
_STL_RECORD = np.dtype([("n", "<f4", 3), ("v", "<f4", (3, 3)), ("a", "<u2")])


@dataclass(frozen=True)
class LoadedScan:
    """A scan in mm, as it came (any pose): vertices (n, 3) float, faces (m, 3) int."""

    vertices: np.ndarray
    faces: np.ndarray
    units: str
    units_inferred: bool
    notes: tuple[str, ...]  # unit inference, repairs
    source: str
    #: A resampled scan's original spacing of samples (:func:`surface_samples`), mm; 0 otherwise.
    sample_spacing_mm: float = 0.0


def load_scan(path: str | Path, units: str | None = None) -> LoadedScan:
    """Read a scan and convert it to millimetres.

    Parameters
    ----------
    units : {"mm", "cm", "m", "in"}, optional
        The file's unit. When omitted it is inferred from the scan's size and reported.

    Raises
    ------
    ScanError
        Missing, empty, unreadable, truncated or corrupt file; NaN coordinates; no triangles;
        a size that no unit makes a foot.
    """
    path = Path(path)
    if units is not None and units not in UNITS_MM:
        raise ScanError(f"units {shown(units)} are not known; use one of {', '.join(UNITS_MM)}")
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ScanError(f"{path}: a scan must be an STL, OBJ or PLY file (not {suffix or 'no extension'})")
    data = read_bytes(path, "scan", ScanError)
    if not data.strip():
        raise ScanError(f"{path} is empty; export the scan again from the scanner software")
    if suffix == ".stl":
        check_stl(data, path)
        if is_binary_stl(data):
            check_triangle_count(int.from_bytes(data[80:84], "little"), path)
    vertices, faces = _read_mesh(data, suffix, path)
    check_triangle_count(len(faces), path)
    if len(faces) == 0:
        raise ScanError(
            f"{path} holds no triangles (an empty or unreadable {suffix[1:].upper()} file); "
            "export the scan again as a mesh"
        )
    # Checked before merging: merging (like trimesh's processing, which silently drops NaN
    # vertices and their faces) would hide a corrupt file.
    if not np.isfinite(vertices).all():
        raise ScanError(f"{path} has invalid (NaN or infinite) coordinates; export the scan again")
    dense = len(faces) > RESAMPLE_ABOVE_TRIANGLES
    vertices, faces = _drop_unreferenced(vertices, faces) if dense else merge_vertices(vertices, faces)
    if len(faces) < 100:
        raise ScanError(f"{path} has only {len(faces)} triangles: too coarse to measure a foot")
    notes: list[str] = []
    extent = float(max(np.ptp(c) for c in np.ascontiguousarray(vertices.T)))
    if units is None:
        units, note = _infer_units(extent, path)
        notes.append(note)
        inferred = True
    else:
        inferred = False
        size = extent * UNITS_MM[units]
        if not PLAUSIBLE_EXTENT_MM[0] <= size <= PLAUSIBLE_EXTENT_MM[1]:
            hint = _infer_units_or_none(extent)
            fix = f"; it looks like {hint}: use --units {hint}" if hint else ""
            raise ScanError(f"{path} is {size:.6g} mm long in {units}, not a foot{fix}")
    spacing = 0.0
    if dense:
        vertices, faces, spacing, note = _resample(vertices * vertices.dtype.type(UNITS_MM[units]), faces)
        notes.append(note)
    else:
        vertices = vertices.astype(np.float64) * UNITS_MM[units]
    vertices, faces, mended = _mend(vertices, faces, resampled=dense)
    if len(faces) < 100:  # e.g. every triangle collinear: a line, not a surface
        raise ScanError(
            f"{path} has only {len(faces)} triangles that are not degenerate (zero area): it is not a "
            "surface scan of a foot; export the scan again"
        )
    notes.extend(mended)
    return LoadedScan(vertices, faces, units, inferred, tuple(notes), str(path), spacing)


def _resample(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, str]:
    """A dense scan (vertices (n, 3) mm, faces (m, 3), m > :data:`RESAMPLE_ABOVE_TRIANGLES`)
    resampled by vertex clustering to about :data:`RESAMPLE_TRIANGLES` triangles, the
    spacing of the scan's own samples of its surface (mm; the uncertainties use the larger of
    it and the resampled surface's), and the note that says so.
    """
    area, spacing = surface_samples(vertices, faces)
    # An even triangulation of area A with edge h has about 4 A / (sqrt(3) h²) triangles;
    # vertex clustering on cells of c leaves about 2 A / c² (one vertex per cell, two
    # triangles per vertex).
    cell = math.sqrt(2.0 * area / RESAMPLE_TRIANGLES)
    out_v, out_f = cluster_vertices(vertices, faces, cell)
    note = (
        f"{len(faces):,} triangles resampled on a {cell:.1f} mm grid to {len(out_f):,} (vertex clustering): "
        "finer than its measures need; the uncertainties are the resampled surface's"
    )
    return out_v, out_f, spacing, note


def _read_mesh(data: bytes, suffix: str, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Triangles as stored, vertices not merged: vertices (n, 3) float in the file's unit,
    faces (m, 3) int64 (m = 0 when the file holds no mesh).
    """
    if suffix == ".stl" and is_binary_stl(data):
        return _read_binary_stl(data)
    # The plain text cases without trimesh (orthofit/io/mesh_text.py); anything else, and
    # every PLY, through trimesh.
    plain = read_ascii_stl(data) if suffix == ".stl" else read_obj(data) if suffix == ".obj" else None
    if plain is not None:
        return plain
    import trimesh

    try:
        # process=False: trimesh's processing silently drops NaN vertices and their faces,
        # which would hide a corrupt file; vertices are merged after the check.
        mesh = trimesh.load(io.BytesIO(data), file_type=suffix[1:], force="mesh", process=False)
    except Exception:  # trimesh raises many kinds (ValueError, IndexError, struct.error...)
        raise ScanError(
            f"{path} is not a readable {suffix[1:].upper()} mesh; it may be truncated or corrupt: export it again"
        ) from None
    if not isinstance(mesh, trimesh.Trimesh):
        return np.empty((0, 3)), np.empty((0, 3), dtype=np.int64)
    return np.asarray(mesh.vertices, dtype=float), np.asarray(mesh.faces, dtype=np.int64)


def _read_binary_stl(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """A binary STL's triangles, read with numpy (trimesh's reader and its Scene-to-mesh copy
    cost a second on a million triangles).

    Returns
    -------
    vertices : (3 m, 3) float32
        Three corners per triangle, in file order and the file's unit.
    faces : (m, 3) int64
        ``[[0, 1, 2], [3, 4, 5], ...]``.
    """
    n = int.from_bytes(data[80:84], "little")
    records = np.frombuffer(data, dtype=_STL_RECORD, count=n, offset=84)
    vertices = records["v"].reshape(-1, 3)  # a copy: the records are 50 bytes apart
    return vertices, np.arange(3 * n, dtype=np.int64).reshape(-1, 3)


def _candidates(extent: float) -> list[str]:
    lo, hi = PLAUSIBLE_EXTENT_MM
    return [u for u, f in UNITS_MM.items() if lo <= extent * f <= hi]


def _likeliest(extent: float, candidates: list[str]) -> str:
    """The candidate unit that makes the scan closest to a typical foot's length."""
    return min(candidates, key=lambda u: abs(math.log(extent * UNITS_MM[u] / TYPICAL_EXTENT_MM)))


def _infer_units_or_none(extent: float) -> str | None:
    c = _candidates(extent)
    return _likeliest(extent, c) if c else None


def _infer_units(extent: float, path: Path) -> tuple[str, str]:
    c = _candidates(extent)
    if not c:
        raise ScanError(
            f"{path}: no unit makes a {extent:.6g}-unit scan the size of a foot; check the scan, or give --units"
        )
    best = _likeliest(extent, c)
    note = f"units inferred as {best} (the scan is {extent * UNITS_MM[best]:.0f} mm long)"
    others = [u for u in c if u != best]
    if others:
        note += (
            "; "
            + ", ".join(f"in {u} it would be {extent * UNITS_MM[u]:.0f} mm" for u in others)
            + ": give --units to be sure"
        )
    return best, note


# Merging identical vertices ---------------------------------------------------------------
# An STL stores every triangle's corners separately. Merging them by exact equality with a
# radix sort of a 32-bit hash is several times faster than trimesh's merge (which rounds and
# sorts rows); points with one hash are compared, so a collision costs a little time, never
# a wrong merge.

#: Odd 64-bit multiplier of the point hash (the golden ratio's, as in splitmix64).
_HASH_K = np.uint64(0x9E3779B97F4A7C15)


def merge_vertices(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge vertices with identical coordinates and drop unreferenced ones.

    Parameters
    ----------
    vertices : (n, 3) float
        Any float dtype; compared exactly (``-0.0`` equals ``0.0``), so no two distinct
        points are ever merged.
    faces : (m, 3) int
        Indices into ``vertices``.

    Returns
    -------
    vertices : (k, 3) float
        The distinct referenced vertices, same dtype, in order of first occurrence (the
        order trimesh keeps: the file's order, and its memory locality).
    faces : (m, 3) int64
        The same triangles, indexing the merged vertices.
    """
    vertices, faces = _drop_unreferenced(vertices, faces)
    label, first = identical_rows(vertices)
    return vertices[first], label[faces]


def _drop_unreferenced(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (n, 3) no face (m, 3) uses are dropped, the rest keep their order."""
    used = np.zeros(len(vertices), dtype=bool)
    used[faces] = True
    if used.all():
        return vertices, faces
    return vertices[used], (np.cumsum(used) - 1)[faces]


def identical_rows(coords: np.ndarray, hash_rows=None) -> tuple[np.ndarray, np.ndarray]:
    """Group the rows of ``coords`` that are exactly equal.

    Parameters
    ----------
    coords : (n, 3) float
        float32 or float64, without NaN.
    hash_rows : callable, optional
        ``(3, n) uint -> (n,) uint32``, from the coordinates' bits; tests pass a colliding one.

    Returns
    -------
    label : (n,) int64
        The group of each row; groups are numbered in order of their first row.
    first : (k,) int64
        The first row of each group, ascending.
    """
    n = len(coords)
    # One contiguous array per coordinate: gathering columns is several times faster than
    # gathering 12- or 24-byte rows. + 0.0 turns -0.0 into 0.0: one point, one bit pattern.
    cols = np.ascontiguousarray(coords.T) + coords.dtype.type(0.0)
    h = (hash_rows or _hash_rows)(cols.view(np.dtype(f"u{cols.dtype.itemsize}")))
    # stable: within a group the rows stay in file order, so a group's first row comes first
    order = _argsort_u32(h)
    differ = _neighbours_differ(cols, order)
    hs = h[order]
    collided = differ & (hs[1:] == hs[:-1])
    if collided.any():
        order, differ = _sort_collisions(order, hs, cols, collided, differ)
    start = np.r_[True, differ]
    first = order[start]
    is_first = np.zeros(n, dtype=bool)
    is_first[first] = True
    rank = np.cumsum(is_first) - 1  # a first row's group number
    label = np.empty(n, dtype=np.int64)
    label[order] = rank[first][np.cumsum(start) - 1]
    return label, np.flatnonzero(is_first)


def _neighbours_differ(cols: np.ndarray, order: np.ndarray) -> np.ndarray:
    """(n - 1,) bool: whether the points ``order[i]`` and ``order[i + 1]`` differ; ``cols``
    (3, n) holds the coordinates.
    """
    differ = np.zeros(len(order) - 1, dtype=bool)
    for col in cols:
        s = col[order]
        differ |= s[1:] != s[:-1]
    return differ


def _hash_rows(bits: np.ndarray) -> np.ndarray:
    """(3, n) unsigned -> (n,) uint32: the high half of ``((x K ^ y) K ^ z) K`` modulo 2^64
    (multiplying by the odd K carries every bit upward).
    """
    x, y, z = bits.astype(np.uint64, copy=False)
    h = x * _HASH_K
    h ^= y
    h *= _HASH_K
    h ^= z
    h *= _HASH_K
    return (h >> np.uint64(32)).astype(np.uint32)


def _argsort_u32(key: np.ndarray) -> np.ndarray:
    """Stable argsort of (n,) uint32 keys as a radix sort: numpy's stable argsort of 16-bit
    keys is a linear-time counting sort, and two of them (low half, then high half) take
    about a third of the time of one comparison sort of 3 million keys.
    """
    order = np.argsort((key & 0xFFFF).astype(np.uint16), kind="stable")
    high = (key >> 16).astype(np.uint16)
    return order[np.argsort(high[order], kind="stable")]


def _sort_collisions(
    order: np.ndarray, hs: np.ndarray, cols: np.ndarray, collided: np.ndarray, differ: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Re-sort the hash groups that hold more than one point by coordinates, then row.

    ``order`` (n,) sorts the rows by hash, ``hs`` (n,) are the hashes in that order, ``cols``
    (3, n) the coordinates; ``collided`` (n - 1,) marks neighbours with one hash and
    different coordinates, ``differ`` (n - 1,) all neighbours that differ. Returns both
    updated, equal points now adjacent.
    """
    group = np.cumsum(np.r_[True, hs[1:] != hs[:-1]])
    bad = np.zeros(group[-1] + 1, dtype=bool)
    bad[group[1:][collided]] = True
    pos = np.flatnonzero(bad[group])
    rows = order[pos]
    x, y, z = cols[:, rows]
    # group first: each colliding group keeps its block of positions
    rows = rows[np.lexsort((rows, z, y, x, group[pos]))]
    order = order.copy()
    order[pos] = rows
    # Only neighbours inside a re-sorted group change (the groups' borders still differ).
    inner = (group[pos[:-1]] == group[pos[1:]]).nonzero()[0]
    differ = differ.copy()
    differ[pos[inner]] = (cols[:, rows[inner]] != cols[:, rows[inner + 1]]).any(axis=0)
    return order, differ


# Checking and mending the surface --------------------------------------------------------


def _mend(vertices: np.ndarray, faces: np.ndarray, resampled: bool = False) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Mend small defects and say what was mended.

    vertices (n, 3) mm and faces (m, 3) in, the mended ones out. The checks are numpy; only
    a scan that is open or inconsistently wound goes through trimesh's repairs.
    """
    notes = []
    keep, volume = triangle_checks(vertices, faces)
    if not keep.all():
        vertices, faces = _drop_unreferenced(vertices, faces[keep])
        notes.append(f"{int((~keep).sum())} degenerate triangles removed")
    edges = check_edges(faces, len(vertices))
    if not (edges.closed and edges.consistent):
        return _repair(vertices, faces, edges, notes)
    if edges.crowded_edges and not resampled:
        # Closed all the same (each such edge is on an even number of consistently wound
        # triangles, as where a thin part of a resampled scan collapsed): nothing to fill.
        notes.append(f"{edges.crowded_edges} edges are shared by more than two triangles; measured as it is")
    if volume < 0:
        faces = np.ascontiguousarray(faces[:, ::-1])
        notes.append("inside-out scan turned right side out")
    return vertices, faces, notes


def _repair(
    vertices: np.ndarray, faces: np.ndarray, edges: EdgeCheck, notes: list[str]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Trimesh's repairs of an open or inconsistently wound scan (see :func:`_mend`)."""
    import trimesh

    mesh = trimesh.Trimesh(vertices, faces, process=False)
    if not edges.consistent:
        trimesh.repair.fix_winding(mesh)
        notes.append("inconsistent triangle winding mended")
    if not edges.watertight:
        trimesh.repair.fill_holes(mesh)
        if mesh.is_watertight:
            notes.append(f"holes filled ({edges.open_edges} open edges)")
        else:
            notes.append(f"the scan is not closed ({edges.open_edges} open edges); measured as an open surface")
    if mesh.is_watertight and mesh.volume < 0:
        mesh.invert()
        notes.append("inside-out scan turned right side out")
    return (
        np.ascontiguousarray(mesh.vertices, dtype=np.float64),
        np.ascontiguousarray(mesh.faces, dtype=np.int64),
        notes,
    )
