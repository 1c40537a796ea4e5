"""Loading a 3D foot scan (STL, OBJ, PLY) into millimetres, with every failure explained.

trimesh is never allowed to guess units: it reads words in the file name as units
("foot_scan.stl" becomes feet) and scales silently (engineering.md §2). The file is handed to
it as bytes with only its format, and units come from the user or, failing that, from the one
unit that makes the scan a plausible foot, which is reported.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import UserError
from .tomlfile import read_bytes


class ScanError(UserError):
    """A scan file cannot be read, is empty or corrupt, or is not measurable."""


#: Millimetres per unit.
UNITS_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4}
#: The longest extent of a foot scan (a foot, possibly with some leg), mm [D].
PLAUSIBLE_EXTENT_MM = (80.0, 700.0)
#: A typical adult foot scan's longest extent, to choose between two plausible units [D].
TYPICAL_EXTENT_MM = 270.0
FORMATS = (".stl", ".obj", ".ply")


@dataclass(frozen=True)
class LoadedScan:
    """A scan in mm, as it came (any pose): vertices (n, 3) float, faces (m, 3) int."""

    vertices: np.ndarray
    faces: np.ndarray
    units: str
    units_inferred: bool
    notes: tuple[str, ...]      # unit inference, repairs
    source: str


def load_scan(path: str | Path, units: str | None = None) -> LoadedScan:
    """Read a scan and convert it to millimetres.

    Parameters
    ----------
    units : {"mm", "cm", "m", "in"}, optional
        The file's unit. When omitted it is inferred from the scan's size and reported.

    Raises
    ------
    ScanError
        Missing, empty, unreadable, truncated or corrupt file; NaN coordinates; no triangles;
        a size that no unit makes a foot.
    """
    import trimesh

    path = Path(path)
    if units is not None and units not in UNITS_MM:
        raise ScanError(f"units {units!r} are not known; use one of {', '.join(UNITS_MM)}")
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ScanError(f"{path}: a scan must be an STL, OBJ or PLY file (not {suffix or 'no extension'})")
    data = read_bytes(path, "scan", ScanError)
    if not data.strip():
        raise ScanError(f"{path} is empty; export the scan again from the scanner software")
    if suffix == ".stl":
        _check_stl(data, path)
    try:
        # process=False: trimesh's processing silently drops NaN vertices and their faces,
        # which would hide a corrupt file; vertices are merged below, after the check.
        mesh = trimesh.load(io.BytesIO(data), file_type=suffix[1:], force="mesh", process=False)
    except Exception:  # trimesh raises many kinds (ValueError, IndexError, struct.error...)
        raise ScanError(f"{path} is not a readable {suffix[1:].upper()} mesh; it may be truncated or "
                        "corrupt: export it again") from None
    if not isinstance(mesh, trimesh.Trimesh) or len(mesh.faces) == 0:
        raise ScanError(f"{path} holds no triangles (an empty or unreadable {suffix[1:].upper()} file); "
                        "export the scan again as a mesh")
    vertices = np.asarray(mesh.vertices, dtype=float)
    if not np.isfinite(vertices).all():
        raise ScanError(f"{path} has invalid (NaN or infinite) coordinates; export the scan again")
    mesh.merge_vertices()
    if len(mesh.faces) < 100:
        raise ScanError(f"{path} has only {len(mesh.faces)} triangles: too coarse to measure a foot")
    notes: list[str] = []
    extent = float(np.ptp(vertices, axis=0).max())
    if units is None:
        units, note = _infer_units(extent, path)
        notes.append(note)
        inferred = True
    else:
        inferred = False
        size = extent * UNITS_MM[units]
        if not PLAUSIBLE_EXTENT_MM[0] <= size <= PLAUSIBLE_EXTENT_MM[1]:
            hint = _infer_units_or_none(extent)
            fix = f"; it looks like {hint}: use --units {hint}" if hint else ""
            raise ScanError(f"{path} is {size:.6g} mm long in {units}, not a foot{fix}")
    mesh.apply_scale(UNITS_MM[units])
    notes.extend(_mend(mesh))
    return LoadedScan(np.asarray(mesh.vertices, dtype=float), np.asarray(mesh.faces, dtype=np.int64),
                      units, inferred, tuple(notes), str(path))


def _check_stl(data: bytes, path: Path) -> None:
    """A binary STL's size must match the triangle count in its header; anything else must be
    ASCII text. Checked here so that the message does not depend on trimesh's optional
    text-encoding detectors."""
    if len(data) >= 84:
        n = int.from_bytes(data[80:84], "little")
        if len(data) == 84 + 50 * n:
            return
    if data[:5].lower() != b"solid":
        if len(data) >= 84:
            raise ScanError(f"{path} is a truncated or corrupt binary STL ({len(data)} bytes; its header "
                            f"promises {n} triangles, {84 + 50 * n} bytes): export it again")
        raise ScanError(f"{path} is too short to be an STL file: export it again")
    try:
        data.decode("ascii")
    except UnicodeDecodeError:
        raise ScanError(f"{path} starts like a text STL but is not text: it is corrupt; export it again") from None


def _candidates(extent: float) -> list[str]:
    lo, hi = PLAUSIBLE_EXTENT_MM
    return [u for u, f in UNITS_MM.items() if lo <= extent * f <= hi]


def _infer_units_or_none(extent: float) -> str | None:
    c = _candidates(extent)
    return min(c, key=lambda u: abs(math.log(extent * UNITS_MM[u] / TYPICAL_EXTENT_MM))) if c else None


def _infer_units(extent: float, path: Path) -> tuple[str, str]:
    c = _candidates(extent)
    if not c:
        raise ScanError(f"{path}: no unit makes a {extent:.6g}-unit scan the size of a foot; "
                        "check the scan, or give --units")
    best = _infer_units_or_none(extent)
    note = f"units inferred as {best} (the scan is {extent * UNITS_MM[best]:.0f} mm long)"
    others = [u for u in c if u != best]
    if others:
        note += "; " + ", ".join(f"in {u} it would be {extent * UNITS_MM[u]:.0f} mm" for u in others) + \
                ": give --units to be sure"
    return best, note


def _mend(mesh) -> list[str]:
    """Mend small defects and say what was mended."""
    import trimesh

    notes = []
    before = len(mesh.faces)
    mesh.update_faces(mesh.nondegenerate_faces())
    mesh.remove_unreferenced_vertices()
    if len(mesh.faces) < before:
        notes.append(f"{before - len(mesh.faces)} degenerate triangles removed")
    if not mesh.is_winding_consistent:
        trimesh.repair.fix_winding(mesh)
        notes.append("inconsistent triangle winding mended")
    if not mesh.is_watertight:
        open_edges = len(trimesh.grouping.group_rows(mesh.edges_sorted, require_count=1))
        trimesh.repair.fill_holes(mesh)
        if mesh.is_watertight:
            notes.append(f"holes filled ({open_edges} open edges)")
        else:
            notes.append(f"the scan is not closed ({open_edges} open edges); measured as an open surface")
    if mesh.is_watertight and mesh.volume < 0:
        mesh.invert()
        notes.append("inside-out scan turned right side out")
    return notes
