"""Shared fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL tests use a schema per test worker, emptied before each test. Locally they
are skipped when no server answers; in CI (``WINWIN_REQUIRE_POSTGRES=1``) that is a
failure instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

# argon2's test profile (winwin.accounts.service): set before winwin is imported, and
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
    """An empty database (no schema yet) on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'winwin.sqlite3'}"
    require_postgres()
    return reset_postgres_schema()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A database on each backend with the whole schema created."""
    engine = build_engine(db_url)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


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
