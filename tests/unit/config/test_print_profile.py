"""The shipped PrusaSlicer print profiles (profiles/print/*.ini) and how an insole's 3MF carries one."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest

from helpers.repo import EXAMPLES
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
    (tmp_path / "print" / "bad.ini").write_text("layer_height = 0.2\nthis is not a setting\n")
    monkeypatch.setattr(pp, "profiles_dir", lambda: tmp_path)
    with pytest.raises(pp.PrintProfileError, match="line 2"):
        pp.print_profile("bad")


def test_an_insole_3mf_carries_its_print_profile():
    case = load_case(EXAMPLES / "normal-adult.toml")
    out = make_insoles(assess_case(case), settings(), [Side.RIGHT])[0]
    (name,) = [n for n in out.files if n.endswith(".prusa.3mf")]
    with zipfile.ZipFile(BytesIO(out.files[name])) as z:
        config = z.read(SLICER_PROJECT_PATH).decode()
        model = z.read("3D/3dmodel.model").decode()
    assert config == pp.slicer_project_config(pp.print_profile(pp.INSOLE_PRINT_PROFILE))
    assert 'name="orthofit:print_profile">tpu-95a-insole' in model
