"""Engines and sessions, built from settings by functions (never at import time)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and drive them with psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _sqlite_pragmas(busy_timeout_ms: int):  # type: ignore[no-untyped-def]
    def apply(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    return apply


def build_engine(
    url: str, *, echo: bool = False, writer: bool = False, busy_timeout_ms: int = 10_000
) -> Engine:
    """Build an engine for SQLite (WAL, foreign keys on) or PostgreSQL (psycopg 3).

    On SQLite, ``writer=True`` opens every transaction with ``BEGIN IMMEDIATE``: it waits
    (up to ``busy_timeout_ms``) for the write lock before reading anything. A deferred
    transaction that reads and then writes fails at once with "database is locked" when
    another writer committed in between (SQLite cannot wait there without breaking its
    snapshot), which is what concurrent ``winwin import`` processes ran into.
    """
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            from pathlib import Path

            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
        # pysqlite's own transaction handling defers BEGIN until the first write; take
        # control so that a unit of work is one real transaction (reads included).
        begin = "BEGIN IMMEDIATE" if writer else "BEGIN"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))

        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """The outermost layer owns the transaction: commit on success, roll back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def without_gc_pauses() -> Iterator[None]:
    """Hold off the cyclic garbage collector while many small objects are made at once.

    Reading or building tens of thousands of rows triggers collections that walk every
    live object, again and again; rows and result objects hold no reference cycles, so
    those passes find nothing. The collector is switched back on afterwards (unless it
    was off already), and the objects are freed by reference counting as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
