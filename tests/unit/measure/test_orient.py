"""Orienting real foot scans (orthofit.measure.orient): the foot axis along x, the floor at
z = 0, the side read from the foot, in any pose."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import trimesh

from helpers.repo import REAL_SCANS
from orthofit.measure.orient import orient_scan
from orthofit.model.enums import Side

# the real scans of ../shared/data/scans (the session's ``real_scans``)
pytestmark = pytest.mark.shared_data


@pytest.mark.parametrize("key", list(REAL_SCANS))
def test_real_scans_orient(real_scans, key):
    s = real_scans[key]
    o = orient_scan(s)
    expected = Side(REAL_SCANS[key][1])
    assert o.side is expected and o.side_from_scan is expected
    v = o.vertices
    assert v[:, 0].min() == pytest.approx(0.0, abs=1e-6)
    assert 255 <= np.ptp(v[:, 0]) <= 285
    if key.startswith("dupontgu"):
        assert o.floor == "flat contact" and o.flat_contact_mm2 > 10000
        # z = 0 is the glass: the middle of the flat contact, a scanner's noise either side
        assert -1.0 < v[:, 2].min() < 0.0
        assert np.median(v[v[:, 2] < 1.0, 2]) == pytest.approx(0.0, abs=0.3)
        assert np.ptp(v[:, 2]) == pytest.approx(99.4, abs=1.5)  # cut about 100 mm above the floor
    else:
        assert o.floor == "support plane"  # not weight-bearing: no flat contact
        assert v[:, 2].min() == pytest.approx(0.0, abs=1e-6)  # resting on its lowest point
    # mirrored, it is the other foot
    m = orient_scan(replace(s, vertices=s.vertices * np.array([1, -1, 1]), faces=s.faces[:, ::-1]))
    assert m.side is expected.other


def test_given_side_wins_and_a_disagreement_is_reported(real_scans):
    o = orient_scan(real_scans["dupontgu-left"], side=Side.RIGHT)
    assert o.side is Side.RIGHT and o.side_from_scan is Side.LEFT
    assert any("looks like a left foot" in n for n in o.notes)


@pytest.mark.parametrize("seed", range(4))
def test_any_pose(real_scans, seed):
    """A real scan turned and moved anywhere orients to the same foot."""
    rng = np.random.default_rng(seed)
    s = real_scans["dupontgu-right"]
    R = trimesh.transformations.random_rotation_matrix(rng.random(3))[:3, :3]
    moved = replace(s, vertices=s.vertices @ R.T + rng.uniform(-500, 500, 3))
    a, b = orient_scan(s), orient_scan(moved)
    assert b.side is Side.RIGHT
    assert np.ptp(b.vertices[:, 0]) == pytest.approx(np.ptp(a.vertices[:, 0]), abs=1.0)
    assert np.ptp(b.vertices[:, 2]) == pytest.approx(np.ptp(a.vertices[:, 2]), abs=1.0)


@pytest.mark.parametrize("key", list(REAL_SCANS))
def test_each_side_cue_keeps_its_vote_on_a_subdivided_copy(real_scans, key):
    """The cues are read from the surface (points near an extreme, not one vertex), so the
    same surface with 4 and 16 times the triangles votes the same and leans within 5 mm."""
    s = real_scans[key]
    o = orient_scan(s)
    v, f = s.vertices, s.faces
    for _ in range(2):
        v, f = trimesh.remesh.subdivide(v, f)
        d = orient_scan(replace(s, vertices=v, faces=f))
        assert [c.vote for c in d.side_cues] == [c.vote for c in o.side_cues]
        assert all(abs(a.lean_mm - b.lean_mm) < 5.0 for a, b in zip(o.side_cues, d.side_cues, strict=True))
        assert (d.side, d.side_certain) == (o.side, o.side_certain)


def test_cues_that_disagree_make_the_side_uncertain_and_the_notes_ask_for_it(real_scans):
    """A right foot whose dorsum peaks laterally: the dorsum says left, the ball line and the
    longest toe say right, the flat sole's arch abstains; one vote's lead is not enough."""
    from helpers.synthetic import synthetic_foot

    foot = synthetic_foot(262, 101, 68, dorsum_medial=False)
    o = orient_scan(replace(real_scans["dupontgu-right"], vertices=foot.vertices, faces=foot.faces))
    votes = {c.name: c.vote for c in o.side_cues}
    assert votes == {"plantar arch": 0, "dorsum": -1, "ball line": 1, "longest toe": 1}
    assert not o.side_certain  # no side leans far enough to be taken as read
    note = next(n for n in o.notes if n.startswith("side read as"))
    assert "the side is uncertain: give --side" in note
    assert all(f"{name} says" in note for name, vote in votes.items() if vote)  # each vote, with its lean
    assert "plantar arch abstains" in note
    certain = orient_scan(real_scans["dupontgu-left"])
    assert certain.side_certain and "uncertain" not in " ".join(certain.notes)


def test_the_wrong_side_note_names_the_cues_that_said_so(real_scans):
    o = orient_scan(real_scans["dupontgu-left"], side=Side.RIGHT)
    note = next(n for n in o.notes if "looks like a left foot" in n)
    said = [c.name for c in o.side_cues if c.vote == -1]
    assert said and f"by its {', '.join(said)})" in note and "arch is on that side" not in note
