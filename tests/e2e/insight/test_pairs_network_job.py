"""On a large network the natural pairs of the `/pairs` page and of GET /api/v1/pairs are
made by one job for the whole network (kind ``insight.network_pairs``), on both databases:
the page follows it with an htmx progress bar (and reloads itself without scripts),
REST answers 202 with the job until it is done, every reader then gets exactly the pairs
the inline search gives them, any worker finds the result in the job's row, and a failed
job is shown with its error and started again only when asked."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from e2e.insight.conftest import Doors
from e2e.insight.test_insight_pages import _csrf
from winwin.accounts.access import accessible_org_ids, actor_for
from winwin.accounts.models import User
from winwin.db.engine import session_factory, unit_of_work
from winwin.insight import pair_views
from winwin.insight import service as insight
from winwin.jobs import queue
from winwin.jobs.models import Job
from winwin.kernel.errors import WinwinError
from winwin.network.repository import NetworkRepository

PAIRS_JOB = pair_views.NETWORK_PAIRS_JOB


def _run_worker(doors: Doors) -> None:
    url = doors.engine.url.render_as_string(hide_password=False)
    if queue.is_postgres(url):
        app = queue.build_app(url, doors.engine, worker=True)
        queue.run_worker(app, queues=[queue.QUEUE], wait=False, install_signal_handlers=False)


def _follow(doors: Doors, job_id: int, until: str = "succeeded") -> str:
    """Poll the page's fragment as htmx does until the job ends; its last answer."""
    _run_worker(doors)
    deadline = time.monotonic() + 120
    while True:
        fragment = doors.client.get(
            f"/pairs/jobs/{job_id}?org=pinta", headers=doors.headers("pinta")
        )
        status = re.search(r'data-status="(\w+)"', fragment.text)
        assert status, fragment.text
        if status.group(1) in ("succeeded", "failed"):
            break
        assert time.monotonic() < deadline, "the pairs job did not finish"
        time.sleep(0.05)
    assert status.group(1) == until, fragment.text
    return fragment.text if until == "failed" else fragment.headers.get("hx-refresh", "")


def _pair_jobs(doors: Doors) -> list[int]:
    with unit_of_work(session_factory(doors.engine)) as session:
        return list(session.scalars(select(Job.id).where(Job.kind == PAIRS_JOB).order_by(Job.id)))


def _partners(html: str) -> list[str]:
    table = html.split('data-testid="pairs"')[1].split("</table>")[0]
    return re.findall(r'<span class="muted">\(([^)]+)\)</span>', table)


def _inline(doors: Doors, who: str | None, org: str | None = None, explain: bool = True) -> dict:
    """What the inline search gives: the person's organisations (``org``: that one)."""
    with unit_of_work(session_factory(doors.engine)) as session:
        if org is not None:
            involving = {NetworkRepository(session).get_or_raise(org).id}
        else:
            user = session.scalars(select(User).where(User.email == f"{who}@example.com")).one()
            actor = actor_for(session, user)
            involving = None if actor.is_platform_admin else accessible_org_ids(session, actor)
        found = pair_views.read_pairs(session, involving=involving, explain=explain, as_job=False)
        assert not isinstance(found, pair_views.Pending)
        return found.as_dict()


def test_on_a_large_network_the_pairs_page_and_rest_follow_one_job(
    doors: Doors, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WINWIN_PAIRS_JOB_ABOVE", "0")
    insight._SOLVED.items.clear()
    page = doors.client.get("/pairs?org=pinta", headers=doors.headers("pinta", "fi"))
    assert page.status_code == 200
    # Handed to a runner only after the response: the page shows it waiting, in Finnish.
    job = re.search(r'hx-get="/pairs/jobs/(\d+)\?org=pinta"', page.text)
    assert job, page.text
    job_id = int(job.group(1))
    assert 'data-testid="pairs"' not in page.text
    assert "<progress" in page.text and "Verkosto on suuri" in page.text
    assert page.headers["refresh"] == "3" and page.headers["cache-control"] == "no-store"
    # REST joins the same job (one per version of the network) until it is done.
    pending = doors.client.get("/api/v1/pairs", headers=doors.headers("pinta"))
    assert pending.status_code in (200, 202)
    if pending.status_code == 202:
        assert pending.json()["job"] == job_id and "pairs" not in pending.json()
        assert set(pending.json()) == {"job", "status", "progress", "error"}
    assert _follow(doors, job_id) == "true"
    assert _pair_jobs(doors) == [job_id]

    done = doors.client.get("/pairs?org=pinta", headers=doors.headers("pinta", "fi"))
    assert "refresh" not in done.headers
    expected = _inline(doors, None, org="pinta")
    assert expected["pairs"], "pinta has natural pairs"
    partners = {s if c == "pinta" else c for s, c in expected["pairs"]}
    assert set(_partners(done.text)) == partners
    for who in ("pinta", "admin", "facilitator"):
        for explain in (False, True):
            answer = doors.client.get(
                f"/api/v1/pairs?explain={str(explain).lower()}", headers=doors.headers(who)
            )
            assert answer.status_code == 200, answer.text
            given = {k: v for k, v in answer.json().items() if v is not None}
            assert given == _inline(doors, who, explain=explain), who
    # Nobody's job: its result (every pair) is not a member's to read.
    assert (
        doors.client.get(f"/api/v1/jobs/{job_id}", headers=doors.headers("pinta")).status_code
        == 404
    )
    assert _pair_jobs(doors) == [job_id]


def test_another_worker_finds_the_pairs_in_the_job_s_row_until_the_network_changes(
    doors: Doors, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WINWIN_PAIRS_JOB_ABOVE", "0")
    insight._SOLVED.items.clear()
    first = doors.client.get("/api/v1/pairs", headers=doors.headers("admin"))
    assert first.status_code == 202
    job_id = first.json()["job"]
    _follow(doors, job_id)
    # A worker that has not computed them (an empty memory) reads them from the row.
    insight._SOLVED.items.clear()
    page = doors.client.get("/pairs?org=pinta", headers=doors.headers("pinta"))
    assert 'data-testid="pairs"' in page.text and "/pairs/jobs/" not in page.text
    assert _pair_jobs(doors) == [job_id]
    # A change to the network makes a new version: a new job, and the old result unused.
    with unit_of_work(session_factory(doors.engine)) as session:
        NetworkRepository(session).get_or_raise("kemi").needs = ["a new need"]
    again = doors.client.get("/api/v1/pairs", headers=doors.headers("admin"))
    assert again.status_code == 202 and again.json()["job"] != job_id
    assert len(_pair_jobs(doors)) == 2


def test_a_failed_pairs_job_is_shown_and_started_again_only_when_asked(
    doors: Doors, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise WinwinError("the network could not be read")

    monkeypatch.setattr(pair_views, "make_pairing", broken)
    monkeypatch.setenv("WINWIN_PAIRS_JOB_ABOVE", "0")
    insight._SOLVED.items.clear()
    page = doors.client.get("/pairs?org=pinta", headers=doors.headers("pinta", "fi"))
    job_id = int(re.search(r'hx-get="/pairs/jobs/(\d+)', page.text).group(1))  # type: ignore[union-attr]
    _follow(doors, job_id, until="failed")
    for _ in range(2):
        again = doors.client.get("/pairs?org=pinta", headers=doors.headers("pinta", "fi"))
        assert 'data-testid="pairs-job-failed"' in again.text
        assert "Työ epäonnistui" in again.text and "the network could not be read" in again.text
        assert "Hae parit uudelleen" in again.text
        assert "refresh" not in again.headers
        rest = doors.client.get("/api/v1/pairs", headers=doors.headers("pinta"))
        assert rest.status_code == 202 and rest.json()["status"] == "failed"
        assert rest.json()["error"] == "the network could not be read"
    assert _pair_jobs(doors) == [job_id]
    # Asked for (the page's button), it starts again.
    token = _csrf(doors.client, doors.headers("pinta"))
    retried = doors.client.post(
        "/pairs/retry?org=pinta",
        data={"csrf_token": token},
        headers=doors.headers("pinta"),
        follow_redirects=False,
    )
    assert retried.status_code == 303 and retried.headers["location"] == "/pairs?org=pinta"
    assert len(_pair_jobs(doors)) == 2
