"""The house was rebuilt without changing what any example outputs: every example's STL is
byte-identical to the one orthofit 0.1.0 wrote before the rebuild (commit 736211c), whose
SHA-256 are stored in tests/data/example_stl_sha256.json.

(The 3MF and PDF gained the new features' parameters and citations, so they are compared by
content in the feature and report tests, not by hash.)

Changed on purpose since, each by an issue: ``scanned-adult`` (issue 14: its scans are
measured on the surface, and its arch label, which the footprint contradicts, is now
"mixed", so the insole no longer takes the cavus rule's arch fill and lateral support).
"""

from __future__ import annotations

import hashlib
import json

import pytest

from helpers.repo import EXAMPLES, ROOT

STORED = json.loads((ROOT / "tests" / "data" / "example_stl_sha256.json").read_text())
EXAMPLE_NAMES = sorted({key.split("/")[0] for key in STORED})

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_example_stl_bytes_are_unchanged(example, tmp_path, cli):
    r = cli("insole", EXAMPLES / f"{example}.toml", "--out", tmp_path)
    assert r.code == 0, r
    for key, digest in STORED.items():
        if key.startswith(f"{example}/"):
            data = (tmp_path / key.split("/")[1]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest, key
