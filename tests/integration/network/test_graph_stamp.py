"""The graph's version stamp changes with every write to the graph, on both databases,
and with nothing else; a rolled-back write leaves it as it was."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from winwin.accounts.access import operator
from winwin.accounts.models import User
from winwin.network import graph_stamp, tie_sharing
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.network.models import Organization, Tie

DOC = {
    "format": "winwin/1",
    "organizations": [{"key": "a", "name": "A"}, {"key": "b", "name": "B"}],
    "ties": [{"kind": "supplies", "from": "a", "to": "b"}],
}


def test_each_kind_of_graph_write_gives_a_new_stamp(session: Session) -> None:
    seen = [graph_stamp.current(session)]

    def changed() -> bool:
        session.flush()
        now = graph_stamp.current(session)
        fresh = now not in seen
        seen.append(now)
        return fresh

    import_network(session, parse_document(DOC))
    assert changed()
    tie_sharing.set_sharing(session, org="a", partner="b", level="all", actor=operator())
    assert changed()
    a = session.query(Organization).filter_by(key="a").one()
    a.cluster = "forest"
    assert changed()
    session.execute(update(Organization).where(Organization.key == "b").values(cluster="x"))
    assert changed()
    session.execute(delete(Tie))
    assert changed()
    # Neither a person nor an untouched read is a change of the graph.
    session.add(User(email="p@example.com", name="p", org_id=a.id, role="member"))
    session.query(Organization).all()
    assert not changed()


def test_a_rolled_back_write_leaves_the_stamp(session: Session) -> None:
    before = graph_stamp.current(session)
    nested = session.begin_nested()
    import_network(session, parse_document(DOC))
    session.flush()
    assert graph_stamp.current(session) != before
    nested.rollback()
    assert graph_stamp.current(session) == before
