"""The app on each backend with the demo network and people in every role.

``world.call(who, method, path)`` sends a request as ``who`` (one of ``ROLES_PEOPLE``,
or None for anonymous) with that person's API token.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from support.mail_jobs import prepare_queue
from support.secrets import TEST_SECRET
from winwin.accounts import service as accounts
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.db.models import Base
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
    world = seeded(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    with TestClient(app) as client:
        world.client = client
        yield world
    app.state.engine.dispose()


# Seeding took about a second a test (the demo network and six people), in some 500
# tests. Each test process seeds once per backend, in a database of its own, and every
# world copies those rows into its test's empty database (with the same ids, so the
# tokens and user ids of that one seeding hold).
_seeds: dict[str, tuple[str, World]] = {}


def seeded(engine: Engine) -> World:
    """``seed(engine)``'s rows and World, copied from a seeding made once per process."""
    backend = engine.dialect.name
    if backend not in _seeds:
        _seeds[backend] = _seed_once(engine)
    source, made = _seeds[backend]
    if backend == "sqlite":
        engine.dispose()
        shutil.copyfile(source, str(engine.url.database))
    else:
        _copy_rows(engine, source)
    return World(
        client=None,  # type: ignore[arg-type]
        engine=engine,
        tokens=dict(made.tokens),
        user_ids=dict(made.user_ids),
    )


def _seed_once(engine: Engine) -> tuple[str, World]:
    if engine.dialect.name == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="winwin-world-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = str(folder / "world.sqlite3")
        source_engine = build_engine(f"sqlite:///{path}")
        Base.metadata.create_all(source_engine)
        made = seed(source_engine)
        source_engine.dispose()
        return path, made
    schema = f"seed_{os.getpid()}"
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = engine.url.update_query_dict({"options": f"-csearch_path={schema}"})
    source_engine = build_engine(url.render_as_string(hide_password=False))
    Base.metadata.create_all(source_engine)
    made = seed(source_engine)
    source_engine.dispose()
    atexit.register(_drop_schema, engine.url.render_as_string(hide_password=False), schema)
    return schema, made


def _copy_rows(engine: Engine, schema: str) -> None:
    tables = [table.name for table in Base.metadata.sorted_tables]
    copy = ";".join(f'INSERT INTO "{name}" SELECT * FROM "{schema}"."{name}"' for name in tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(copy)
        conn.exec_driver_sql(_FOLLOW_SEQUENCES)


# Each serial column's sequence goes on from the highest id copied.
_FOLLOW_SEQUENCES = """DO $$DECLARE c record; BEGIN
FOR c IN SELECT table_name, column_name FROM information_schema.columns
  WHERE table_schema = current_schema() AND column_default LIKE 'nextval%%' LOOP
  EXECUTE format(
    'SELECT setval(pg_get_serial_sequence(%%L, %%L), coalesce(max(%%I), 0) + 1, false) FROM %%I',
    c.table_name, c.column_name, c.column_name, c.table_name);
END LOOP; END$$"""


def _drop_schema(url: str, schema: str) -> None:
    engine = build_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        engine.dispose()
