"""Build one insole: outline + height field -> checked solid, mirrored for a left foot."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Polygon

from orthofit.config.params import Construction, InsoleLength, InsoleParams
from orthofit.config.settings import DEFAULT_EDGE_MM, FINE_EDGE_MM
from orthofit.errors import DesignError
from orthofit.geometry.construction import Surfaces, full_contact_surfaces, post_weight, shell_top
from orthofit.geometry.outline import FootDimensions, insole_outline
from orthofit.geometry.smoothness import Smoothness, cup_wall_region, smoothness
from orthofit.geometry.solid import GeometryError, Solid, extrude_between, extrude_shell
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
    min_thickness_mm: float  # thinnest point of the solid, top to bottom, mm
    smoothness: Smoothness | None = None  # measured on the right-foot solid (None: not measured)
    #: (n,) the shoe's footbed under each vertex of ``solid``, mm (top vertices first, then
    #: the bottom's, in the same order); None when not known.
    footbed_z: np.ndarray | None = None

    def drawing_solid(self) -> Solid:
        """The insole as a height field over z = 0, for drawings: its top at the height it
        raises the foot above the shoe's footbed (the shape the foot meets: the heel cup's rim,
        the arch), the bottom flat under it (same faces; not a solid to print).
        """
        v = self.solid.vertices
        n = len(v) // 2
        top = v[:n].copy()
        top[:, 2] -= self.footbed_z[:n] if self.footbed_z is not None else v[n:, 2]
        bottom = top.copy()
        bottom[:, 2] = 0.0
        return Solid(np.vstack([top, bottom]), self.solid.faces)

    def print_pose(self) -> Solid:
        """The solid as it is printed: a full-contact insole's footbed (drop, toe spring,
        dish) unrolled onto the bed, each vertex lowered by the footbed under it, so its
        underside lies flat but under the heel cup's wall (soft TPU bends back to the footbed
        in the shoe; printing the curved underside would need support under all of it); a
        shell as it stands in the shoe.
        """
        if self.footbed_z is None or self.params.construction is Construction.SHELL:
            return self.solid
        v = self.solid.vertices.copy()
        v[:, 2] -= self.footbed_z
        return Solid(v, self.solid.faces)


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
    if params.construction is Construction.SHELL and params.length is not InsoleLength.THREE_QUARTER:
        params = params.with_values(length=InsoleLength.THREE_QUARTER)  # a shell ends behind the met heads
    shape = _envelope(params)
    outline = insole_outline(foot, shape)
    ctx = SurfaceContext.build(outline, foot)
    insole = _build(outline, ctx, lambda xy: height_components(xy, ctx, shape), foot, shape, shape, side, edge_mm)
    return dataclasses.replace(insole, params=params)


def _envelope(params: InsoleParams) -> InsoleParams:
    """The parameters the solid is shaped by: a lattice insole has the full-contact insole's
    shape (:mod:`orthofit.geometry.lattice` fills its body).
    """
    if params.construction is Construction.LATTICE:
        return params.with_values(construction=Construction.FULL_CONTACT)
    return params


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
    from orthofit.geometry.scan_fit import limited_contour, scan_height_components, without_replaced

    fill = params.arch_fill_mm if arch_fill_mm is None else arch_fill_mm
    shape = _envelope(params)
    ctx = SurfaceContext.build(surface.outline, foot)
    surface = limited_contour(surface, ctx, shape)
    insole = _build(
        surface.outline,
        ctx,
        lambda xy: scan_height_components(xy, surface, ctx, shape, fill),
        foot,
        shape,
        without_replaced(shape),
        side,
        edge_mm,
    )
    return dataclasses.replace(insole, params=params)


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

    def checked(xy: np.ndarray) -> dict[str, np.ndarray]:
        parts = components(xy)
        z = np.sum(list(parts.values()), axis=0)
        k = int(np.argmin(z))
        if z[k] < params.min_thickness_mm - 1e-6:  # tolerance for float round-off only
            culprits = ", ".join(f"{n} {v[k]:+.1f}" for n, v in parts.items() if v[k] < 0) or "the base"
            raise GeometryError(
                f"the insole would be {z[k]:.2f} mm thick at x = {xy[k, 0]:.0f} mm, thinner than "
                f"min_thickness_mm = {params.min_thickness_mm:g} (caused by {culprits}); "
                "raise the base thickness or reduce that feature"
            )
        return parts

    fine = refinement(ctx, refine_params, edge_mm, SURFACE_TOLERANCE_MM)
    bed: np.ndarray | None = None
    if params.construction is Construction.SHELL:

        def shell(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            nonlocal bed
            s = shell_top(xy, ctx, params, checked(xy))
            bed = np.tile(s.footbed, 2)  # the bottom's points are the top's, moved
            return s.top, s.footbed, post_weight(xy, ctx, params)

        solid, check = extrude_shell(
            outline,
            shell,
            params.shell_thickness_mm,
            edge_mm,
            fine.border_edge_mm,
            fine.border_depth_mm,
            list(fine.zones),
        )
    else:
        cache: dict[str, Any] = {}

        def surfaces(xy: np.ndarray) -> Surfaces:
            if cache.get("xy") is not xy:  # top and bottom are asked for the same points
                cache["s"], cache["xy"] = full_contact_surfaces(xy, ctx, params, checked(xy)), xy
            return cache["s"]

        solid, check = extrude_between(
            outline,
            lambda xy: surfaces(xy).top,
            lambda xy: surfaces(xy).bottom,
            edge_mm,
            params.min_thickness_mm,
            fine.border_edge_mm,
            fine.border_depth_mm,
            list(fine.zones),
        )
        bed = np.tile(cache["s"].footbed, 2)  # top and bottom share their points
    smooth = smoothness(solid.vertices, solid.faces[: check.top_faces], outline, _walls(outline, ctx, params))
    # Enforced where files are made (1.5 mm edges or finer): a coarser mesh (the app's 3 mm
    # preview) cuts chords across curves, steeper than the design it only shows.
    if smooth.broken_rules and edge_mm <= DEFAULT_EDGE_MM + 1e-9:
        raise DesignError(
            "the insole would not be smooth to stand on: "
            + "; ".join(smooth.broken_rules)
            + "; make the feature there lower or wider (its parameters), or let orthofit's rules set it"
        )
    if side is Side.LEFT:
        solid = solid.mirrored_y()  # the vertices keep their order: the footbed still matches
    return Insole(
        side=side,
        params=params,
        foot=foot,
        outline=outline,
        solid=solid,
        volume_mm3=check.volume_mm3,
        min_thickness_mm=check.min_thickness_mm,
        smoothness=smooth,
        footbed_z=bed,
    )


def _walls(outline: Polygon, ctx: SurfaceContext, params: InsoleParams) -> Polygon | None:
    """Where the insole's designed walls rise (held to the walls' slope limit): the heel cup's
    band around the heel and each flange's band along its side of the midfoot; None if none.
    """
    from shapely.geometry import Polygon as Poly
    from shapely.geometry import box

    from orthofit.geometry.features.flanges import FLANGE_FROM, FLANGE_TO
    from orthofit.geometry.features.heel_cup import CUP_END

    length = ctx.foot.foot_length_mm
    parts = []
    if params.heel_cup_depth_mm > 0:
        inset = params.rim_radius_mm if params.construction is Construction.FULL_CONTACT else 0.0
        parts.append(cup_wall_region(outline, params.heel_cup_wall_width_mm + inset, CUP_END * length))
    x0, y0, x1, y1 = outline.bounds
    mid = np.column_stack([ctx.border_x, (ctx.border_medial + ctx.border_lateral) / 2.0])
    for height, toward in ((params.medial_flange_mm, y1 + 1.0), (params.lateral_flange_mm, y0 - 1.0)):
        if height <= 0:
            continue
        half = Poly(np.vstack([mid, [[mid[-1, 0], toward], [mid[0, 0], toward]]])).buffer(0)
        band = cup_wall_region(outline, params.flange_width_mm, FLANGE_TO * length)
        parts.append(band.intersection(half).intersection(box(FLANGE_FROM * length, y0 - 1.0, x1 + 1.0, y1 + 1.0)))
    if not parts:
        return None
    return shapely.union_all(parts)


__all__ = ["Insole", "build_insole", "build_scan_insole", "GeometryError", "DEFAULT_EDGE_MM", "FINE_EDGE_MM"]
