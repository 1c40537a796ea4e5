"""Measuring each step of a walking recording and their average.

Per step (clinical-basis.md §10):

* the maximum-pressure picture (each sensor's highest pressure in the step, kPa) and the
  pressure-time integral picture (each sensor's pressure summed over the step's frames x the
  frame time, kPa s);
* contact time (frames x frame time, s) and the force curve (the sum of pressure x sensor
  area over the sensors, N; not for pedar, whose file has no sensor areas);
* the centre-of-pressure path: per frame, the pressure-weighted mean of the sensor centres,
  in the foot's frame (x from the heel, y medial-positive), mm;
* CPEI by its original construction (Song et al. 1996): the construction line joins the
  path's first and last points; the excursion is the distance from that line to the path,
  along the line across the foot at the distal third of the print's length, positive when
  the path runs lateral of the line; CPEI = excursion / the print's width there x 100;
* the foot progression angle on a platform: between the print's long axis and the plate's
  long axis (the walking direction), positive when the toes point out;
* per region (:mod:`.regions`): peak pressure, pressure-time integral (of the region's peak
  pressure curve) and contact area.

The average is over the complete steps (all steps when none is complete).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from orthofit.errors import FootprintError, PressureError
from orthofit.io.grid_file import PressureGrid
from orthofit.io.pressure.recording import PressureRecording
from orthofit.measure.pressure import CPEI_AT_FRACTION, GridFootprint, analyse_grid
from orthofit.measure.walking.regions import Region, grid_regions, pedar_regions
from orthofit.measure.walking.steps import STEP_S_RANGE, Contact, split_steps
from orthofit.model.enums import Side

#: CPEI: the excursion is measured at this share of the print's length from the heel
#: (Song et al. 1996: the distal third), as for the static proxy.
CPEI_AT = CPEI_AT_FRACTION
#: The path's ends are the first and last frames whose force is at least this share of the
#: step's peak [D]: at the first and last touch a few lightly loaded cells throw the centre
#: of pressure about.
COP_FORCE_SHARE = 0.05


@dataclass(frozen=True)
class RegionLoad:
    """One region's loading in a step (or the mean over steps)."""

    region: Region
    peak_kpa: float
    pti_kpa_s: float | None  # None for a single picture
    area_cm2: float | None  # None for pedar (no sensor areas)
    sensors: int


@dataclass(frozen=True)
class StepResult:
    """One step's measures (see the module docstring). Pictures are (rows, cols), NaN outside
    the step's sensors; ``cop_mm`` is (frames, 2) in the foot's frame, NaN where unloaded.
    """

    number: int
    side: Side
    complete: bool
    start_s: float | None
    contact_time_s: float | None
    max_kpa: np.ndarray
    pti_kpa_s: np.ndarray | None
    force_n: np.ndarray | None
    cop_mm: np.ndarray | None
    peak_kpa: float
    peak_force_n: float | None
    cpei_pct: float | None
    progression_deg: float | None
    regions: tuple[RegionLoad, ...]
    region_map: np.ndarray  # (rows, cols) int, index into list(Region), -1 outside
    footprint: GridFootprint | None
    sensor_xy_mm: np.ndarray | None  # (rows, cols, 2) sensor centres in the foot's frame

    def region(self, region: Region) -> RegionLoad | None:
        return next((r for r in self.regions if r.region is region), None)


@dataclass(frozen=True)
class WalkAnalysis:
    """One foot's steps in one recording, and their average."""

    source: str
    system: str
    in_shoe: bool
    side: Side
    steps: tuple[StepResult, ...]
    used: tuple[int, ...]  # the step numbers averaged
    contact_time_s: float | None
    peak_kpa: float
    peak_force_n: float | None
    cpei_pct: float | None
    progression_deg: float | None
    arch_index: float | None  # of the representative step's print
    regions: tuple[RegionLoad, ...]
    max_kpa: np.ndarray  # the average (in-shoe) or representative (platform) picture
    representative: int  # the step whose print and path the pictures show
    notes: tuple[str, ...]

    def region(self, region: Region) -> RegionLoad | None:
        return next((r for r in self.regions if r.region is region), None)

    @property
    def step(self) -> StepResult:
        """The representative step."""
        return next(s for s in self.steps if s.number == self.representative)


def analyse_recording(rec: PressureRecording, side: Side | None = None) -> tuple[WalkAnalysis, ...]:
    """Split ``rec`` into steps and measure them: one :class:`WalkAnalysis` per foot found
    (a platform walk may hold both feet; left first).

    Parameters
    ----------
    side : Side, optional
        The foot when the file does not say (otherwise each print's arch decides, and the
        notes say so).

    Raises
    ------
    PressureError
        No step can be found, or a print cannot be measured.
    """
    contacts, notes = split_steps(rec)
    if not contacts:
        raise PressureError(
            f"{rec.source}: no step found (no contact of {STEP_S_RANGE[0]:g}-{STEP_S_RANGE[1]:g} s); "
            "is this a walking recording?"
        )
    side = rec.side or side
    shared = None
    if rec.in_shoe and rec.cell_mm is not None:
        # The foot does not move over an in-shoe sensor: one print (all steps' highest
        # pressures) gives every step's frame, and is steadier than any one step's.
        frames = np.concatenate([rec.frames_kpa[c.first : c.last + 1] for c in contacts])
        shared = _print(rec, np.where(rec.sensor, np.nan_to_num(frames).max(axis=0), np.nan), side, 0)
    steps = [_step(rec, c, n + 1, side, shared) for n, c in enumerate(contacts)]
    out = []
    for foot in (Side.LEFT, Side.RIGHT):
        mine = [s for s in steps if s.side is foot]
        if mine:
            out.append(_average(rec, foot, mine, notes))
    return tuple(out)


def _step(
    rec: PressureRecording, c: Contact, number: int, side: Side | None, shared: GridFootprint | None
) -> StepResult:
    frames = rec.frames_kpa[c.first : c.last + 1]
    inside = c.cells
    part = np.where(inside[None], np.nan_to_num(frames, nan=0.0), 0.0).astype(np.float64)
    max_kpa = np.where(inside, part.max(axis=0), np.nan)
    dt = rec.frame_s
    pti = None if dt is None else np.where(inside, part.sum(axis=0) * dt, np.nan)
    area = rec.cell_area_mm2
    force = None if area is None else part.sum(axis=(1, 2)) * area / 1000.0  # kPa x mm² = 1e-3 N
    loaded = np.nan_to_num(max_kpa) > 0
    fp = None
    xy = None
    cop = cpei = progression = None
    if rec.cell_mm is not None:
        fp = shared or _print(rec, max_kpa, side, number)
        side = fp.side
        xy = _sensor_xy(rec, fp)
        cop = _cop(part, xy)
        if force is not None and rec.n_frames > 1:
            cpei = _cpei(cop, force, fp, side)
            if not rec.in_shoe:
                progression = _progression(fp, side)
        yy = xy[..., 1] * side.medial_sign
        region_map = grid_regions(np.stack([xy[..., 0], yy], axis=-1).reshape(-1, 2), loaded.ravel(), fp.toe_x_mm)
        region_map = region_map.reshape(loaded.shape)
    else:
        assert rec.sensor_numbers is not None and rec.side is not None
        side = rec.side
        region_map = np.where(loaded, pedar_regions(rec.sensor_numbers), -1)
    regions = _regions(part, region_map, dt, area)
    return StepResult(
        number=number,
        side=side,
        complete=c.complete,
        start_s=None if dt is None else c.first * dt,
        contact_time_s=None if dt is None else c.n_frames * dt,
        max_kpa=max_kpa,
        pti_kpa_s=pti,
        force_n=force,
        cop_mm=cop,
        peak_kpa=float(np.nanmax(max_kpa)),
        peak_force_n=None if force is None else float(force.max()),
        cpei_pct=cpei,
        progression_deg=progression,
        regions=regions,
        region_map=region_map,
        footprint=fp,
        sensor_xy_mm=xy,
    )


def _print(rec: PressureRecording, max_kpa: np.ndarray, side: Side | None, number: int) -> GridFootprint:
    """The step's print measured as a footprint grid (square cells; row 0 south)."""
    assert rec.cell_mm is not None
    values = np.nan_to_num(max_kpa, nan=0.0)
    pr, pc = rec.cell_mm
    pitch = min(pr, pc)
    if abs(pr - pc) > 1e-6:
        from scipy import ndimage

        values = ndimage.zoom(values, (pr / pitch, pc / pitch), order=0, grid_mode=True, mode="grid-constant")
    try:
        return analyse_grid(PressureGrid(values, pitch, True, rec.source), side)
    except FootprintError as err:
        which = f"step {number}'s print" if number else "the print"
        raise PressureError(f"{rec.source}: {which} cannot be measured: {err}") from None


def _sensor_xy(rec: PressureRecording, fp: GridFootprint) -> np.ndarray:
    """(rows, cols, 2) sensor centres in the print's frame, mm."""
    assert rec.cell_mm is not None and fp.frame is not None
    rows, cols = rec.frames_kpa.shape[1:]
    pr, pc = rec.cell_mm
    r, c = np.mgrid[0:rows, 0:cols]
    plan = np.column_stack([((c + 0.5) * pc).ravel(), ((r + 0.5) * pr).ravel()])
    return fp.frame.apply(plan).reshape(rows, cols, 2)


def _cop(part: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """(frames, 2) pressure-weighted centres, NaN for an unloaded frame."""
    w = part.reshape(len(part), -1)
    total = w.sum(axis=1)
    flat = xy.reshape(-1, 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        cop = (w @ flat) / total[:, None]
    cop[total <= 0] = np.nan
    return cop


def _cpei(cop: np.ndarray, force: np.ndarray, fp: GridFootprint, side: Side) -> float | None:
    """CPEI, % (module docstring), or None when the path does not cross the distal third."""
    keep = force >= COP_FORCE_SHARE * force.max()
    path = cop[keep]
    path = path[~np.isnan(path).any(axis=1)]
    if len(path) < 3:
        return None
    x = path[:, 0]
    y = path[:, 1] * side.medial_sign  # medial-positive for both feet
    polys = [Polygon(r) for r in fp.outline_rings if len(r) >= 3]
    if not polys:
        return None
    outline = shapely.union_all(polys)
    x0, _, x1, _ = outline.bounds
    at = x0 + CPEI_AT * (x1 - x0)
    cross = np.flatnonzero((x[:-1] - at) * (x[1:] - at) <= 0)
    if not len(cross) or not (min(x[0], x[-1]) < at < max(x[0], x[-1])):
        return None
    i = int(cross[0])
    t = 0.0 if x[i + 1] == x[i] else (at - x[i]) / (x[i + 1] - x[i])
    path_y = y[i] + t * (y[i + 1] - y[i])
    line_y = y[0] + (at - x[0]) / (x[-1] - x[0]) * (y[-1] - y[0])
    chord = outline.intersection(LineString([(at, -1e4), (at, 1e4)]))
    if chord.is_empty:
        return None
    _, lo, _, hi = chord.bounds
    width = hi - lo
    if width <= 0:
        return None
    return float(100.0 * (line_y - path_y) / width)


def _progression(fp: GridFootprint, side: Side) -> float:
    """Foot progression angle, degrees: the print's axis against the plate's north-south
    axis, positive when the toes point out (laterally).
    """
    assert fp.frame is not None
    u = np.asarray(fp.frame.axis_u)
    walk = np.array([0.0, 1.0 if u[1] >= 0 else -1.0])  # along the plate, the way the toes point
    # the foot's medial direction in the plan: frame +y times the side's medial sign
    medial = np.asarray(fp.frame.axis_v) * fp.frame.mirror * side.medial_sign
    across = np.array([-walk[1], walk[0]])
    lateral = -across if float(across @ medial) > 0 else across
    return float(math.degrees(math.atan2(float(u @ lateral), float(u @ walk))))


def _regions(
    part: np.ndarray, region_map: np.ndarray, dt: float | None, area_mm2: float | None
) -> tuple[RegionLoad, ...]:
    out = []
    for k, region in enumerate(Region):
        cells = region_map == k
        n = int(cells.sum())
        if n == 0:
            continue
        curve = part[:, cells].max(axis=1)  # the region's peak pressure per frame
        out.append(
            RegionLoad(
                region,
                float(curve.max()),
                None if dt is None else float(curve.sum() * dt),
                None if area_mm2 is None else n * area_mm2 / 100.0,
                n,
            )
        )
    return tuple(out)


def _mean(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return float(np.mean(vals)) if vals else None


def _average(rec: PressureRecording, side: Side, steps: list[StepResult], notes: list[str]) -> WalkAnalysis:
    complete = [s for s in steps if s.complete]
    used = complete or steps
    notes = list(notes)
    if len(complete) < len(steps):
        cut = len(steps) - len(complete)
        notes.append(
            f"{cut} step{'s' if cut > 1 else ''} cut off by the recording's start or end"
            + (" left out of the average" if complete else "; no complete step, so the average uses them")
        )
    regions = []
    for region in Region:
        loads = [s.region(region) for s in used]
        here = [r for r in loads if r is not None]
        if not here:
            continue
        regions.append(
            RegionLoad(
                region,
                float(np.mean([r.peak_kpa for r in here])),
                _mean([r.pti_kpa_s for r in here]),
                _mean([r.area_cm2 for r in here]),
                int(round(np.mean([r.sensors for r in here]))),
            )
        )
    peaks = [s.peak_kpa for s in used]
    rep = used[int(np.argsort(peaks)[len(peaks) // 2])]
    if rec.in_shoe:
        stack = np.stack([s.max_kpa for s in used])
        picture = np.where(np.isnan(stack).all(axis=0), np.nan, np.nan_to_num(stack).mean(axis=0))
    else:
        picture = rep.max_kpa
    sides = {s.side for s in steps}
    if rec.side is None and len(sides) == 1:
        notes.append(f"the side is read from the print's arch ({side.value}); give --side if it is the other foot")
    fp = rep.footprint
    return WalkAnalysis(
        source=rec.source,
        system=rec.system.value,
        in_shoe=rec.in_shoe,
        side=side,
        steps=tuple(steps),
        used=tuple(s.number for s in used),
        contact_time_s=_mean([s.contact_time_s for s in used]),
        peak_kpa=float(np.mean(peaks)),
        peak_force_n=_mean([s.peak_force_n for s in used]),
        cpei_pct=_mean([s.cpei_pct for s in used]),
        progression_deg=_mean([s.progression_deg for s in used]),
        arch_index=None if fp is None else fp.indices.arch_index,
        regions=tuple(regions),
        max_kpa=picture,
        representative=rep.number,
        notes=tuple(dict.fromkeys(list(rec.notes) + notes)),
    )


__all__ = ["RegionLoad", "StepResult", "WalkAnalysis", "analyse_recording", "CPEI_AT"]
