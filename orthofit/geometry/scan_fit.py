"""A scan-fitted insole: its outline and top surface taken from a standing foot scan.

Design (clinical-basis.md §5: "shape the arch to the weight-bearing (standing) plantar surface from
the scan; allow an arch fill / raise of 0 to +6 mm; never go above the non-weight-bearing
(sitting) arch profile; cap the raise by the measured arch drop"). Choices marked [D]:

* **Outline**: the foot's plan silhouette below :data:`OUTLINE_HEIGHT_MM` (the sole and its
  rounded edges, below the malleoli), smoothed by a closing and an opening of
  :data:`OUTLINE_SMOOTH_MM` (toe gaps and scanner jaggies out), the toe region stretched so
  the tip lies ``length_allowance_mm`` beyond the longest toe and closed again by
  :data:`TOE_CLOSE_MM` (no notch between the toes), and grown by half the
  ``width_allowance_mm`` all round. Sulcus and 3/4 lengths are cut as for the parametric
  insole.
* **Plantar surface**: the underside of the foot, the lowest point of the scan over each
  :data:`GRID_MM` cell, smoothed (Gaussian, :data:`SMOOTH_MM`) so scanner noise does not
  print. Two versions: from the downward-facing surface only (the sole proper, used from
  the midfoot forward) and from all of it (the heel's sides, used for the heel cup).
* **Top** = base thickness + contour + arch fill + the prescription's other features
  (posts, skive, met pad or bar, heel lift, cushion, spur relief, flanges). The contour
  follows the heel's own shape up to ``heel_cup_depth_mm`` in the heel (and rises to that
  rim at the edge, as the parametric cup does, where the heel's side is lower), the standing
  plantar surface in the midfoot up to the arch's own height (the scan's plantar arch
  height: the foot's medial side rises higher, and the support should not follow it), at
  most :data:`FOREFOOT_CONTOUR_MM` under the forefoot, and nothing under the toes (no toe
  crest, no lip at the tip); then, over the whole grid, no slope of the contour is steeper
  than :data:`CONTOUR_MAX_SLOPE_DEG` (:func:`slope_limited`: the foot's side where the
  silhouette meets it would stand as a tray wall, the change of cap as a cliff). The arch fill is
  ``arch_fill_mm`` (0-6 mm) in the parametric arch's footprint, capped by the arch drop when
  both dorsal heights are known, since the sitting (unloaded) arch is that much higher.

The result is built and checked exactly like the parametric insole (a closed, consistently
wound solid of positive volume, never thinner than ``min_thickness_mm``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon

from orthofit.config.params import InsoleLength, InsoleParams
from orthofit.errors import ValidationError
from orthofit.geometry.features.arch import arch_shape
from orthofit.geometry.features.heel_cup import CUP_END, CUP_FULL, rim_distance
from orthofit.geometry.field import SurfaceContext
from orthofit.geometry.field import smoothstep as _smoothstep
from orthofit.geometry.outline import FootDimensions, _cut_short, landmarks
from orthofit.geometry.surface import height_components
from orthofit.measure.orient import OrientedScan
from orthofit.measure.raster import cells_outline
from orthofit.model.enums import Side

#: The outline is the foot's silhouette below this height, mm [D].
OUTLINE_HEIGHT_MM = 25.0
#: Cell size of the plantar-surface grid, mm [D].
GRID_MM = 1.0
#: Gaussian smoothing of the plantar surface (sigma), mm [D]: scanner noise (0.5 mm) out,
#: the arch's shape (tens of mm long) kept.
SMOOTH_MM = 3.0
#: Closing and opening radius that smooths the outline, mm [D].
OUTLINE_SMOOTH_MM = 4.0
#: Closing radius of the outline after the toe stretch, mm [D]: above the smoothness rule's
#: 5 mm smallest notch radius.
TOE_CLOSE_MM = 6.0
#: A face belongs to the sole proper if its normal points down within this angle [D].
SOLE_NORMAL_DEG = 60.0
#: Under the forefoot and toes the top follows the foot by at most this much, mm [D]: the toes
#: curl up at their tips and the sulcus lies higher, and neither should print as a ridge.
FOREFOOT_CONTOUR_MM = 3.0
#: Steepest slope of the scan's contour, degrees [D]: under the smoothness rule's 45°
#: (orthofit.geometry.smoothness), with room for the features added on top.
CONTOUR_MAX_SLOPE_DEG = 35.0
#: The contour's largest height anywhere (the arch parameter's own maximum), mm.
CONTOUR_MAX_MM = 30.0
#: Parametric features the scan replaces.
REPLACED = ("arch", "heel_cup")


@dataclass(frozen=True)
class PlantarSurface:
    """The foot's underside over a grid, right-foot frame, mm.

    ``z_sole`` and ``z_all`` are (nx, ny): the height of the sole proper and of the lowest
    surface of any kind, both smoothed and extended to the whole grid.
    """

    outline: Polygon
    x_mm: np.ndarray
    y_mm: np.ndarray
    z_sole: np.ndarray
    z_all: np.ndarray
    foot_length_mm: float
    arch_height_mm: float | None  # the scan's plantar arch height: the midfoot contour's cap
    notes: tuple[str, ...]
    #: The contour over the grid, slope-limited (:func:`limited_contour`); None until made.
    z_contour: np.ndarray | None = None

    def sample(self, xy: np.ndarray, which: str) -> np.ndarray:
        """Bilinear height of ``z_sole``, ``z_all`` or ``z_contour`` at points (n, 2), mm."""
        z = {"sole": self.z_sole, "all": self.z_all, "contour": self.z_contour}[which]
        if z is None:
            raise ValueError("the slope-limited contour has not been made (limited_contour)")
        fx = np.clip((xy[:, 0] - self.x_mm[0]) / GRID_MM, 0, len(self.x_mm) - 1.000001)
        fy = np.clip((xy[:, 1] - self.y_mm[0]) / GRID_MM, 0, len(self.y_mm) - 1.000001)
        i, j = fx.astype(int), fy.astype(int)
        u, v = fx - i, fy - j
        return (
            (1 - u) * (1 - v) * z[i, j]
            + u * (1 - v) * z[i + 1, j]
            + (1 - u) * v * z[i, j + 1]
            + u * v * z[i + 1, j + 1]
        )


def _surface_points(v: np.ndarray, f: np.ndarray, spacing: float) -> tuple[np.ndarray, np.ndarray]:
    """Points on the faces no farther apart than ``spacing`` (a barycentric lattice per face).

    Returns (n, 3) points and (n,) the z component of their face's unit normal.
    """
    tri = v[f]
    cross = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    nz = cross[:, 2] / np.maximum(np.linalg.norm(cross, axis=1), 1e-12)
    longest = np.linalg.norm(tri - np.roll(tri, 1, axis=1), axis=2).max(axis=1)
    k = np.clip(np.ceil(longest / spacing), 1, 200).astype(int)
    pts, normals = [], []
    for kk in np.unique(k):
        sel = np.flatnonzero(k == kk)
        i, j = np.meshgrid(np.arange(kk + 1), np.arange(kk + 1), indexing="ij")
        keep = i + j <= kk
        w = np.column_stack([i[keep], j[keep], kk - i[keep] - j[keep]]) / kk  # (q, 3)
        for chunk in np.array_split(sel, max(1, len(sel) * len(w) // 2_000_000 + 1)):
            p = np.einsum("qk,nkd->nqd", w, tri[chunk]).reshape(-1, 3)
            pts.append(p)
            normals.append(np.repeat(nz[chunk], len(w)))
    return np.vstack(pts), np.concatenate(normals)


def _lowest_per_cell(ix: np.ndarray, iy: np.ndarray, z: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    out = np.full(shape[0] * shape[1], np.inf)
    np.minimum.at(out, ix * shape[1] + iy, z)
    return out.reshape(shape)


def _smooth_fill(z: np.ndarray, valid: np.ndarray, sigma_cells: float) -> np.ndarray:
    """Gaussian-smooth the valid cells (normalised, so the edge is not pulled to zero) and
    give every other cell the value of the nearest valid one.
    """
    from scipy import ndimage

    w = valid.astype(float)
    num = ndimage.gaussian_filter(np.where(valid, z, 0.0), sigma_cells)
    den = ndimage.gaussian_filter(w, sigma_cells)
    s = np.where(den > 1e-3, num / np.maximum(den, 1e-3), np.nan)
    ok = np.isfinite(s) & valid
    idx = ndimage.distance_transform_edt(~ok, return_distances=False, return_indices=True)
    return s[tuple(idx)]


def plantar_surface(
    scan: OrientedScan, foot: FootDimensions, params: InsoleParams, arch_height_mm: float | None = None
) -> PlantarSurface:
    """The insole outline and the foot's underside from a standing scan (see the module
    docstring). A left foot is mirrored into the right-foot frame. ``arch_height_mm``, the
    scan's plantar arch height, caps the midfoot contour (the foot's medial side rises above
    its arch; the support should not).
    """
    from scipy import ndimage

    v = scan.vertices.copy()
    f = scan.faces
    if scan.side is Side.LEFT:
        v[:, 1] *= -1.0
        f = f[:, ::-1]
    low = v[f, 2].min(axis=1) <= OUTLINE_HEIGHT_MM
    pts, nz = _surface_points(v, f[low], GRID_MM)
    pts_low = pts[:, 2] <= OUTLINE_HEIGHT_MM
    margin = 40.0  # room for the allowances and the smoothing
    x0, y0 = pts[:, 0].min() - margin, pts[:, 1].min() - margin
    nx = int(np.ceil((pts[:, 0].max() + 2 * margin - x0) / GRID_MM))
    ny = int(np.ceil((pts[:, 1].max() + margin - y0) / GRID_MM))
    ix = ((pts[:, 0] - x0) / GRID_MM).astype(int)
    iy = ((pts[:, 1] - y0) / GRID_MM).astype(int)
    z_all = _lowest_per_cell(ix, iy, pts[:, 2], (nx, ny))
    sole = nz < -np.cos(np.radians(SOLE_NORMAL_DEG))
    z_sole = _lowest_per_cell(ix[sole], iy[sole], pts[sole, 2], (nx, ny))

    # The outline: cells the foot covers below the outline height, holes filled, smoothed.
    mask = np.zeros((nx, ny), bool)
    mask[ix[pts_low], iy[pts_low]] = True
    mask = ndimage.binary_fill_holes(ndimage.binary_closing(mask, iterations=2))
    labels, n = ndimage.label(mask)
    if n == 0:
        raise ValidationError("the scan has no sole below 25 mm: it cannot shape an insole; check its floor")
    mask = labels == (np.argmax(ndimage.sum(mask, labels, range(1, n + 1))) + 1)
    r = OUTLINE_SMOOTH_MM
    cells = cells_outline(mask.T, GRID_MM, (x0, y0))  # the mask is (x, y); rows are y there
    poly = cells.buffer(r).buffer(-2 * r).buffer(r).simplify(0.2)
    poly = max(getattr(poly, "geoms", [poly]), key=lambda g: g.area)

    # The tip lands length_allowance_mm past the longest toe (the toe region is stretched, as
    # for the parametric outline); the width allowance grows it all round.
    bx0, _, bx1, _ = poly.bounds
    tip = bx1
    x1 = bx0 + foot.truncated_foot_length_mm
    front = bx0 + foot.foot_length_mm + params.length_allowance_mm

    def stretch(xy: np.ndarray) -> np.ndarray:
        x = xy[:, 0]
        xs = np.where(x > x1, x1 + (x - x1) * (front - x1) / (tip - x1), x)
        return np.column_stack([xs, xy[:, 1]])

    poly = shapely.transform(poly, stretch)
    # The stretch deepens what is left of the toe gaps: close them again, wider than the
    # smoothness rule's smallest notch radius (orthofit.geometry.smoothness).
    poly = poly.buffer(TOE_CLOSE_MM, quad_segs=8).buffer(-TOE_CLOSE_MM, quad_segs=8)
    if params.width_allowance_mm:
        poly = poly.buffer(params.width_allowance_mm / 2.0, quad_segs=8)
    shift = -poly.bounds[0]  # heel at x = 0
    poly = shapely.affinity.translate(poly, shift, 0.0)
    if params.length is not InsoleLength.FULL:
        poly = _cut_short(poly, foot, landmarks(foot), params.length)
    poly = shapely.geometry.polygon.orient(poly, 1.0)

    # Grid coordinates in the same frame; the toe stretch is not applied to the surface (the
    # forefoot contour is capped low anyway).
    xg = x0 + shift + GRID_MM * (np.arange(nx) + 0.5)
    yg = y0 + GRID_MM * (np.arange(ny) + 0.5)
    sigma = SMOOTH_MM / GRID_MM
    z_all_s = _smooth_fill(np.clip(z_all, 0, None), np.isfinite(z_all), sigma)
    z_sole_s = _smooth_fill(np.clip(z_sole, 0, None), np.isfinite(z_sole), sigma)
    notes = (f"outline: the scan's silhouette below {OUTLINE_HEIGHT_MM:g} mm, smoothed over {OUTLINE_SMOOTH_MM:g} mm",)
    return PlantarSurface(poly, xg, yg, z_sole_s, z_all_s, foot.foot_length_mm, arch_height_mm, notes)


def _scan_contour(xy: np.ndarray, surface: PlantarSurface, ctx: SurfaceContext, p: InsoleParams) -> np.ndarray:
    """The foot's own shape under the insole at ``xy`` (n, 2), mm, before its slopes are
    limited: the heel's underside up to the cup depth in the heel, the standing plantar
    surface up to the arch's own height in the midfoot, at most :data:`FOREFOOT_CONTOUR_MM`
    under the forefoot and nothing under the toes.
    """
    x = xy[:, 0]
    fl = ctx.foot.foot_length_mm
    heel = _smoothstep(CUP_END, CUP_FULL, x / fl)  # 1 in the heel, 0 ahead of it
    fore = _smoothstep(ctx.marks.mth5_x_mm - 0.08 * fl, ctx.marks.mth5_x_mm, x)  # 1 from the ball on
    toes = _smoothstep(ctx.marks.mth1_x_mm, ctx.marks.mth1_x_mm + 0.06 * fl, x)  # 1 under the toes
    cup = np.minimum(surface.sample(xy, "all"), p.heel_cup_depth_mm)
    arch_cap = surface.arch_height_mm if surface.arch_height_mm is not None else CONTOUR_MAX_MM
    mid_cap = arch_cap + (FOREFOOT_CONTOUR_MM - arch_cap) * fore
    sole = np.minimum(surface.sample(xy, "sole"), mid_cap) * (1.0 - toes)
    return np.clip(heel * cup + (1.0 - heel) * sole, 0.0, None)


def slope_limited(z: np.ndarray, cell_mm: float, max_slope: float) -> np.ndarray:
    """The highest surface at or below ``z`` (a grid, mm) whose slope nowhere exceeds
    ``max_slope`` (rise per run): a wall is cut back to a ramp, a dip is left alone.

    Repeated 3 x 3 erosions by a cone (chamfer distances 1 and sqrt 2 cells) until nothing
    changes: each pass carries the limit one cell further, so a wall of height H needs about
    H / (max_slope cell_mm) passes.
    """
    from scipy import ndimage

    step = max_slope * cell_mm
    cone = -step * np.array([[np.sqrt(2.0), 1.0, np.sqrt(2.0)], [1.0, 0.0, 1.0], [np.sqrt(2.0), 1.0, np.sqrt(2.0)]])
    out = z.copy()
    for _ in range(int(np.ceil(np.ptp(z) / step)) + 2):
        nxt = ndimage.grey_erosion(out, structure=cone, mode="nearest")
        if np.array_equal(nxt, out):
            break
        out = nxt
    return out


def limited_contour(surface: PlantarSurface, ctx: SurfaceContext, p: InsoleParams) -> PlantarSurface:
    """``surface`` with its contour made over the grid and slope-limited to
    :data:`CONTOUR_MAX_SLOPE_DEG`: the foot's side, where the silhouette meets it, would
    otherwise stand as a wall (the tray's medial wall), and the change from the arch cap to
    the forefoot cap as a cliff.
    """
    gx, gy = np.meshgrid(surface.x_mm, surface.y_mm, indexing="ij")
    raw = _scan_contour(np.column_stack([gx.ravel(), gy.ravel()]), surface, ctx, p).reshape(gx.shape)
    limited = slope_limited(raw, GRID_MM, float(np.tan(np.radians(CONTOUR_MAX_SLOPE_DEG))))
    from dataclasses import replace

    return replace(surface, z_contour=limited)


def contour_height(
    xy: np.ndarray, surface: PlantarSurface, ctx: SurfaceContext, p: InsoleParams, arch_fill_mm: float
) -> dict[str, np.ndarray]:
    """The scan's contribution to the top at ``xy`` (n, 2): ``heel_cup`` and ``contour`` (the
    foot's shape in the heel and ahead of it, its slopes limited) and ``arch_fill``, mm. The
    heel cup reaches the prescribed rim at the
    edge even where the heel's own side is lower there (the parametric cup's wall).
    """
    x, y = xy[:, 0], xy[:, 1]
    fx = x / ctx.foot.foot_length_mm
    d_edge = ctx.distance_to_edge(xy)
    wall = p.heel_cup_depth_mm * np.clip(1.0 - rim_distance(d_edge, p) / p.heel_cup_wall_width_mm, 0.0, 1.0) ** 2
    wall = wall * _smoothstep(CUP_END, CUP_FULL, fx)
    own = surface.sample(xy, "contour") if surface.z_contour is not None else _scan_contour(xy, surface, ctx, p)
    # The foot's own shape stays the contour (the heel seat rests on the footbed); what the
    # prescribed rim adds above it is the heel cup's wall (the full-contact construction
    # lifts the underside under it).
    out = {"contour": own, "heel_cup": np.maximum(wall - own, 0.0)}
    if arch_fill_mm > 0:
        t_med = np.maximum(np.interp(x, ctx.border_x, ctx.border_medial) - y, 0.0)
        out["arch_fill"] = arch_fill_mm * arch_shape(fx, t_med, p)
    return out


def scan_height_components(
    xy: np.ndarray, surface: PlantarSurface, ctx: SurfaceContext, p: InsoleParams, arch_fill_mm: float
) -> dict[str, np.ndarray]:
    """Every component of a scan-fitted insole's top at ``xy`` (n, 2), mm."""
    parts = {k: c for k, c in height_components(xy, ctx, p).items() if k not in REPLACED}
    parts.update(contour_height(xy, surface, ctx, p, arch_fill_mm))
    return parts


def without_replaced(p: InsoleParams) -> InsoleParams:
    """``p`` with the features the scan replaces switched off (for mesh refinement zones)."""
    return p.with_values(arch_height_mm=0.0, heel_cup_depth_mm=0.0)
