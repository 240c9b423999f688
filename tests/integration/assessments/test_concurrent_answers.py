"""Answers to one round at once: each is stored and counted, none fails (PostgreSQL).

The load test found two first answers to the same round failing on the key of the
round's score sums: each deleted the sums and inserted them again.
"""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import Engine, select

from winwin.accounts.access import operator
from winwin.assessments.models import ScoreSums
from winwin.assessments.service import Invitee, answer_form, invite_respondents, open_round
from winwin.assessments.service import submit_response as answer
from winwin.db.engine import session_factory
from winwin.network import io as network_io
from winwin.network.document import parse_document


def test_two_people_answering_one_round_at_once_are_both_counted(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    factory = session_factory(engine)
    with factory() as session:
        doc = {
            "format": "winwin/1",
            "organizations": [{"key": k, "name": k.title()} for k in ("kuusi", "pakkaus")],
            "ties": [{"kind": "supplies", "from": "kuusi", "to": "pakkaus"}],
        }
        network_io.import_network(session, parse_document(json.dumps(doc).encode()))
        opened = open_round(
            session,
            actor=operator(),
            between=["kuusi", "pakkaus"],
            round="2026-Q4",
            instrument="customer-relationship",
        )
        anna, ben = (
            issued.token
            for issued in invite_respondents(
                session,
                actor=operator(),
                round_id=opened.id,
                invitees=[Invitee("kuusi", "anna"), Invitee("kuusi", "ben")],
            )
        )
        answers = {item.id: 4 for item in answer_form(session, token=anna).items}
        session.commit()

    failures: list[Exception] = []

    def ben_answers() -> None:
        with factory() as other:
            try:
                answer(other, token=ben, answers=answers)
                other.commit()
            except Exception as exc:
                failures.append(exc)

    with factory() as first:
        answer(first, token=anna, answers=answers)  # not committed yet
        second = threading.Thread(target=ben_answers)
        second.start()
        second.join(1.0)  # Ben's answer waits for Anna's
        first.commit()
    second.join(60)
    assert not second.is_alive()
    assert failures == []
    with factory() as session:
        sums = session.scalars(select(ScoreSums)).one()
        assert sums.a_respondents + sums.b_respondents == 2
