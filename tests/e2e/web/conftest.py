"""Pages over HTTP: an app with the demo network on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from e2e.web.web_helpers import demo_database
from winwin.api.app import create_app
from winwin.settings import Settings


@pytest.fixture
def web_app(tmp_path):  # type: ignore[no-untyped-def]
    app = create_app(Settings(database_url=demo_database(tmp_path), secret_key="web-tests"))
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client(web_app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(web_app) as client:
        yield client
