"""Fixtures of the sharing end-to-end tests (see ``sharing_world``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from e2e.sharing.sharing_world import AppWorld, seed_people
from support.secrets import TEST_SECRET
from support.server import serving
from winwin.http.app import create_app
from winwin.settings import Settings


@pytest.fixture
def app_world(engine: Engine, db_url: str) -> Iterator[AppWorld]:
    tokens = seed_people(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    with TestClient(app) as client:
        yield AppWorld(client=client, tokens=tokens)
    app.state.engine.dispose()


# --- the browser: Debian's chromium through Playwright (fixtures of tests/e2e/http) -----


@pytest.fixture
def sharing_server(tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app with the demo network and members of Kuusi, Lab and Gran, on a free port."""
    from winwin.db.engine import build_engine
    from winwin.db.models import Base

    url = f"sqlite:///{tmp_path / 'sharing-browser.sqlite3'}"
    engine = build_engine(url)
    Base.metadata.create_all(engine)
    seed_people(engine)
    engine.dispose()
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET))
    with serving(app) as base:
        yield base
