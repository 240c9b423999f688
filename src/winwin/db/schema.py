"""Create or upgrade the schema with Alembic (``winwin init``)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """Whether Alembic compares an object with the models: not Procrastinate's own tables
    and indexes (its queue, created by migration 0016 on PostgreSQL)."""
    return not (name or "").startswith(("procrastinate_", "idx_procrastinate_"))


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "winwin.db:migrations")
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision; safe to run again."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def ensure_current(engine: Engine) -> None:
    """Upgrade only when the database is behind (a cheap check on every command)."""
    if current_revision(engine) != head_revision():
        upgrade(engine)
