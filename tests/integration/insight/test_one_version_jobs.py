"""The whole-network jobs (the cluster report, the whole matching) keep their result
under the graph version they read, and read one version only: a tie written while a job
reads is neither in its result nor in its stamp (both databases; on PostgreSQL each
statement of a plain transaction would see the new tie)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from winwin.db.engine import session_factory, unit_of_work, writer_of
from winwin.insight import cluster_views, pair_views
from winwin.insight import service as insight
from winwin.insight.repository import InsightRepository, read_one_version
from winwin.jobs import execution
from winwin.jobs import repository as job_rows
from winwin.network import graph_stamp
from winwin.network.document import parse_document
from winwin.network.io import import_network

DOC = {
    "format": "winwin/1",
    "organizations": [
        {"key": "a", "name": "A", "roles": ["supplier"], "capabilities": ["board"],
         "needs": ["pulp"], "values": ["circular"]},
        {"key": "b", "name": "B", "roles": ["customer"], "capabilities": ["pulp"],
         "needs": ["board"], "values": ["circular"]},
        {"key": "c", "name": "C", "roles": ["supplier"], "capabilities": ["board"],
         "needs": ["pulp"], "values": ["circular"]},
        {"key": "d", "name": "D", "roles": ["customer"], "capabilities": ["pulp"],
         "needs": ["board"], "values": ["circular"]},
    ],
    "ties": [{"kind": "partners", "from": "a", "to": "c"}],
}  # fmt: skip
NEW_TIE = {"format": "winwin/1", "ties": [{"kind": "supplies", "from": "a", "to": "b"}]}


@pytest.fixture
def stored(engine: Engine) -> Iterator[Engine]:
    with unit_of_work(session_factory(engine)) as session:
        import_network(session, parse_document(DOC))
    yield engine
    insight._SOLVED.items.clear()
    insight._CLUSTERS.items.clear()


def _tie_while_reading(monkeypatch: pytest.MonkeyPatch, engine: Engine) -> None:
    """The first time a job reads the ties (after the organisations), another
    transaction writes a tie and commits."""
    read_ties = InsightRepository.ties

    def ties(self: InsightRepository) -> list[tuple[str, int, int]]:
        monkeypatch.setattr(InsightRepository, "ties", read_ties)
        with unit_of_work(session_factory(writer_of(engine))) as writer:
            import_network(writer, parse_document(NEW_TIE))
        return read_ties(self)

    monkeypatch.setattr(InsightRepository, "ties", ties)


def _before(engine: Engine, answer: Any) -> tuple[str, Any]:
    """The stamp and ``answer(session)`` of the graph as stored now, cached nowhere."""
    with unit_of_work(session_factory(engine)) as session:
        found = graph_stamp.current(session), answer(session)
    insight._SOLVED.items.clear()
    insight._CLUSTERS.items.clear()
    return found


def _run(engine: Engine, job_id: int) -> dict[str, Any]:
    assert execution.run_once(engine, job_id).status == "succeeded"
    with unit_of_work(session_factory(engine)) as session:
        job = job_rows.get(session, job_id)
        assert job is not None and job.result is not None
        return dict(job.result)


def test_the_clusters_job_keeps_the_version_it_read_when_a_tie_lands_meanwhile(
    stored: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WINWIN_CLUSTERS_JOB_ABOVE", "0")
    stamp, expected = _before(stored, lambda s: insight.find_clusters(s, seed=0, brokers=10))
    with unit_of_work(session_factory(stored)) as session:
        pending = cluster_views.whole_report(session, seed=0, brokers=10)
    assert isinstance(pending, cluster_views.Pending)
    _tie_while_reading(monkeypatch, stored)
    result = _run(stored, pending.job_id)
    assert result["stamp"] == stamp
    assert insight.report_from_dict(result["report"]) == expected
    with unit_of_work(session_factory(stored)) as session:
        assert graph_stamp.current(session) != stamp
        # The new version is not answered with the old report: another job makes it.
        again = cluster_views.whole_report(session, seed=0, brokers=10)
    assert isinstance(again, cluster_views.Pending) and again.job_id != pending.job_id


def test_the_pairs_job_keeps_the_version_it_read_when_a_tie_lands_meanwhile(
    stored: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WINWIN_PAIRS_JOB_ABOVE", "0")
    stamp, expected = _before(stored, lambda s: insight.pair_network(s))
    assert ["a", "b"] in expected.as_dict()["pairs"], "the new tie takes a pair away"
    with unit_of_work(session_factory(stored)) as session:
        pending = pair_views.whole_pairing(session)
    assert isinstance(pending, pair_views.Pending)
    _tie_while_reading(monkeypatch, stored)
    result = _run(stored, pending.job_id)
    assert result == expected.as_dict()
    assert result["stamp"] == stamp


def test_one_version_is_read_only_from_the_first_statement(session: Session) -> None:
    graph_stamp.current(session)
    with pytest.raises(RuntimeError):
        read_one_version(session)
