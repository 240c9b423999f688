"""Network-wide pair search as a job, on both databases: REST starts it and the job's
document carries its progress and then the very answer of GET /api/v1/pairs; the page's
button leads to the job's page, whose htmx fragment polls until the pairs are shown; the
command line runs it with a progress bar and prints the JSON of CONTRACT.md."""

from __future__ import annotations

import json
import re
import time

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from e2e.insight.documents import NETWORK
from e2e.insight.test_insight_pages import _as, _csrf
from support.mail_jobs import prepare_queue, run_jobs
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.insight import service as insight
from winwin.jobs.models import Job

TIMEOUT = 60.0


def _finished(client: TestClient, engine: Engine, headers: dict[str, str], job_id: int) -> dict:
    run_jobs(engine)
    deadline = time.monotonic() + TIMEOUT
    while True:
        document = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if document["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return document
        time.sleep(0.05)


def test_rest_starts_a_pair_search_whose_result_is_the_pairs_answer(api, engine) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    prepare_queue(engine)
    for who in ("pinta", "admin"):
        headers = _as(tokens, who)
        started = client.post("/api/v1/pairs/search?explain=true", headers=headers)
        assert started.status_code == 202, started.text
        job_id = started.json()["id"]
        assert started.headers["location"] == f"/api/v1/jobs/{job_id}"
        assert started.json()["kind"] == "insight.pairs"
        assert started.json()["status"] == "queued"
        done = _finished(client, engine, headers, job_id)
        assert done["status"] == "succeeded", done["error"]
        assert done["progress"] == {"done": 5, "total": 5, "percent": 100}
        # The member's search keeps the pairs of its organisations, as GET /pairs does.
        direct = client.get("/api/v1/pairs?explain=true", headers=headers).json()
        assert done["result"] == direct
    other = client.get(f"/api/v1/jobs/{job_id}", headers=_as(tokens, "pinta"))
    assert other.status_code == 404  # the admin's job


def test_a_search_with_a_bad_option_is_refused_and_queues_nothing(api, engine) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    refused = client.post("/api/v1/pairs/search?capacity=-1", headers=_as(tokens, "pinta"))
    assert refused.status_code == 422
    assert "capacity" in refused.text


def test_the_pairs_page_starts_a_search_and_its_page_polls_until_the_pairs(api, engine) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    prepare_queue(engine)
    headers = _as(tokens, "pinta", "fi")
    page = client.get("/pairs", headers=headers)
    assert 'data-testid="search-network"' in page.text
    token = _csrf(client, headers)
    started = client.post(
        "/pairs/search", data={"csrf_token": token}, headers=headers, follow_redirects=False
    )
    assert started.status_code == 303
    path = started.headers["location"]
    job_id = int(re.fullmatch(r"/jobs/(\d+)", path)[1])  # type: ignore[index]
    waiting = client.get(path, headers=headers).text
    if 'data-status="queued"' in waiting or 'data-status="running"' in waiting:
        assert f'hx-get="/jobs/{job_id}/progress"' in waiting
    assert "Verkoston luontevat parit" in waiting
    _finished(client, engine, headers, job_id)
    fragment = client.get(f"/jobs/{job_id}/progress", headers=headers).text
    assert 'data-status="succeeded"' in fragment
    assert "hx-get" not in fragment  # no more polling
    table = fragment.split('data-testid="pairs-result"')[1].split("</table>")[0]
    expected = client.get("/api/v1/pairs", headers=headers).json()["pairs"]
    assert expected, "pinta has natural pairs"
    for supplier, customer in expected:
        assert f"<td>{supplier}</td><td>{customer}</td>" in table


def test_the_command_line_runs_the_search_as_a_job_with_the_contract_s_json(  # type: ignore[no-untyped-def]
    cli, db_url
) -> None:
    assert cli("import", "-", stdin=json.dumps(NETWORK)).code == 0
    done = cli("pairs", "--json")
    assert done.code == 0, done.err
    document = done.json()
    assert set(document) == {"pairs", "stable", "optimal", "wins"}
    assert document["stable"] is True and document["pairs"]
    engine = build_engine(db_url)
    try:
        with unit_of_work(session_factory(engine)) as session:
            assert document == insight.solve_pairing(session).as_dict()
            job = session.scalars(select(Job).where(Job.kind == "insight.pairs")).one()
            assert (job.status, job.started_by, job.progress_done) == ("succeeded", None, 5)
    finally:
        engine.dispose()
    text = cli("pairs")
    assert text.code == 0
    assert text.out.splitlines()[-1] == f"{len(document['pairs'])} pairs, stable: true"
    bad = cli("pairs", "--capacity", "-1", "--json")
    assert bad.code == 2 and "capacity" in bad.err and bad.out == ""


def test_the_command_line_shows_people_a_progress_bar_and_scripts_only_the_json(  # type: ignore[no-untyped-def]
    cli, monkeypatch
) -> None:
    from rich.console import Console

    from winwin.cli import context

    # Standard error as a terminal, where a person would see the bar.
    monkeypatch.setattr(context, "err", Console(stderr=True, force_terminal=True, width=100))
    assert cli("import", "-", stdin=json.dumps(NETWORK)).code == 0
    shown = cli("pairs")
    assert shown.code == 0, shown.err
    assert "natural pairs" in shown.err and "100%" in shown.err
    quiet = cli("pairs", "--json")
    assert quiet.code == 0 and quiet.err == ""
    assert set(quiet.json()) == {"pairs", "stable", "optimal", "wins"}
