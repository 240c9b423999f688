"""A running app on each database with the insight test network: two API tokens
(``api``), or a member, a platform admin and a facilitator (``doors``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from e2e.insight.documents import NETWORK
from support.secrets import TEST_SECRET
from winwin.accounts.models import FacilitatorGrant, User
from winwin.accounts.service import create_api_token
from winwin.db.engine import session_factory, unit_of_work
from winwin.http.app import create_app
from winwin.jobs import queue
from winwin.network import io as network_io
from winwin.network.document import parse_document
from winwin.network.repository import NetworkRepository
from winwin.network.tie_sharing_models import GraphRead
from winwin.settings import Settings


@pytest.fixture
def api(engine: Engine, db_url: str) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A client and bearer headers of a platform admin and of a member of `pinta`."""
    tokens: dict[str, str] = {}
    with unit_of_work(session_factory(engine)) as session:
        network_io.import_network(session, parse_document(json.dumps(NETWORK).encode()))
        pinta = NetworkRepository(session).get_or_raise("pinta").id
        for who, org_id, role in (("admin", None, "platform_admin"), ("pinta", pinta, "member")):
            user = User(email=f"{who}@example.com", name=who, org_id=org_id, role=role)
            session.add(user)
            session.flush()
            tokens[who] = create_api_token(session, user_id=user.id, name="test").token
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    with TestClient(app) as client:
        yield client, tokens
    app.state.engine.dispose()


@dataclass
class Doors:
    client: TestClient
    engine: Engine
    tokens: dict[str, str]

    def headers(self, who: str, lang: str = "en") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", "Accept-Language": lang}

    def reads(self) -> list[str]:
        with unit_of_work(session_factory(self.engine)) as session:
            return list(session.scalars(select(GraphRead.what).order_by(GraphRead.id)))


@pytest.fixture
def doors(engine: Engine, db_url: str) -> Iterator[Doors]:
    tokens: dict[str, str] = {}
    with unit_of_work(session_factory(engine)) as session:
        network_io.import_network(session, parse_document(json.dumps(NETWORK).encode()))
        repo = NetworkRepository(session)
        pinta, kuusi = repo.get_or_raise("pinta").id, repo.get_or_raise("kuusi").id
        people = (
            ("admin", None, "platform_admin"),
            ("pinta", pinta, "member"),
            ("facilitator", None, "facilitator"),
        )
        for who, org_id, role in people:
            user = User(email=f"{who}@example.com", name=who, org_id=org_id, role=role)
            session.add(user)
            session.flush()
            if role == "facilitator":
                session.add(FacilitatorGrant(user_id=user.id, org_id=kuusi))
            tokens[who] = create_api_token(session, user_id=user.id, name="test").token
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            queue.install_schema(connection)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    with TestClient(app) as client:
        yield Doors(client, engine, tokens)
    app.state.engine.dispose()
