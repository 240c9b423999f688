"""The workshop report as a job through the pages, on both databases: the relationship
page's form starts it, the job's page polls its progress with htmx, then offers the PDF.
Only the person who started it sees the job."""

from __future__ import annotations

import re
import time

import pytest

from e2e.assessments.conftest import World
from e2e.assessments.test_assessment_pages import csrf
from e2e.reports.test_workshop_report import _text, assessed  # noqa: F401  (fixture)
from winwin.jobs import queue


@pytest.fixture
def queued(assessed: World) -> World:  # noqa: F811
    """On PostgreSQL, Procrastinate's queue too (the fixture made the tables from the
    models, not with winwin init)."""
    if assessed.engine.dialect.name == "postgresql":
        with assessed.engine.begin() as connection:
            queue.install_schema(connection)
    return assessed


def _run_jobs(world: World) -> None:
    """On PostgreSQL a worker runs the queued job; on SQLite the app's own thread does."""
    url = str(world.engine.url.render_as_string(hide_password=False))
    if queue.is_postgres(url):
        app = queue.build_app(url, world.engine, worker=True)
        queue.run_worker(app, queues=[queue.QUEUE], wait=False, install_signal_handlers=False)


def _status(html: str) -> str:
    found = re.search(r'data-status="(\w+)"', html)
    assert found, html
    return found.group(1)


def test_the_report_is_made_as_a_job_whose_page_shows_progress_then_the_pdf(
    queued: World,
) -> None:
    world = queued
    headers = {"Accept-Language": "fi", **world.headers("kmember")}
    page = world.client.get("/relationships/kuusi/pakkaus?round=2026-Q1", headers=headers)
    assert 'action="/relationships/kuusi/pakkaus/report"' in page.text

    started = world.client.post(
        "/relationships/kuusi/pakkaus/report",
        data={"round": "2026-Q1", "lang": "fi", "csrf_token": csrf(page.text)},
        headers=headers,
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    job_path = started.headers["location"]
    assert re.fullmatch(r"/jobs/\d+", job_path)

    first = world.client.get(job_path, headers=headers)
    assert first.status_code == 200
    if _status(first.text) in ("queued", "running"):
        # While it is not done, the fragment asks for itself again.
        assert f'hx-get="{job_path}/progress"' in first.text
        assert "<progress" in first.text

    _run_jobs(world)
    deadline = time.monotonic() + 120
    while True:
        fragment = world.client.get(f"{job_path}/progress", headers=headers)
        if _status(fragment.text) in ("succeeded", "failed"):
            break
        if time.monotonic() > deadline:
            pytest.fail("the report job did not finish")
        time.sleep(0.05)
    assert _status(fragment.text) == "succeeded", fragment.text
    assert "hx-get" not in fragment.text
    assert "Valmis." in fragment.text
    link = re.search(r'href="(/jobs/\d+/outputs/\d+)"', fragment.text)
    assert link
    pdf = world.client.get(link.group(1), headers=headers)
    assert pdf.headers["content-type"] == "application/pdf"
    assert "Työpajaraportti" in _text(pdf.content)

    # The same job through the API, for its starter only.
    job_id = job_path.rsplit("/", 1)[1]
    api = world.call("kmember", "GET", f"/api/v1/jobs/{job_id}")
    assert api.json()["status"] == "succeeded"
    assert api.json()["progress"]["percent"] == 100
    for path in (job_path, f"{job_path}/progress", link.group(1), f"/api/v1/jobs/{job_id}"):
        assert world.call("labadmin", "GET", path).status_code == 404, path


def test_a_report_that_may_not_be_made_is_refused_before_any_job_is_stored(
    assessed: World,  # noqa: F811
) -> None:
    token = csrf(assessed.client.get("/login").text)
    refused = assessed.call(
        "labadmin",
        "POST",
        "/relationships/kuusi/pakkaus/report",
        data={"lang": "fi", "csrf_token": token},
        follow_redirects=False,
    )
    assert refused.status_code == 404
    unknown_round = assessed.call(
        "kmember",
        "POST",
        "/relationships/kuusi/pakkaus/report",
        data={"round": "1999", "lang": "fi", "csrf_token": token},
        follow_redirects=False,
    )
    assert unknown_round.status_code == 404
    from winwin.db.engine import session_factory, unit_of_work
    from winwin.jobs import service as jobs

    with unit_of_work(session_factory(assessed.engine)) as session:
        assert jobs.list_jobs(session, person_id=None) == []
