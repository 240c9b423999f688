"""Expired sessions, reset links and invitation links, and deactivated people, are refused.

Each test first shows the thing working, then moves its expiry one second into the past
(or sets ``active = False``) in the database and shows it refused, on both databases;
refusals re-read the stored state to show nothing changed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from support.api_world import DEMO_PASSWORD, EMAILS, World
from winwin.accounts import service as accounts
from winwin.accounts.access import Actor
from winwin.accounts.models import PasswordResetToken, User, WebSession
from winwin.db.engine import session_factory, unit_of_work

BASE_URL = "https://winwin.example"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _past() -> datetime:
    return datetime.now(UTC) - timedelta(seconds=1)


def _sign_in(client: TestClient, email: str, password: str = DEMO_PASSWORD) -> int:
    token = CSRF.search(client.get("/login").text)
    assert token
    answer = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token[1]},
        follow_redirects=False,
    )
    return int(answer.status_code)


def _reset(client: TestClient, token: str, password: str) -> int:
    """Post the reset form as a browser would, with a valid CSRF token."""
    browser = TestClient(client.app)
    csrf = CSRF.search(browser.get("/login").text)
    assert csrf
    answer = browser.post(
        f"/reset/{token}",
        data={"new_password": password, "csrf_token": csrf[1]},
        follow_redirects=False,
    )
    return int(answer.status_code)


def _password_hash(world: World, email: str) -> str | None:
    with unit_of_work(session_factory(world.engine)) as session:
        return session.scalar(select(User.password_hash).where(User.email == email))


def _signed_in_page(client: TestClient) -> int:
    return int(client.get("/account", follow_redirects=False).status_code)


def test_an_expired_session_is_refused_by_pages_and_the_api(world: World) -> None:
    client = world.client
    assert _sign_in(client, EMAILS["member"]) == 303
    assert _signed_in_page(client) == 200
    assert client.get("/api/v1/me").json()["email"] == EMAILS["member"]
    with unit_of_work(session_factory(world.engine)) as session:
        moved = session.execute(
            update(WebSession)
            .where(WebSession.user_id == world.user_ids["member"])
            .values(expires_at=_past())
        )
        assert moved.rowcount == 1  # type: ignore[attr-defined]
    refused = client.get("/account", follow_redirects=False)
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/login")
    assert client.get("/api/v1/me").status_code == 401
    # Another person's session is untouched, and signing in again opens a new one.
    other = TestClient(client.app)
    assert _sign_in(other, EMAILS["org_admin"]) == 303
    assert _signed_in_page(other) == 200
    assert _sign_in(client, EMAILS["member"]) == 303
    assert _signed_in_page(client) == 200


def _reset_token(world: World, email: str) -> str:
    with unit_of_work(session_factory(world.engine)) as session:
        link = accounts.request_password_reset(session, email=email, base_url=BASE_URL)
    assert link is not None
    return link.rsplit("/", 1)[1]


def _expire_links_of(world: World, user_id: int) -> None:
    with unit_of_work(session_factory(world.engine)) as session:
        moved = session.execute(
            update(PasswordResetToken)
            .where(PasswordResetToken.user_id == user_id)
            .values(expires_at=_past())
        )
        assert moved.rowcount >= 1  # type: ignore[attr-defined]


def test_an_expired_reset_link_sets_no_password(world: World) -> None:
    client = world.client
    token = _reset_token(world, EMAILS["member"])
    assert client.get(f"/reset/{token}").status_code == 200
    before = _password_hash(world, EMAILS["member"])
    _expire_links_of(world, world.user_ids["member"])
    assert client.get(f"/reset/{token}").status_code == 404
    assert _reset(client, token, "a brand new password") == 403
    assert _password_hash(world, EMAILS["member"]) == before
    assert _sign_in(TestClient(client.app), EMAILS["member"], "a brand new password") == 401
    assert _sign_in(TestClient(client.app), EMAILS["member"]) == 303
    with unit_of_work(session_factory(world.engine)) as session:
        assert accounts.reset_target(session, token=token) is None
    # The same form with a fresh link works: the refusal was the expiry.
    assert _reset(client, _reset_token(world, EMAILS["member"]), "a brand new password") == 303
    assert _sign_in(TestClient(client.app), EMAILS["member"], "a brand new password") == 303


def test_an_expired_invitation_link_sets_no_password(world: World) -> None:
    admin = Actor(
        user_id=world.user_ids["org_admin"],
        email=EMAILS["org_admin"],
        name="Admin",
        org_id=None,
        role="platform_admin",
    )
    with unit_of_work(session_factory(world.engine)) as session:
        org_id = session.scalar(select(User.org_id).where(User.email == EMAILS["member"]))
        assert org_id is not None
        invited = accounts.invite_people(
            session,
            admin,
            org_id=org_id,
            invitations=[accounts.Invitation("new@kuusi.example", "New Person")],
            base_url=BASE_URL,
        )
    token = invited[0].link.rsplit("/", 1)[1]
    client = world.client
    assert client.get(f"/reset/{token}").status_code == 200
    _expire_links_of(world, invited[0].user_id)
    assert client.get(f"/reset/{token}").status_code == 404
    assert _reset(client, token, "my very own password") == 403
    assert _password_hash(world, "new@kuusi.example") is None
    assert _sign_in(TestClient(client.app), "new@kuusi.example", "my very own password") == 401


def _deactivate(world: World, who: str) -> None:
    with unit_of_work(session_factory(world.engine)) as session:
        session.execute(update(User).where(User.id == world.user_ids[who]).values(active=False))


def test_a_deactivated_person_cannot_sign_in_or_use_a_session_or_token(world: World) -> None:
    client = world.client
    assert _sign_in(client, EMAILS["member"]) == 303
    assert _signed_in_page(client) == 200
    assert world.call("member", "GET", "/api/v1/me").status_code == 200
    _deactivate(world, "member")
    # The session already open, the API token and a new sign-in with the right password.
    assert _signed_in_page(client) == 303
    assert client.get("/api/v1/me").status_code == 401
    assert world.call("member", "GET", "/api/v1/me").status_code == 401
    fresh = TestClient(client.app)
    assert _sign_in(fresh, EMAILS["member"]) == 401
    assert _signed_in_page(fresh) == 303
    with unit_of_work(session_factory(world.engine)) as session:
        # No reset link is made for them either, and the service refuses the sign-in.
        assert (
            accounts.request_password_reset(session, email=EMAILS["member"], base_url=BASE_URL)
            is None
        )
        assert (
            session.scalars(
                select(PasswordResetToken).where(
                    PasswordResetToken.user_id == world.user_ids["member"]
                )
            ).all()
            == []
        )
    # Everyone else carries on.
    assert world.call("org_admin", "GET", "/api/v1/me").status_code == 200
    assert _sign_in(TestClient(client.app), EMAILS["org_admin"]) == 303


def test_a_deactivated_persons_open_reset_link_sets_no_password(world: World) -> None:
    token = _reset_token(world, EMAILS["member"])
    _deactivate(world, "member")
    _reset(world.client, token, "a brand new password")
    # Whatever the page answers, the person stays unable to sign in.
    assert _sign_in(TestClient(world.client.app), EMAILS["member"], "a brand new password") == 401
    assert _sign_in(TestClient(world.client.app), EMAILS["member"]) == 401
