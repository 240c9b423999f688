"""How the checkpoint runs: on PostgreSQL, its values as settings and one plan per connection.

A page on PostgreSQL is two round trips: the viewer's and the page's values as settings
of the transaction, then a statement with no parameters, which PostgreSQL plans once per
connection (a generic plan) and never compiles (JIT is off for every connection). The
settings and the page's cursor must carry every value exactly, None apart from "", and
a change of the stored sensitive topics made elsewhere must be honoured at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from integration.sharing.sharing_random import random_document
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.sharing import statements
from winwin.sharing.items import ItemRepository
from winwin.sharing.statements import encode

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


# The tests that are about PostgreSQL alone run only there (not skipped on SQLite).
postgresql_only = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@pytest.fixture
def on_postgres(session: Session) -> Session:
    assert session.get_bind().dialect.name == "postgresql"
    return session


def _sent(session: Session, action: Any) -> tuple[Any, list[tuple[str, Any]]]:
    sent: list[tuple[str, Any]] = []

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", before)
    try:
        result = action()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return result, sent


@postgresql_only
def test_a_page_is_its_settings_and_one_statement_without_parameters(
    on_postgres: Session,
) -> None:
    session = on_postgres
    load(session)
    repo = ItemRepository(session)
    viewer = repo.viewer("lab")
    repo.visible_to(viewer, limit=3)  # reads the stored list an earlier test may have left
    page, sent = _sent(session, lambda: repo.visible_to(viewer, limit=2))
    assert len(page) == 2
    assert len(sent) == 2
    assert "set_config" in sent[0][0] and "item_lineage" not in sent[0][0]
    assert "item_lineage" in sent[1][0]
    assert not sent[1][1], "the checkpoint's statement binds nothing"
    # A page that is not full may be short only because the stored sensitive topics
    # changed: one more read of the stored list tells.
    page, sent = _sent(session, lambda: repo.visible_to(viewer, limit=3))
    assert len(page) == 2
    assert len(sent) == 3 and "network_settings" in sent[2][0]


@postgresql_only
def test_the_statement_takes_one_generic_plan_and_no_jit(on_postgres: Session) -> None:
    session = on_postgres
    load(session)
    repo = ItemRepository(session)
    viewers = [repo.viewer(k) for k in ("lab", "far", "kuusi")] + [None]
    # The driver prepares a statement on its fifth run; every run after it is counted.
    for _ in range(4):
        for viewer in viewers:
            repo.visible_to(viewer, limit=50)
    assert session.execute(text("SELECT current_setting('jit')")).scalar_one() == "off"
    plans = session.execute(
        text(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE '%item_lineage%' AND statement LIKE '%LIMIT 50%'"
        )
    ).all()
    assert plans, "the checkpoint's statement was prepared"
    assert all(custom == 0 for _, custom in plans)
    assert sum(generic for generic, _ in plans) >= len(viewers)


@postgresql_only
def test_a_page_leaves_the_transaction_settings_as_they_were(on_postgres: Session) -> None:
    session = on_postgres
    load(session)
    session.execute(text("SELECT set_config('jit', 'on', true)"))
    session.execute(text("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"))
    repo = ItemRepository(session)
    assert len(repo.visible_to(repo.viewer("lab"), limit=50)) == 2
    repo.visible_to(None, limit=50)
    after = session.execute(
        text("SELECT current_setting('jit'), current_setting('plan_cache_mode')")
    ).one()
    assert tuple(after) == ("on", "force_custom_plan")


@pytest.mark.parametrize(
    ("value", "held"),
    [
        (None, ""),
        ("", "="),
        ("FI", "=FI"),
        (7, "=7"),
        ([3, 1], "=[3, 1]"),
        (datetime(2025, 1, 2, 3, 4, 5, 6), "=2025-01-02T03:04:05.000006"),
        (
            datetime(2025, 1, 2, 7, 4, 5, 6, tzinfo=timezone(timedelta(hours=2))),
            "=2025-01-02T05:04:05.000006",
        ),
    ],
)
def test_a_value_is_held_as_its_text_and_none_apart_from_empty(value: Any, held: str) -> None:
    assert encode(value) == held


@pytest.mark.parametrize("seed", range(4))
def test_walking_the_pages_gives_the_whole_feed_in_order(session: Session, seed: int) -> None:
    # Every cursor travels as a setting on PostgreSQL (a bound value on SQLite): the pages
    # joined must be the feed read at once, for every reader and page size.
    import_network(session, parse_document(random_document(seed)))
    repo = ItemRepository(session)
    created = {row["id"]: row["created_at"] for row in repo.rows()}
    for key in [None, *_org_keys(session)]:
        viewer = None if key is None else repo.viewer(key)
        whole = repo.visible_to(viewer, limit=None)
        for size in (1, 2, 3):
            walked: list[int] = []
            before: tuple[datetime, int] | None = None
            while True:
                page = repo.visible_to(viewer, limit=size, before=before)
                walked += page
                if len(page) < size:
                    break
                last = page[-1]
                # An aware cursor (as a decoded API cursor may be) names the same moment.
                before = (created[last].replace(tzinfo=UTC), last)
            assert walked == whole, f"reader {key}, pages of {size}"


def _org_keys(session: Session) -> list[str]:
    return list(session.execute(text("SELECT key FROM organizations ORDER BY key")).scalars())


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


@postgresql_only
def test_sensitive_topics_changed_by_another_process_are_seen_at_once(
    on_postgres: Session,
) -> None:
    # The statement looks the forms up for the topics this process read last, and admits
    # nothing unless they are still the stored ones; a change written elsewhere must be
    # honoured by the next read, and a change back too.
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
    assert len(repo.visible_among(gran, repo.item_ids().values())) == 1
    store('["Board weight"]')
    assert repo.visible_among(gran, repo.item_ids().values()) == set()


@postgresql_only
def test_a_stale_list_only_hides_until_it_is_read_again(on_postgres: Session) -> None:
    # The guard fails closed: with the stored list changed under it, the statement alone
    # admits nothing (not even the owner's own items); the repository reads the list
    # again and the page is whole.
    session = on_postgres
    import_network(session, parse_document(RIVALS))
    repo = ItemRepository(session)
    kuusi = repo.viewer("kuusi")
    assert len(repo.visible_to(kuusi, limit=50)) == 1
    session.execute(
        text("UPDATE network_settings SET value = CAST(:value AS json) WHERE key = :key"),
        {"value": '["pricing"]', "key": "competition_sensitive_topics"},
    )
    page, sent = _sent(session, lambda: repo.visible_to(kuusi, limit=50))
    assert len(page) == 1
    statements = [s for s, _ in sent if "item_lineage" in s]
    assert len(statements) == 2, "read once with the old list, once with the new"


@postgresql_only
def test_a_statement_never_runs_on_settings_it_was_not_given(on_postgres: Session) -> None:
    # A setting left from an earlier page of the transaction must never stand in for a
    # value the page did not give: the checkpoint refuses to run without each one.
    session = on_postgres
    load(session)
    repo = ItemRepository(session)
    repo.visible_to(repo.viewer("lab"), limit=2)  # every viewer setting is now set
    page_of = statements.feed_statement(False, True, 2, False, True)
    with pytest.raises(ValueError, match="before_at"):
        repo._settled(
            {"viewer_id": 1, "viewer_key": "lab", "viewer_country": None, "viewer_cluster": None},
            lambda _postgresql: page_of,
            {"before_id": 5},
        )
