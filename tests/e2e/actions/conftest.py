"""The assessment tests' world (four organisations, people in every role, API tokens),
with kuusi and pakkaus assessed together in 2026-Q1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from e2e.assessments.conftest import World, seed
from support.secrets import TEST_SECRET
from winwin.accounts.access import operator
from winwin.assessments import service as rounds
from winwin.db.engine import session_factory, unit_of_work
from winwin.settings import Settings


@pytest.fixture
def world(engine: Engine, db_url: str) -> Iterator[World]:
    from winwin.http.app import create_app

    tokens, emails = seed(engine)
    with unit_of_work(session_factory(engine)) as session:
        opened = rounds.open_round(
            session,
            actor=operator(),
            between=["kuusi", "pakkaus"],
            round="2026-Q1",
            instrument="customer-relationship",
        )
        rounds.invite_respondents(
            session,
            actor=operator(),
            round_id=opened.id,
            invitees=[
                rounds.Invitee(side="kuusi", respondent="k1", name="K", email=None, locale=None)
            ],
        )
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    with TestClient(app) as client:
        yield World(client=client, engine=engine, tokens=tokens, emails=emails)
    app.state.engine.dispose()
