"""Build one insole: outline + height field -> checked solid, mirrored for a left foot."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from shapely.geometry import Polygon

from orthofit.config.params import InsoleParams
from orthofit.config.settings import DEFAULT_EDGE_MM, FINE_EDGE_MM
from orthofit.geometry.outline import FootDimensions, insole_outline
from orthofit.geometry.solid import GeometryError, Solid, extrude_height_field
from orthofit.geometry.surface import SurfaceContext, height_components, refinement
from orthofit.model.enums import Side

#: Largest allowed gap between the mesh and the designed surface, mm (a print layer is 0.2).
SURFACE_TOLERANCE_MM = 0.05


@dataclass(frozen=True)
class Insole:
    """One built insole, in the orthofit frame of its own side (a left insole is mirrored)."""

    side: Side
    params: InsoleParams
    foot: FootDimensions
    outline: Polygon  # right-foot frame (mirror y for the left)
    solid: Solid
    volume_mm3: float
    min_thickness_mm: float  # thinnest point of the solid (top height; the bottom is z = 0)


def build_insole(foot: FootDimensions, params: InsoleParams, side: Side, edge_mm: float = DEFAULT_EDGE_MM) -> Insole:
    """Build the insole for one foot.

    Parameters
    ----------
    foot : FootDimensions
        That foot's dimensions, mm.
    params : InsoleParams
        The prescription's parameters.
    side : Side
        A left insole is the mirror image (in y) of the right insole built from the same numbers.
    edge_mm : float
        Target triangle edge length, mm (1.5 default; 0.5 fine).

    Raises
    ------
    GeometryError
        The solid would be thinner than ``params.min_thickness_mm`` somewhere, or is not a
        closed, consistently wound solid of positive volume.
    """
    outline = insole_outline(foot, params)
    ctx = SurfaceContext.build(outline, foot)
    return _build(outline, ctx, lambda xy: height_components(xy, ctx, params), foot, params, params, side, edge_mm)


def build_scan_insole(
    surface,
    foot: FootDimensions,
    params: InsoleParams,
    side: Side,
    edge_mm: float = DEFAULT_EDGE_MM,
    arch_fill_mm: float | None = None,
) -> Insole:
    """Build a scan-fitted insole (:mod:`orthofit.geometry.scan_fit`): the outline and contour come
    from ``surface`` (a :class:`~orthofit.geometry.scan_fit.PlantarSurface`), the other features
    from ``params``. ``arch_fill_mm`` defaults to ``params.arch_fill_mm`` (a caller caps it by
    the arch drop). Raises :class:`GeometryError` as :func:`build_insole` does.
    """
    from orthofit.geometry.scan_fit import scan_height_components, without_replaced

    fill = params.arch_fill_mm if arch_fill_mm is None else arch_fill_mm
    ctx = SurfaceContext.build(surface.outline, foot)
    return _build(
        surface.outline,
        ctx,
        lambda xy: scan_height_components(xy, surface, ctx, params, fill),
        foot,
        params,
        without_replaced(params),
        side,
        edge_mm,
    )


def _build(
    outline: Polygon,
    ctx: SurfaceContext,
    components,
    foot: FootDimensions,
    params: InsoleParams,
    refine_params: InsoleParams,
    side: Side,
    edge_mm: float,
) -> Insole:
    """Mesh the height field ``components(xy)`` (name -> (n,) mm) over ``outline`` and check it."""
    if not 0.2 <= edge_mm <= 5.0:
        raise GeometryError(f"mesh edge length {edge_mm:g} mm is outside 0.2-5 mm")
    thinnest = {}

    def height(xy: np.ndarray) -> np.ndarray:
        parts = components(xy)
        z = np.sum(list(parts.values()), axis=0)
        k = int(np.argmin(z))
        thinnest["z"] = float(z[k])
        thinnest["xy"] = xy[k]
        if z[k] < params.min_thickness_mm - 1e-6:  # tolerance for float round-off only
            culprits = ", ".join(f"{n} {v[k]:+.1f}" for n, v in parts.items() if v[k] < 0) or "the base"
            raise GeometryError(
                f"the insole would be {z[k]:.2f} mm thick at x = {xy[k, 0]:.0f} mm, thinner than "
                f"min_thickness_mm = {params.min_thickness_mm:g} (caused by {culprits}); "
                "raise the base thickness or reduce that feature"
            )
        return z

    fine = refinement(ctx, refine_params, edge_mm, SURFACE_TOLERANCE_MM)
    solid, check = extrude_height_field(
        outline, height, edge_mm, fine.border_edge_mm, fine.border_depth_mm, list(fine.zones)
    )
    if side is Side.LEFT:
        solid = solid.mirrored_y()
    return Insole(
        side=side,
        params=params,
        foot=foot,
        outline=outline,
        solid=solid,
        volume_mm3=check.volume_mm3,
        min_thickness_mm=thinnest["z"],
    )


__all__ = ["Insole", "build_insole", "build_scan_insole", "GeometryError", "DEFAULT_EDGE_MM", "FINE_EDGE_MM"]
