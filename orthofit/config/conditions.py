"""The conditions a clinician can record per foot (``[left] conditions = [...]``), as data.

They live in ``orthofit/data/conditions.toml`` so that an insole feature that acts on a
diagnosis (medial knee osteoarthritis, hallux rigidus) adds it there, not in the case reader.
"""

from __future__ import annotations

import tomllib
from importlib import resources


def _load() -> dict[str, str]:
    text = resources.files("orthofit").joinpath("data", "conditions.toml").read_text(encoding="utf-8")
    return {name: table["text"] for name, table in tomllib.loads(text).items()}


#: Condition name -> how the reasons and the report name it.
CONDITIONS: dict[str, str] = _load()
