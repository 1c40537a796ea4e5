"""What a batch's output folder holds: complete case folders, and the hidden leftovers of a
stopped one (shared by the batch tests, local and on a cluster)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def assert_complete(folder: Path) -> dict:
    """``folder`` holds its manifest and exactly the files it lists, each with its SHA-256."""
    manifests = list(folder.glob("*-manifest.json"))
    assert len(manifests) == 1, sorted(p.name for p in folder.iterdir())
    m = json.loads(manifests[0].read_text("utf-8"))
    assert {p.name for p in folder.iterdir()} == set(m["outputs"]) | {manifests[0].name}, folder
    for name, digest in m["outputs"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, (folder, name)
    return m


def visible(out: Path) -> list[str]:
    """The case folders of ``out``, each checked complete."""
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) if out.exists() else []
    for name in names:
        assert_complete(out / name)
    return names


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith(".orthofit-")) if out.exists() else []
