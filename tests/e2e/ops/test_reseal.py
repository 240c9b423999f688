"""Rotating the secret key, then `winwin secrets reseal`, on both databases: the answer
links' kept tokens and the links of queued mail move to the new secret, a second run
changes nothing, and once the previous secret is dropped everything still opens (and
before the reseal it would not have)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from e2e.assessments.conftest import World, seed
from winwin.assessments import link_tokens
from winwin.assessments.models import Invitation
from winwin.db.engine import session_factory, unit_of_work
from winwin.jobs.models import Job
from winwin.mail import jobs as mail_jobs
from winwin.mail import sealing
from winwin.settings import Settings

OLD = "the-old-secret-that-leaked-0123456789abcdef"
NEW = "the-new-secret-after-the-rotation-fedcba987654"
RESET_LINK = "https://winwin.example/reset/abc123"


def _kept(engine: Engine) -> tuple[dict[int, str], dict[int, str]]:
    """Invitation id → sealed token; mail job id → sealed link."""
    with unit_of_work(session_factory(engine)) as session:
        tokens = {
            i.id: i.link_token
            for i in session.scalars(select(Invitation).where(Invitation.link_token.is_not(None)))
        }
        links = {
            j.id: j.arguments["link"]
            for j in session.scalars(select(Job).where(Job.kind == mail_jobs.KIND))
        }
    return tokens, links  # type: ignore[return-value]


def _opened(engine: Engine, secret: str) -> tuple[dict[int, str | None], dict[int, str | None]]:
    """What the configured secrets (``secret`` and WINWIN_SECRET_KEY_PREVIOUS) open."""
    tokens, links = _kept(engine)

    def link(sealed: str) -> str | None:
        try:
            return sealing.unseal(sealed, secret=secret, only=True)
        except sealing.Unsealable:
            return None

    return (
        {i: link_tokens.open_token(t, secret=secret) for i, t in tokens.items()},
        {i: link(s) for i, s in links.items()},
    )


def test_after_a_rotation_reseal_lets_the_previous_secret_go(  # type: ignore[no-untyped-def]
    engine: Engine, db_url: str, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from winwin.http.app import create_app

    monkeypatch.setenv("WINWIN_SECRET_KEY", OLD)
    monkeypatch.delenv("WINWIN_SECRET_KEY_PREVIOUS", raising=False)
    tokens, emails = seed(engine)
    app = create_app(Settings(database_url=db_url, secret_key=OLD))
    with TestClient(app) as client:
        world = World(client=client, engine=engine, tokens=tokens, emails=emails)
        made = world.call(
            "fac", "POST", "/api/v1/rounds", json={"between": ["pakkaus", "kuusi"], "round": "R1"}
        )
        assert made.status_code == 201, made.text
        invitees = [{"side": "kuusi", "name": f"Person {n}"} for n in range(5)]
        issued = world.call(
            "fac",
            "POST",
            f"/api/v1/rounds/{made.json()['id']}/invitations",
            json={"invitees": invitees},
        )
        assert issued.status_code == 201, issued.text
    app.state.engine.dispose()
    answer_tokens = {i["invitation"]["id"]: i["token"] for i in issued.json()}
    with unit_of_work(session_factory(engine)) as session:
        relay = Settings(secret_key=OLD, mail_server="127.0.0.1:9")
        mail_job = mail_jobs.queue_link(
            session, relay, kind="reset", to="a@b.fi", link=RESET_LINK, locale="fi", started_by=None
        )
    expected = (answer_tokens, {mail_job: RESET_LINK})
    assert _opened(engine, OLD) == expected

    # The rotation: the new secret, the old one listed as previous.
    monkeypatch.setenv("WINWIN_SECRET_KEY", NEW)
    monkeypatch.setenv("WINWIN_SECRET_KEY_PREVIOUS", OLD)
    assert _opened(engine, NEW) == expected
    monkeypatch.delenv("WINWIN_SECRET_KEY_PREVIOUS")
    # Dropped before a reseal, the old secret takes everything with it.
    assert _opened(engine, NEW) == (
        {i: None for i in answer_tokens},
        {mail_job: None},
    )
    monkeypatch.setenv("WINWIN_SECRET_KEY_PREVIOUS", OLD)

    before = _kept(engine)
    done = cli("secrets", "reseal", "--json", "--batch", "2")
    assert done.code == 0, done.err
    assert done.json() == {
        "answer_links": {"resealed": 5, "current": 0, "unopened": 0},
        "mail_links": {"resealed": 1, "current": 0, "unopened": 0},
    }
    after = _kept(engine)
    assert all(after[0][i] != before[0][i] for i in answer_tokens)
    # Idempotent: a second run finds everything under the new secret and writes nothing.
    again = cli("secrets", "reseal", "--json")
    assert again.code == 0, again.err
    assert again.json() == {
        "answer_links": {"resealed": 0, "current": 5, "unopened": 0},
        "mail_links": {"resealed": 0, "current": 1, "unopened": 0},
    }
    assert _kept(engine) == after

    # The old secret dropped: everything still opens under the new one alone.
    monkeypatch.delenv("WINWIN_SECRET_KEY_PREVIOUS")
    assert _opened(engine, NEW) == expected
    told = cli("secrets", "reseal")
    assert told.code == 0
    assert "answer links: 0 resealed, 5 already under the current secret" in told.out


def test_reseal_needs_a_current_secret_and_names_it(  # type: ignore[no-untyped-def]
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WINWIN_SECRET_KEY", raising=False)
    refused = cli("secrets", "reseal", "--json")
    assert refused.code == 2
    assert "WINWIN_SECRET_KEY" in refused.err and refused.out == ""


def test_a_value_no_configured_secret_opens_is_left_and_counted(  # type: ignore[no-untyped-def]
    engine: Engine, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with unit_of_work(session_factory(engine)) as session:
        relay = Settings(secret_key=OLD, mail_server="127.0.0.1:9")
        mail_jobs.queue_link(
            session, relay, kind="reset", to="a@b.fi", link=RESET_LINK, locale="fi", started_by=None
        )
    monkeypatch.setenv("WINWIN_SECRET_KEY", NEW)
    monkeypatch.delenv("WINWIN_SECRET_KEY_PREVIOUS", raising=False)
    before = _kept(engine)
    done = cli("secrets", "reseal")
    assert done.code == 0
    assert "mail links: 0 resealed, 0 already under the current secret, 1 opened by no" in done.out
    assert "WINWIN_SECRET_KEY_PREVIOUS" in done.err
    assert _kept(engine) == before
