"""Shared fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL tests use a schema per test worker, emptied before each test. Locally they
are skipped when no server answers; in CI (``WINWIN_REQUIRE_POSTGRES=1``) that is a
failure instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# argon2's test profile (winwin.accounts.credentials): set before winwin is imported, and
# inherited by every ``winwin`` process and server a test starts.
os.environ.setdefault("WINWIN_PASSWORD_HASHING", "cheapest-for-tests")

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from winwin.db.engine import build_engine, session_factory
from winwin.db.models import Base

# Timings belong in benchmarks: no hypothesis example fails for being slow on a busy machine.
settings.register_profile("winwin", deadline=None)
settings.load_profile("winwin")

POSTGRES_URL = os.environ.get(
    "WINWIN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("WINWIN_REQUIRE_POSTGRES") == "1"
_pg_ok: bool | None = None


def postgres_available() -> bool:
    global _pg_ok
    if _pg_ok is None:
        try:
            engine = build_engine(POSTGRES_URL)
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            _pg_ok = True
        except Exception:
            _pg_ok = False
    return _pg_ok


def _worker() -> str:
    # The process id keeps concurrent test runs on one server out of each other's way.
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"


def postgres_schema_url() -> str:
    """A URL whose connections use this worker's own schema."""
    schema = f"t_{_worker()}"
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"


def reset_postgres_schema() -> str:
    global _pg_whole
    _pg_whole = False
    schema = f"t_{_worker()}"
    engine = build_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return postgres_schema_url()


def require_postgres() -> None:
    if not postgres_available():
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but does not answer at {POSTGRES_URL}")
        pytest.skip("PostgreSQL does not answer (set WINWIN_REQUIRE_POSTGRES=1 to fail)")


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_schema_at_exit() -> Iterator[None]:
    yield
    if _pg_ok:
        engine = build_engine(POSTGRES_URL)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "t_{_worker()}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """An empty database on each backend: no schema yet, or for a test that asks for
    ``engine``, the whole schema with no rows."""
    wants_schema = "engine" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "winwin.sqlite3"
        if wants_schema:
            shutil.copyfile(_sqlite_template(request.config), path)
        return f"sqlite:///{path}"
    require_postgres()
    if wants_schema and _whole_schema_emptied():
        return postgres_schema_url()
    return reset_postgres_schema()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A database on each backend with the whole schema created and no rows."""
    global _pg_whole, _pg_shape
    engine = build_engine(db_url)
    on_postgres = engine.dialect.name == "postgresql"
    if on_postgres and not _pg_whole:
        Base.metadata.create_all(engine)
        if _pg_shape is None:
            _pg_shape = _shape(engine)
    yield engine
    if on_postgres:
        # Kept for the next test only if this one left exactly what create_all makes,
        # with or without the job queue's tables (tests/support/mail_jobs.prepare_queue).
        _pg_whole = _shape(engine, but=QUEUE_TABLES) == _pg_shape
    engine.dispose()


# Creating the whole schema for every test cost more than most tests themselves (about
# 0.7 s a test on PostgreSQL and 0.15 s on SQLite, for some 1,900 tests). The same empty
# database comes faster: SQLite copies a file made once per process, and PostgreSQL
# empties the worker's schema when the previous test left exactly the tables and columns
# create_all makes (a test that ran the migrations, made a table of its own or changed a
# column leaves the schema to be dropped and made again).
_sqlite_made: Path | None = None
_pg_whole = False  # the worker's schema holds exactly the whole schema (maybe with rows)
_pg_shape: set[tuple[Any, ...]] | None = None


def _sqlite_template(config: pytest.Config) -> Path:
    global _sqlite_made
    if _sqlite_made is None:
        factory: pytest.TempPathFactory = config._tmp_path_factory  # type: ignore[attr-defined]
        path = factory.mktemp("schema") / "whole.sqlite3"
        engine = build_engine(f"sqlite:///{path}")
        Base.metadata.create_all(engine)
        engine.dispose()
        _sqlite_made = path
    return _sqlite_made


QUEUE_TABLES = "procrastinate_%"


def _shape(engine: Engine, but: str = "") -> set[tuple[Any, ...]]:
    with engine.connect() as conn:
        columns = conn.execute(
            text(
                "SELECT table_name, column_name, data_type, is_nullable, column_default"
                " FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name NOT LIKE :but"
            ),
            {"but": but or "-"},
        )
        return {tuple(row) for row in columns}


# DELETE, not TRUNCATE: on tables this small, TRUNCATE's new files for every table cost
# as much as making the schema again.
_EMPTY_TABLES = ";".join(
    f'DELETE FROM "{table.name}"' for table in reversed(Base.metadata.sorted_tables)
)
_RESTART_SEQUENCES = (
    "DO $$DECLARE s record; BEGIN FOR s IN SELECT sequencename FROM pg_sequences"
    " WHERE schemaname = current_schema() AND last_value IS NOT NULL LOOP"
    " EXECUTE 'ALTER SEQUENCE ' || quote_ident(s.sequencename) || ' RESTART'; END LOOP; END$$"
)


def _whole_schema_emptied() -> bool:
    """Empty the worker's schema if the previous test left it whole; False otherwise."""
    if not _pg_whole:
        return False
    engine = build_engine(postgres_schema_url())
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(_EMPTY_TABLES)
            queue = conn.execute(
                text(
                    "SELECT tablename FROM pg_tables"
                    " WHERE schemaname = current_schema() AND tablename LIKE :queue"
                ),
                {"queue": QUEUE_TABLES},
            ).scalars()
            names = ", ".join(f'"{name}"' for name in queue)
            if names:
                conn.exec_driver_sql(f"TRUNCATE {names} CASCADE")
            conn.exec_driver_sql(_RESTART_SEQUENCES)
    except Exception:
        return False  # the caller makes it again from nothing
    finally:
        engine.dispose()
    return True


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test."""
    factory = session_factory(engine)
    with factory() as session:
        yield session
        session.rollback()


@pytest.fixture
def cli(db_url: str):  # type: ignore[no-untyped-def]
    """``cli("import", "-", stdin=...)`` runs the real ``winwin`` on this test's database."""
    from support.cli import run

    def call(*args: str, stdin: str | bytes | None = None):  # type: ignore[no-untyped-def]
        return run(db_url, *args, stdin=stdin)

    return call


# --- the browser ----------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("WINWIN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is required (WINWIN_REQUIRE_BROWSER=1) but missing")
        pytest.skip(f"{CHROMIUM} is missing (set WINWIN_REQUIRE_BROWSER=1 to fail)")


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's chromium through Playwright, one for the whole run.

    Playwright's sync API allows one instance per thread, so every browser test shares
    this fixture instead of starting its own.
    """
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# --- refusals change nothing --------------------------------------------------------
# Every write a test sends through a TestClient that the server refuses (4xx) must leave
# the stored data exactly as it was: each test's refusals re-read the whole database,
# not only the status code. Tables a refusal writes by design are left out: the sign-in
# limit counts refused attempts, and reads are audited (a refused form shows its item again).
REFUSALS_MAY_WRITE = frozenset({"login_attempts", "graph_reads", "item_opens"})


def _snapshot(engine: Engine) -> dict[str, list[str]]:
    # The built-in instruments are stored on first use by whichever request comes first;
    # they are the product's, not data a request changes.
    with engine.connect() as conn:
        builtin = set(conn.execute(text("SELECT id FROM instruments WHERE builtin")).scalars())
        snapshot = {}
        for table in Base.metadata.sorted_tables:
            if table.name in REFUSALS_MAY_WRITE:
                continue
            rows = conn.execute(table.select()).mappings()
            if table.name == "instruments":
                rows = [r for r in rows if r["id"] not in builtin]
            elif table.name == "instrument_items":
                rows = [r for r in rows if r["instrument_id"] not in builtin]
            snapshot[table.name] = sorted(repr(tuple(r.values())) for r in rows)
        return snapshot


def _changes(before: dict[str, list[str]], after: dict[str, list[str]]) -> dict[str, Any]:
    return {
        name: {
            "gone": sorted(set(rows) - set(after[name]))[:3],
            "new": sorted(set(after[name]) - set(rows))[:3],
        }
        for name, rows in before.items()
        if rows != after[name]
    }


@pytest.fixture(autouse=True)
def _refusals_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from starlette.testclient import TestClient

    original = TestClient.request

    def request(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def]
        engine = getattr(getattr(self.app, "state", None), "engine", None)
        if not isinstance(engine, Engine) or method.upper() in ("GET", "HEAD", "OPTIONS"):
            return original(self, method, url, *args, **kwargs)
        before = _snapshot(engine)
        response = original(self, method, url, *args, **kwargs)
        if 400 <= response.status_code < 500:
            changed = _changes(before, _snapshot(engine))
            assert not changed, (
                f"{method} {url} was refused ({response.status_code}) yet changed {changed}"
            )
        return response

    monkeypatch.setattr(TestClient, "request", request)
