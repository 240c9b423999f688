"""Personal answer links go out by mail, through a real SMTP server, from every door.

The mail leaves after the invitation is committed; a respondent without an address, or a
server without a mail server, still gets the link on screen; a mail server that cannot
be reached never undoes the invitation and never writes the link to the log.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from e2e.assessments.conftest import World, seed
from e2e.assessments.test_assessment_pages import csrf
from support.mail_jobs import prepare_queue, run_jobs
from support.secrets import TEST_SECRET
from support.smtp import Inbox, smtp_server
from winwin.db.engine import session_factory, unit_of_work
from winwin.db.models import Invitation
from winwin.jobs import execution, queue
from winwin.jobs.models import Job
from winwin.mail import jobs as mail_jobs
from winwin.settings import Settings


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as server:
        yield server


def _world(engine: Engine, db_url: str, mail_server: str | None) -> Iterator[World]:
    from winwin.http.app import create_app

    tokens, emails = seed(engine)
    prepare_queue(engine)
    settings = Settings(
        database_url=db_url,
        secret_key=TEST_SECRET,
        mail_server=mail_server,
    )
    app = create_app(settings)
    with TestClient(app) as client:
        yield World(client=client, engine=engine, tokens=tokens, emails=emails)
    app.state.engine.dispose()


@pytest.fixture
def closed_port() -> Iterator[str]:
    # Bound and never listened on: a connection is refused at once.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    yield f"127.0.0.1:{closed.getsockname()[1]}"
    closed.close()


@pytest.fixture
def mailing(engine: Engine, db_url: str, inbox: Inbox) -> Iterator[World]:
    yield from _world(engine, db_url, inbox.address)


def _open(world: World) -> int:
    made = world.call(
        "fac", "POST", "/api/v1/rounds", json={"between": ["pakkaus", "kuusi"], "round": "2026-Q2"}
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _invitations(engine: Engine) -> int:
    with unit_of_work(session_factory(engine)) as session:
        return int(session.scalar(select(func.count()).select_from(Invitation)) or 0)


def test_the_api_mails_each_invitee_with_an_address_their_own_link(mailing, inbox):
    round_id = _open(mailing)
    issued = mailing.client.post(
        f"/api/v1/rounds/{round_id}/invitations",
        json={
            "invitees": [
                {"side": "kuusi", "name": "Anna", "email": "anna@kuusi.fi", "locale": "fi"},
                {"side": "pakkaus", "name": "Pekka", "email": "pekka@pakkaus.fi"},
                {"side": "third-party", "name": "No address"},
            ]
        },
        headers={"Accept-Language": "en", **mailing.headers("fac")},
    )
    assert issued.status_code == 201, issued.text
    body = issued.json()
    assert [i["mailed"] for i in body] == [True, True, False]
    run_jobs(mailing.engine)
    mails = {m["To"]: m for m in inbox.wait_for(2)}
    assert set(mails) == {"anna@kuusi.fi", "pekka@pakkaus.fi"}

    anna, pekka = mails["anna@kuusi.fi"], mails["pekka@pakkaus.fi"]
    # Anna's invitation asks for Finnish; Pekka gets the inviter's language.
    assert anna["Subject"] == "Henkilökohtainen linkkisi arviointiin: Kuusi Oy ja Pakkaus Oy"
    assert "kierros 2026-Q2" in anna.get_content()
    assert pekka["Subject"] == "Your personal link to the assessment of Kuusi Oy and Pakkaus Oy"
    assert "round 2026-Q2" in pekka.get_content()
    for mail, issued_one in ((anna, body[0]), (pekka, body[1])):
        assert issued_one["link"] in mail.get_content()
        # Each mail carries only its own link, and the link opens that person's form.
        others = [i["token"] for i in body if i is not issued_one]
        assert not any(token in mail.get_content() for token in others)
        form = mailing.call(None, "GET", f"/api/v1/responses/{issued_one['token']}")
        assert form.status_code == 200
        assert form.json()["side"] == issued_one["invitation"]["side"]
    assert len(inbox.messages) == 2  # nothing for the invitee without an address


def test_the_round_page_says_which_links_were_mailed(mailing, inbox):
    round_id = _open(mailing)
    token = csrf(mailing.client.get("/login", headers={"Accept-Language": "en"}).text)
    headers = {"Accept-Language": "en", **mailing.headers("fac")}
    page = mailing.client.post(
        f"/rounds/{round_id}/invitations",
        data={"csrf_token": token, "side": "kuusi", "name": "Anna", "email": "anna@kuusi.fi"},
        headers=headers,
    )
    assert page.status_code == 200, page.text  # after the redirect to the round page
    assert "mailed to anna@kuusi.fi" in page.text
    (link,) = re.findall(r'class="answer-link" readonly value="([^"]+)"', page.text)
    run_jobs(mailing.engine)
    (mail,) = inbox.wait_for(1)
    assert mail["To"] == "anna@kuusi.fi"
    assert link in mail.get_content()

    unmailed = mailing.client.post(
        f"/rounds/{round_id}/invitations",
        data={"csrf_token": token, "side": "pakkaus", "name": "Pekka"},
        headers=headers,
    )
    assert "not mailed: send it yourself" in unmailed.text
    assert len(inbox.messages) == 1


def test_a_refused_invitation_mails_nothing_and_stores_nothing(mailing, inbox):
    round_id = _open(mailing)
    refused = mailing.call(
        "fac",
        "POST",
        f"/api/v1/rounds/{round_id}/invitations",
        json={
            "invitees": [
                {"side": "kuusi", "name": "Anna", "email": "anna@kuusi.fi"},
                {"side": "lab", "name": "Outsider", "email": "x@lab.fi"},
            ]
        },
    )
    assert refused.status_code == 422
    assert "invitees[1].side" in refused.text
    assert inbox.messages == []
    assert _invitations(mailing.engine) == 0


def test_an_unreachable_mail_server_keeps_the_invitation_and_keeps_the_link_out_of_logs(
    engine, db_url, caplog
):
    """The mail job is tried again with back-off, then marked failed with the relay's
    error, which its inviter sees; the link is never logged nor stored readable."""
    # A port bound here and never listened on: the connection is refused at once, and no
    # other process can take the port while the test runs.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    world = _world(engine, db_url, f"127.0.0.1:{closed.getsockname()[1]}")
    mailing = next(world)
    try:
        round_id = _open(mailing)
        with caplog.at_level(logging.DEBUG):
            issued = mailing.call(
                "fac",
                "POST",
                f"/api/v1/rounds/{round_id}/invitations",
                json={"invitees": [{"side": "kuusi", "name": "A", "email": "a@kuusi.fi"}]},
            )
            assert issued.status_code == 201, issued.text
            (one,) = issued.json()
            (job_id,) = _mail_jobs(engine)
            # Each attempt as soon as the last has failed, without waiting out the back-off
            # (on SQLite the app's thread may make some of them).
            deadline = time.monotonic() + 60
            while _status(engine, job_id) != "failed" and time.monotonic() < deadline:
                execution.run_once(engine, job_id)
                time.sleep(0.01)
        listed = mailing.call("fac", "GET", "/api/v1/jobs").json()["jobs"]
        (job,) = [j for j in listed if j["id"] == job_id]
        assert job["kind"] == "mail.link" and job["about"] == "a@kuusi.fi"
        assert job["status"] == "failed"
        assert job["attempts"] == job["max_attempts"] == mail_jobs.ATTEMPTS
        assert "Connection refused" in job["error"] or "ConnectionRefused" in job["error"]
        assert f"job {job_id} (mail.link) attempt 1 failed" in caplog.text
        assert one["token"] not in caplog.text
        with unit_of_work(session_factory(engine)) as session:
            stored = json.dumps(session.get(Job, job_id).arguments)
        assert one["token"] not in stored
        # Nobody else sees the job; the invitation still works.
        assert mailing.call("root", "GET", f"/api/v1/jobs/{job_id}").status_code == 404
        assert mailing.call(None, "GET", f"/api/v1/responses/{one['token']}").status_code == 200
    finally:
        world.close()
        closed.close()


def _status(engine: Engine, job_id: int) -> str:
    with unit_of_work(session_factory(engine)) as session:
        return session.get(Job, job_id).status


def _mail_jobs(engine: Engine) -> list[int]:
    with unit_of_work(session_factory(engine)) as session:
        return list(session.scalars(select(Job.id).where(Job.kind == "mail.link")))


def test_the_command_line_mails_the_link_when_asked(cli, inbox, monkeypatch):
    doc = {
        "format": "winwin/1",
        "organizations": [{"key": k, "name": f"{k.title()} Oy"} for k in ("kuusi", "pakkaus")],
    }
    assert cli("import", "-", stdin=json.dumps(doc)).code == 0
    round_id = cli("round", "open", "kuusi", "pakkaus", "--round", "r1", "--json").json()["id"]

    no_server = cli(
        "round", "invite", str(round_id), "--side", "kuusi", "--email", "a@k.fi", "--mail"
    )
    assert (
        no_server.code == 2 and "--mail" in no_server.err and "WINWIN_MAIL_SERVER" in no_server.err
    )
    monkeypatch.setenv("WINWIN_MAIL_SERVER", inbox.address)
    no_address = cli("round", "invite", str(round_id), "--side", "kuusi", "--mail")
    assert no_address.code == 2 and "--email" in no_address.err
    assert cli("round", "list", "--json").json()["rounds"][0]["invitations"] == []

    sent = cli(
        "round", "invite", str(round_id), "--side", "kuusi", "--name", "Anna",
        "--email", "anna@kuusi.fi", "--locale", "fi", "--mail", "--json",
    )  # fmt: skip
    assert sent.code == 0, sent.err
    assert sent.json()["mailed"] is True
    (mail,) = inbox.wait_for(1)
    assert mail["To"] == "anna@kuusi.fi"
    assert sent.json()["link"] in mail.get_content()
    assert "Kuusi Oy ja Pakkaus Oy" in mail["Subject"]

    quiet = cli(
        "round", "invite", str(round_id), "--side", "pakkaus", "--email", "p@p.fi", "--json"
    )
    assert quiet.code == 0 and quiet.json()["mailed"] is False
    assert len(inbox.messages) == 1  # without --mail nothing is sent


class _Held:
    """A runner that keeps the jobs it is handed, so that the test says when they run."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def submit(self, job_id: int) -> None:
        self.ids.append(job_id)

    def close(self) -> None:
        pass


def _hold_jobs(world: World) -> _Held:
    app = world.client.app
    started = app.state.jobs_runner  # the SQLite thread, started with the app
    if started is not None:
        started.close()
    held = app.state.jobs_runner = _Held()
    return held


def _release(engine: Engine, held: _Held) -> None:
    """Hand the held jobs to the queue (Procrastinate on PostgreSQL) and run them all."""
    url = engine.url.render_as_string(hide_password=False)
    if queue.is_postgres(url):
        app = queue.build_app(url, engine)
        with app.open():
            for job_id in held.ids:
                queue.defer(app, job_id)
    run_jobs(engine)


def _job(engine: Engine, job_id: int) -> Job:
    with unit_of_work(session_factory(engine)) as session:
        job = session.get(Job, job_id)
        session.expunge(job)
        return job


def test_a_resend_or_revoke_keeps_the_queued_mail_of_the_old_link_from_leaving(mailing, inbox):
    held = _hold_jobs(mailing)
    round_id = _open(mailing)
    invited = mailing.call(
        "fac",
        "POST",
        f"/api/v1/rounds/{round_id}/invitations",
        json={
            "invitees": [
                {"side": "kuusi", "name": "Anna", "email": "anna@kuusi.fi"},
                {"side": "pakkaus", "name": "Pekka", "email": "pekka@pakkaus.fi"},
            ]
        },
    )
    assert invited.status_code == 201, invited.text
    anna, pekka = invited.json()
    old_anna, old_pekka = held.ids
    # Both mails still wait in the queue when Anna's link is replaced and Pekka's ended.
    resent = mailing.call(
        "fac",
        "POST",
        f"/api/v1/rounds/{round_id}/invitations/{anna['invitation']['id']}/resend",
    )
    assert resent.status_code == 200, resent.text
    assert resent.json()["mailed"] is True
    revoked = mailing.call(
        "fac",
        "POST",
        f"/api/v1/rounds/{round_id}/invitations/{pekka['invitation']['id']}/revoke",
    )
    assert revoked.status_code == 200, revoked.text
    (new_anna,) = held.ids[2:]
    assert _status(mailing.engine, old_anna) == "queued"

    _release(mailing.engine, held)
    (mail,) = inbox.wait_for(1)
    time.sleep(0.2)  # nothing else arrives
    assert len(inbox.messages) == 1
    assert mail["To"] == "anna@kuusi.fi"
    assert resent.json()["link"] in mail.get_content()
    assert anna["token"] not in mail.get_content()
    for job_id, to in ((old_anna, "anna@kuusi.fi"), (old_pekka, "pekka@pakkaus.fi")):
        skipped = _job(mailing.engine, job_id)
        assert (skipped.status, skipped.attempts, skipped.result) == (
            "succeeded",
            1,
            {"to": to, "sent": False, "skipped": mail_jobs.SKIPPED_REPLACED},
        )
    sent = _job(mailing.engine, new_anna)
    assert (sent.status, sent.result) == ("succeeded", {"to": "anna@kuusi.fi"})

    # The inviter sees which mails did not go, and why, in both languages.
    for language, words in (
        ("en", ("not sent: the link was replaced", "A new link has its own mail.")),
        ("fi", ("ei lähetetty: linkki korvattiin", "Uusi linkki lähtee omana viestinään.")),
    ):
        headers = {"Accept-Language": language, **mailing.headers("fac")}
        listing = mailing.client.get("/jobs", headers=headers).text
        assert listing.count(words[0]) == 2
        page = mailing.client.get(f"/jobs/{old_pekka}", headers=headers).text
        assert words[1] in page
        assert words[1] not in mailing.client.get(f"/jobs/{new_anna}", headers=headers).text


def test_a_mail_that_failed_once_is_not_tried_again_after_its_link_is_replaced(
    engine, db_url, closed_port, inbox
):
    """Between two attempts the link is replaced: the next attempt sends nothing."""
    world = _world(engine, db_url, closed_port)
    mailing = next(world)
    try:
        held = _hold_jobs(mailing)
        round_id = _open(mailing)
        invited = mailing.call(
            "fac",
            "POST",
            f"/api/v1/rounds/{round_id}/invitations",
            json={"invitees": [{"side": "kuusi", "name": "A", "email": "a@kuusi.fi"}]},
        )
        assert invited.status_code == 201, invited.text
        (one,) = invited.json()
        (job_id,) = held.ids
        assert execution.run_once(engine, job_id).status == "retry"
        resent = mailing.call(
            "fac",
            "POST",
            f"/api/v1/rounds/{round_id}/invitations/{one['invitation']['id']}/resend",
        )
        assert resent.status_code == 200, resent.text
        assert execution.run_once(engine, job_id).status == "succeeded"
        skipped = _job(engine, job_id)
        assert (skipped.status, skipped.attempts) == ("succeeded", 2)
        assert skipped.result == {"to": "a@kuusi.fi", "sent": False, "skipped": "link-replaced"}
    finally:
        world.close()
