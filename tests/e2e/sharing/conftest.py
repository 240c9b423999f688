"""Fixtures of the sharing end-to-end tests (see ``sharing_world``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from e2e.sharing.sharing_world import AppWorld, seed_people
from winwin.api.app import create_app
from winwin.settings import Settings


@pytest.fixture
def app_world(engine: Engine, db_url: str) -> Iterator[AppWorld]:
    tokens = seed_people(engine)
    app = create_app(Settings(database_url=db_url, secret_key="test-secret"))
    with TestClient(app) as client:
        yield AppWorld(client=client, tokens=tokens)
    app.state.engine.dispose()
