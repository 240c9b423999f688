"""API tokens expire, and a password reset (or a change, on request) revokes them.

Regression tests: tokens survived a password change and a reset, and never expired.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from support.api_world import DEMO_PASSWORD, EMAILS, World
from winwin.accounts import service as accounts
from winwin.accounts.models import ApiToken
from winwin.db.engine import session_factory, unit_of_work


def _tokens_of(world: World, who: str) -> list[ApiToken]:
    with unit_of_work(session_factory(world.engine)) as session:
        return list(
            session.scalars(select(ApiToken).where(ApiToken.user_id == world.user_ids[who]))
        )


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_new_token_works_for_90_days_and_the_list_says_until_when(world: World) -> None:
    made = world.call("member", "POST", "/api/v1/tokens", json={"name": "nightly"})
    assert made.status_code == 201, made.text
    listed = {t["id"]: t for t in world.call("member", "GET", "/api/v1/tokens").json()}
    mine = listed[made.json()["id"]]
    life = _when(mine["expires_at"]) - _when(mine["created_at"])
    assert life == timedelta(days=90)
    assert mine["expires_at"] == made.json()["expires_at"]


def test_a_token_may_be_made_shorter_but_not_longer_than_a_year(world: World) -> None:
    short = world.call("member", "POST", "/api/v1/tokens", json={"name": "a", "days": 1})
    assert short.status_code == 201
    before = len(_tokens_of(world, "member"))
    for days in (0, 366, -5):
        refused = world.call("member", "POST", "/api/v1/tokens", json={"name": "b", "days": days})
        assert refused.status_code == 422, days
        assert any(p["path"] == "days" for p in refused.json()["problems"]), refused.json()
    assert len(_tokens_of(world, "member")) == before


def test_an_expired_token_is_refused_with_401(world: World) -> None:
    assert world.call("member", "GET", "/api/v1/me").status_code == 200
    with unit_of_work(session_factory(world.engine)) as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == world.user_ids["member"])
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    answer = world.call("member", "GET", "/api/v1/me")
    assert answer.status_code == 401
    assert world.call("org_admin", "GET", "/api/v1/me").status_code == 200


def test_a_password_reset_revokes_every_api_token(world: World) -> None:
    with unit_of_work(session_factory(world.engine)) as session:
        link = accounts.request_password_reset(
            session, email=EMAILS["member"], base_url="https://winwin.example"
        )
    assert link is not None
    token = link.rsplit("/", 1)[1]
    with unit_of_work(session_factory(world.engine)) as session:
        accounts.reset_password(session, token=token, new="a brand new password")
    assert _tokens_of(world, "member") == []
    assert world.call("member", "GET", "/api/v1/me").status_code == 401
    assert world.call("org_admin", "GET", "/api/v1/me").status_code == 200


def _change_password(world: World, *, revoke: bool) -> None:
    client = world.client
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    signed = client.post(
        "/login",
        data={"email": EMAILS["member"], "password": DEMO_PASSWORD, "csrf_token": token[1]},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    account = client.get("/account")
    token = re.search(r'name="csrf_token" value="([^"]+)"', account.text)
    assert token
    assert (
        "Also revoke all my API tokens"
        in client.get("/account", headers={"Accept-Language": "en"}).text
    )
    form = {
        "csrf_token": token[1],
        "current_password": DEMO_PASSWORD,
        "new_password": "another long password",
    }
    if revoke:
        form["revoke_tokens"] = "true"
    changed = client.post("/account/password", data=form, follow_redirects=False)
    assert changed.status_code == 303, changed.text[:300]


def test_a_password_change_keeps_tokens_unless_asked_to_revoke_them(world: World) -> None:
    _change_password(world, revoke=False)
    assert world.call("member", "GET", "/api/v1/me").status_code == 200
    assert len(_tokens_of(world, "member")) == 1


def test_a_password_change_revokes_the_tokens_when_asked(world: World) -> None:
    _change_password(world, revoke=True)
    assert world.call("member", "GET", "/api/v1/me").status_code == 401
    assert _tokens_of(world, "member") == []
