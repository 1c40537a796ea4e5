"""`orthofit footprint`: a pressure grid's indices, in-process (the ``cli`` fixture)."""

from __future__ import annotations

import json

import pytest

from helpers.repo import shared_data


@pytest.mark.shared_data
def test_footprint_command(cli):
    r = cli("footprint", shared_data("pressure", "MUN104R.csv"), "--pitch", "5", "--json")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert d["side"] == "right" and d["toes"] == "pressure dip"
    assert set(d["footprint_indices"]) == {
        "arch_index",
        "chippaux_smirak_pct",
        "staheli",
        "clarke_angle_deg",
        "cpei_proxy_pct",
    }
    r = cli("footprint", shared_data("pressure", "MUN104R.csv"), "--pitch", "0.5")
    assert r.code == 2 and r.err.startswith("orthofit: error:") and "pitch" in r.err
