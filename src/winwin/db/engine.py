"""Engines and sessions, built from settings by functions (never at import time)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

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
    url: str,
    *,
    echo: bool = False,
    writer: bool = False,
    busy_timeout_ms: int = 30_000,
    pool_size: int | None = None,
) -> Engine:
    """Build an engine for SQLite (WAL, foreign keys on) or PostgreSQL (psycopg 3).

    On SQLite, ``writer=True`` opens every transaction with ``BEGIN IMMEDIATE``: it waits
    (up to ``busy_timeout_ms``) for the write lock before reading anything. A deferred
    transaction that reads and then writes fails at once with "database is locked" when
    another writer committed in between (SQLite cannot wait there without breaking its
    snapshot), which is what concurrent ``winwin import`` processes ran into.

    ``pool_size``: the pool keeps exactly this many connections and opens no more (a web
    worker sizes it to its threads, ``Settings.database_pool``); None keeps SQLAlchemy's
    default (5, and 10 more while busy).
    """
    pooling: dict[str, int] = {}
    if pool_size is not None:
        pooling = {"pool_size": pool_size, "max_overflow": 0}
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            from pathlib import Path

            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        else:
            # An in-memory database lives in one connection per thread (SQLAlchemy's
            # SingletonThreadPool), which has no size to set.
            pooling = {}
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False}, **pooling)
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))

        # pysqlite's own transaction handling defers BEGIN until the first write; take
        # control so that a unit of work is one real transaction (reads included).
        # A connection with the ``WRITE`` execution option (see :func:`writer_of`) takes
        # the write lock at once, whatever the engine's default.
        # So does every transaction of a unit of work declared to write (see
        # :func:`unit_of_work_scope`), e.g. a web request that is not a GET.
        def _begin(conn):  # type: ignore[no-untyped-def]
            unit = _current_unit.get()
            immediate = (
                writer
                or conn.get_execution_options().get(WRITE, False)
                or (unit is not None and unit.writes)
            )
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        event.listen(engine, "begin", _begin)
        event.listen(engine, "commit", _note_commit)

        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None

        return engine
    engine = create_engine(url, echo=echo, pool_pre_ping=True, **pooling)
    event.listen(engine, "connect", _postgresql_session)
    return engine


def _postgresql_session(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """JIT off for every statement of a connection.

    This application's statements are index probes that stop after a page; JIT pays off
    only for long scans. A generic plan's estimate for a LIMIT query counts every row the
    index could yield, which can pass ``jit_above_cost`` however little the statement
    reads: the visibility checkpoint's plan did, and PostgreSQL then compiled some 340
    expressions (about 400 ms) before each page that runs in about a millisecond
    (docs/benchmarks.md). Set once when the pool opens the connection, so no statement
    pays a round trip for it.
    """
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        dbapi_connection.execute("SET jit = off")
    finally:
        dbapi_connection.autocommit = autocommit


@dataclass
class UnitScope:
    """What one unit of work (a request, a job) declared and did, for safe retries."""

    writes: bool
    committed: bool = False


_current_unit: ContextVar[UnitScope | None] = ContextVar("winwin_unit", default=None)


def _note_commit(_conn) -> None:  # type: ignore[no-untyped-def]
    unit = _current_unit.get()
    if unit is not None:
        unit.committed = True


@contextmanager
def unit_of_work_scope(*, writes: bool) -> Iterator[UnitScope]:
    """Declare the work that follows (in this context and threads started from it).

    On SQLite, ``writes=True`` makes every transaction take the write lock first. The
    returned scope records whether anything was committed, which decides whether the
    whole unit may be run again after lock contention (only when nothing was).
    """
    unit = UnitScope(writes=writes)
    token = _current_unit.set(unit)
    try:
        yield unit
    finally:
        _current_unit.reset(token)


WRITE = "winwin_write"
"""Execution option: on SQLite, begin every transaction with ``BEGIN IMMEDIATE``."""


def writer_of(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions take SQLite's write lock first.

    A unit of work that will write waits there (up to the busy timeout) for the writers
    before it, instead of reading first and then failing at its first write when another
    writer committed in between. PostgreSQL ignores the option.
    """
    return engine.execution_options(**{WRITE: True})


def is_lock_contention(exc: BaseException) -> bool:
    """True for SQLite's "database is locked"/"busy" errors: the unit of work may be run again.

    SQLite raises them without changing anything when the write lock cannot be had (busy
    timeout over, or a read transaction that must not upgrade after another writer
    committed); the transaction is rolled back, so running the whole unit of work again
    is safe.
    """
    from sqlalchemy.exc import OperationalError

    if not isinstance(exc, OperationalError):
        return False
    message = str(exc.orig).lower()
    return "database is locked" in message or "database table is locked" in message


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
