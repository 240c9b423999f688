"""Recommended partners (the `/pairs` page, the dashboard, REST) read and prepare the
whole network once per graph version: each later page load of any organisation reads
the version token and the organisation's key, not the network (both databases)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from winwin.accounts.access import operator
from winwin.db.engine import session_factory, unit_of_work
from winwin.insight import service as insight
from winwin.network.document import parse_document
from winwin.network.io import import_network

DOC = {
    "format": "winwin/1",
    "organizations": [
        {"key": "a", "name": "A", "roles": ["supplier"], "capabilities": ["board"],
         "needs": ["pulp"], "values": ["circular"]},
        {"key": "b", "name": "B", "roles": ["customer"], "capabilities": ["pulp"],
         "needs": ["board"], "values": ["circular"]},
        {"key": "c", "name": "C", "roles": ["supplier", "customer"],
         "capabilities": ["board", "pulp"], "needs": ["board"]},
        {"key": "d", "name": "D", "roles": ["customer"], "capabilities": ["design"],
         "needs": ["board"], "values": ["circular"]},
    ],
    "ties": [{"kind": "partners", "from": "a", "to": "c"}],
}  # fmt: skip


def _clear() -> None:
    insight._RECOMMENDERS.items.clear()
    insight._RECOMMENDED.items.clear()


@pytest.fixture
def network_reads(engine: Engine) -> Iterator[list[str]]:
    """The statements that read the ties (what reading the whole network does)."""
    with unit_of_work(session_factory(engine)) as session:
        import_network(session, parse_document(DOC))
    _clear()
    reads: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "FROM ties" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    yield reads
    event.remove(engine, "before_cursor_execute", seen)
    _clear()


def _recommend(engine: Engine, org: str, limit: int = 10) -> list[insight.Recommendation]:
    with unit_of_work(session_factory(engine)) as session:
        return insight.recommend_partners(session, org=org, limit=limit, actor=operator())


def _fresh(engine: Engine, org: str) -> list[insight.Recommendation]:
    _clear()
    try:
        return _recommend(engine, org)
    finally:
        _clear()


def test_the_network_is_read_once_per_graph_version(
    engine: Engine, network_reads: list[str]
) -> None:
    first = _recommend(engine, "b")
    assert first and network_reads, "the first page load reads the network"
    network_reads.clear()
    again = [_recommend(engine, key) for key in ("b", "a", "d", "b")]
    assert network_reads == []
    assert again[0] == again[3] == first
    assert again[1] == _fresh(engine, "a") and again[2] == _fresh(engine, "d")
    _recommend(engine, "b")
    network_reads.clear()
    # A new tie is a new version: read again, and the tied partner is no longer offered.
    with unit_of_work(session_factory(engine)) as session:
        import_network(
            session,
            parse_document(
                {"format": "winwin/1", "ties": [{"from": "a", "to": "b", "kind": "supplies"}]}
            ),
        )
    after = _recommend(engine, "b")
    assert network_reads, "a new graph version is read"
    assert "a" in {r.partner for r in first} and "a" not in {r.partner for r in after}
    assert after == _fresh(engine, "b")


def test_limits_and_access_are_checked_on_every_load(session: Session) -> None:
    import_network(session, parse_document(DOC))
    session.flush()
    whole = insight.recommend_partners(session, org="b", limit=10, actor=operator())
    assert insight.recommend_partners(session, org="b", limit=1, actor=operator()) == whole[:1]
    with pytest.raises(Exception, match="limit"):
        insight.recommend_partners(session, org="b", limit=0, actor=operator())
    with pytest.raises(Exception, match="no organisation"):
        insight.recommend_partners(session, org="nobody", actor=operator())
