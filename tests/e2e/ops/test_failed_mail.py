"""A mail with a link that finally fails is told where its sender acts (English and
Finnish, both databases): for a personal answer link, a notification that links to the
round, and on the round page the invitation's row says that the mail failed and the link
is to be copied instead, until a new link's mail is queued; for an invitation to sign in,
a notification and a mark on the person's row of the organisation page."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from e2e.assessments.conftest import World, seed
from e2e.assessments.test_assessment_pages import csrf
from support.mail_jobs import prepare_queue
from support.secrets import TEST_SECRET
from winwin.db.engine import session_factory, unit_of_work
from winwin.jobs import execution
from winwin.jobs.models import Job
from winwin.mail import jobs as mail_jobs
from winwin.settings import Settings


@pytest.fixture
def failing(engine: Engine, db_url: str) -> Iterator[World]:
    """The app with a relay that refuses every connection."""
    from winwin.http.app import create_app

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    relay = f"127.0.0.1:{closed.getsockname()[1]}"
    tokens, emails = seed(engine)
    prepare_queue(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET, mail_server=relay))
    with TestClient(app) as client:
        yield World(client=client, engine=engine, tokens=tokens, emails=emails)
    app.state.engine.dispose()
    closed.close()


def _mail_jobs(engine: Engine) -> list[Job]:
    with unit_of_work(session_factory(engine)) as session:
        found = list(session.scalars(select(Job).where(Job.kind == mail_jobs.KIND)))
        for job in found:
            session.expunge(job)
        return found


def _fail_for_good(engine: Engine, job_id: int) -> Job:
    """Every attempt at once (the back-off is not waited out); the app's own runner may
    take one of them."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        (job,) = [j for j in _mail_jobs(engine) if j.id == job_id]
        if job.status == "failed":
            return job
        if execution.run_once(engine, job_id).status == "skipped":
            time.sleep(0.2)
    raise AssertionError("the mail job did not fail in time")


def _invite(world: World) -> tuple[int, int, int]:
    made = world.call(
        "fac", "POST", "/api/v1/rounds", json={"between": ["pakkaus", "kuusi"], "round": "2026-Q3"}
    )
    assert made.status_code == 201, made.text
    round_id = int(made.json()["id"])
    issued = world.call(
        "fac",
        "POST",
        f"/api/v1/rounds/{round_id}/invitations",
        json={"invitees": [{"side": "kuusi", "name": "Anna", "email": "anna@kuusi.fi"}]},
    )
    assert issued.status_code == 201, issued.text
    invitation_id = int(issued.json()[0]["invitation"]["id"])
    (job,) = _mail_jobs(world.engine)
    assert job.subject == f"answer:{invitation_id}"
    return round_id, invitation_id, job.id


def test_a_failed_answer_mail_is_told_to_its_inviter_and_marked_on_the_round(
    failing: World,
) -> None:
    round_id, invitation_id, job_id = _invite(failing)
    page = failing.client.get(f"/rounds/{round_id}", headers=failing.headers("fac"))
    assert 'data-testid="mail-failed"' not in page.text  # still being tried

    failed = _fail_for_good(failing.engine, job_id)
    assert failed.attempts == mail_jobs.ATTEMPTS

    # The inviter is told, once, with the round as the place to act.
    inbox = failing.call("fac", "GET", "/api/v1/notifications").json()
    (told,) = [n for n in inbox["notifications"] if n["kind"] == "mail_failed"]
    assert told["title"] == "anna@kuusi.fi"
    assert told["detail"] == "answer"
    assert told["job"] == job_id
    assert told["page"] == f"/rounds/{round_id}#invitation-{invitation_id}"
    assert inbox["unread"] >= 1
    for who in ("kadmin", "kmember"):
        theirs = failing.call(who, "GET", "/api/v1/notifications").json()["notifications"]
        assert not [n for n in theirs if n["kind"] == "mail_failed"]

    listed = failing.client.get(
        "/notifications", headers={"Accept-Language": "fi", **failing.headers("fac")}
    )
    assert "Henkilökohtaisen vastauslinkin sähköpostia ei saatu perille" in listed.text
    assert f'href="/rounds/{round_id}#invitation-{invitation_id}"' in listed.text

    # The row of the invitation says so, in both languages, to whoever may invite for it.
    english = failing.client.get(
        f"/rounds/{round_id}", headers={"Accept-Language": "en", **failing.headers("fac")}
    )
    assert "Mail to anna@kuusi.fi failed — copy the link instead." in english.text
    finnish = failing.client.get(
        f"/rounds/{round_id}", headers={"Accept-Language": "fi", **failing.headers("kadmin")}
    )
    assert "Sähköposti osoitteeseen anna@kuusi.fi epäonnistui" in finnish.text

    # A new link is mailed anew: its job is the newest of the row, so the mark goes.
    resent = failing.call(
        "fac", "POST", f"/api/v1/rounds/{round_id}/invitations/{invitation_id}/resend"
    )
    assert resent.status_code in (200, 201), resent.text
    again = failing.client.get(f"/rounds/{round_id}", headers=failing.headers("fac"))
    assert 'data-testid="mail-failed"' not in again.text


def test_a_failed_invitation_mail_is_told_to_the_admin_who_invited(failing: World) -> None:
    token = csrf(failing.client.get("/login").text)
    invited = failing.client.post(
        "/org/people?org=kuusi",
        data={"csrf_token": token, "name": "Ville", "email": "ville@kuusi.fi", "role": "member"},
        headers=failing.headers("kadmin"),
        follow_redirects=False,
    )
    assert invited.status_code == 303, invited.text
    (job,) = _mail_jobs(failing.engine)
    assert job.subject is not None and job.subject.startswith("invitation:")
    person_id = int(job.subject.partition(":")[2])
    _fail_for_good(failing.engine, job.id)

    inbox = failing.call("kadmin", "GET", "/api/v1/notifications").json()
    (told,) = [n for n in inbox["notifications"] if n["kind"] == "mail_failed"]
    assert (told["title"], told["detail"]) == ("ville@kuusi.fi", "invitation")
    assert told["page"] == f"/org?org=kuusi#person-{person_id}"
    assert not [
        n
        for n in failing.call("kmember", "GET", "/api/v1/notifications").json()["notifications"]
        if n["kind"] == "mail_failed"
    ]
    finnish = failing.client.get(
        "/org?org=kuusi", headers={"Accept-Language": "fi", **failing.headers("kadmin")}
    )
    assert f'id="person-{person_id}"' in finnish.text
    assert "Kutsusähköposti osoitteeseen ville@kuusi.fi epäonnistui" in finnish.text
    listed = failing.client.get(
        "/notifications", headers={"Accept-Language": "en", **failing.headers("kadmin")}
    )
    assert "A mail with a link you sent could not be delivered:" in listed.text


def test_a_failed_password_reset_mail_is_told_to_platform_admins_never_to_the_asker(
    failing: World, caplog: pytest.LogCaptureFixture
) -> None:
    from winwin.accounts.models import User
    from winwin.accounts.service import create_api_token

    # A platform admin of no organisation is told as well as one of an organisation.
    with unit_of_work(session_factory(failing.engine)) as session:
        ops = User(email="ops@example.com", name="Ops", org_id=None, role="platform_admin")
        session.add(ops)
        session.flush()
        failing.tokens["ops"] = create_api_token(session, user_id=ops.id, name="test").token
    token = csrf(failing.client.get("/login").text)
    answers = [
        failing.client.post(
            "/forgot", data={"csrf_token": token, "email": email}, follow_redirects=False
        )
        for email in ("kmember@example.com", "nobody@example.com")
    ]
    # The asker learns nothing of the address, before or after the failure.
    assert [(a.status_code, a.headers["location"]) for a in answers] == [
        (303, "/forgot?sent=1")
    ] * 2
    (job,) = _mail_jobs(failing.engine)  # only a known address has a link to mail
    assert job.started_by is None and job.arguments["kind"] == "reset"
    with caplog.at_level(logging.ERROR, logger="winwin.mail"):
        _fail_for_good(failing.engine, job.id)

    # One structured log line for the operator's alerting.
    (line,) = [r for r in caplog.records if getattr(r, "event", None) == "mail_failed"]
    assert (line.job_id, line.mail, line.system) == (job.id, "reset", True)  # type: ignore[attr-defined]
    # Every platform admin is told, with the job's page (where its error is); nobody else.
    for admin in ("root", "ops"):
        inbox = failing.call(admin, "GET", "/api/v1/notifications").json()
        (told,) = [n for n in inbox["notifications"] if n["kind"] == "mail_failed"]
        assert (told["title"], told["detail"]) == ("kmember@example.com", "reset")
        assert (told["job"], told["page"]) == (job.id, f"/jobs/{job.id}")
        assert inbox["unread"] >= 1
        shown = failing.call(admin, "GET", told["page"])
        assert shown.status_code == 200 and 'data-status="failed"' in shown.text
    for who in ("fac", "kadmin", "kmember", "labadmin"):
        theirs = failing.call(who, "GET", "/api/v1/notifications").json()["notifications"]
        assert not [n for n in theirs if n["kind"] == "mail_failed"]
    listed = failing.client.get(
        "/notifications", headers={"Accept-Language": "fi", **failing.headers("ops")}
    )
    assert "Salasanan palautuksen sähköpostia ei saatu perille" in listed.text
    assert f'href="/jobs/{job.id}"' in listed.text
    # An admin who is no longer one stops seeing it.
    with unit_of_work(session_factory(failing.engine)) as session:
        session.get(User, ops.id).role = "member"  # type: ignore[union-attr]
    gone = failing.call("ops", "GET", "/api/v1/notifications").json()["notifications"]
    assert not [n for n in gone if n["kind"] == "mail_failed"]
