"""Writing output files (orthofit.io.output): all or nothing."""

from __future__ import annotations

import pytest


def test_write_failure_midway_leaves_no_file(tmp_path, monkeypatch):
    """If writing the second file fails, the first is not left behind either."""
    import os

    from orthofit.errors import OutputError
    from orthofit.io.output import write_files

    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OutputError, match="No space left"):
        write_files(tmp_path, {"a.stl": b"1", "b.3mf": b"2"})
    monkeypatch.setattr(os, "replace", real_replace)
    assert calls and list(tmp_path.iterdir()) == []
