"""Migration 0029 on both databases: before it an initiative's model cannot be the
airport rule, after it it can (and any other method is still refused); downgrading
clears airport models and restores the older check."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from winwin.db import schema
from winwin.db.engine import build_engine

ORG = (
    'INSERT INTO organizations (id, key, name, roles, capabilities, needs, "values",'
    " created_at) VALUES (1, 'a', 'A', '[]', '[]', '[]', '[]', CURRENT_TIMESTAMP)"
)


def _initiative(engine: Engine, n: int, method: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO initiatives (id, title, kind, goal, proposed_by_org_id, method,"
                " version, created_at) VALUES (:n, 'T', 'joint', '', 1, :method, 1,"
                " CURRENT_TIMESTAMP)"
            ),
            {"n": n, "method": method},
        )


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = schema.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_the_airport_rule_is_a_method_only_from_0029(db_url: str) -> None:
    engine = build_engine(db_url)
    _migrate(engine, "0028")
    with engine.begin() as conn:
        conn.execute(text(ORG))
    with pytest.raises(IntegrityError):
        _initiative(engine, 1, "airport")
    _migrate(engine, "0029")
    _initiative(engine, 1, "airport")
    _initiative(engine, 2, "shapley")
    with pytest.raises(IntegrityError):
        _initiative(engine, 3, "lottery")
    _migrate(engine, "0028", down=True)
    with engine.connect() as conn:
        methods = dict(conn.execute(text("SELECT id, method FROM initiatives")).all())
    assert methods == {1: None, 2: "shapley"}
    with pytest.raises(IntegrityError):
        _initiative(engine, 3, "airport")
    engine.dispose()
