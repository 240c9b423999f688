"""How PostgreSQL runs the checkpoint: a generic plan and no JIT, for its own statements only.

The generic plan's estimate passes ``jit_above_cost``; with JIT on, every feed page
compiled its expressions first (about 400 ms at 1,000,000 items for a page that runs
in about a millisecond, docs/benchmarks.md).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.sharing.items import ItemRepository

NETWORK: dict[str, Any] = {
    "format": "winwin/1",
    "organizations": [
        {"key": "kuusi", "name": "Kuusi", "country": "FI"},
        {"key": "lab", "name": "Lab", "country": "FI"},
        {"key": "far", "name": "Far", "country": "DE"},
    ],
    "ties": [{"kind": "partners", "from": "kuusi", "to": "lab"}],
    "items": [
        {"key": "note", "owner": "kuusi", "title": "Note", "audience": {"level": "network"}},
        {"key": "close", "owner": "kuusi", "title": "Close", "audience": {"level": "partners"}},
    ],
}


def load(session: Session) -> None:
    import_network(session, parse_document(NETWORK))


def _settings(connection: Any) -> tuple[str, str]:
    row = connection.execute(
        "SELECT current_setting('jit'), current_setting('plan_cache_mode')"
    ).fetchone()
    return row[0], row[1]


@pytest.fixture
def on_postgres(session: Session) -> Session:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner settings")
    return session


def test_feed_page_runs_without_jit_on_a_generic_plan(on_postgres: Session) -> None:
    session = on_postgres
    load(session)
    seen: list[tuple[str, str]] = []

    def after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if "item_lineage" in statement:  # the checkpoint's own statement
            seen.append(_settings(cursor.connection))

    engine = session.get_bind()
    event.listen(engine, "after_cursor_execute", after)
    try:
        repo = ItemRepository(session)
        page = repo.visible_to(repo.viewer("lab"), limit=50)
        among = repo.visible_among(repo.viewer("far"), repo.item_ids().values())
    finally:
        event.remove(engine, "after_cursor_execute", after)
    assert len(page) == 2 and len(among) == 1
    assert seen == [("off", "force_generic_plan")] * 2


def test_feed_page_leaves_the_transaction_settings_as_they_were(on_postgres: Session) -> None:
    session = on_postgres
    load(session)
    session.execute(text("SELECT set_config('jit', 'on', true)"))
    session.execute(text("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"))
    repo = ItemRepository(session)
    repo.visible_to(repo.viewer("lab"), limit=50)
    repo.visible_to(None, limit=50)
    after = session.execute(
        text("SELECT current_setting('jit'), current_setting('plan_cache_mode')")
    ).one()
    assert tuple(after) == ("on", "force_custom_plan")


def test_feed_page_takes_one_round_trip_before_its_statement_and_one_after(
    on_postgres: Session,
) -> None:
    session = on_postgres
    load(session)
    repo = ItemRepository(session)
    viewer = repo.viewer("lab")
    repo.visible_to(viewer, limit=50)
    sent: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", before)
    try:
        page = repo.visible_to(viewer, limit=50)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert len(page) == 2
    assert len(sent) == 3 and "item_lineage" in sent[1]
    assert "set_config" in sent[0] and "set_config" in sent[2]


RIVALS: dict[str, Any] = {
    "format": "winwin/1",
    "organizations": [
        {"key": "kuusi", "name": "Kuusi", "country": "FI"},
        {"key": "gran", "name": "Gran", "country": "SE"},
    ],
    "ties": [],
    "competitors": [["kuusi", "gran"]],
    "competition_sensitive_topics": ["fibre"],
    "items": [
        {
            "key": "weights",
            "owner": "kuusi",
            "title": "Weights",
            "topics": ["Board weights"],
            "audience": {"level": "network"},
        },
    ],
}


def test_sensitive_topics_changed_by_another_process_are_seen_at_once(
    on_postgres: Session,
) -> None:
    # The forms of the stored topics are looked up on the guess that they are the ones
    # this process read last; a change written elsewhere must still be honoured.
    session = on_postgres
    import_network(session, parse_document(RIVALS))
    repo = ItemRepository(session)
    gran = repo.viewer("gran")

    def store(topics: str) -> None:
        session.execute(
            text("UPDATE network_settings SET value = CAST(:value AS json) WHERE key = :key"),
            {"value": topics, "key": "competition_sensitive_topics"},
        )

    assert len(repo.visible_to(gran, limit=50)) == 1
    store('["Board weight"]')  # meets "Board weights" through its stem
    assert repo.visible_to(gran, limit=50) == []
    assert repo.visible_to(gran, limit=50) == []
    assert repo.visible_among(gran, repo.item_ids().values()) == set()
    store('["fibre"]')
    assert len(repo.visible_to(gran, limit=50)) == 1
