"""A small voxel finite-element compression test: the effective Young's modulus of a coupon
of voxels (trilinear hexahedra, linear elasticity), to check the lattice's stiffness trend
against its relative density (Gibson-Ashby) independently of the scaling law it reports."""

from __future__ import annotations

from functools import lru_cache

import numpy as np


@lru_cache(maxsize=4)
def hex8_stiffness(nu: float) -> np.ndarray:
    """(24, 24): the stiffness matrix of a unit cube of unit Young's modulus and Poisson's
    ratio ``nu``, by 2x2x2 Gauss quadrature (node order: x fastest, then y, then z)."""
    c = 1.0 / ((1 + nu) * (1 - 2 * nu))
    d = np.zeros((6, 6))
    d[:3, :3] = c * nu
    np.fill_diagonal(d[:3, :3], c * (1 - nu))
    d[3:, 3:] = np.eye(3) * c * (1 - 2 * nu) / 2
    corners = np.array([[i & 1, (i >> 1) & 1, (i >> 2) & 1] for i in range(8)], float)
    ke = np.zeros((24, 24))
    g = (1 - 1 / np.sqrt(3)) / 2, (1 + 1 / np.sqrt(3)) / 2
    for px in g:
        for py in g:
            for pz in g:
                p = np.array([px, py, pz])
                # dN/dx of N = prod(c p + (1 - c)(1 - p)) over the axes
                f = corners * p + (1 - corners) * (1 - p)  # (8, 3)
                s = 2 * corners - 1
                dn = np.stack([s[:, a] * np.prod(np.delete(f, a, axis=1), axis=1) for a in range(3)], axis=1)
                b = np.zeros((6, 24))
                b[0, 0::3], b[1, 1::3], b[2, 2::3] = dn[:, 0], dn[:, 1], dn[:, 2]
                b[3, 0::3], b[3, 1::3] = dn[:, 1], dn[:, 0]
                b[4, 1::3], b[4, 2::3] = dn[:, 2], dn[:, 1]
                b[5, 0::3], b[5, 2::3] = dn[:, 2], dn[:, 0]
                ke += b.T @ d @ b / 8
    return ke


def compression_modulus(solid: np.ndarray, nu: float = 0.3, void: float = 1e-6) -> float:
    """The effective modulus (in units of the solid's) of a voxel coupon ``solid`` (nx, ny, nz)
    of booleans compressed along z between two plates: the bottom nodes held in z, the top
    nodes pushed down by 1 % of the height, the sides free; the void is a 1e-6 material so
    that the system stays solvable."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import spsolve

    nx, ny, nz = solid.shape
    node = np.arange((nx + 1) * (ny + 1) * (nz + 1)).reshape(nz + 1, ny + 1, nx + 1)
    ex, ey, ez = np.meshgrid(np.arange(nx), np.arange(ny), np.arange(nz), indexing="ij")
    ex, ey, ez = ex.ravel(), ey.ravel(), ez.ravel()
    corners = [(i & 1, (i >> 1) & 1, (i >> 2) & 1) for i in range(8)]
    en = np.stack([node[ez + cz, ey + cy, ex + cx] for cx, cy, cz in corners], axis=1)  # (ne, 8)
    dofs = (3 * en[:, :, None] + np.arange(3)).reshape(len(en), 24)
    e = np.where(solid.ravel(), 1.0, void)
    ke = hex8_stiffness(nu)
    rows = np.repeat(dofs, 24, axis=1).ravel()
    cols = np.tile(dofs, (1, 24)).ravel()
    vals = (e[:, None] * ke.ravel()[None, :]).ravel()
    n = 3 * node.size
    k = coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsr()
    bottom, top = node[0].ravel(), node[-1].ravel()
    fixed = np.concatenate([3 * bottom + 2, 3 * top + 2, [3 * bottom[0], 3 * bottom[0] + 1, 3 * bottom[1] + 1]])
    u = np.zeros(n)
    u[3 * top + 2] = -0.01 * nz
    free = np.setdiff1d(np.arange(n), fixed)
    u[free] = spsolve(k[free][:, free].tocsc(), -k[free][:, fixed] @ u[fixed])
    force = -(k @ u)[3 * top + 2].sum()
    return float(force / (nx * ny) / 0.01)
