"""Approve and order (issue 13): approving freezes the prescription and the files with their
SHA-256; the exported visit gives byte-identical files from the command line; the order moves
draft -> approved -> sent to lab -> printed -> delivered, each step by the roles allowed; the
lab sees its queue; upgrading the schema keeps every record."""

from __future__ import annotations

import hashlib
import io
import re
import shlex
import zipfile

from fastapi.testclient import TestClient

from helpers.app import login, visit_of


def test_approval_freezes_files_that_the_command_line_makes_byte_for_byte(app, clinician, cli, tmp_path, monkeypatch):
    client, token = clinician
    visit = visit_of(client, "Thomas Okafor")  # flat, pronated: rules change several parameters
    r = client.post(f"{visit}/preview", data={"csrf": token, "profile": "neutral", "p.arch_height_mm": "14"})
    assert r.status_code == 200 and "arch_height_mm = 14: set by the clinician" in r.text
    # a choice (issue 15) travels like a number: the shoe type the clinician picked
    form = {"csrf": token, "profile": "neutral", "p.arch_height_mm": "14", "p.shoe": "athletic", "p.length": ""}
    r = client.post(f"{visit}/approve", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get(visit).text
    assert "approved" in page and 'title="--set arch_height_mm=14">Arch support height: 14<' in page
    assert 'title="--set shoe=athletic">Shoe type: athletic<' in page
    files = dict(re.findall(r'<a href="/files/([0-9a-f]{64})" download="([^"]+)"', page))
    assert len(files) == 10, (
        files
    )  # assessment, 2 STL, 2 plain 3MF, 2 PrusaSlicer projects, report, lab sheet, manifest
    app_files = {}
    for sha, name in files.items():
        data = client.get(f"/files/{sha}").content
        assert hashlib.sha256(data).hexdigest() == sha
        app_files[name] = data
    # Frozen: no more previews or approvals.
    assert client.post(f"{visit}/preview", data={"csrf": token, "profile": "sport"}).status_code == 409
    assert client.post(f"{visit}/approve", data={"csrf": token, "profile": "sport"}).status_code == 409
    # The export and its command give the same bytes.
    with zipfile.ZipFile(io.BytesIO(client.get(f"{visit}/export.zip").content)) as z:
        z.extractall(tmp_path)
    command = (tmp_path / "command.txt").read_text().strip()
    assert (
        command.startswith("orthofit fit case.toml --out out --profile neutral")
        and "--set arch_height_mm=14" in command
        and "--set shoe=athletic" in command
    )
    monkeypatch.chdir(tmp_path)
    r = cli(*shlex.split(command)[1:])
    assert r.code == 0, r
    made = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    assert made.keys() == app_files.keys()
    for name in made:
        assert made[name] == app_files[name], f"{name} differs from the app's"


def test_the_design_page_offers_the_construction_and_shoe_and_a_preview_builds_a_shell(app, clinician):
    """Issue 15 in the app: the design page's choices (length, construction, shoe type) with
    the rule's choice first; a shell chosen there is built and named as the clinician's; a
    choice that is not one of the listed is refused in one line, not built."""
    client, token = clinician
    visit = visit_of(client, "Aiko Tanaka")  # a draft: previews do not change it
    page = client.get(f"{visit}/design").text
    for name, options in (("length", ("full", "sulcus", "3/4")), ("construction", ("full-contact", "shell", "lattice")),
                          ("shoe", ("athletic", "everyday", "dress", "boot"))):  # fmt: skip
        select = re.search(rf'<select name="p.{name}">(.*?)</select>', page, re.S)
        assert select, name
        assert re.findall(r'<option value="([^"]*)"', select.group(1)) == ["", *options]
    r = client.post(f"{visit}/preview", data={"csrf": token, "profile": "neutral", "p.construction": "shell"})
    assert r.status_code == 200 and "construction = shell: set by the clinician" in r.text, r.text[:2000]
    assert '"construction": "shell"' in r.text.replace("&#34;", '"')  # the viewer's rule labels read it
    r = client.post(f"{visit}/preview", data={"csrf": token, "profile": "neutral", "p.construction": "clog"})
    assert r.status_code == 200 and 'role="alert">construction = &#39;clog&#39; is not valid' in r.text
    assert "stl-data" not in r.text


def test_the_order_moves_by_role_and_the_lab_sees_its_queue(app, clinician):
    client, token = clinician
    visit = visit_of(client, "Maria Jensen")
    assert (
        client.post(f"{visit}/approve", data={"csrf": token, "profile": "neutral"}, follow_redirects=False).status_code
        == 303
    )
    assert (
        client.post(f"{visit}/advance", data={"csrf": token, "to": "printed"}).status_code == 409
    )  # not the next step
    assert (
        client.post(f"{visit}/advance", data={"csrf": token, "to": "sent to lab"}, follow_redirects=False).status_code
        == 303
    )
    assert client.post(f"{visit}/advance", data={"csrf": token, "to": "printed"}).status_code == 403  # the lab prints
    lab = TestClient(app)
    lab_token = login(lab, "lab", "demo-lab-user")
    queue = lab.get("/lab").text
    assert "Maria Jensen" in queue and "sent to lab" in queue and ".3mf" in queue
    assert lab.post(f"{visit}/approve", data={"csrf": lab_token, "profile": "neutral"}).status_code in (403, 409)
    r = lab.post(f"{visit}/advance", data={"csrf": lab_token, "to": "printed", "back": "/lab"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/lab"
    assert (
        client.post(f"{visit}/advance", data={"csrf": token, "to": "delivered"}, follow_redirects=False).status_code
        == 303
    )
    assert "delivered" in client.get(visit).text and "Maria Jensen" not in lab.get("/lab").text


def test_another_clinic_cannot_approve_or_move_an_order(app, clinician, stranger):
    client, _ = clinician
    other, other_token = stranger
    visit = visit_of(client, "Aiko Tanaka")
    for path in (f"{visit}/approve", f"{visit}/advance", f"{visit}/preview"):
        assert (
            other.post(path, data={"csrf": other_token, "profile": "neutral", "to": "sent to lab"}).status_code == 404
        )
    assert other.get(f"{visit}/export.zip").status_code == 404


def test_upgrading_the_schema_keeps_every_record(tmp_path):
    from alembic import command
    from sqlalchemy import create_engine, text

    from orthofit.app.database import alembic_config, upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0001")  # a database made by the first release of the app
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("insert into clinics (id, name) values (1, 'Old clinic')"))
        c.execute(
            text(
                "insert into users (id, clinic_id, username, password_hash, role) values (1, 1, 'u', 'x', 'clinician')"
            )
        )
        c.execute(text("insert into patients (id, clinic_id, code, name) values (1, 1, 'P-1', 'Old Patient')"))
        c.execute(
            text(
                "insert into visits (id, patient_id, visit_date, case_toml, profile, status, created_by) "
                "values (1, 1, '2026-01-05', '[patient]', 'sport', 'draft', 1)"
            )
        )
    upgrade(url)
    with engine.connect() as c:
        row = c.execute(
            text(
                "select p.name, v.profile, v.case_toml, v.overrides_json, v.approved_at "
                "from visits v join patients p on p.id = v.patient_id"
            )
        ).one()
    assert tuple(row) == ("Old Patient", "sport", "[patient]", "{}", None)


def test_a_visit_exports_as_a_fhir_r4_bundle(clinician):
    from fhir.resources.R4B.bundle import Bundle

    client, _ = clinician
    visit = visit_of(client, "Jonas Berg")
    r = client.get(f"{visit}/fhir.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate_json(r.content)
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert kinds.count("Patient") == 1 and kinds.count("DeviceRequest") == 2 and "Observation" in kinds
    requests = [e.resource for e in bundle.entry if e.resource.get_resource_type() == "DeviceRequest"]
    assert {q.status for q in requests} == {"draft"}  # not approved yet


def test_a_reorder_says_whether_its_files_equal_the_originals_and_visits_compare(clinician):
    client, token = clinician
    visit = visit_of(client, "Ruth Okafor")
    form = {"csrf": token, "profile": "neutral", "p.heel_cup_depth_mm": "16", "p.shoe": "boot"}
    assert client.post(f"{visit}/approve", data=form, follow_redirects=False).status_code == 303
    r = client.post(f"{visit}/reorder", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    again = r.headers["location"]
    page = client.get(again).text
    assert "every file is identical to the originals" in page and ">Heel cup depth: 16<" in page
    assert ">Shoe type: boot<" in page  # a choice is re-ordered like a number
    assert "identical to the originals" not in client.get(again).text  # said once
    pid = re.search(r'href="/patients/(\d+)">Ruth Okafor', client.get("/patients").text).group(1)
    a, b = visit.rsplit("/", 1)[1], again.rsplit("/", 1)[1]
    cmp = client.get(f"/patients/{pid}/compare", params={"a": a, "b": b}).text
    assert "left.heel_cup_depth_mm" in cmp and 'class="changed"' not in cmp  # the same prescription
    # A draft visit with another measure: the change is marked.
    r = client.get(f"/patients/{pid}/visits/new")
    values = dict(re.findall(r'name="([^"]+)" inputmode="decimal" value="([^"]*)"', r.text))
    values.update({"csrf": token, "right.foot_length_mm": "250"})
    r = client.post(f"/patients/{pid}/visits", data=values, follow_redirects=False)
    assert r.status_code == 303, r.text
    c = r.headers["location"].rsplit("/", 1)[1]
    cmp = client.get(f"/patients/{pid}/compare", params={"a": a, "b": c}).text
    assert re.search(r'<tr class="changed"><th scope="row">Right: Foot length</th>', cmp)
    assert client.post(f"/visits/{c}/reorder", data={"csrf": token}).status_code == 409  # a draft
