"""Fixtures of the app tests: one app per module, started once (its lifespan: migrations,
store sweep, worker pool), and clients with their own cookies that share it.
"""

from __future__ import annotations

import contextlib

import pytest
from fastapi.testclient import TestClient

from helpers.app import OTHER_PASSWORD, OTHER_USER, login, make_app
from helpers.postgres import postgres_server


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def app(request, tmp_path_factory):
    """The app on the embedded SQLite database, and again on a PostgreSQL server of its own."""
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(postgres_server()) if request.param == "postgresql" else None
        app = make_app(tmp_path_factory.mktemp("appdata"), url)
        with TestClient(app):  # runs the lifespan once for the module's clients
            yield app


@pytest.fixture
def anon(app):
    """A client with no session."""
    return TestClient(app)


@pytest.fixture(scope="module")
def clinician(app):
    """(client, csrf) logged in as the demo clinic's clinician."""
    c = TestClient(app)
    return c, login(c)


@pytest.fixture(scope="module")
def stranger(app):
    """(client, csrf) logged in as a user of another clinic."""
    c = TestClient(app)
    return c, login(c, OTHER_USER, OTHER_PASSWORD)
