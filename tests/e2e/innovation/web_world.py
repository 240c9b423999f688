"""Helpers for the innovation page tests: the demo network with people of four organisations.

``seed_people`` loads the demo (Kuusi's demo member signs in as ``member@kuusi.example``)
and adds a member each to Pakkaus-Aalto (Kuusi's customer), the Lab (Kuusi's partner)
and Gran (Kuusi's competitor, no tie to Kuusi). ``Person`` signs in through the pages and
posts forms with the CSRF token the pages carry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from support.secrets import TEST_SECRET
from support.server import serving
from winwin.accounts import service as accounts
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.db.models import Base, Item
from winwin.http.app import create_app
from winwin.innovation import service as innovation
from winwin.network.demo import DEMO_PASSWORD, load_demo
from winwin.network.repository import NetworkRepository
from winwin.settings import Settings
from winwin.sharing.items import ItemRepository

PASSWORD = DEMO_PASSWORD
EMAILS = {
    "kuusi": "member@kuusi.example",
    "pakkaus": "member@pakkaus.example",
    "lab": "member@lab.example",
    "gran": "member@gran.example",
}
NAMES = {
    "kuusi": "Kuusi Paper Oy",
    "pakkaus": "Pakkaus-Aalto Oy",
}
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def seed_people(engine: Engine) -> None:
    with unit_of_work(session_factory(engine)) as session:
        load_demo(session)
        repo = AccountsRepository(session)
        password_hash = accounts.hash_password(PASSWORD)
        for who in ("pakkaus", "lab", "gran"):
            if repo.get_by_email(EMAILS[who]) is not None:
                continue
            org = NetworkRepository(session).get_or_raise(who)
            repo.add(
                User(
                    email=EMAILS[who],
                    name=f"{who.title()} Member",
                    org_id=org.id,
                    role="member",
                    password_hash=password_hash,
                )
            )


class Person:
    """A browser without JavaScript: signs in, reads pages, posts forms with the CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self._token: str | None = None

    def token(self) -> str:
        if self._token is None:
            found = CSRF.search(self.client.get("/login").text)
            assert found
            self._token = found.group(1)
        return self._token

    def login(self, email: str) -> None:
        done = self.client.post(
            "/login",
            data={"email": email, "password": PASSWORD, "csrf_token": self.token()},
            follow_redirects=False,
        )
        assert done.status_code in (302, 303), done.text[:500]
        self._token = None  # the CSRF token is bound to the session that just began

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
        kwargs.setdefault("follow_redirects", False)
        return self.client.post(path, data={**data, "csrf_token": self.token()}, **kwargs)

    def create(self, **form: str) -> str:
        """Publish from the board's composer; the new entry's key."""
        done = self.post("/innovation", {"level": "partners", **form})
        assert done.status_code == 303, done.text[:3000]
        return str(done.headers["location"].split("/innovation/")[1].split("?")[0])


def cards(html: str) -> set[str]:
    """The keys of the entries shown as cards on a board."""
    return set(re.findall(r'class="entry-card" data-entry="([^"]+)"', html))


def item_count(engine: Engine) -> int:
    with session_factory(engine)() as session:
        return int(session.scalar(select(func.count()).select_from(Item)) or 0)


def visible_keys(engine: Engine, org: str | None) -> set[str]:
    """What the service (and so the checkpoint) lists for ``org`` (None: anonymous)."""
    with session_factory(engine)() as session:
        viewer = ItemRepository(session).viewer(org) if org else None
        return {e.key for e in innovation.list_entries(session, viewer=viewer)}


def co_creation_total(engine: Engine, by: str, on: str) -> int:
    with session_factory(engine)() as session:
        items = ItemRepository(session)
        a, b = items.viewer(by), items.viewer(on)
        assert a is not None and b is not None
        return innovation.co_creation(session, a=a, b=b)[0].total


@contextmanager
def served_world(tmp_path: Path) -> Iterator[str]:
    """The app with the demo network and the members above, on a free port (SQLite)."""
    url = f"sqlite:///{tmp_path / 'innovation-browser.sqlite3'}"
    engine = build_engine(url)
    Base.metadata.create_all(engine)
    seed_people(engine)
    engine.dispose()
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET))
    with serving(app) as base:
        yield base
