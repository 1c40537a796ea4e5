"""A clinician's visit in the app (issue 13, "What a clinician can do"): a patient, a visit
typed in the form with the command line's messages beside the fields, the assessment, a case
file imported with its scans, the export that the command line reads the same; the schema
under Alembic; the file store swept of orphans on start; ``orthofit serve --create-user``."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from helpers.app import make_app, visit_of
from helpers.repo import EXAMPLES


def _new_patient(client, token, code, name="Ann Example"):
    r = client.post(
        "/patients", data={"csrf": token, "name": name, "code": code, "sex": "female"}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    return r.headers["location"]


def _labels(html: str) -> list[str]:
    return re.findall(r"<strong>([^<]+)</strong>", html)


def test_a_typo_in_a_measurement_shows_the_command_lines_message_beside_it(clinician, cli, tmp_path):
    client, token = clinician
    patient = _new_patient(client, token, "FORM-1")
    form = {
        "csrf": token,
        "age": "41",
        "weight_kg": "70",
        "left.foot_length_mm": "2600",
        "right.foot_length_mm": "262",
        "left.ball_width_mm": "98",
        "right.ball_width_mm": "99",
    }
    r = client.post(f"{patient}/visits", data=form)
    assert r.status_code == 200
    message = re.search(r'<p class="field-error" data-field="left.foot_length_mm">([^<]+)</p>', r.text)
    assert message, "no message beside the left foot length"
    case = tmp_path / "c.toml"
    case.write_text('[patient]\nid = "X"\nage = 41\n[left]\nfoot_length_mm = 2600\n')
    cli_line = cli("assess", case).err.strip().removeprefix("orthofit: error: ")
    assert message.group(1).replace("&#39;", "'") == cli_line
    assert 'value="2600"' in r.text  # what was typed stays in the form
    form["left.foot_length_mm"] = "260"
    r = client.post(f"{patient}/visits", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/visits/")
    page = client.get(r.headers["location"]).text
    assert "Left foot" in page and "Right foot" in page and 'class="alert"' not in page


def test_an_imported_case_with_scans_assesses_as_the_command_line_does(clinician, cli, tmp_path):
    client, token = clinician
    patient = _new_patient(client, token, "SCAN-1", "Scan Person")
    case = EXAMPLES / "scanned-adult.toml"
    files = [("files", ("scanned-adult.toml", case.read_bytes(), "application/toml"))]
    for side in ("left", "right"):
        scan = EXAMPLES / "scans" / f"dupontgu_{side}_foot_m.stl"
        files.append(("files", (scan.name, scan.read_bytes(), "model/stl")))
    r = client.post(f"{patient}/import", data={"csrf": token}, files=files, follow_redirects=False)
    assert r.status_code == 303, r.text
    visit = r.headers["location"]
    page = client.get(visit).text
    assert 'class="alert"' not in page
    # Export: the case file and its scans, laid out as the app keeps them; the command line agrees.
    exported = tmp_path / "case.toml"
    exported.write_bytes(client.get(f"{visit}/case.toml").content)
    for side in ("left", "right"):
        name = f"dupontgu_{side}_foot_m.stl"
        sha = re.search(rf'href="/files/([0-9a-f]{{64}})"[^>]*>{name}', page)
        data = client.get(f"/files/{sha.group(1)}").content if sha else (EXAMPLES / "scans" / name).read_bytes()
        (tmp_path / name).write_bytes(data)
    r = cli("assess", exported, "--json")
    assert r.code == 0, r
    a = json.loads(r.out)
    assert a["patient"]["id"] == "SCAN-1"
    expected = [a["feet"][s][k] for s in ("left", "right") for k in ("arch_type", "pronation")]
    assert _labels(page) == expected


def test_the_schema_is_alembics_and_matches_the_models(tmp_path):
    from alembic import command
    from sqlalchemy import inspect

    from orthofit.app.database import Database, alembic_config, upgrade

    url = f"sqlite:///{tmp_path / 'x.db'}"
    upgrade(url)
    upgrade(url)  # a second upgrade changes nothing
    command.check(alembic_config(url))  # raises if the models differ from the migrations
    tables = set(inspect(Database(url).engine).get_table_names())
    assert {"clinics", "users", "patients", "visits", "visit_files", "files", "alembic_version"} <= tables


def test_orphan_files_are_swept_when_the_app_starts(tmp_path):
    app = make_app(tmp_path)
    store = app.state.store
    orphan = store.put(b"a scan whose visit was never committed")
    (store.root / ".tmp-half-written").write_bytes(b"x")
    kept = [p for p in store.root.rglob("*") if p.is_file() and p.name != orphan[2:]]
    with TestClient(app):
        pass
    assert not store.path(orphan).exists() and not (store.root / ".tmp-half-written").exists()
    assert all(p.exists() for p in kept if not p.name.startswith(".tmp"))


@pytest.mark.parametrize(
    "role, password, code, words",
    [
        ("admin", "a-long-password", 0, "created"),
        ("king", "a-long-password", 2, "role 'king'"),
        ("admin", "short", 2, "at least 10"),
    ],
)
def test_serve_create_user(cli, tmp_path, monkeypatch, role, password, code, words):
    monkeypatch.setenv("ORTHOFIT_PASSWORD", password)
    r = cli("serve", "--data", tmp_path, "--create-user", "boss", role, "Clinic A")
    assert r.code == code, r
    assert words in (r.out + r.err)
    if code == 0:
        r = cli("serve", "--data", tmp_path, "--create-user", "boss", role, "Clinic A")
        assert r.code == 2 and "exists already" in r.err


def test_pages_name_parameters_files_and_units_as_a_clinician_reads_them(clinician):
    from types import SimpleNamespace

    from orthofit.app.visits import feature_label, file_kind, files_in_order, param_label
    from orthofit.config.params import PARAMETERS

    labels = {name: param_label(name) for name in PARAMETERS}
    assert labels["met_pad_height_mm"] == "Metatarsal pad height"
    assert (
        labels["mortons_extension_mm"] == "Morton's extension height"
        and labels["infill_heel_pct"] == "Heel zone infill"
    )
    assert all("_" not in x and x[0].isupper() for x in labels.values()), labels
    assert len(set(labels.values())) == len(labels)  # no two parameters look alike
    assert feature_label("heel_cup") == "Heel cup" and feature_label("reverse_mortons") == "Reverse Morton's extension"
    names = ["X-assessment.json", "X-right.stl", "X-manifest.json", "X-left.stl", "X-report.pdf", "X-left.3mf"]
    names += ["X-left.prusa.3mf", "X-lab-sheet.pdf"]
    ordered = [f.name for f in files_in_order([SimpleNamespace(name=n) for n in names])]
    expected = ("report.pdf", "lab-sheet.pdf", "left.prusa.3mf", "left.3mf", "left.stl", "right.stl")
    expected += ("manifest.json", "assessment.json")
    assert ordered == [f"X-{n}" for n in expected]
    assert file_kind("X-report.pdf") == "Patient report (PDF)" and file_kind("notes.txt") == "notes.txt"
    assert file_kind("X-left.3mf") == "Left insole, 3MF for any slicer"
    assert file_kind("X-left.prusa.3mf").startswith("Left insole, PrusaSlicer project")
    # The assessment's values carry their units, as the command line prints them.
    client, _ = clinician
    page = client.get(visit_of(client, "Aiko Tanaka")).text
    assert re.search(r'<td class="num">\d+\.\d mm</td>', page) and re.search(r'<td class="num">\d+\.\d°</td>', page)


def test_the_visit_form_keeps_a_shop_scanners_girth_and_arch_edge_height(clinician):
    """The case fields a shop scanner's export adds (ball girth, arch edge height) are on the
    form, so a visit typed or edited in the app keeps them in its case file."""
    client, token = clinician
    patient = _new_patient(client, token, "SHOP-1")
    form = {
        "csrf": token,
        "age": "45",
        "left.foot_length_mm": "248",
        "right.foot_length_mm": "250",
        "right.ball_girth_mm": "245",
        "right.arch_edge_height_mm": "18",
    }
    r = client.post(f"{patient}/visits", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    case = client.get(f"{r.headers['location']}/case.toml").text
    assert "ball_girth_mm = 245" in case and "arch_edge_height_mm = 18" in case
