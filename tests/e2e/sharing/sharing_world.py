"""Helpers for the sharing end-to-end tests: the app with the demo network and people.

``app_world.call(who, method, path)`` sends a request with the API token of ``who``:
``kuusi`` (the demo member of Kuusi), ``lab`` (a member of the Lab), ``gran`` (a member
of Gran, Kuusi's competitor) or ``admin`` (the platform admin); None is anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from winwin.accounts import service as accounts
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.db.engine import session_factory, unit_of_work
from winwin.network.demo import load_demo
from winwin.network.repository import NetworkRepository

PASSWORD = "winwin-demo"


@dataclass
class AppWorld:
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    def call(self, who: str | None, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return self.client.request(method, path, headers=headers, **kwargs)


def seed_people(engine: Engine) -> dict[str, str]:
    tokens = {}
    with unit_of_work(session_factory(engine)) as session:
        load_demo(session)
        repo = AccountsRepository(session)
        for who in ("lab", "gran"):
            org = NetworkRepository(session).get_or_raise(who)
            repo.add(
                User(
                    email=f"member@{who}.example",
                    name=f"{who.title()} Member",
                    org_id=org.id,
                    role="member",
                    password_hash=accounts.hash_password(PASSWORD),
                )
            )
        emails = {
            "kuusi": "member@kuusi.example",
            "lab": "member@lab.example",
            "gran": "member@gran.example",
            "admin": "platform@winwin.example",
            "facilitator": "facilitator@winwin.example",
        }
        for who, email in emails.items():
            user = repo.get_by_email(email)
            assert user is not None
            tokens[who] = accounts.create_api_token(session, user_id=user.id, name="t").token
    return tokens
