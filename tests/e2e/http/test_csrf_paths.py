"""Requests signed only by the session cookie must carry the CSRF token, or change nothing.

A forged cross-site request carries the browser's cookies but cannot read or compute the
token. For each path below the request is sent without the token and with a token of
another browser; each refusal is 403 and the stored state is re-read to show it is
unchanged. The same request with the right token then succeeds, so the refusal was the
missing token and nothing else. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from support.api_world import DEMO_PASSWORD, EMAILS, World
from winwin.accounts.models import ApiToken, FacilitatorGrant, User, WebSession
from winwin.db.engine import session_factory, unit_of_work

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _csrf(client: TestClient, path: str) -> str:
    found = CSRF.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found[1]


def _signed_in(world: World, who: str) -> tuple[TestClient, str]:
    """A browser signed in as ``who``, and the CSRF token its pages carry."""
    client = TestClient(world.client.app)
    answer = client.post(
        "/login",
        data={
            "email": EMAILS[who],
            "password": DEMO_PASSWORD,
            "csrf_token": _csrf(client, "/login"),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    return client, _csrf(client, "/account")


def _foreign_token(world: World) -> str:
    """A valid token of another browser (another person's session)."""
    _other, token = _signed_in(world, "org_admin")
    return token


def _stored(world: World, query: Any) -> list[Any]:
    with unit_of_work(session_factory(world.engine)) as session:
        return [tuple(row) for row in session.execute(query)]


def _refused(world: World, state: Callable[[], Any], send: Callable[[str | None], Any]) -> Any:
    """``send(None)`` and ``send(foreign token)`` are refused with 403 and leave ``state()``
    as it was; returns that state."""
    before = state()
    for token in (None, _foreign_token(world)):
        answer = send(token)
        assert answer.status_code == 403, (token, answer.status_code, answer.text[:200])
        assert state() == before, token
    return before


def _tokens(world: World, who: str) -> Callable[[], Any]:
    query = select(ApiToken.id, ApiToken.name).where(ApiToken.user_id == world.user_ids[who])
    return lambda: sorted(_stored(world, query))


def test_a_cookie_signed_api_call_that_changes_something_needs_the_token(world: World) -> None:
    client, token = _signed_in(world, "member")
    assert client.get("/api/v1/me").status_code == 200  # reading needs no token
    state = _tokens(world, "member")

    def create(sent: str | None) -> Any:
        headers = {} if sent is None else {"X-CSRF-Token": sent}
        return client.post("/api/v1/tokens", json={"name": "forged"}, headers=headers)

    before = _refused(world, state, create)
    made = create(token)
    assert made.status_code == 201, made.text
    assert state() == sorted([*before, (made.json()["id"], "forged")])

    def delete(sent: str | None) -> Any:
        headers = {} if sent is None else {"X-CSRF-Token": sent}
        return client.delete(f"/api/v1/tokens/{made.json()['id']}", headers=headers)

    _refused(world, state, delete)
    assert delete(token).status_code == 204
    assert state() == before


def test_a_bearer_token_needs_no_csrf_token(world: World) -> None:
    state = _tokens(world, "member")
    before = state()
    made = world.call("member", "POST", "/api/v1/tokens", json={"name": "script"})
    assert made.status_code == 201
    assert len(state()) == len(before) + 1


def test_logout_needs_the_token_and_until_then_the_session_stays(world: World) -> None:
    client, token = _signed_in(world, "member")
    sessions = select(WebSession.id).where(WebSession.user_id == world.user_ids["member"])

    def state() -> Any:
        return (sorted(_stored(world, sessions)), client.get("/account").status_code)

    def logout(sent: str | None) -> Any:
        data = {} if sent is None else {"csrf_token": sent}
        return client.post("/logout", data=data, follow_redirects=False)

    before = _refused(world, state, logout)
    assert before[1] == 200 and len(before[0]) == 1
    assert logout(token).status_code == 303
    assert _stored(world, sessions) == []
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_a_password_change_needs_the_token(world: World) -> None:
    client, token = _signed_in(world, "member")
    query = select(User.password_hash).where(User.id == world.user_ids["member"])

    def state() -> Any:
        return _stored(world, query)

    def change(sent: str | None) -> Any:
        data = {"current_password": DEMO_PASSWORD, "new_password": "a forged new password"}
        if sent is not None:
            data["csrf_token"] = sent
        return client.post("/account/password", data=data, follow_redirects=False)

    before = _refused(world, state, change)
    assert change(token).status_code == 303
    assert state() != before


def test_revoking_a_token_on_the_page_needs_the_csrf_token(world: World) -> None:
    client, token = _signed_in(world, "member")
    state = _tokens(world, "member")
    (token_id, _name), *_ = state()

    def revoke(sent: str | None) -> Any:
        data = {} if sent is None else {"csrf_token": sent}
        return client.post(f"/account/tokens/{token_id}/revoke", data=data, follow_redirects=False)

    _refused(world, state, revoke)
    assert world.call("member", "GET", "/api/v1/me").status_code == 200
    assert revoke(token).status_code == 303
    assert token_id not in [i for i, _ in state()]
    assert world.call("member", "GET", "/api/v1/me").status_code == 401


def test_revoking_and_granting_a_facilitator_need_the_token(world: World) -> None:
    # The demo facilitator works for kuusi; kuusi's admin revokes the grant, then gives it back.
    client, token = _signed_in(world, "org_admin")
    grants = select(FacilitatorGrant.user_id, FacilitatorGrant.org_id)
    facilitator = world.user_ids["facilitator"]

    def state() -> Any:
        return sorted(_stored(world, grants))

    def revoke(sent: str | None) -> Any:
        data = {} if sent is None else {"csrf_token": sent}
        path = f"/org/facilitators/{facilitator}/revoke"
        return client.post(path, data=data, follow_redirects=False)

    before = _refused(world, state, revoke)
    assert revoke(token).status_code == 303
    after = state()
    assert len(after) == len(before) - 1
    ((gone_user, _org),) = set(before) - set(after)
    assert gone_user == facilitator

    def grant(sent: str | None) -> Any:
        data = {"email": EMAILS["facilitator"]}
        if sent is not None:
            data["csrf_token"] = sent
        return client.post("/org/facilitators", data=data, follow_redirects=False)

    _refused(world, state, grant)
    assert grant(token).status_code == 303
    assert state() == before
