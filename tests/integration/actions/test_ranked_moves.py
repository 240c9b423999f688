"""The dashboards' ranking by the change in R (both databases): each relationship between
its last two scored rounds, biggest rise first, agreeing with ``score --compare``."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from e2e.actions.test_score_compare import DOC
from winwin.actions.follow_up import compare_rounds, ranked_moves
from winwin.assessments.anonymity import OPERATOR
from winwin.network import io as network_io
from winwin.network.document import parse_document
from winwin.network.repository import NetworkRepository


def test_relationships_rank_by_the_change_in_r(session: Session) -> None:
    network_io.import_network(session, parse_document(json.dumps(DOC).encode()))
    ids = NetworkRepository(session).org_ids()
    moves = ranked_moves(session, org_ids=sorted(ids.values()), reader=OPERATOR)
    changes = [m.score.change for m in moves]
    assert len(moves) == 2 and None not in changes
    assert changes == sorted(changes, reverse=True)  # type: ignore[type-var]
    compared = {
        c.between: c.score
        for c in compare_rounds(session, before="2026-Q1", after="2026-Q2", reader=OPERATOR)
    }
    assert {m.between: m.score for m in moves} == compared
    # An organisation's own dashboard lists only its relationships.
    assert [m.between for m in ranked_moves(session, org_ids=[ids["lab"]], reader=OPERATOR)] == [
        ("kemi", "lab")
    ]
