"""16 concurrent web writers against one SQLite file never get 500 "database is locked".

A real uvicorn server on a SQLite file; 16 clients at once sign in through the form
(two write transactions: the attempt, then the session), publish items through the REST
API with their tokens and read their feeds. Every request succeeds and every item is
stored. Before write requests took SQLite's write lock first and a locked unit of work
was retried, most of them answered 500.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import func, select

from support.secrets import TEST_SECRET
from support.server import serving
from winwin.accounts import service as accounts
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.db.models import Base
from winwin.http.app import create_app
from winwin.network.models import Item, Organization
from winwin.settings import Settings

WRITERS = 16
ITEMS_EACH = 3
PASSWORD = "a long enough password"


def _seed(url: str) -> list[str]:
    engine = build_engine(url)
    Base.metadata.create_all(engine)
    tokens = []
    password_hash = accounts.hash_password(PASSWORD)
    with unit_of_work(session_factory(engine)) as session:
        for n in range(WRITERS):
            org = Organization(key=f"org-{n}", name=f"Org {n}", country="FI")
            session.add(org)
            session.flush()
            user = AccountsRepository(session).add(
                User(
                    email=f"writer{n}@org{n}.example",
                    name=f"Writer {n}",
                    org_id=org.id,
                    role="member",
                    password_hash=password_hash,
                )
            )
            session.flush()
            tokens.append(accounts.create_api_token(session, user_id=user.id, name="load").token)
    engine.dispose()
    return tokens


def _writer(base: str, n: int, token: str, start: threading.Barrier) -> list[int]:
    statuses = []
    with httpx.Client(base_url=base, timeout=120) as client:
        page = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf
        start.wait()
        signed_in = client.post(
            "/login",
            data={
                "email": f"writer{n}@org{n}.example",
                "password": PASSWORD,
                "csrf_token": csrf[1],
            },
        )
        statuses.append(signed_in.status_code)
        headers = {"Authorization": f"Bearer {token}"}
        for i in range(ITEMS_EACH):
            made = client.post(
                "/api/v1/items",
                json={"title": f"Note {n}.{i}", "audience": {"level": "public"}},
                headers=headers,
            )
            statuses.append(made.status_code)
            statuses.append(client.get("/api/v1/feed", headers=headers).status_code)
    return statuses


def test_sixteen_concurrent_web_writers_all_succeed_on_one_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'writers.sqlite3'}"
    tokens = _seed(url)
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET))
    start = threading.Barrier(WRITERS)
    with serving(app) as base, ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = list(pool.map(lambda n: _writer(base, n, tokens[n], start), range(WRITERS)))
    for n, statuses in enumerate(results):
        # The sign-in redirects, each item is created, each feed read.
        assert statuses == [303] + [201, 200] * ITEMS_EACH, (n, statuses)
    engine = build_engine(url)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Item)) == WRITERS * ITEMS_EACH
    engine.dispose()
