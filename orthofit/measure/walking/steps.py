"""Splitting a recording into steps (foot contacts).

A step is a run of frames whose load (the sum of the pressures on the step's sensors) stays
above :data:`CONTACT_SHARE` of the recording's highest load. On a platform, the prints of
different steps lie in different places: each run's loaded cells are grouped into prints
(cells within :data:`PRINT_GAP_MM` of each other belong to one print, so the toes stay with
their foot) and each print is a step with its own frames. A step that is loaded in the
first or last frame was cut off by the recording: it is kept but marked incomplete, and an
average uses the complete steps when there are any.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from orthofit.io.pressure.recording import PressureRecording

#: A frame is in contact when its load is above this share of the recording's peak load [D]:
#: low enough to keep heel strike and toe-off (each about 5-10 % of body weight within a
#: frame or two), high enough that an in-shoe sensor's resting pressure in swing does not
#: join two steps.
CONTACT_SHARE = 0.05
#: Shortest and longest stance, s [D]: a walking stance lasts about 0.6-0.8 s and a running
#: one 0.2-0.3 s; shorter is a touch, longer is standing, not a step.
STEP_S_RANGE = (0.1, 2.5)
#: Loaded cells closer than this belong to one print [D]: the gap between the toes' print and
#: the forefoot's is under 20 mm; two feet on a plate are at least a step width apart.
PRINT_GAP_MM = 25.0
#: A print with fewer loaded cells than this share of the largest one is noise [D].
MIN_PRINT_SHARE = 0.15


@dataclass(frozen=True)
class Contact:
    """One step: frames ``first`` to ``last`` (inclusive) on the cells of ``cells``."""

    first: int
    last: int
    cells: np.ndarray  # (rows, cols) bool
    complete: bool

    @property
    def n_frames(self) -> int:
        return self.last - self.first + 1


def split_steps(rec: PressureRecording) -> tuple[list[Contact], list[str]]:
    """The steps of ``rec`` in time order, and notes on what was left out.

    A single picture (a CSV grid) is one complete step.
    """
    frames = np.nan_to_num(rec.frames_kpa, nan=0.0)
    sensor = rec.sensor
    if rec.n_frames == 1:
        return [Contact(0, 0, (frames[0] > 0) & sensor, True)], []
    notes: list[str] = []
    runs = _runs(frames.sum(axis=(1, 2)))
    contacts: list[Contact] = []
    for a, b in runs:
        if rec.in_shoe or rec.cell_mm is None:
            contacts.append(Contact(a, b, sensor, a > 0 and b < rec.n_frames - 1))
            continue
        for cells in _prints(frames[a : b + 1].max(axis=0) > 0, rec.cell_mm):
            load = frames[a : b + 1, cells].sum(axis=1)
            for pa, pb in _runs(load):
                contacts.append(Contact(a + pa, a + pb, cells, a + pa > 0 and a + pb < rec.n_frames - 1))
    kept = []
    lo, hi = STEP_S_RANGE
    dt = rec.frame_s or 0.0
    for c in sorted(contacts, key=lambda c: c.first):
        t = c.n_frames * dt
        if t < lo:
            notes.append(f"a contact of {t:.2f} s at {c.first * dt:.2f} s is too short for a step; left out")
        elif t > hi:
            notes.append(f"a contact of {t:.1f} s at {c.first * dt:.2f} s is standing, not a step; left out")
        else:
            kept.append(c)
    return kept, notes


def _runs(load: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) frames of each run with ``load`` above the contact share of its peak."""
    peak = float(load.max())
    if peak <= 0:
        return []
    on = load > CONTACT_SHARE * peak
    edges = np.diff(np.concatenate([[0], on.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _prints(loaded: np.ndarray, cell_mm: tuple[float, float]) -> list[np.ndarray]:
    """The separate prints among ``loaded`` cells, as masks, largest first."""
    from scipy import ndimage

    reach = (max(1, math.ceil(PRINT_GAP_MM / 2 / cell_mm[0])), max(1, math.ceil(PRINT_GAP_MM / 2 / cell_mm[1])))
    grown = ndimage.binary_dilation(loaded, structure=np.ones((2 * reach[0] + 1, 2 * reach[1] + 1), dtype=bool))
    labels, n = ndimage.label(grown)
    masks = [loaded & (labels == k) for k in range(1, n + 1)]
    sizes = [int(m.sum()) for m in masks]
    if not sizes:
        return []
    big = max(sizes)
    return [m for m, s in sorted(zip(masks, sizes, strict=True), key=lambda t: -t[1]) if s >= MIN_PRINT_SHARE * big]


__all__ = ["Contact", "split_steps", "CONTACT_SHARE", "STEP_S_RANGE", "PRINT_GAP_MM"]
