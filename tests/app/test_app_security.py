"""The app is closed to strangers (issue 13, "Reliable and closed to strangers"): sessions,
clinics, CSRF, escaping, search, file ids, uploads, the login rate limit."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from helpers.app import csrf_of

PUBLIC = {"/login", "/healthz", "/static", "/openapi.json", "/api/"}  # /api/ needs a token instead (below)


def _routes(app, method: str) -> list[str]:
    out = []
    for r in app.routes:
        path = getattr(r, "path", "")
        if method in getattr(r, "methods", set()) and not any(path.startswith(p) for p in PUBLIC):
            out.append(re.sub(r"\{[^}]+\}", "1", path))
    return out


def test_every_page_without_a_session_goes_to_the_login(app, anon):
    paths = _routes(app, "GET")
    assert len(paths) >= 6
    for path in paths:
        r = anon.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path


def test_every_post_needs_a_session_and_a_csrf_token(app, anon, clinician):
    paths = _routes(app, "POST")
    assert len(paths) >= 4
    token = csrf_of(anon.get("/login").text)  # a session with a CSRF token but no user
    client, _ = clinician
    for path in paths:
        if path != "/logout":
            r = anon.post(path, data={"csrf": token}, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
        for data in ({}, {"csrf": "forged"}):  # logged in, without or with a wrong token
            r = client.post(path, data=data, follow_redirects=False)
            assert r.status_code == 403, (path, data, r.status_code)


def test_another_clinics_patient_visit_and_file_are_not_found(app, clinician, stranger):
    own, _ = clinician
    other, _ = stranger
    scanned = re.search(r'href="/patients/(\d+)">Example, scanned', own.get("/patients").text).group(1)
    page = own.get(f"/patients/{scanned}").text
    visit = re.search(r'href="/visits/(\d+)"', page).group(1)
    sha = (
        app.state.db.sessions()
        .execute(__import__("sqlalchemy").text("select sha256 from visit_files limit 1"))
        .scalar()
    )
    assert own.get(f"/files/{sha}").status_code == 200
    for path in (
        f"/patients/{scanned}",
        f"/visits/{visit}",
        f"/visits/{visit}/case.toml",
        f"/files/{sha}",
        f"/patients/{scanned}/visits/new",
    ):
        assert other.get(path).status_code == 404, path
    assert "Example, scanned" not in other.get("/patients").text


@pytest.mark.parametrize("sha", ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "0" * 64, "A" * 64, "x"])
def test_file_ids_cannot_traverse_paths(clinician, sha):
    client, _ = clinician
    assert client.get(f"/files/{sha}").status_code == 404


def test_a_name_with_html_renders_as_text(clinician):
    client, token = clinician
    name = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    r = client.post("/patients", data={"csrf": token, "name": name, "code": "XSS-1", "sex": ""})
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "<img src=x" not in r.text
    assert "&lt;script&gt;alert" in r.text
    assert "&lt;script&gt;" in client.get("/patients?q=script").text


@pytest.mark.parametrize("q", ["%' OR 1=1 --", "'; DROP TABLE patients; --", "_", "%", "\\", '"'])
def test_search_with_sql_metacharacters_finds_only_literal_matches(clinician, q):
    client, _ = clinician
    r = client.get("/patients", params={"q": q})
    assert r.status_code == 200
    names = [html.unescape(n) for n in re.findall(r'<a href="/patients/\d+">([^<]*)</a>', r.text)]
    assert all(q.lower() in n.lower() for n in names), (q, names)
    assert client.get("/patients", params={"q": "Maria"}).status_code == 200  # the table is still there


def test_an_upload_over_the_limit_or_not_a_case_is_refused_in_one_line(clinician):
    client, token = clinician
    page = client.get("/patients?q=Maria").text
    pid = re.search(r'href="/patients/(\d+)"', page).group(1)
    r = client.post(
        f"/patients/{pid}/import", data={"csrf": token}, files=[("files", ("x.stl", b"solid x\n", "model/stl"))]
    )
    assert r.status_code == 200 and "upload one case file" in r.text
    big = b"# " + b"x" * (1 << 20) + b"\n"
    r = client.post(
        f"/patients/{pid}/import", data={"csrf": token}, files=[("files", ("c.toml", big, "application/toml"))]
    )
    assert "larger than 1 MB" in r.text
    bad = b'[patient]\nage = 40\n[left]\nscan = "../../etc/passwd"\n'
    r = client.post(
        f"/patients/{pid}/import", data={"csrf": token}, files=[("files", ("c.toml", bad, "application/toml"))]
    )
    assert "give a file name beside the case file" in r.text


def test_login_attempts_are_rate_limited(app):
    c = TestClient(app)
    for _ in range(5):
        token = csrf_of(c.get("/login").text)
        r = c.post("/login", data={"username": "lab", "password": "wrong", "csrf": token})
        assert "Wrong user name or password" in r.text
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"username": "lab", "password": "demo-lab-user", "csrf": token}, follow_redirects=False)
    assert r.status_code == 200 and "Too many failed attempts" in r.text


def _token(client, token: str, name: str = "printer") -> str:
    r = client.post("/tokens", data={"csrf": token, "name": name})
    m = re.search(r'<code class="mono" id="new-token">([^<]+)</code>', r.text)
    assert m, "the new token is not shown"
    assert m.group(1) not in client.get("/tokens").text  # shown once
    return m.group(1)


def test_the_json_api_needs_a_valid_token_of_the_clinic(app, anon, clinician, stranger):
    client, token = clinician
    paths = [re.sub(r"\{[^}]+\}", "1", r.path) for r in app.routes if getattr(r, "path", "").startswith("/api/")]
    assert len(paths) >= 3
    for path in paths:  # no token, a forged one
        for headers in ({}, {"Authorization": "Bearer ofk_forged"}):
            r = anon.request("POST" if path.endswith("/status") else "GET", path, headers=headers, json={"status": "x"})
            assert r.status_code == 401 and "detail" in r.json(), (path, headers)
    mine = {"Authorization": f"Bearer {_token(client, token)}"}
    theirs = {"Authorization": f"Bearer {_token(*stranger)}"}
    page = client.get("/patients", params={"q": "Lily"}).text
    pid = re.search(r'href="/patients/(\d+)"', page).group(1)
    visit = re.search(r'href="/visits/(\d+)"', client.get(f"/patients/{pid}").text).group(1)
    assert client.post(f"/visits/{visit}/approve", data={"csrf": token, "profile": "neutral"}).status_code == 200
    assert client.post(f"/visits/{visit}/advance", data={"csrf": token, "to": "sent to lab"}).status_code == 200
    orders = anon.get("/api/v1/orders", headers=mine).json()
    order = next(o for o in orders if o["visit_id"] == int(visit))
    assert (
        order["status"] == "sent to lab" and len(order["files"]) == 4
    )  # a child needs no insole: assessment, report, lab sheet, manifest
    f = order["files"][0]
    data = anon.get(f["url"], headers=mine).content
    assert __import__("hashlib").sha256(data).hexdigest() == f["sha256"]
    assert all(o["visit_id"] != int(visit) for o in anon.get("/api/v1/orders", headers=theirs).json())
    assert anon.get(f["url"], headers=theirs).status_code == 404
    assert anon.post(f"/api/v1/orders/{visit}/status", headers=theirs, json={"status": "printed"}).status_code == 404
    # A clinician's token may not mark an order printed (the lab's step); the JSON says why.
    r = anon.post(f"/api/v1/orders/{visit}/status", headers=mine, json={"status": "printed"})
    assert r.status_code == 403 and "cannot mark" in r.json()["detail"]
    # Revoked: refused.
    tid = re.findall(r'action="/tokens/(\d+)/revoke"', client.get("/tokens").text)[0]
    assert client.post(f"/tokens/{tid}/revoke", data={"csrf": token}).status_code == 200
    assert anon.get("/api/v1/orders", headers=mine).status_code == 401


def test_openapi_describes_the_api_only(anon):
    spec = anon.get("/openapi.json").json()
    assert set(spec["paths"]) == {"/api/v1/orders", "/api/v1/files/{sha}", "/api/v1/orders/{vid}/status"}


def test_a_password_hashed_with_older_settings_still_logs_in_and_is_rehashed(tmp_path):
    from argon2 import PasswordHasher
    from sqlalchemy import select

    from helpers.app import login, make_app
    from orthofit.app.config import AppConfig
    from orthofit.app.database import Database
    from orthofit.app.models import User

    app = make_app(tmp_path)
    db = Database(AppConfig.make(tmp_path).db_url)
    old = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash("demo-clinician")
    with db.session() as s:
        s.scalar(select(User).where(User.username == "demo")).password_hash = old
    with TestClient(app) as c:
        login(c)
    with db.session() as s:
        new = s.scalar(select(User).where(User.username == "demo")).password_hash
    db.engine.dispose()
    assert new != old and new.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
