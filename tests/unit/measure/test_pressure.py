"""Footprint and pressure grids: the real MUN104 footprint, pictures, orientation, bad files.
(The ``footprint`` command: tests/unit/cli/test_cli_footprint.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from helpers.repo import shared_data
from helpers.steps import assess_case
from orthofit.errors import CaseFileError, FootprintError
from orthofit.io.case_file import load_case
from orthofit.io.grid_file import PressureGrid, load_grid
from orthofit.measure.pressure import analyse_grid
from orthofit.model.enums import Side

PITCH = 5.0  # MUN104: an EMED platform, most likely 5 mm cells (data/README.md)


@pytest.fixture(scope="module")
def mun():
    return {s: load_grid(shared_data("pressure", f"MUN104{s[0].upper()}.csv"), PITCH) for s in ("left", "right")}


@pytest.mark.shared_data
def test_mun104_sides_toes_and_indices(mun):
    left, right = analyse_grid(mun["left"]), analyse_grid(mun["right"])
    assert left.side is Side.LEFT and right.side is Side.RIGHT  # read from the arch
    for g in (left, right):
        assert g.toe_cut == "pressure dip"  # toes cut at the sulcus
        assert 200 <= g.indices.print_length_mm <= 240  # toe-free, 5 mm cells
        assert 0.21 < g.indices.arch_index < 0.26  # a mean of 104 feet: normal band
        assert 25 <= g.indices.chippaux_smirak_pct <= 45
        assert 15 <= g.cpei_proxy_pct <= 35
    # a population mean is left-right symmetric
    assert left.indices.arch_index == pytest.approx(right.indices.arch_index, abs=0.01)
    assert left.cpei_proxy_pct == pytest.approx(right.cpei_proxy_pct, abs=5)


@pytest.mark.shared_data
@pytest.mark.parametrize("k", [1, 2, 3])
def test_any_grid_orientation(mun, k):
    """Turned by 90, 180 or 270 degrees on the plate: same side and indices."""
    base = analyse_grid(mun["right"])
    turned = analyse_grid(PressureGrid(np.rot90(mun["right"].values, k), PITCH, True))
    assert turned.side is Side.RIGHT
    assert turned.indices.arch_index == pytest.approx(base.indices.arch_index, abs=0.01)


@pytest.mark.shared_data
def test_a_mirrored_grid_is_the_other_foot(mun):
    mirrored = analyse_grid(PressureGrid(mun["right"].values[:, ::-1], PITCH, True))
    assert mirrored.side is Side.LEFT
    told = analyse_grid(mun["right"], side=Side.LEFT)
    assert told.side is Side.LEFT and told.side_from_print is Side.RIGHT
    assert any("looks like a right foot" in n for n in told.notes)


@pytest.mark.shared_data
def test_png_picture_of_a_print(mun, tmp_path):
    from PIL import Image

    contact = mun["left"].values > 0
    picture = np.where(contact, 0, 255).astype(np.uint8)[::-1]  # dark print, top row = north
    path = tmp_path / "print.png"
    Image.fromarray(picture).resize((27 * 4, 63 * 4), Image.NEAREST).save(path)
    g = analyse_grid(load_grid(path, PITCH / 4))
    csv = analyse_grid(mun["left"])
    assert g.side is Side.LEFT and g.side is csv.side
    assert g.cpei_proxy_pct is None and any("no CPEI" in n for n in g.notes)
    # a picture has no pressures to find the sulcus, so its Arch Index includes the toes
    assert g.toe_cut == "none found"
    assert g.indices.print_length_mm == pytest.approx(265, abs=10)


@pytest.mark.shared_data
def test_case_file_grid_feeds_the_assessment(tmp_path):
    case = tmp_path / "c.toml"
    case.write_text(
        f'[patient]\nid = "P-1"\nage = 40\n[left]\nfoot_length_mm = 265\n'
        f'footprint_grid = "{shared_data("pressure", "MUN104L.csv")}"\nfootprint_grid_pitch_mm = 5\n'
    )
    a = assess_case(load_case(case))
    assert a.left.indices["arch_index"] == pytest.approx(0.219, abs=0.005)
    assert a.left.indices["cpei_proxy_pct"] is not None
    assert a.left.arch_type.value == "normal" and a.left.arch_type.decided_by.measure == "arch_index"
    assert any("footprint from the grid" in n for n in a.left.notes)


@pytest.mark.parametrize(
    "content, words",
    [
        ("", "empty"),
        ("0,1,2\n0,1\n", "same number of values"),
        ("0,a,2\n", "must be a number"),
        ("0,-1,2\n", "not negative"),
        ("0,0\n0,0\n", "no contact"),
        ("0,nan\n", "finite"),
    ],
)
def test_bad_csv(tmp_path, content, words):
    f = tmp_path / "g.csv"
    f.write_text(content)
    with pytest.raises(CaseFileError, match=words):
        load_grid(f, 5)


@pytest.mark.shared_data
def test_bad_files_and_pitch(tmp_path, mun):
    junk = tmp_path / "g.png"
    junk.write_bytes(bytes(range(256)))
    with pytest.raises(CaseFileError, match="not a readable PNG"):
        load_grid(junk, 5)
    with pytest.raises(CaseFileError, match="not found"):
        load_grid(tmp_path / "missing.csv", 5)
    with pytest.raises(CaseFileError, match=".csv"):
        load_grid(_touch(tmp_path / "g.txt"), 5)
    with pytest.raises(CaseFileError, match="pitch"):
        load_grid(shared_data("pressure", "MUN104L.csv"), 0)
    with pytest.raises(FootprintError, match="pixel pitch"):
        analyse_grid(PressureGrid(mun["left"].values, 0.5, True))


def _touch(path):
    path.write_text("1,2\n")
    return path
