"""The Alembic migrations build exactly the schema the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from winwin.db import schema
from winwin.db.engine import build_engine
from winwin.db.models import Base


def test_upgrade_from_empty_matches_the_models(db_url: str) -> None:
    engine = build_engine(db_url)
    schema.upgrade(engine)
    with engine.connect() as conn:
        # Procrastinate's queue (PostgreSQL) is not among the models.
        context = MigrationContext.configure(conn, opts={"include_name": schema.include_name})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_init_twice_is_safe_and_reaches_head(db_url: str) -> None:
    engine = build_engine(db_url)
    schema.upgrade(engine)
    schema.upgrade(engine)
    assert schema.current_revision(engine) == schema.head_revision()
    engine.dispose()
