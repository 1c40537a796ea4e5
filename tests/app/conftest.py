"""Fixtures of the app tests: one app per module, started once (its lifespan: migrations,
store sweep, worker pool), and clients with their own cookies that share it.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from helpers.app import OTHER_PASSWORD, OTHER_USER, login, make_app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("appdata"))
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
