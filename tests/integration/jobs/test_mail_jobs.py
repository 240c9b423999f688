"""Mail is a job on both databases: the link travels sealed, a relay that refuses is tried
again with back-off (Procrastinate's retry strategy on PostgreSQL, the thread's wait on
SQLite), and a mail that never goes is marked failed with its error, shown to its
starter, or to platform admins for system mail."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from e2e.assessments.conftest import World, seed
from support.mail_jobs import prepare_queue, run_jobs
from support.secrets import TEST_SECRET
from support.smtp import smtp_server
from winwin.db.base import utcnow
from winwin.db.engine import session_factory, unit_of_work
from winwin.jobs import execution, queue
from winwin.jobs.models import Job
from winwin.mail import jobs as mail_jobs
from winwin.mail import sealing
from winwin.settings import Settings

LINK = "https://winwin.example/reset/one-time-secret-token"


@pytest.fixture
def closed_port() -> Iterator[str]:
    # Bound and never listened on: a connection is refused at once.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    yield f"127.0.0.1:{closed.getsockname()[1]}"
    closed.close()


def _world(
    engine: Engine, db_url: str, relay: str, tokens: dict[str, str], emails: dict[str, str]
) -> Iterator[World]:
    from winwin.http.app import create_app

    settings = Settings(database_url=db_url, secret_key=TEST_SECRET, mail_server=relay)
    app = create_app(settings)
    with TestClient(app) as client:
        yield World(client=client, engine=engine, tokens=tokens, emails=emails)
    app.state.engine.dispose()


def _queue_reset(engine: Engine, relay: str, *, secret: str = TEST_SECRET) -> int:
    """A password reset mail, queued as the forgot page does (system mail)."""
    settings = Settings(secret_key=secret, mail_server=relay)
    with unit_of_work(session_factory(engine)) as session:
        job_id = mail_jobs.queue_link(
            session,
            settings,
            kind="reset",
            to="kmember@example.com",
            link=LINK,
            locale="en",
            started_by=None,
        )
    assert job_id is not None
    return job_id


def _job(engine: Engine, job_id: int) -> Job:
    with unit_of_work(session_factory(engine)) as session:
        job = session.get(Job, job_id)
        assert job is not None
        session.expunge(job)
        return job


def test_a_link_is_sealed_and_opens_only_with_its_secret() -> None:
    sealed = sealing.seal(LINK, secret=TEST_SECRET)
    assert "one-time-secret-token" not in sealed
    assert sealing.unseal(sealed, secret=TEST_SECRET) == LINK
    foreign = sealing.seal(LINK, secret="x" * 40)
    # This process sealed with that secret too, so it can open it; a worker configured
    # with another secret only could not.
    assert sealing.unseal(foreign, secret=TEST_SECRET) == LINK
    with pytest.raises(sealing.Unsealable, match="WINWIN_SECRET_KEY"):
        sealing.unseal(foreign[:-4] + "AAAA", secret=TEST_SECRET)


def test_a_mail_job_sends_the_link_and_keeps_it_sealed_in_the_queue(engine: Engine) -> None:
    prepare_queue(engine)
    with smtp_server() as inbox:
        job_id = _queue_reset(engine, inbox.address)
        arguments = json.dumps(_job(engine, job_id).arguments)
        assert "one-time-secret-token" not in arguments
        _submit(world_engine=engine, job_id=job_id)
        run_jobs(engine)
        (mail,) = inbox.wait_for(1)
    assert mail["To"] == "kmember@example.com"
    assert mail["Subject"] == "Your Winwin password reset link"
    assert LINK in mail.get_content()
    done = _job(engine, job_id)
    assert (done.status, done.attempts, done.result) == (
        "succeeded",
        1,
        {"to": "kmember@example.com"},
    )


def _submit(*, world_engine: Engine, job_id: int) -> None:
    url = world_engine.url.render_as_string(hide_password=False)
    if queue.is_postgres(url):
        runner = queue.build_app(url, world_engine)
        with runner.open():
            queue.defer(runner, job_id)


def test_a_refused_mail_is_retried_with_back_off_then_failed_and_shown_to_admins(
    engine: Engine, db_url: str, closed_port: str, caplog: pytest.LogCaptureFixture
) -> None:
    tokens, emails = seed(engine)
    prepare_queue(engine)
    job_id = _queue_reset(engine, closed_port)
    before = utcnow()
    if engine.dialect.name == "postgresql":
        # One attempt through the queue: Procrastinate's retry strategy puts the same
        # row back with the kind's first back-off (5 s).
        _submit(world_engine=engine, job_id=job_id)
        run_jobs(engine)
        with engine.connect() as connection:
            status, attempts, at = connection.execute(
                text(
                    "SELECT status::text, attempts, scheduled_at FROM procrastinate_jobs "
                    "WHERE task_name = :task"
                ),
                {"task": queue.TASK},
            ).one()
        assert (status, attempts) == ("todo", 1)
        assert timedelta(seconds=3) < at - before < timedelta(seconds=8)
    else:
        execution.run_once(engine, job_id)
    first = _job(engine, job_id)
    assert (first.status, first.attempts) == ("queued", 1)
    assert first.run_after is not None
    wait = first.run_after.replace(tzinfo=before.tzinfo) - before
    assert timedelta(seconds=3) < wait < timedelta(seconds=8)
    assert "refused" in (first.error or "").lower()

    # The remaining attempts at once, without waiting out the back-off.
    with caplog.at_level(logging.WARNING, logger="winwin.mail"):
        for _ in range(mail_jobs.ATTEMPTS - 1):
            execution.run_once(engine, job_id)
    failed = _job(engine, job_id)
    assert (failed.status, failed.attempts) == ("failed", mail_jobs.ATTEMPTS)
    # A reset link that could not go is logged for the operator, as without a relay.
    assert LINK in caplog.text

    # System mail: platform admins see it with its error, nobody else does.
    world_iter = _world(engine, db_url, closed_port, tokens, emails)
    world = next(world_iter)
    try:
        listed = world.call("root", "GET", "/api/v1/jobs", params={"status": "failed"})
        assert listed.status_code == 200
        (shown,) = [j for j in listed.json()["jobs"] if j["id"] == job_id]
        assert shown["about"] == "kmember@example.com"
        assert shown["started_by"] is None
        assert shown["error"] == failed.error
        page = world.client.get("/jobs", headers={**world.headers("root"), "Accept-Language": "fi"})
        assert page.status_code == 200
        assert "Sähköposti osoitteeseen kmember@example.com" in page.text
        assert "epäonnistui" in page.text and "järjestelmä" in page.text
        for who in ("kmember", "kadmin"):
            assert world.call(who, "GET", f"/api/v1/jobs/{job_id}").status_code == 404
            assert world.call(who, "GET", "/api/v1/jobs").json()["jobs"] == []
            mine = world.client.get("/jobs", headers=world.headers(who))
            assert "kmember@example.com" not in mine.text
    finally:
        world_iter.close()


def test_a_link_sealed_with_another_secret_fails_at_once_with_a_clear_error(
    engine: Engine, db_url: str, closed_port: str
) -> None:
    prepare_queue(engine)
    seed(engine)
    job_id = _queue_reset(engine, closed_port)
    with unit_of_work(session_factory(engine)) as session:
        job = session.get(Job, job_id)
        assert job is not None
        arguments = dict(job.arguments)
        arguments["link"] = arguments["link"][:-6] + "AAAAAA"
        job.arguments = arguments
    execution.run_once(engine, job_id)
    failed = _job(engine, job_id)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert "WINWIN_SECRET_KEY" in (failed.error or "")


OLD_SECRET = "winwin-old-secret-0123456789abcdefgh"


def test_a_changed_secret_still_opens_what_the_previous_one_sealed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sealed = sealing.seal(LINK, secret=OLD_SECRET)
    # A worker that never sealed anything itself: only its settings can open it.
    monkeypatch.setattr(sealing, "_seen", {})
    monkeypatch.delenv("WINWIN_SECRET_KEY_PREVIOUS", raising=False)
    with pytest.raises(sealing.Unsealable, match="WINWIN_SECRET_KEY_PREVIOUS"):
        sealing.unseal(sealed, secret=TEST_SECRET)
    assert sealing.unseal(sealed, secret=TEST_SECRET, previous=["x" * 40, OLD_SECRET]) == LINK
    monkeypatch.setenv("WINWIN_SECRET_KEY_PREVIOUS", f"{'y' * 40}, {OLD_SECRET}")
    assert Settings().previous_secret_keys == ("y" * 40, OLD_SECRET)
    assert sealing.unseal(sealed, secret=TEST_SECRET) == LINK
    # Resealed under the current secret, it no longer needs the previous one.
    moved = sealing.reseal(sealed, secret=TEST_SECRET)
    monkeypatch.setattr(sealing, "_seen", {})
    assert sealing.unseal(moved, secret=TEST_SECRET, previous=[]) == LINK
    with pytest.raises(sealing.Unsealable):
        sealing.unseal(sealed, secret=TEST_SECRET, previous=[])


def test_mail_queued_before_the_secret_changed_is_delivered_after(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare_queue(engine)
    with smtp_server() as inbox:
        job_id = _queue_reset(engine, inbox.address, secret=OLD_SECRET)
        # The servers restart with a new secret and the old one as the previous.
        monkeypatch.setattr(sealing, "_seen", {})
        monkeypatch.setenv("WINWIN_SECRET_KEY", TEST_SECRET)
        monkeypatch.setenv("WINWIN_SECRET_KEY_PREVIOUS", OLD_SECRET)
        _submit(world_engine=engine, job_id=job_id)
        run_jobs(engine)
        (mail,) = inbox.wait_for(1)
    assert LINK in mail.get_content()
    assert _job(engine, job_id).status == "succeeded"


def test_mail_sealed_under_a_secret_no_longer_configured_fails_once_with_its_cause(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare_queue(engine)
    with smtp_server() as inbox:
        job_id = _queue_reset(engine, inbox.address, secret=OLD_SECRET)
        monkeypatch.setattr(sealing, "_seen", {})
        monkeypatch.setenv("WINWIN_SECRET_KEY", TEST_SECRET)
        monkeypatch.delenv("WINWIN_SECRET_KEY_PREVIOUS", raising=False)
        _submit(world_engine=engine, job_id=job_id)
        run_jobs(engine)
        run_jobs(engine)  # nothing is left to run: it is not retried
        assert inbox.messages == []
    failed = _job(engine, job_id)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert "WINWIN_SECRET_KEY_PREVIOUS" in (failed.error or "")


def test_kept_answer_links_open_under_a_previous_secret_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from winwin.assessments import link_tokens

    stored = link_tokens.seal_token("kept-answer-token", secret=OLD_SECRET)
    monkeypatch.delenv("WINWIN_SECRET_KEY_PREVIOUS", raising=False)
    # At rest only the configured secrets open it, never one this process happened to use.
    assert link_tokens.open_token(stored, secret=TEST_SECRET) is None
    monkeypatch.setenv("WINWIN_SECRET_KEY_PREVIOUS", OLD_SECRET)
    assert link_tokens.open_token(stored, secret=TEST_SECRET) == "kept-answer-token"
