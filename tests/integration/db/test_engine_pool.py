"""The pool a web worker sizes (WINWIN_WEB_THREADS) on every kind of database URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from winwin.db.engine import build_engine
from winwin.http.app import create_app
from winwin.settings import Settings


def test_an_in_memory_database_takes_a_pool_size_it_has_no_use_for() -> None:
    engine = build_engine("sqlite://", pool_size=5)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()


def test_an_app_on_an_in_memory_database_is_built(tmp_path: Path) -> None:
    app = create_app(Settings(database_url="sqlite://", secret_key="x" * 40))
    assert app.state.engine.url.database in (None, "", ":memory:")
    app.state.engine.dispose()


def test_a_file_database_keeps_exactly_the_pool_size(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'pool.sqlite3'}", pool_size=3)
    assert engine.pool.size() == 3  # type: ignore[attr-defined]
    assert engine.pool._max_overflow == 0  # type: ignore[attr-defined]
    engine.dispose()
