"""Helpers for page tests: a demo database, CSRF tokens, signing in."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.db.models import Base
from winwin.network.demo import DEMO_PASSWORD, load_demo

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def demo_database(path: Path) -> str:
    url = f"sqlite:///{path / 'web.sqlite3'}"
    engine = build_engine(url)
    Base.metadata.create_all(engine)
    with unit_of_work(session_factory(engine)) as session:
        load_demo(session)
    engine.dispose()
    return url


def csrf_of(client: TestClient, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = DEMO_PASSWORD) -> str:
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    # The CSRF token is bound to the session, so the signed-in pages carry a new one.
    return csrf_of(client, "/account")
