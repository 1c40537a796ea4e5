"""Stiffness zones of a printed insole: where the slicer uses which infill density.

Labs print insoles in TPU and set stiffness by infill. The zones ([D] boundaries, fractions
of foot length along the foot, right-foot frame):

* heel: x < 30 %; arch (midfoot): 30-62 %; forefoot: beyond 62 % (``infill_heel_pct``,
  ``infill_arch_pct``, ``infill_forefoot_pct``);
* offloaded spots the prescription names (``infill_offload_pct``): under the metatarsal
  heads 2-4 when the insole has a met pad or bar (forefoot pain), and the heel-spur recess.

A border between two densities prints as a ridge a patient can feel, so each border is a
graded transition: :data:`TRANSITION_STEPS` bands over ``zone_transition_mm``, stepping the
density evenly from one zone's to the next. Offloaded spots are nested discs (the outer ones
first, the core last: in the slicer a later modifier wins where they overlap), stepping from
the surrounding zone's density to the offload density.

Each zone is a modifier volume: a closed prism through the whole insole's height. It sets
settings only; the insole stays one printed body, and modifiers that change only the infill
add no walls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orthofit.config.params import InsoleParams
from orthofit.geometry.features import FEATURES
from orthofit.geometry.field import ZoneSpot
from orthofit.geometry.outline import FootDimensions, landmarks

#: Zone borders, fractions of foot length [D].
HEEL_END, ARCH_END = 0.30, 0.62
#: Bands in a graded transition [D].
TRANSITION_STEPS = 3
#: Infill pattern of every zone [D]: gyroid is the common choice for TPU (isotropic, no
#: stacked lines to buckle).
INFILL_PATTERN = "gyroid"
_DISC_SIDES = 32


@dataclass(frozen=True)
class Zone:
    """One modifier volume: a closed prism, right- or left-foot frame as built, mm."""

    name: str
    density_pct: float
    vertices: np.ndarray  # (n, 3)
    faces: np.ndarray  # (m, 3), outward, counter-clockwise seen from outside

    @property
    def settings(self) -> dict[str, str]:
        return {"fill_density": f"{self.density_pct:g}%", "fill_pattern": INFILL_PATTERN}


def _prism(ring: np.ndarray, z0: float, z1: float) -> tuple[np.ndarray, np.ndarray]:
    """A closed prism over a convex counter-clockwise ring (k, 2): caps fanned from their
    centres, walls two triangles per edge.
    """
    k = len(ring)
    c = ring.mean(axis=0)
    bottom = np.column_stack([ring, np.full(k, z0)])
    top = np.column_stack([ring, np.full(k, z1)])
    v = np.vstack([bottom, top, [[c[0], c[1], z0], [c[0], c[1], z1]]])
    i = np.arange(k)
    j = (i + 1) % k
    cb, ct = 2 * k, 2 * k + 1
    faces = np.vstack(
        [
            np.column_stack([np.full(k, cb), j, i]),  # bottom, facing down
            np.column_stack([np.full(k, ct), k + i, k + j]),  # top, facing up
            np.column_stack([i, j, k + j]),  # walls
            np.column_stack([i, k + j, k + i]),
        ]
    )
    return v, faces


def _slab(x0: float, x1: float, half_width: float, z0: float, z1: float):
    ring = np.array([[x0, -half_width], [x1, -half_width], [x1, half_width], [x0, half_width]])
    return _prism(ring, z0, z1)


def _disc(cx: float, cy: float, r: float, z0: float, z1: float):
    a = 2 * np.pi * np.arange(_DISC_SIDES) / _DISC_SIDES
    return _prism(np.column_stack([cx + r * np.cos(a), cy + r * np.sin(a)]), z0, z1)


def _spot(spot: ZoneSpot, grow_mm: float, z0: float, z1: float) -> tuple[np.ndarray, np.ndarray]:
    """The prism of a spot, grown by ``grow_mm`` (a disc keeps its centre; a region is buffered)."""
    if spot.region is None:
        return _disc(spot.centre_mm[0], spot.centre_mm[1], spot.radius_mm + grow_mm, z0, z1)
    region = spot.region.buffer(grow_mm, quad_segs=8) if grow_mm > 0 else spot.region
    ring = np.asarray(region.exterior.coords)[:-1]
    if not region.exterior.is_ccw:
        ring = ring[::-1]
    return _prism(ring, z0, z1)


def _steps(d0: float, d1: float) -> list[float]:
    return [d0 + (d1 - d0) * k / (TRANSITION_STEPS + 1) for k in range(1, TRANSITION_STEPS + 1)]


def insole_zones(
    foot: FootDimensions, p: InsoleParams, x_range: tuple[float, float], height_mm: float, mirror: bool = False
) -> tuple[Zone, ...]:
    """The modifier volumes of one insole (see the module docstring), in slicer order.

    ``x_range`` is the insole's extent along x and ``height_mm`` its height (mm); the prisms
    reach past both so that every part of the insole lies in a zone. ``mirror`` puts them in
    a left insole's frame.
    """
    fl = foot.foot_length_mm
    xa, xb = x_range[0] - 5.0, x_range[1] + 5.0
    z0, z1 = -1.0, height_mm + 1.0
    half = 200.0
    w = p.zone_transition_mm
    borders = [HEEL_END * fl, ARCH_END * fl]
    dens = [p.infill_heel_pct, p.infill_arch_pct, p.infill_forefoot_pct]
    names = ["heel", "arch", "forefoot"]
    out: list[tuple[str, float, tuple]] = []
    start = xa
    for i, name in enumerate(names):
        end = borders[i] - w / 2 if i < 2 else xb
        out.append((name, dens[i], _slab(start, end, half, z0, z1)))
        if i < 2:
            if w > 0:
                band = w / TRANSITION_STEPS
                for k, d in enumerate(_steps(dens[i], dens[i + 1])):
                    a = borders[i] - w / 2 + k * band
                    out.append((f"{name}-{names[i + 1]} transition {k + 1}", d, _slab(a, a + band, half, z0, z1)))
            start = borders[i] + w / 2
    lm = landmarks(foot)
    spots: list[ZoneSpot] = [s for feature in FEATURES for s in feature.zone_spots(foot, lm, p)]
    for spot in spots:
        if w > 0:
            band = w / TRANSITION_STEPS
            for k, d in enumerate(_steps(spot.around_pct, spot.density_pct)):
                grow = (TRANSITION_STEPS - k) * band
                out.append((f"{spot.name} transition {k + 1}", d, _spot(spot, grow, z0, z1)))
        out.append((spot.name, spot.density_pct, _spot(spot, 0.0, z0, z1)))
    zones = []
    for name, d, (v, f) in out:
        if mirror:
            v = v * np.array([1.0, -1.0, 1.0])
            f = f[:, ::-1]
        zones.append(Zone(name, round(float(d), 1), v, f))
    return tuple(zones)
