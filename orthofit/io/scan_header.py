"""The checks of a scan file that need no numpy: its format, whether a binary STL's size
matches its header, and the triangle limit read from that header.

Kept apart from :mod:`orthofit.io.scan_file` (which reads the mesh with numpy) so that
``orthofit scan`` refuses a file over the limit before importing numpy, a third of a fresh
process (:func:`refuse_over_limit`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from orthofit.config.limits import MAX_FILE_BYTES, MAX_SCAN_TRIANGLES
from orthofit.errors import UserError


class ScanError(UserError):
    """A scan file cannot be read, is empty or corrupt, or is not measurable."""


FORMATS = (".stl", ".obj", ".ply")


def is_binary_stl(data: bytes) -> bool:
    """Whether the size matches the triangle count in the header (as trimesh decides too)."""
    return len(data) >= 84 and len(data) == 84 + 50 * int.from_bytes(data[80:84], "little")


def check_stl(data: bytes, path: Path) -> None:
    """A binary STL's size must match the triangle count in its header; anything else must be
    ASCII text. Checked here so that the message does not depend on trimesh's optional
    text-encoding detectors.
    """
    if is_binary_stl(data):
        return
    if data[:5].lower() != b"solid":
        if len(data) >= 84:
            # No figure from the header is printed: a file that is not an STL at all (a link
            # to some other file) would have its bytes shown as a "triangle count".
            raise ScanError(
                f"{path} is not a binary STL or is truncated (its size does not match the triangle "
                "count in its header): export it again"
            )
        raise ScanError(f"{path} is too short to be an STL file: export it again")
    try:
        data.decode("ascii")
    except UnicodeDecodeError:
        raise ScanError(f"{path} starts like a text STL but is not text: it is corrupt; export it again") from None


def check_triangle_count(n: int, path: Path) -> None:
    if n > MAX_SCAN_TRIANGLES:
        raise ScanError(
            f"{path} has {n:,} triangles; a scan may have at most {MAX_SCAN_TRIANGLES:,} (see 'Input limits' in "
            "the README): decimate it in the scanner software (0.5-1 mm detail is plenty)"
        )


def refuse_over_limit(path: str | Path) -> None:
    """Refuse a binary STL whose header promises more than :data:`MAX_SCAN_TRIANGLES`
    triangles, from its size and its first 84 bytes, with the error
    :func:`orthofit.io.scan_file.load_scan` would raise; any other file passes (load_scan
    checks it fully).
    """
    path = Path(path)
    if path.suffix.lower() != ".stl":
        return
    try:
        with open(path, "rb", buffering=0) as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES["scan"]:
                return
            header = fh.read(84)
    except OSError:
        return
    if len(header) == 84:
        n = int.from_bytes(header[80:84], "little")
        if st.st_size == 84 + 50 * n:
            check_triangle_count(n, path)
