"""A small network with people and API tokens for the open innovation end-to-end tests.

Kuusi owns the challenges and ideas; the Lab is Kuusi's partner; Far has no tie to
anyone; Gran is Kuusi's competitor. ``world.call(who, method, path)`` sends a request
with the API token of ``who`` (a key of ``PEOPLE``; None is anonymous).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from support.secrets import TEST_SECRET
from winwin.accounts import service as accounts
from winwin.accounts.models import User
from winwin.db.engine import session_factory, unit_of_work
from winwin.http.app import create_app
from winwin.network import io as network_io
from winwin.network.document import parse_document
from winwin.network.repository import NetworkRepository
from winwin.settings import Settings

NETWORK: dict[str, Any] = {
    "format": "winwin/1",
    "organizations": [
        {"key": "kuusi", "name": "Kuusi Paper Oy", "country": "FI", "cluster": "forest"},
        {"key": "lab", "name": "Lab Oy", "country": "FI"},
        {"key": "far", "name": "Far GmbH", "country": "DE"},
        {"key": "gran", "name": "Gran AB", "country": "SE", "cluster": "forest"},
    ],
    "ties": [{"kind": "partners", "from": "kuusi", "to": "lab"}],
    "competitors": [["gran", "kuusi"]],
}

# who -> (organisation, role)
PEOPLE: dict[str, tuple[str | None, str]] = {
    "kuusi": ("kuusi", "member"),
    "kuusi2": ("kuusi", "member"),
    "lab": ("lab", "member"),
    "lab2": ("lab", "member"),
    "far": ("far", "member"),
    "gran": ("gran", "member"),
    "root": (None, "platform_admin"),
}
PASSWORD = "innovation-test"


@cache
def _password_hash() -> str:
    # One hash for everyone keeps the seeding fast; nobody signs in with it here.
    return accounts.hash_password(PASSWORD)


def email_of(who: str) -> str:
    return f"{who}@innovation.example"


@dataclass
class World:
    client: TestClient
    engine: Engine
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)

    def call(self, who: str | None, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return self.client.request(method, path, headers=headers, **kwargs)


def seed(engine: Engine, *, tokens: bool = True) -> tuple[dict[str, str], dict[str, int]]:
    """Import the network and add the people; their API tokens and user ids by ``who``."""
    made_tokens: dict[str, str] = {}
    user_ids: dict[str, int] = {}
    with unit_of_work(session_factory(engine)) as session:
        network_io.import_network(session, parse_document(json.dumps(NETWORK).encode()))
        ids = NetworkRepository(session).org_ids()
        for who, (org, role) in PEOPLE.items():
            user = User(
                email=email_of(who),
                name=f"{who.title()} Person",
                org_id=ids[org] if org else None,
                role=role,
                password_hash=_password_hash(),
            )
            session.add(user)
            session.flush()
            user_ids[who] = user.id
            if tokens:
                made_tokens[who] = accounts.create_api_token(
                    session, user_id=user.id, name="t"
                ).token
    return made_tokens, user_ids


@pytest.fixture
def world(engine: Engine, db_url: str) -> Iterator[World]:
    made_tokens, user_ids = seed(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    with TestClient(app) as client:
        yield World(client=client, engine=engine, tokens=made_tokens, user_ids=user_ids)
    app.state.engine.dispose()
