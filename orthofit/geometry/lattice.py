"""A graded gyroid lattice insole (``construction = lattice``), for powder-bed printers and for
any slicer at 100 % infill.

The body of the full-contact insole (its outline, top and footbed, in the print pose) is filled
with a network gyroid: solid where ``g(x, y, z) > t``, with

    g = sin(kx) cos(ky) + sin(ky) cos(kz) + sin(kz) cos(kx),   k = 2π / cell,

inside a solid top skin (the foot's side) and rim (the outline's edge) of set thickness. The
threshold ``t`` follows the stiffness zones' densities across the insole (blended over the
zones' own transition bands), so the lattice's relative density, and with it its stiffness,
is graded: firm under the arch, soft at the heel and under offloaded discs. The underside is
open: every pore of the lattice reaches the shoe's side of the insole, so no cavity holds
powder, and a slicer at 100 % infill prints the lattice as it stands.

The solid is the zero level set of one field on a voxel grid, meshed by marching cubes
(scikit-image), and checked closed and consistently wound like every other solid.

Relative density of the network gyroid against ``t`` is measured on a unit cell here (the
linear ρ ≈ 0.5 − t/3 of the literature is 10 % off at ρ = 0.1); strut and pore widths per
cell size are measured the same way (docs/insole-constructions.md, "Lattice").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from shapely.geometry import Polygon

from orthofit.geometry.build import Insole
from orthofit.geometry.solid import GeometryError, Solid, check_solid
from orthofit.geometry.zones import Zone
from orthofit.model.enums import Side

#: The unit cell's sampling for the density and width tables (voxels per cell edge).
_CELL_SAMPLES = 64


@dataclass(frozen=True)
class LatticeSpec:
    """How the lattice is built (from the printer family's data, ``profiles/print``).

    Attributes
    ----------
    cell_mm : float
        The gyroid's cell edge, mm.
    skin_mm, rim_mm : float
        The solid top skin's thickness and the solid rim's width along the outline, mm.
    voxel_mm : float
        The grid spacing the field is sampled and meshed on, mm.
    min_wall_mm, min_channel_mm : float
        The printer's thinnest wall and narrowest pore: the densities are held between the
        lowest whose struts are that thick and the highest whose pores are that wide.
    """

    cell_mm: float
    skin_mm: float
    rim_mm: float
    voxel_mm: float
    min_wall_mm: float
    min_channel_mm: float


#: A zone at this relative density or more is printed solid, not as a lattice.
SOLID_DENSITY = 0.99

#: Gibson and Ashby's scaling of a cellular solid's modulus with its relative density,
#: E / E_solid = C ρ^n: n = 2 where the cell walls bend, as in the network (skeletal) gyroid
#: (Maskery et al. 2018, Polymer: bending-dominated [V, abstract]). Only ratios between zones
#: are reported, so C (fitted 0.69 for the network gyroid, secondary source) drops out.
STIFFNESS_EXPONENT = 2.0


@dataclass(frozen=True)
class LatticeZone:
    """One stiffness zone of a lattice insole.

    Attributes
    ----------
    name : str
    prescribed_pct : float
        The zone's density from the prescription (its ``infill_*_pct``), %.
    density : float
        The lattice's relative density there (0-1): the prescribed one, held within what the
        cell size prints.
    relative_stiffness : float
        Expected stiffness against the stiffest zone's, (ρ / ρ_max)^n (Gibson-Ashby).
    held : str
        Why the density differs from the prescription, or why the zone is mostly skin ("" when
        neither).
    layer_mm : float
        The lattice's height there (the zone's taller quarter: 75th percentile), between the
        underside and the top skin, mm.
    """

    name: str
    prescribed_pct: float
    density: float
    relative_stiffness: float
    held: str = ""
    layer_mm: float = float("nan")

    @property
    def thin(self) -> bool:
        """Whether the zone's lattice is under a quarter cell high (mostly solid skin there)."""
        return bool(self.held.startswith(_THIN))


_THIN = "mostly solid skin"


@dataclass(frozen=True)
class Lattice:
    """A built lattice insole.

    Attributes
    ----------
    solid : Solid
        The printable body, print pose (mm).
    spec : LatticeSpec
    density_range : (float, float)
        The lowest and highest relative density the cell size prints (struts and pores).
    zones : tuple of LatticeZone
        Each stiffness zone's density and expected relative stiffness, in slicer order.
    """

    solid: Solid
    spec: LatticeSpec
    density_range: tuple[float, float]
    zones: tuple[LatticeZone, ...] = ()
    volume_mm3: float = 0.0  # the solid's, from its check


def zone_table(
    zones: Sequence[tuple[str, float]],
    density_range: tuple[float, float],
    layers_mm: Sequence[float] | None = None,
    quarter_cell_mm: float = 0.0,
) -> tuple[LatticeZone, ...]:
    """Each zone (name, prescribed density %) as the lattice makes it: the density held within
    ``density_range`` (0-1), and its expected stiffness against the stiffest zone's. A zone
    whose lattice (``layers_mm``, its height under the skin) is under
    ``quarter_cell_mm`` is mostly solid skin and is said so.
    """
    lo, hi = density_range
    layers = list(layers_mm) if layers_mm is not None else [float("nan")] * len(zones)
    used = [1.0 if pct / 100.0 >= SOLID_DENSITY else min(max(pct / 100.0, lo), hi) for _, pct in zones]
    top = max(used) if used else 1.0
    out = []
    for (name, pct), rho, layer in zip(zones, used, layers, strict=True):
        held = ""
        if layer < quarter_cell_mm:
            held = (
                f"{_THIN}: the insole is thin here, {max(layer, 0.0):.1f} mm of lattice under the skin over "
                "three quarters of it (under a quarter cell), so the solid skin, more than the lattice's density, "
                "sets its stiffness"
            )
        elif rho > pct / 100.0 + 1e-9:
            held = f"raised from {pct:g} % to {100 * rho:.0f} %: thinner struts than the printer's wall would not print"
        elif rho < pct / 100.0 - 1e-9:
            held = f"lowered from {pct:g} % to {100 * rho:.0f} %: narrower pores than the printer's would not clear"
        out.append(LatticeZone(name, pct, rho, (rho / top) ** STIFFNESS_EXPONENT, held, layer))
    return tuple(out)


@lru_cache(maxsize=1)
def _unit_cell() -> np.ndarray:
    n = _CELL_SAMPLES
    x = (np.arange(n) + 0.5) * (2 * np.pi / n)
    s, c = np.sin(x), np.cos(x)
    return (
        s[:, None, None] * c[None, :, None] + s[None, :, None] * c[None, None, :] + s[None, None, :] * c[:, None, None]
    ).astype(np.float32)


@lru_cache(maxsize=1)
def density_table() -> tuple[np.ndarray, np.ndarray]:
    """(t, ρ): the network gyroid's relative density ``ρ`` (volume fraction of g > t) for
    thresholds ``t`` from −1.4 to 1.4, measured on a unit cell; ρ falls as t rises.
    """
    g = np.sort(_unit_cell().ravel())
    t = np.linspace(-1.4, 1.4, 281)
    rho = 1.0 - np.searchsorted(g, t, side="right") / g.size
    return t, rho


def threshold(rho: np.ndarray | float) -> np.ndarray:
    """The threshold ``t`` that gives relative density ``rho`` (0-1)."""
    t, r = density_table()
    return np.interp(rho, r[::-1], t[::-1])


#: The network gyroid's thinnest strut and narrowest pore per cell edge against its relative
#: density: the 5th percentile of twice the distance to the surface along the medial ridge of
#: the solid and of the void, measured on a periodic unit cell of 96³ voxels by
#: :func:`measure_widths` (a test measures them again).
WIDTHS = np.array(
    [
        # ρ,   strut, pore
        [0.062, 0.120, 0.734],
        [0.099, 0.163, 0.698],
        [0.170, 0.229, 0.638],
        [0.238, 0.277, 0.590],
        [0.305, 0.325, 0.554],
        [0.370, 0.361, 0.517],
        [0.435, 0.397, 0.469],
        [0.500, 0.433, 0.433],
        [0.565, 0.469, 0.397],
        [0.630, 0.517, 0.361],
        [0.695, 0.554, 0.325],
    ]
)


def measure_widths(rho: float, samples: int = 96) -> tuple[float, float]:
    """(strut, pore) per cell edge of the network gyroid at relative density ``rho``,
    measured on a periodic unit cell of ``samples``³ voxels (see :data:`WIDTHS`).
    """
    from scipy import ndimage

    n = samples
    x = (np.arange(n) + 0.5) * (2 * np.pi / n)
    s, c = np.sin(x), np.cos(x)
    g = s[:, None, None] * c[None, :, None] + s[None, :, None] * c[None, None, :] + s[None, None, :] * c[:, None, None]
    t = np.quantile(g, 1.0 - rho)

    def width(mask: np.ndarray) -> float:
        d = ndimage.distance_transform_edt(np.tile(mask, (3, 3, 3)))[n : 2 * n, n : 2 * n, n : 2 * n]
        peak = ndimage.maximum_filter(d, size=3, mode="wrap")
        ridge = (d > 0) & (d >= peak)
        return float(2 * np.percentile(d[ridge], 5) / n)

    return width(g > t), width(g <= t)


def density_range(spec: LatticeSpec) -> tuple[float, float]:
    """The relative densities a cell of ``spec.cell_mm`` prints: struts at least
    ``min_wall_mm`` thick and pores at least ``min_channel_mm`` wide.
    """
    rhos, struts, pores = WIDTHS.T
    lo = float(np.interp(spec.min_wall_mm / spec.cell_mm, struts, rhos))
    hi = float(np.interp(-spec.min_channel_mm / spec.cell_mm, -pores, rhos))
    if lo >= hi:
        raise GeometryError(
            f"a {spec.cell_mm:g} mm gyroid cell cannot have {spec.min_wall_mm:g} mm struts and "
            f"{spec.min_channel_mm:g} mm pores; use a larger cell"
        )
    return lo, hi


def density_map(x: np.ndarray, y: np.ndarray, zones: Sequence[tuple[np.ndarray, float]], base: float) -> np.ndarray:
    """The relative density (0-1) at each grid point (x (nx,), y (ny,) mm): ``base``, then each
    zone's density inside its ring (k, 2) mm, a later zone over an earlier one, as the slicers
    apply modifiers.
    """
    X, Y = np.meshgrid(x, y, indexing="ij")
    out = np.full(X.shape, base, dtype=np.float32)
    for ring, rho in zones:
        inside = shapely.contains_xy(Polygon(ring).buffer(0), X, Y)
        out[inside] = rho
    return out


def build_lattice(
    top_bottom_xy: np.ndarray,
    top_z: np.ndarray,
    bottom_z: np.ndarray,
    outline: Polygon,
    zones: Sequence[tuple[np.ndarray, float, str]],
    base_density: float,
    spec: LatticeSpec,
) -> Lattice:
    """Fill an insole's body with the graded gyroid.

    Parameters
    ----------
    top_bottom_xy : (n, 2) float
        Points of the insole's height fields, mm (the print pose).
    top_z, bottom_z : (n,) float
        The top and the underside at those points, mm.
    outline : Polygon
        The outline in the same frame, mm.
    zones : sequence of (ring (k, 2) mm, relative density 0-1, name)
        The stiffness zones, later over earlier.
    base_density : float
        The relative density outside every zone.
    spec : LatticeSpec

    Raises
    ------
    GeometryError
        The lattice cannot be printed with the spec, or its mesh is not a valid solid.
    """
    from scipy import ndimage
    from scipy.interpolate import LinearNDInterpolator
    from skimage.measure import marching_cubes

    h = spec.voxel_mm
    lo_rho, hi_rho = density_range(spec)
    x0, y0, x1, y1 = outline.bounds
    # cell centres at (i + 0.5) h, one layer beyond the body on every side, so the surface is
    # closed and a flat face falls between grid points
    x = np.arange(np.floor(x0 / h) - 1, np.ceil(x1 / h) + 1) * h + h / 2
    y = np.arange(np.floor(y0 / h) - 1, np.ceil(y1 / h) + 1) * h + h / 2
    z = np.arange(-1, np.ceil(float(np.max(top_z)) / h) + 1) * h + h / 2
    X, Y = np.meshgrid(x, y, indexing="ij")
    heights = LinearNDInterpolator(top_bottom_xy, np.column_stack([top_z, bottom_z]))(X, Y)
    inside2 = shapely.contains_xy(outline, X, Y) & np.isfinite(heights[..., 0])
    zt = np.where(inside2, heights[..., 0], -1.0).astype(np.float32)
    zb = np.where(inside2, heights[..., 1], 0.0).astype(np.float32)
    edge = np.where(
        inside2,
        shapely.distance(outline.exterior, shapely.points(X, Y)),
        -shapely.distance(outline, shapely.points(X, Y)),
    ).astype(np.float32)
    named = list(zones)
    rho = density_map(x, y, [(ring, r) for ring, r, _ in named], base_density)
    # graded transitions: the zones' own bands step the density; a blur over a cell smooths the steps
    rho = ndimage.gaussian_filter(rho, sigma=spec.cell_mm / (4 * h), mode="nearest")
    # a zone prescribed solid (a Morton's extension's 100 %) is solid: no pores to clear there
    solid_zone = rho >= SOLID_DENSITY
    t = threshold(np.clip(rho, lo_rho, hi_rho)).astype(np.float32)
    t[solid_zone] = -10.0  # below every value of g
    k = 2 * np.pi / spec.cell_mm
    sx, cx, sy, cy, sz, cz = (
        np.sin(k * x).astype(np.float32),
        np.cos(k * x).astype(np.float32),
        np.sin(k * y).astype(np.float32),
        np.cos(k * y).astype(np.float32),
        np.sin(k * z).astype(np.float32),
        np.cos(k * z).astype(np.float32),
    )
    field = np.empty((len(x), len(y), len(z)), dtype=np.float32)
    for j in range(len(z)):  # one layer at a time: a few MB in flight, not the whole grid
        g = sx[:, None] * cy[None, :] + sy[None, :] * cz[j] + sz[j] * cx[:, None]
        # (g - t) over its gradient's length: about the distance to the surface in mm, which
        # marching cubes interpolates far better than g itself (on g alone a 1.3 mm strut
        # lost 9 % of its volume at 0.5 mm voxels; the gradient is floored near g's saddles)
        gx = cx[:, None] * cy[None, :] - sz[j] * sx[:, None]
        gy = cy[None, :] * cz[j] - sx[:, None] * sy[None, :]
        gz = cz[j] * cx[:, None] - sy[None, :] * sz[j]
        slope = k * np.maximum(np.sqrt(gx * gx + gy * gy + gz * gz), 0.3)
        lattice = (g - t) / slope
        skin = np.maximum(z[j] - (zt - spec.skin_mm), spec.rim_mm - edge)
        body = np.minimum(np.minimum(z[j] - zb, zt - z[j]), edge)
        field[:, :, j] = np.minimum(body, np.maximum(skin, lattice))
    field[[0, -1], :, :] = -h
    field[:, [0, -1], :] = -h
    field[:, :, [0, -1]] = np.minimum(field[:, :, [0, -1]], -h / 2)
    verts, faces, _, _ = marching_cubes(field, level=0.0, spacing=(h, h, h), allow_degenerate=False)
    verts += [x[0], y[0], z[0]]
    # scikit-image winds its triangles facing the field's lower values; the solid is where the
    # field is positive, so the reversed winding faces out
    faces = faces[:, ::-1]
    solid = _one_body(verts.astype(np.float64), faces.astype(np.int64), h**3)
    volume = check_solid(solid).volume_mm3
    height = np.where(inside2, zt - spec.skin_mm - zb, np.nan)
    layers = []
    for ring, _, _ in named:
        here = shapely.contains_xy(Polygon(ring).buffer(0), X, Y) & inside2
        # the zone's taller quarter: where a zone spans a dome and a thin edge (the arch), the
        # dome is where it carries the foot
        layers.append(float(np.nanpercentile(height[here], 75)) if here.any() else 0.0)
    table = zone_table([(n, 100 * r) for _, r, n in named], (lo_rho, hi_rho), layers, spec.cell_mm / 4)
    return Lattice(solid, spec, (lo_rho, hi_rho), table, volume)


def _one_body(vertices: np.ndarray, faces: np.ndarray, speck_mm3: float) -> Solid:
    """The mesh without the specks marching cubes leaves where the field only touches zero at a
    grid corner (closed surfaces smaller than ``speck_mm3``, a voxel: below any printer's
    resolution), checked to be one body with no closed pore: any other surface left would be a
    loose piece or a cavity that traps powder.

    Raises
    ------
    GeometryError
        More than one surface is left.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(vertices)
    pairs = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]]])
    graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    count, label = connected_components(graph, directed=False)
    part = label[faces[:, 0]]
    a, b, c = vertices[faces[:, 0]], vertices[faces[:, 1]], vertices[faces[:, 2]]
    volume = np.bincount(part, weights=np.einsum("ij,ij->i", a, np.cross(b, c)) / 6.0, minlength=count)
    keep = np.abs(volume) >= speck_mm3
    if keep.sum() != 1:
        big = np.sort(np.abs(volume[keep]))[::-1]
        raise GeometryError(
            f"the lattice would print as {keep.sum()} pieces or hold closed pores "
            f"({', '.join(f'{x:.1f}' for x in big[:4])} mm³); widen the cell or raise the lowest zone density"
        )
    kept = keep[part]
    used = np.zeros(n, dtype=bool)
    used[faces[kept].ravel()] = True
    index = np.cumsum(used) - 1
    return Solid(vertices[used], index[faces[kept]])


def lattice_insole(insole: Insole, zones: Sequence[Zone], spec: LatticeSpec, base_density: float) -> Lattice:
    """The lattice body of a built insole (its full-contact shape, print pose) graded by its
    stiffness ``zones`` (in the same frame: a left insole's are mirrored with it).
    """
    from shapely import affinity

    solid = insole.print_pose()
    v = solid.vertices
    n = len(v) // 2  # the builder's height fields: the top's points, then the same points below
    outline = insole.outline if insole.side is Side.RIGHT else affinity.scale(insole.outline, 1.0, -1.0, origin=(0, 0))
    rings = []
    for z in zones:
        k = (len(z.vertices) - 2) // 2  # a zone prism: its bottom ring, its top ring, two centres
        rings.append((z.vertices[:k, :2], z.density_pct / 100.0, z.name))
    return build_lattice(v[:n, :2], v[:n, 2], v[n:, 2], outline, rings, base_density, spec)
