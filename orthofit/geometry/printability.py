"""Printability summary of a built insole: size, volume, mass, thinnest point, bed fit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orthofit.geometry.build import Insole
from orthofit.geometry.smoothness import Smoothness

#: Densities of solid material, g/cm³ (typical datasheet values [D]). A print with partial
#: infill weighs less; the figure is an upper bound for a solid print.
DENSITY_G_PER_CM3 = {"TPU": 1.21, "PLA": 1.24, "EVA": 0.93}
DEFAULT_BED_MM = (300.0, 300.0)


@dataclass(frozen=True)
class Printability:
    size_mm: tuple[float, float, float]  # bounding box x, y, z
    volume_cm3: float
    mass_g: dict[str, float]  # material -> g at 100 % infill
    min_thickness_mm: float
    bed_mm: tuple[float, float]
    fits_bed: bool
    bed_rotation_deg: float | None  # rotation about z that makes it fit (0 = as built)
    smoothness: Smoothness | None = None
    extra: tuple[str, ...] = ()  # further lines (a lattice insole's body)

    def lines(self) -> list[str]:
        x, y, z = self.size_mm
        mass = ", ".join(f"{m} {g:.0f} g" for m, g in self.mass_g.items())
        if not self.fits_bed:
            fit = "does NOT fit"
        elif self.bed_rotation_deg:
            fit = f"fits (turned {self.bed_rotation_deg:g}° on the bed)"
        else:
            fit = "fits"
        lines = [
            f"size {x:.1f} x {y:.1f} x {z:.1f} mm; volume {self.volume_cm3:.1f} cm³",
            f"mass if printed solid: {mass}",
            f"thinnest point {self.min_thickness_mm:.2f} mm; {fit} a {self.bed_mm[0]:g} x {self.bed_mm[1]:g} mm bed",
        ]
        if self.smoothness is not None:
            broken = self.smoothness.broken_rules
            lines.append("smoothness: within the rules" if not broken else "smoothness: " + "; ".join(broken))
        return [*lines, *self.extra]


def printability(insole: Insole, bed_mm: tuple[float, float] = DEFAULT_BED_MM) -> Printability:
    """Summarise one insole as it is printed (its volume comes from the builder's solid check)."""
    v = insole.print_pose().vertices
    sx, sy, sz = (float(s) for s in np.ptp(v, axis=0))
    rotation = bed_rotation_deg(v[:, :2], bed_mm)
    cm3 = insole.volume_mm3 / 1000.0
    return Printability(
        size_mm=(sx, sy, sz),
        volume_cm3=cm3,
        mass_g={m: d * cm3 for m, d in DENSITY_G_PER_CM3.items()},
        min_thickness_mm=insole.min_thickness_mm,
        bed_mm=bed_mm,
        fits_bed=rotation is not None,
        bed_rotation_deg=rotation,
        smoothness=insole.smoothness,
    )


def bed_rotation_deg(xy: np.ndarray, bed_mm: tuple[float, float]) -> float | None:
    """The smallest rotation (whole degrees, 0-179) at which the points' bounding box fits the
    bed, or None. A long insole that overhangs a square bed often fits across its diagonal.
    """
    import shapely

    hull = np.asarray(shapely.MultiPoint(xy).convex_hull.exterior.coords)
    angles = np.radians(np.arange(180))
    c, s = np.cos(angles)[:, None], np.sin(angles)[:, None]
    rx = hull[None, :, 0] * c - hull[None, :, 1] * s
    ry = hull[None, :, 0] * s + hull[None, :, 1] * c
    fits = (np.ptp(rx, axis=1) <= bed_mm[0]) & (np.ptp(ry, axis=1) <= bed_mm[1])
    if not fits.any():
        return None
    k = np.flatnonzero(fits)
    return float(k[np.argmin(np.minimum(k, 180 - k))])
