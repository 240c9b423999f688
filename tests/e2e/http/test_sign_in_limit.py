"""The sign-in limit holds under parallel guesses, on both databases.

Regression test: the limit was checked, then the password, then the failure counted, so
parallel wrong passwords were all checked before the first was counted (19 of 20 on
PostgreSQL), and on SQLite lock contention answered 500 after the password was checked.
Now each attempt is counted and committed before its password is checked.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from support.secrets import TEST_SECRET
from support.server import serving
from winwin.accounts import service as accounts
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.db.engine import session_factory, unit_of_work
from winwin.http.app import create_app
from winwin.network.models import Organization
from winwin.settings import Settings

EMAIL = "guess@kuusi.example"
GUESSES = 20


def _seed(engine: Engine) -> None:
    with unit_of_work(session_factory(engine)) as session:
        org = Organization(key="kuusi", name="Kuusi Paper Oy", country="FI")
        session.add(org)
        session.flush()
        AccountsRepository(session).add(
            User(
                email=EMAIL,
                name="Guess",
                org_id=org.id,
                role="member",
                password_hash=accounts.hash_password("the right one, at last"),
            )
        )


def _guess(base: str, number: int) -> int:
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        answer = client.post(
            "/login",
            data={"email": EMAIL, "password": f"wrong {number}", "csrf_token": token.group(1)},
        )
        return answer.status_code


def test_parallel_wrong_passwords_never_pass_the_limit(engine: Engine, db_url: str) -> None:
    _seed(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    with serving(app) as base, ThreadPoolExecutor(max_workers=GUESSES) as pool:
        statuses = list(pool.map(lambda n: _guess(base, n), range(GUESSES)))
    assert set(statuses) <= {401, 429}, statuses
    # Only the attempts within the limit ever reached the password check.
    assert statuses.count(401) <= accounts.MAX_FAILURES, statuses
    assert statuses.count(429) >= GUESSES - accounts.MAX_FAILURES, statuses


def test_the_password_is_checked_holding_no_database_connection(
    engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression test: the hash was checked inside the sign-in's transaction, so a burst
    # of sign-ins held every pooled connection and other requests failed waiting for one.
    _seed(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    held: list[int] = []
    check = accounts.password_matches

    def watched(attempt: accounts.SignInAttempt, password: str) -> bool:
        held.append(app.state.engine.pool.checkedout())
        return check(attempt, password)

    monkeypatch.setattr(accounts, "password_matches", watched)
    try:
        with TestClient(app) as client:
            page = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token
            answer = client.post(
                "/login",
                data={"email": EMAIL, "password": "the right one, at last", "csrf_token": token[1]},
                follow_redirects=False,
            )
    finally:
        app.state.engine.dispose()
    assert answer.status_code == 303
    assert held == [0]
