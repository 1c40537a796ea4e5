"""A small software renderer: a shaded view of a triangle mesh as an RGBA image, in numpy.

The report shows each insole (and a scanned foot) as a shaded 3D picture. No display, GPU or
OpenGL context is needed, and the same mesh gives the same pixels on every machine, so the
PDF stays byte-identical across runs.

How it draws: the mesh is turned to the view (an orthographic camera: true proportions, no
perspective), faces turned away from the viewer are dropped (the mesh is a closed,
consistently wound solid), and every remaining triangle is rasterised by testing the pixel
centres of its bounding box against its edges (vectorised, triangles grouped by box size).
The nearest surface wins each pixel (a depth buffer). Shading is Lambert's cosine law with a
key light from the upper left and an ambient term, on flat face normals, rendered at twice the
size and averaged down (anti-aliasing).
"""

from __future__ import annotations

import io

import numpy as np

#: Default view: looking down at 35 degrees onto the medial side, from behind the heel's side.
DEFAULT_AZIMUTH_DEG = -62.0
DEFAULT_ELEVATION_DEG = 32.0
#: Light direction in view space (x right, y up, z toward the viewer): upper left, in front.
_LIGHT = np.array([-0.45, 0.65, 0.62])
_AMBIENT = 0.32
_SUPERSAMPLE = 2


def view_matrix(azimuth_deg: float, elevation_deg: float) -> np.ndarray:
    """Rotation (3, 3) taking the orthofit frame (mm, z up) to view space: x right, y up, z
    toward the viewer. ``azimuth_deg`` turns the camera about z (0: looking along +y, from
    the -y side), ``elevation_deg`` raises it above the floor.
    """
    a, e = np.radians(azimuth_deg), np.radians(elevation_deg)
    # Camera looks along d (from the eye into the scene); right = d x z, up = right x d.
    d = np.array([-np.sin(a) * np.cos(e), np.cos(a) * np.cos(e), -np.sin(e)])
    right = np.cross(d, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, d)
    return np.stack([right, up, -d])


def render_mesh(
    vertices,
    faces,
    px_per_mm: float,
    azimuth_deg: float = DEFAULT_AZIMUTH_DEG,
    elevation_deg: float = DEFAULT_ELEVATION_DEG,
    color=(0.56, 0.72, 0.86),
    margin_px: int = 2,
    cull: bool = True,
) -> np.ndarray:
    """A shaded picture of a closed mesh.

    Parameters
    ----------
    vertices : (n, 3) array_like of float
        Mesh vertices, mm, orthofit frame.
    faces : (m, 3) array_like of int
        Triangles, wound counter-clockwise seen from outside (outward normals).
    px_per_mm : float
        Output pixels per millimetre (the picture is to scale).
    azimuth_deg, elevation_deg : float
        The view (:func:`view_matrix`).
    color : 3-tuple of float
        Base colour, 0-1 RGB.
    margin_px : int
        Transparent border, pixels.
    cull : bool
        Drop the faces turned away from the viewer (right for a closed solid). An open
        surface (a foot scan) is drawn with both sides, each lit as if facing the viewer.

    Returns
    -------
    (h, w, 4) uint8
        RGBA; pixels the mesh does not cover are transparent.
    """
    v = np.asarray(vertices, dtype=float)
    f = np.asarray(faces, dtype=np.int64)
    r = view_matrix(azimuth_deg, elevation_deg)
    p = v @ r.T
    s = px_per_mm * _SUPERSAMPLE
    lo = p[:, :2].min(axis=0)
    m = margin_px * _SUPERSAMPLE
    xy = (p[:, :2] - lo) * s + m
    w = int(np.ceil(xy[:, 0].max())) + m + 1
    h = int(np.ceil(xy[:, 1].max())) + m + 1
    w += (-w) % _SUPERSAMPLE
    h += (-h) % _SUPERSAMPLE
    pa, pb, pc = p[f[:, 0]], p[f[:, 1]], p[f[:, 2]]
    normal = np.cross(pb - pa, pc - pa)
    length = np.sqrt(np.einsum("ij,ij->i", normal, normal))
    keep = length > 0
    if cull:
        keep &= normal[:, 2] > 1e-12 * np.maximum(length, 1e-30)  # facing the viewer
    else:
        normal = normal * np.where(normal[:, 2] < 0, -1.0, 1.0)[:, None]
    f, normal, length = f[keep], normal[keep], length[keep]
    tri = xy[f]  # (m, 3, 2) pixels
    depth = p[:, 2][f]  # (m, 3) toward the viewer
    light = _LIGHT / np.linalg.norm(_LIGHT)
    shade = _AMBIENT + (1 - _AMBIENT) * np.clip((normal / length[:, None]) @ light, 0.0, 1.0)

    zbuf = np.full(w * h, -np.inf)
    owner = np.full(w * h, -1, dtype=np.int64)
    # (per-column minimum and maximum: numpy's reductions over an axis of length 3 are slow)
    bmin = np.floor(np.minimum(np.minimum(tri[:, 0], tri[:, 1]), tri[:, 2])).astype(np.int64)
    bmax = np.ceil(np.maximum(np.maximum(tri[:, 0], tri[:, 1]), tri[:, 2])).astype(np.int64)
    box = np.maximum(bmax - bmin, 1)  # (m, 2) pixels
    # Triangles grouped by the size of their bounding box, so each group is one array
    # operation over (triangles, box pixels) with no pixel tested twice.
    key = box[:, 0] * 4096 + box[:, 1]
    order = np.argsort(key, kind="stable")
    starts = np.flatnonzero(np.r_[True, key[order][1:] != key[order][:-1]]) if len(order) else np.zeros(0, int)
    for sel in np.split(order, starts[1:]) if len(order) else []:
        nx, ny = (int(c) for c in box[sel[0]])
        for chunk in np.array_split(sel, len(sel) * nx * ny // 1_000_000 + 1):
            _raster(tri[chunk], depth[chunk], bmin[chunk], nx, ny, w, h, chunk, zbuf, owner)
    covered = (owner >= 0) & (owner < np.iinfo(np.int64).max)
    rgb = np.zeros((w * h, 3))
    rgb[covered] = shade[owner[covered], None] * np.asarray(color, dtype=float)[None, :]
    alpha = covered.astype(float)
    img = np.concatenate([rgb * alpha[:, None], alpha[:, None]], axis=1).reshape(h, w, 4)
    # Average the supersampled pixels (premultiplied alpha), then flip: row 0 is the top.
    k = _SUPERSAMPLE
    img = img.reshape(h // k, k, w // k, k, 4).mean(axis=(1, 3))[::-1]
    a = img[:, :, 3:4]
    rgb_out = np.where(a > 0, img[:, :, :3] / np.maximum(a, 1e-9), 1.0)
    return np.round(np.concatenate([rgb_out, a], axis=2) * 255).astype(np.uint8)


def _raster(tri, depth, bmin, nx, ny, w, h, ids, zbuf, owner) -> None:
    """Draw triangles whose bounding box is nx x ny pixels into the depth buffer.

    Each triangle's barycentric weights are affine in the pixel position, w_i = a_i x + b_i y
    + c_i: the coefficients are found once per triangle, so testing a pixel costs two
    multiplications and two additions per weight.
    """
    t = tri.astype(np.float64)
    x0, x1, x2 = t[:, 0, 0], t[:, 1, 0], t[:, 2, 0]
    y0, y1, y2 = t[:, 0, 1], t[:, 1, 1], t[:, 2, 1]
    area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)
    ok = np.abs(area) > 1e-12
    inv = np.where(ok, 1.0 / np.where(ok, area, 1.0), 0.0)
    # w0 = ((x1 - x)(y2 - y) - (x2 - x)(y1 - y)) / area, and w1 likewise; w2 = 1 - w0 - w1
    a0, b0, c0 = (y1 - y2) * inv, (x2 - x1) * inv, (x1 * y2 - x2 * y1) * inv
    a1, b1, c1 = (y2 - y0) * inv, (x0 - x2) * inv, (x2 * y0 - x0 * y2) * inv
    # depth is affine in (x, y) too: z = w0 z0 + w1 z1 + (1 - w0 - w1) z2
    z0, z1, z2 = depth[:, 0], depth[:, 1], depth[:, 2]
    az = a0 * (z0 - z2) + a1 * (z1 - z2)
    bz = b0 * (z0 - z2) + b1 * (z1 - z2)
    cz = c0 * (z0 - z2) + c1 * (z1 - z2) + z2
    oy, ox = np.mgrid[0:ny, 0:nx]
    px = (bmin[:, 0, None] + ox.ravel()[None, :] + 0.5).astype(np.float64)  # (k, nx*ny) pixel centres
    py = (bmin[:, 1, None] + oy.ravel()[None, :] + 0.5).astype(np.float64)
    w0 = a0[:, None] * px + b0[:, None] * py + c0[:, None]
    w1 = a1[:, None] * px + b1[:, None] * py + c1[:, None]
    eps = -1e-9
    inside = (w0 >= eps) & (w1 >= eps) & (w0 + w1 <= 1.0 - eps) & ok[:, None]
    inside &= (px >= 0) & (px < w) & (py >= 0) & (py < h)
    k, j = np.nonzero(inside)
    if len(k) == 0:
        return
    xs, ys = px[k, j], py[k, j]
    zz = az[k] * xs + bz[k] * ys + cz[k]
    pix = ys.astype(np.int64) * w + xs.astype(np.int64)
    np.maximum.at(zbuf, pix, zz)
    # The nearest triangle owns the pixel; of equally near ones the lowest id, so the image
    # does not depend on the order numpy writes repeated indices in.
    won = zz >= zbuf[pix]
    owner[pix[won]] = np.iinfo(np.int64).max
    np.minimum.at(owner, pix[won], ids[k[won]])


def png_bytes(rgba: np.ndarray) -> bytes:
    """The image as PNG bytes (Pillow; no time stamp or other varying chunk)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()
