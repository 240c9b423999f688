"""Ending or accepting a tie is seen at once by the memoised pairs and clusters, in one
process, on SQLite and PostgreSQL (their memos are keyed by the graph's version stamp)."""

from __future__ import annotations

from winwin.accounts.access import operator
from winwin.insight import service as insight
from winwin.network import ties
from winwin.network.document import parse_document
from winwin.network.io import import_network

DOC = {
    "format": "winwin/1",
    "organizations": [
        {"key": "a", "name": "A", "roles": ["supplier"], "capabilities": ["board"],
         "needs": ["pulp"]},
        {"key": "b", "name": "B", "roles": ["customer"], "capabilities": ["pulp"],
         "needs": ["board"]},
        {"key": "c", "name": "C"},
    ],
    "ties": [
        {"kind": "partners", "from": "a", "to": "c"},
        {"kind": "supplies", "from": "a", "to": "b"},
    ],
}  # fmt: skip


def _communities(session) -> list[list[str]]:  # type: ignore[no-untyped-def]
    report = insight.find_clusters(session, seed=1)
    return sorted(sorted(c) for c in report.communities)


def _pairs(session) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return sorted(tuple(p) for p in insight.solve_pairing(session).pairs)


def test_pairs_and_clusters_follow_a_tie_that_ends_and_comes_back(session) -> None:  # type: ignore[no-untyped-def]
    import_network(session, parse_document(DOC))
    session.flush()
    tied_communities, tied_pairs = _communities(session), _pairs(session)
    assert tied_communities == [["a", "b", "c"]]
    assert ("a", "b") not in tied_pairs  # tied organisations are never suggested
    ties.end_tie(session, operator(), by="b", other="a")
    session.flush()
    assert _communities(session) == [["a", "c"], ["b"]]
    assert ("a", "b") in _pairs(session)
    ties.propose_tie(session, operator(), by="a", other="b", kind="supplies")
    session.flush()
    assert ("a", "b") in _pairs(session)  # a proposal changes nothing
    ties.answer_tie(session, operator(), by="b", other="a", accept=True)
    session.flush()
    assert _communities(session) == tied_communities
    assert _pairs(session) == tied_pairs
