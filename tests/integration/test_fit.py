"""``orthofit fit``: every output, all or nothing, no overwrite without --force, ids that
cannot escape the folder, and a catalogue of bad inputs that leave nothing behind."""

from __future__ import annotations

import functools
import hashlib
import json
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.repo import EXAMPLES, shared_data
from orthofit.config.settings import load_settings
from orthofit.pipeline.fit import fit

MINIMAL = '[patient]\nid = "P-1"\nage = 40\n\n[left]\nfoot_length_mm = 262\n'


def test_fit_writes_every_output_with_a_manifest(cli, tmp_path):
    r = cli("fit", EXAMPLES / "flat-pronated-adult.toml", "--out", tmp_path)
    assert r.code == 0, r.err
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        f"EX-FLAT-{n}"
        for n in (
            *("assessment.json", "left.stl", "left.3mf", "left.prusa.3mf"),
            *("right.stl", "right.3mf", "right.prusa.3mf", "report.pdf", "lab-sheet.pdf", "manifest.json"),
        )
    )
    # The terminal says, per foot, its labels and the insole's main features, and where each file went.
    assert "Left foot: arch planus (by " in r.out and "pronation pronated (by Foot Posture Index" in r.out
    assert "insole (full-contact, full length): arch support 13 mm, heel cup 14 mm, medial heel skive 4 mm" in r.out
    assert f"Written to {tmp_path}:" in r.out and "  EX-FLAT-lab-sheet.pdf" in r.out
    manifest = json.loads((tmp_path / "EX-FLAT-manifest.json").read_text("utf-8"))
    for name, digest in manifest["outputs"].items():
        assert hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() == digest
    ((case_input, digest),) = manifest["inputs"].items()
    assert digest == hashlib.sha256((EXAMPLES / "flat-pronated-adult.toml").read_bytes()).hexdigest()
    assert manifest["orthofit_version"] and manifest["profile"] == "neutral"
    assert set(manifest["insoles"]) == {"left", "right"}
    assert "heel_cup_depth_mm" in manifest["insoles"]["left"]["params"]
    assessment = json.loads((tmp_path / "EX-FLAT-assessment.json").read_text("utf-8"))
    assert assessment["patient"]["id"] == "EX-FLAT"
    assert (tmp_path / "EX-FLAT-report.pdf").read_bytes().startswith(b"%PDF")
    assert manifest["not_needed"] == {}


def test_fit_says_why_a_foot_gets_no_insole_and_how_to_ask_for_one(cli, tmp_path):
    r = cli("fit", EXAMPLES / "child.toml", "--out", tmp_path)
    assert r.code == 0, r.err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"EX-CHILD-{n}" for n in ("assessment.json", "report.pdf", "lab-sheet.pdf", "manifest.json")
    )
    assert r.out.count("no insole: a flexible flat foot is normal development at age 7") == 2
    assert "--profile comfort" in r.out
    manifest = json.loads((tmp_path / "EX-CHILD-manifest.json").read_text("utf-8"))
    assert manifest["insoles"] == {} and set(manifest["not_needed"]) == {"left", "right"}
    r = cli("fit", EXAMPLES / "child.toml", "--out", tmp_path, "--profile", "comfort", "--force")
    assert r.code == 0, r.err
    assert (tmp_path / "EX-CHILD-left.stl").is_file() and "flat comfort insole, made on request" in r.out
    manifest = json.loads((tmp_path / "EX-CHILD-manifest.json").read_text("utf-8"))
    assert manifest["insoles"]["left"]["params"]["arch_height_mm"] == 0 and manifest["not_needed"] == {}


def test_fit_names_the_red_flag_and_its_urgency(cli, tmp_path):
    r = cli("fit", EXAMPLES / "red-flag.toml", "--out", tmp_path)
    assert r.code == 0, r.err
    assert r.out.startswith("REFER FIRST (same-day): foot drop")


@pytest.mark.slow  # three fits: about 2 s
def test_no_overwrite_without_force(cli, tmp_path):
    assert cli("fit", EXAMPLES / "normal-adult.toml", "--out", tmp_path).code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    r = cli("fit", EXAMPLES / "normal-adult.toml", "--out", tmp_path, "--profile", "sport")
    assert r.code == 2 and "--force" in r.err and len(r.err.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    r = cli("fit", EXAMPLES / "normal-adult.toml", "--out", tmp_path, "--profile", "sport", "--force")
    assert r.code == 0, r.err
    assert json.loads((tmp_path / "EX-NORMAL-manifest.json").read_text())["profile"] == "sport"


@pytest.mark.slow  # two fits: over 1 s
def test_fit_from_python_matches_the_command(cli, tmp_path):
    result = fit(EXAMPLES / "asymmetric-adult.toml", load_settings())
    assert cli("fit", EXAMPLES / "asymmetric-adult.toml", "--out", tmp_path).code == 0
    for name, data in result.files.items():
        if name.endswith("manifest.json"):
            continue  # the input path is recorded as given
        assert (tmp_path / name).read_bytes() == data, name
    assert result.assessment.case.patient.id == result.manifest["patient_id"]


@pytest.mark.slow  # two scan-fitted insoles and a report: about 1.5 s
def test_fit_with_scans_records_them_as_inputs(cli, tmp_path):
    r = cli("fit", EXAMPLES / "scanned-adult.toml", "--out", tmp_path)
    assert r.code == 0, r.err
    inputs = json.loads((tmp_path / "EX-SCAN-manifest.json").read_text())["inputs"]
    assert sum(k.endswith(".stl") for k in inputs) == 2


def _write(tmp_path, text: str, name="case.toml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _scan_case(tmp_path, scan_bytes: bytes, extra: str = "") -> str:
    (tmp_path / "foot.stl").write_bytes(scan_bytes)
    return f'[patient]\nid = "S-1"\nage = 40\n\n[left]\nscan = "foot.stl"\n{extra}'


@functools.cache
def scan_bytes() -> bytes:
    """A real scan of ../shared/data (read when a test that needs it runs, not at import)."""
    return shared_data("scans", "dupontgu_left_foot_m.stl").read_bytes()


# (name, how to make the case file in tmp_path -> path, extra args, words in the message)
CATALOGUE = [
    ("missing-file", lambda d: d / "nope.toml", [], ["not found"]),
    ("empty-file", lambda d: _write(d, ""), [], ["patient"]),
    (
        "random-bytes-stl",
        lambda d: _write(d, _scan_case(d, bytes(range(256)) * 40)),
        [],
        ["left.scan", "not a binary STL"],
    ),
    (
        "truncated-stl",
        lambda d: _write(d, _scan_case(d, scan_bytes()[: len(scan_bytes()) // 2])),
        [],
        ["left.scan", "truncated"],
    ),
    (
        "metres-declared-mm",
        lambda d: _write(d, _scan_case(d, scan_bytes(), 'scan_units = "mm"\n')),
        [],
        ["left.scan", "looks like m"],
    ),
    ("nan-in-case", lambda d: _write(d, MINIMAL + "ball_width_mm = nan\n"), [], ["left.ball_width_mm", "finite"]),
    ("unknown-key", lambda d: _write(d, MINIMAL + "foot_lenght_mm = 3\n"), [], ["foot_lenght_mm"]),
    ("out-of-range", lambda d: _write(d, MINIMAL.replace("262", "2620")), [], ["foot_length_mm", "60 to 400"]),
    ("unknown-profile", lambda d: _write(d, MINIMAL), ["--profile", "bogus"], ["bogus"]),
    ("id-with-path", lambda d: _write(d, MINIMAL.replace('"P-1"', '"../../etc/x"')), [], ["patient.id"]),
    ("id-absolute", lambda d: _write(d, MINIMAL.replace('"P-1"', '"/etc/x"')), [], ["patient.id"]),
    ("no-measurements", lambda d: _write(d, '[patient]\nid = "E-1"\nage = 40\n'), [], ["foot_length_mm"]),
    ("bad-set", lambda d: _write(d, MINIMAL), ["--set", "arch_height_mm=99"], ["arch_height_mm"]),
]


#: the catalogue entries that read a real scan of ../shared/data
_SHARED = {"truncated-stl", "metres-declared-mm"}


@pytest.mark.parametrize(
    "name, make, extra, words",
    [pytest.param(*c, id=c[0], marks=[pytest.mark.shared_data] if c[0] in _SHARED else []) for c in CATALOGUE],
)
def test_bad_input_catalogue(cli, tmp_path, name, make, extra, words):
    case = make(tmp_path)
    out = tmp_path / "out"
    r = cli("fit", case, "--out", out, *extra)
    assert r.code == 2, (r.code, r.err)
    assert r.out == "" and "Traceback" not in r.err
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("orthofit: error: "), r.err
    for w in words:
        assert w in r.err, (w, r.err)
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize("kind", ["read-only folder", "a file where the folder should be"])
def test_unwritable_output_folder(cli, tmp_path, kind):
    import os

    out = tmp_path / "out"
    if kind == "read-only folder":
        out.mkdir()
        out.chmod(0o500)
    else:
        out.write_text("a file")
    try:
        r = cli("fit", EXAMPLES / "normal-adult.toml", "--out", out)
    finally:
        if out.is_dir():
            out.chmod(0o700)
    if kind == "read-only folder" and os.geteuid() == 0:
        assert r.code == 0  # root may write anywhere: nothing to refuse
        return
    assert r.code == 2 and "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1
    assert "out" in r.err
    if out.is_dir():
        assert list(out.iterdir()) == []
    else:
        assert out.read_text() == "a file"


@pytest.mark.shared_data
def test_an_inside_out_scan_is_mended_not_refused(cli, tmp_path):
    """Issue 4: small defects such as flipped normals are mended and reported."""
    import numpy as np
    import trimesh

    m = trimesh.load(shared_data("scans", "dupontgu_left_foot_m.stl"))
    flipped = trimesh.Trimesh(m.vertices, np.ascontiguousarray(m.faces[:, ::-1]))
    case = _write(tmp_path, _scan_case(tmp_path, flipped.export(file_type="stl")))
    r = cli("fit", case, "--out", tmp_path / "out")
    assert r.code == 0, r.err
    notes = json.loads((tmp_path / "out" / "S-1-assessment.json").read_text())["feet"]["left"]["notes"]
    assert any("inside-out" in n for n in notes)


def _toml_value(v) -> str:
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v != v:
        return "nan"
    return repr(v)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "foot_length_mm",
                "ball_width_mm",
                "heel_width_mm",
                "dorsal_height_standing_mm",
                "truncated_foot_length_mm",
                "rcsp_deg",
                "navicular_drop_mm",
                "bogus_key",
            ]
        ),
        st.one_of(st.floats(-50, 500), st.just(float("nan")), st.integers(-5, 500), st.text(max_size=5), st.booleans()),
        max_size=5,
    ),
    pid=st.sampled_from(["P-1", "a/b", "..", "ok.id", ""]),
)
def test_fit_contract_on_generated_cases(cli, tmp_path_factory, fields, pid):
    """Valid input gives every file; anything else exit 2, one line, nothing written."""
    d = tmp_path_factory.mktemp("h")
    text = f"[patient]\nid = {json.dumps(pid)}\nage = 40\n\n[left]\n" + "".join(
        f"{k} = {_toml_value(v)}\n" for k, v in fields.items()
    )
    case = _write(d, text)
    out = d / "out"
    code = cli("fit", case, "--out", out).code
    assert code in (0, 2)
    files = sorted(p.name for p in out.iterdir()) if out.exists() else []
    if code == 0:
        # json, stl, 3mf, prusa.3mf, pdf, manifest
        assert len(files) == 6 and any(f.endswith("report.pdf") for f in files)
        tomllib.loads(text)
    else:
        assert files == []
