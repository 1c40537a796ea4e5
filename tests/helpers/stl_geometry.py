"""A binary STL's geometry as a few numbers, for comparing outputs across machines.

The bytes of an STL depend on the last bits of floating-point results, which differ between
CPUs (numpy picks SIMD code by what the CPU offers: AVX-512 on one machine, AVX2 on another);
its shape does not. Face count, volume, area, bounds, centroid and the principal second
moments change with any real change of the shape, and only in the 7th significant digit with
the CPU.
"""

from __future__ import annotations

import struct

import numpy as np


def stl_geometry(data: bytes) -> dict[str, float | list[float]]:
    """The geometry of binary STL ``data``: faces, volume_mm3, area_mm2, bounds_mm (6),
    centroid_mm (3), moments_mm5 (3, the eigenvalues of the solid's second moment of volume
    about its centroid)."""
    n = struct.unpack("<I", data[80:84])[0]
    rec = np.dtype([("normal", "<f4", 3), ("v", "<f4", (3, 3)), ("attr", "<u2")])
    tri = np.frombuffer(data, rec, count=n, offset=84)["v"].astype(np.float64)
    a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
    cross = np.cross(b - a, c - a)
    area = 0.5 * np.linalg.norm(cross, axis=1).sum()
    vol_i = np.einsum("ij,ij->i", a, np.cross(b, c)) / 6.0  # signed tetrahedra from the origin
    volume = vol_i.sum()
    centroid = (vol_i[:, None] * (a + b + c) / 4.0).sum(axis=0) / volume
    # second moment of each tetrahedron (origin, a, b, c) about the origin: V/20 (sum of the
    # outer products of its vertices plus the outer product of their sum)
    s = a + b + c
    m = np.einsum("i,ij,ik->jk", vol_i / 20.0, s, s) + sum(
        np.einsum("i,ij,ik->jk", vol_i / 20.0, p, p) for p in (a, b, c)
    )
    m -= volume * np.outer(centroid, centroid)
    return {
        "faces": int(n),
        "volume_mm3": float(volume),
        "area_mm2": float(area),
        "bounds_mm": [float(x) for x in np.concatenate([tri.reshape(-1, 3).min(0), tri.reshape(-1, 3).max(0)])],
        "centroid_mm": [float(x) for x in centroid],
        "moments_mm5": [float(x) for x in np.linalg.eigvalsh(m)],
    }
