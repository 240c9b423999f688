"""Alembic environment: runs on a connection handed over by ``winwin init`` or on a URL."""

from __future__ import annotations

from alembic import context

from winwin.db import schema
from winwin.db.engine import build_engine
from winwin.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or ""
    if not url:
        from winwin.settings import get_settings

        url = get_settings().database_url
    engine = build_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=schema.include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run `winwin init`.")
run_migrations_online()
