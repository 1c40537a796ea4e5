"""The shipped print settings (profiles/print/*.toml, one printer family each), the PrusaSlicer
.ini generated from them, and how an insole's 3MF carries them."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest

from helpers.repo import EXAMPLES, ROOT
from helpers.steps import assess_case, settings
from orthofit.config import print_profile as pp
from orthofit.export.files import SLICER_PROJECT_PATH
from orthofit.io.case_file import load_case
from orthofit.model.enums import Side
from orthofit.pipeline.insoles import make_insoles


@pytest.mark.parametrize("name", [pp.INSOLE_PRINT_PROFILE, pp.SHELL_PRINT_PROFILE])
def test_a_shipped_profile_reads_as_prusaslicer_settings(name):
    profile = pp.print_profile(name)
    keys = [k for k, _ in profile.settings]
    assert len(keys) == len(set(keys)) > 20  # each set once
    assert profile.value("layer_height") == "0.2" and profile.value("bed_shape") == "0x0,300x0,300x300,0x300"
    assert float(profile.value("filament_density")) > 1.0  # or PrusaSlicer reports no mass
    config = pp.slicer_project_config(profile)
    assert config.splitlines()[0] == f"; orthofit print profile {name}"
    assert all(line.startswith("; ") for line in config.splitlines() if line)


def test_the_insole_profile_is_tpu_and_the_shell_profile_is_rigid():
    assert pp.print_profile(pp.INSOLE_PRINT_PROFILE).value("filament_type") == "FLEX"
    assert pp.print_profile(pp.SHELL_PRINT_PROFILE).value("filament_type") in {"PLA", "PETG"}


def test_a_missing_or_malformed_profile_is_an_error(tmp_path, monkeypatch):
    with pytest.raises(pp.PrintProfileError, match="no print profile 'nylon'"):
        pp.print_profile("nylon")
    (tmp_path / "print").mkdir()
    good = (ROOT / "profiles" / "print" / "tpu-95a-insole.toml").read_text()
    monkeypatch.setattr(pp, "profiles_dir", lambda: tmp_path)
    bad = good.replace('name = "tpu-95a-insole"', 'name = "bad"')
    for text, match in [
        ("layer_height = 0.2\nthis is not toml\n", "malformed"),
        (bad.replace("walls = 2\n", ""), "walls"),
        (bad.replace('"fdm"', '"resin"'), "process"),
        (bad.replace('skirts = "1"', "skirts = 1"), "skirts"),
        (bad.replace('skirts = "1"', 'skirts = "1\\n; x = 1"'), "skirts"),
        (good, "differs from the file's name"),
    ]:
        (tmp_path / "print" / "bad.toml").write_text(text)
        pp.print_profile.cache_clear()
        with pytest.raises(pp.PrintProfileError, match=match):
            pp.print_profile("bad")
    pp.print_profile.cache_clear()


@pytest.mark.parametrize("name", [pp.INSOLE_PRINT_PROFILE, pp.SHELL_PRINT_PROFILE])
def test_the_shipped_ini_is_generated_from_the_family_data(name):
    """One place per printer family: the .ini a lab loads for the STL is the TOML's PrusaSlicer
    settings (regenerate with ``python -m orthofit.config.print_profile``)."""
    shipped = (ROOT / "profiles" / "print" / f"{name}.ini").read_text(encoding="utf-8")
    assert shipped == pp.prusa_ini(pp.print_profile(name)), "run python -m orthofit.config.print_profile"


@pytest.mark.parametrize("name", [pp.INSOLE_PRINT_PROFILE, pp.SHELL_PRINT_PROFILE])
def test_every_slicers_settings_come_from_the_same_family_data(name):
    p = pp.print_profile(name)
    prusa, orca, cura = dict(pp.prusa_settings(p)), dict(pp.orca_settings(p)), pp.cura_settings(p)
    assert prusa["layer_height"] == orca["layer_height"] == f"{p.layer_height_mm:g}"
    assert prusa["perimeters"] == orca["wall_loops"] == cura["wall_line_count"] == str(p.walls)
    assert prusa["top_solid_layers"] == orca["top_shell_layers"] == cura["top_layers"] == str(p.top_layers)
    assert prusa["bottom_solid_layers"] == orca["bottom_shell_layers"] == cura["bottom_layers"]
    assert prusa["fill_density"] == orca["sparse_infill_density"] == f"{cura['infill_sparse_density']}%"
    assert prusa["fill_pattern"] == orca["sparse_infill_pattern"] == cura["infill_pattern"] == "gyroid"
    assert prusa["filament_density"] == orca["filament_density"][0] == f"{p.density_g_cm3:g}"
    assert prusa["nozzle_diameter"] == orca["nozzle_diameter"][0] == "0.4"


def test_an_insole_3mf_carries_its_print_profile():
    case = load_case(EXAMPLES / "normal-adult.toml")
    out = make_insoles(assess_case(case), settings(), [Side.RIGHT])[0]
    (name,) = [n for n in out.files if n.endswith(".prusa.3mf")]
    with zipfile.ZipFile(BytesIO(out.files[name])) as z:
        config = z.read(SLICER_PROJECT_PATH).decode()
        model = z.read("3D/3dmodel.model").decode()
    assert config == pp.slicer_project_config(pp.print_profile(pp.INSOLE_PRINT_PROFILE))
    assert 'name="orthofit:print_profile">tpu-95a-insole' in model
