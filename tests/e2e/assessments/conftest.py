"""An app on each backend with a small network, people in every role and their API tokens."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from support.secrets import TEST_SECRET
from winwin.accounts import service as accounts
from winwin.accounts.models import FacilitatorGrant, User
from winwin.db.engine import session_factory, unit_of_work
from winwin.network import io as network_io
from winwin.network.document import parse_document
from winwin.network.repository import NetworkRepository
from winwin.settings import Settings

ORGS = ("kuusi", "pakkaus", "lab", "consult")
PEOPLE = (
    ("fac", "consult", "facilitator"),
    ("kadmin", "kuusi", "org_admin"),
    ("kmember", "kuusi", "member"),
    ("labadmin", "lab", "org_admin"),
    ("root", "consult", "platform_admin"),
)
PASSWORD = "correct horse battery"


@dataclass
class World:
    client: TestClient
    engine: Engine
    tokens: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def call(self, who: str | None, method: str, path: str, **kwargs: Any) -> Any:
        headers = self.headers(who) if who else {}
        return self.client.request(method, path, headers=headers, **kwargs)


def seed(engine: Engine) -> tuple[dict[str, str], dict[str, str]]:
    tokens, emails = {}, {}
    with unit_of_work(session_factory(engine)) as session:
        doc = {
            "format": "winwin/1",
            "organizations": [{"key": k, "name": f"{k.title()} Oy"} for k in ORGS],
            # A round needs a tie between its two organisations.
            "ties": [{"kind": "supplies", "from": "kuusi", "to": "pakkaus"}],
        }
        network_io.import_network(session, parse_document(json.dumps(doc).encode()))
        ids = NetworkRepository(session).org_ids()
        for name, org, role in PEOPLE:
            user = User(
                email=f"{name}@example.com",
                name=name.title(),
                org_id=ids[org],
                role=role,
                password_hash=accounts.hash_password(PASSWORD),
            )
            session.add(user)
            session.flush()
            emails[name] = user.email
            tokens[name] = accounts.create_api_token(session, user_id=user.id, name="t").token
            if role == "facilitator":
                # Granted both sides, the facilitator invites respondents for both.
                for client in ("pakkaus", "kuusi"):
                    session.add(FacilitatorGrant(user_id=user.id, org_id=ids[client]))
        session.flush()
    return tokens, emails


@pytest.fixture
def world(engine: Engine, db_url: str) -> Iterator[World]:
    from winwin.http.app import create_app

    tokens, emails = seed(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    with TestClient(app) as client:
        yield World(client=client, engine=engine, tokens=tokens, emails=emails)
    app.state.engine.dispose()


@pytest.fixture
def people(engine: Engine) -> tuple[dict[str, str], dict[str, str]]:
    """The network and its people stored on this test's database: (tokens, emails)."""
    return seed(engine)
