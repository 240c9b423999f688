"""The app on each backend with the demo network and people in every role.

``world.call(who, method, path)`` sends a request as ``who`` (one of ``ROLES_PEOPLE``,
or None for anonymous) with that person's API token.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from support.mail_jobs import prepare_queue
from support.secrets import TEST_SECRET
from winwin.accounts import service as accounts
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.db.engine import session_factory, unit_of_work
from winwin.http.app import create_app
from winwin.network.demo import load_demo
from winwin.network.repository import NetworkRepository
from winwin.settings import Settings

# Demo accounts, plus an admin and a member of another organisation (pakkaus is a client
# of the demo facilitator; lab is not).
EMAILS = {
    "platform_admin": "platform@winwin.example",
    "facilitator": "facilitator@winwin.example",
    "org_admin": "admin@kuusi.example",
    "member": "member@kuusi.example",
    "lab_admin": "admin@lab.example",
    "lab_member": "member@lab.example",
}
DEMO_PASSWORD = "winwin-demo"


@dataclass
class World:
    client: TestClient
    engine: Engine
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)

    def headers(self, who: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}

    def call(self, who: str | None, method: str, path: str, **kwargs: Any) -> Any:
        return self.client.request(method, path, headers=self.headers(who), **kwargs)


def seed(engine: Engine) -> World:
    world = World(client=None, engine=engine)  # type: ignore[arg-type]
    with unit_of_work(session_factory(engine)) as session:
        load_demo(session)
        repo = AccountsRepository(session)
        lab = NetworkRepository(session).get_or_raise("lab")
        for who, role in (("lab_admin", "org_admin"), ("lab_member", "member")):
            repo.add(
                User(
                    email=EMAILS[who],
                    name=who.replace("_", " ").title(),
                    org_id=lab.id,
                    role=role,
                    password_hash=accounts.hash_password(DEMO_PASSWORD),
                )
            )
        for who, email in EMAILS.items():
            user = repo.get_by_email(email)
            assert user is not None
            world.user_ids[who] = user.id
            world.tokens[who] = accounts.create_api_token(session, user_id=user.id, name="t").token
    return world


@pytest.fixture
def world(engine: Engine, db_url: str) -> Iterator[World]:
    # Doors that start a job (pair search, reports) queue it as `winwin init` sets up.
    prepare_queue(engine)
    world = seed(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    with TestClient(app) as client:
        world.client = client
        yield world
    app.state.engine.dispose()
