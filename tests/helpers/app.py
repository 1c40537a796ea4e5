"""The clinic app in-process for tests: a fresh data folder, the demo clinic, a second clinic,
and clients that log in (``starlette.testclient``; the pipeline jobs run in the app's pool).
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from orthofit.app.config import AppConfig
from orthofit.app.database import Database, upgrade
from orthofit.app.demo import seed_demo
from orthofit.app.store import FileStore
from orthofit.app.users import create_user
from orthofit.app.web import create_app

OTHER_USER, OTHER_PASSWORD = "other", "other-clinic-pw"


def make_app(data: Path, db_url: str | None = None):
    """An app on a fresh data folder (and ``db_url``, SQLite in it by default) holding the demo
    clinic and a second clinic's user.
    """
    config = AppConfig.make(data, db_url, 1)
    upgrade(config.db_url)
    db = Database(config.db_url)
    seed_demo(db, FileStore(config.files_dir))
    create_user(db, OTHER_USER, "clinician", "Other clinic", OTHER_PASSWORD)
    db.engine.dispose()
    return create_app(config)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "the page has no CSRF field"
    return m.group(1)


def login(client: TestClient, user: str = "demo", password: str = "demo-clinician") -> str:
    """Log ``client`` in; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": user, "password": password, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/patients", r.text
    return csrf_of(client.get("/patients/new").text)


def visit_of(client: TestClient, name: str) -> str:
    """The path of the first visit of the patient called ``name`` (``/visits/N``)."""
    page = client.get("/patients", params={"q": name}).text
    pid = re.search(r'href="/patients/(\d+)"', page)
    assert pid, f"no patient {name!r}"
    visit = re.search(r'href="(/visits/\d+)"', client.get(f"/patients/{pid.group(1)}").text)
    assert visit, f"{name!r} has no visit"
    return visit.group(1)
