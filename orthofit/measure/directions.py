"""Directions on a sphere, in numpy: a Fibonacci sphere of directions, which of them lie
within a chord of each other, and which is nearest each of many unit vectors (the face
normals of a scan, binned by :func:`orthofit.measure.orient._normal_modes`).

These replace scipy's cKDTree, whose import (scipy.spatial, with scipy.sparse) was a third
of a fresh ``orthofit scan`` process; they give the same answers (tests/unit/measure/
test_fast_paths.py compares them). The sphere's points come in order of falling z, so the
points near a given z are a run of consecutive indices.
"""

from __future__ import annotations

import functools

import numpy as np


@functools.lru_cache(maxsize=4)
def fibonacci_sphere(bins: int) -> np.ndarray:
    """(bins, 3) unit directions spread evenly over the sphere, z falling with the index."""
    i = np.arange(bins) + 0.5
    phi = np.arccos(1 - 2 * i / bins)
    theta = np.pi * (1 + 5**0.5) * i
    sphere = np.column_stack([np.cos(theta) * np.sin(phi), np.sin(theta) * np.sin(phi), np.cos(phi)])
    sphere.flags.writeable = False  # cached: shared by every call
    return sphere


def _index_range(z_hi: float, z_lo: float, bins: int) -> tuple[int, int]:
    """The indices ``[start, stop)`` of the sphere points with z in [z_lo, z_hi], and one more
    on each side against rounding (point j has z = 1 - (2 j + 1) / bins).
    """
    start = int(np.floor(((1.0 - z_hi) * bins - 1.0) / 2.0)) - 1
    stop = int(np.ceil(((1.0 - z_lo) * bins - 1.0) / 2.0)) + 2
    return max(start, 0), min(stop, bins)


@functools.lru_cache(maxsize=4)
def directions_within(bins: int, chord: float) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (row, col) of the sphere's points at most ``chord`` apart, each point paired
    with itself too; only points whose indices differ by less than ``chord`` x ``bins`` / 2 + 2
    can be (their z differ by at most ``chord``).
    """
    sphere = fibonacci_sphere(bins)
    rows, cols = [np.arange(bins)], [np.arange(bins)]
    for k in range(1, min(bins, int(chord * bins / 2) + 3)):
        i = np.flatnonzero(np.linalg.norm(sphere[k:] - sphere[:-k], axis=1) <= chord)
        rows += [i, i + k]
        cols += [i + k, i]
    return np.concatenate(rows), np.concatenate(cols)


#: A normal's nearest sphere point is sought among the points within this chord of it in z
#: and in azimuth (no point of the sphere is further than 0.061 from its nearest of 2,000; a
#: normal whose nearest is found further is compared with all of them).
_NEAREST_REACH = 0.08
#: Normals are searched in buckets, each against its own few sphere points: slices of z
#: (one per this many normals, 20 to 200), each cut into azimuth sectors (one per this many
#: normals, at most 8). More buckets, fewer points per normal, but a bucket costs a few
#: numpy calls.
_NORMALS_PER_SLICE = 100
_NORMALS_PER_SECTOR = 100_000


def nearest_directions(normal: np.ndarray, sphere: np.ndarray) -> np.ndarray:
    """(m,) index of the sphere point nearest each normal (m, 3): the largest dot product.

    Exact: a point nearer than the one found lies within the found chord both in z and in
    the plan view, and each bucket of normals is compared with every point within
    :data:`_NEAREST_REACH` of the bucket that way; the normals whose nearest is further
    (none for a unit normal) are compared with all points.
    """
    slices = int(np.clip(len(normal) // _NORMALS_PER_SLICE, 20, 200))
    sectors = int(np.clip(len(normal) // _NORMALS_PER_SECTOR, 1, 8))
    azimuth = np.arctan2(normal[:, 1], normal[:, 0]) + np.pi  # 0 to 2 pi
    z_slice = np.clip(((normal[:, 2] + 1.0) * slices / 2.0).astype(np.int64), 0, slices - 1)
    sector = np.clip((azimuth * sectors / (2 * np.pi)).astype(np.int64), 0, sectors - 1)
    # The buckets' normals together, by a counting sort of 16-bit keys (no comparison sort).
    key = (z_slice * sectors + sector).astype(np.int16)
    order = np.argsort(key, kind="stable")
    bounds = np.searchsorted(key[order], np.arange(slices * sectors + 1))
    out = np.empty(len(normal), dtype=np.int64)
    best = np.empty(len(normal))
    for j in np.flatnonzero(np.diff(bounds)).tolist():
        rows = order[bounds[j] : bounds[j + 1]]
        z_lo = -1.0 + 2.0 * (j // sectors) / slices
        near = _bucket_candidates(sphere, (z_lo, z_lo + 2.0 / slices), j % sectors, sectors)
        dots = normal[rows] @ sphere[near].T
        k = np.argmax(dots, axis=1)
        out[rows] = near[k]
        best[rows] = dots[np.arange(len(rows)), k]
    # chord² = |n|² + 1 - 2 n·p: the nearest lies within reach when that is at most reach²
    far = np.flatnonzero(np.einsum("ij,ij->i", normal, normal) + 1.0 - 2.0 * best > _NEAREST_REACH**2)
    if len(far):
        out[far] = np.argmax(normal[far] @ sphere.T, axis=1)
    return out


def _bucket_candidates(sphere: np.ndarray, z_range: tuple[float, float], sector: int, sectors: int) -> np.ndarray:
    """Indices of the sphere points within :data:`_NEAREST_REACH` (a chord) of some direction
    with z in ``z_range`` and its azimuth in ``sector`` of ``sectors``, and maybe a few more.

    In z: a run of consecutive points. In azimuth: two directions at azimuths phi apart and at
    least rho from the z axis are at least 2 rho sin(phi / 2) apart.
    """
    z_lo, z_hi = z_range[0] - _NEAREST_REACH, z_range[1] + _NEAREST_REACH
    near = np.arange(*_index_range(z_hi, z_lo, len(sphere)))
    rho = np.sqrt(max(0.0, 1.0 - max(z_lo**2, z_hi**2)))  # the least distance from the z axis there
    if sectors == 1 or rho <= _NEAREST_REACH:
        return near
    reach = 2.0 * np.arcsin(_NEAREST_REACH / (2.0 * rho))
    width = 2 * np.pi / sectors
    phi = np.arctan2(sphere[near, 1], sphere[near, 0]) + np.pi
    off = np.abs((phi - (sector + 0.5) * width + np.pi) % (2 * np.pi) - np.pi)  # circular, 0 to pi
    return near[off <= width / 2 + reach + 1e-9]
