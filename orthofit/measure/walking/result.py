"""Every foot of one recording file, analysed, with their asymmetry."""

from __future__ import annotations

from dataclasses import dataclass

from orthofit.io.pressure.recording import PressureRecording
from orthofit.measure.walking.analysis import WalkAnalysis, analyse_recording
from orthofit.measure.walking.compare import RegionAsymmetry, asymmetry
from orthofit.model.enums import Side


@dataclass(frozen=True)
class PressureResult:
    """Every foot found in one file, analysed, and their asymmetry when both are there."""

    recordings: tuple[PressureRecording, ...]
    feet: tuple[WalkAnalysis, ...]
    asymmetry: tuple[RegionAsymmetry, ...]

    def foot(self, side: Side) -> WalkAnalysis | None:
        return next((a for a in self.feet if a.side is side), None)


def analyse_file(recordings: tuple[PressureRecording, ...], side: Side | None = None) -> PressureResult:
    """Analyse each recording read from one file; with ``side``, keep that foot (when found)."""
    feet = [a for rec in recordings for a in analyse_recording(rec, side)]
    by_side: dict[Side, WalkAnalysis] = {}
    for a in feet:
        by_side.setdefault(a.side, a)
    both: tuple[RegionAsymmetry, ...] = ()
    if Side.LEFT in by_side and Side.RIGHT in by_side:
        both = asymmetry(by_side[Side.LEFT], by_side[Side.RIGHT])
    if side is not None:
        feet = [a for a in feet if a.side is side] or feet
    return PressureResult(recordings, tuple(feet), both)


__all__ = ["PressureResult", "analyse_file"]
