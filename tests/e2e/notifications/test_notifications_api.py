"""``/api/v1/notifications`` on both databases: what people are told, and marking it read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from e2e.sharing.sharing_world import AppWorld, seed_people
from support.secrets import TEST_SECRET
from winwin.accounts import service as accounts
from winwin.accounts.repository import AccountsRepository
from winwin.db.engine import session_factory, unit_of_work
from winwin.http.app import create_app
from winwin.settings import Settings


@pytest.fixture
def world(engine: Engine, db_url: str) -> Iterator[AppWorld]:
    tokens = seed_people(engine)
    with unit_of_work(session_factory(engine)) as session:
        for who, email in (("pakkaus", "admin@pakkaus.example"), ("kadmin", "admin@kuusi.example")):
            user = AccountsRepository(session).get_by_email(email)
            assert user is not None
            tokens[who] = accounts.create_api_token(session, user_id=user.id, name="t").token
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    with TestClient(app) as client:
        yield AppWorld(client=client, tokens=tokens)
    app.state.engine.dispose()


def test_a_comment_reaches_the_creator_who_marks_it_read(world: AppWorld) -> None:
    start = world.call("kadmin", "GET", "/api/v1/notifications").json()
    posted = world.call(
        "pakkaus",
        "POST",
        "/api/v1/innovation/kuusi-open-challenge/comments",
        json={"body": "We can run a trial in May."},
    )
    assert posted.status_code == 201, posted.text
    box = world.call("kadmin", "GET", "/api/v1/notifications").json()
    assert box["unread"] == start["unread"] + 1
    newest = box["notifications"][0]
    assert (newest["kind"], newest["item"], newest["actor_org"], newest["read"]) == (
        "comment",
        "kuusi-open-challenge",
        "pakkaus",
        False,
    )
    assert newest["actor"] == "Paula Pahvi"
    # The commenter is not told about their own comment.
    mine = world.call("pakkaus", "GET", "/api/v1/notifications").json()["notifications"]
    assert all(n["actor_org"] != "pakkaus" for n in mine)

    marked = world.call(
        "kadmin", "POST", "/api/v1/notifications/read", json={"ids": [newest["id"]]}
    )
    assert marked.json() == {"marked": 1}
    # Someone else cannot mark it.
    other = world.call(
        "pakkaus", "POST", "/api/v1/notifications/read", json={"ids": [newest["id"]]}
    )
    assert other.json() == {"marked": 0}
    after = world.call("kadmin", "GET", "/api/v1/notifications").json()
    assert after["unread"] == start["unread"]
    assert after["notifications"][0]["read"] is True
    everything = world.call("kadmin", "POST", "/api/v1/notifications/read", json={})
    assert everything.status_code == 200
    assert world.call("kadmin", "GET", "/api/v1/notifications").json()["unread"] == 0


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"ids": [0]}, "ids"),
        ({"ids": [2**31]}, "ids"),
        ({"ids": ["x"]}, "ids"),
        ({"ids": list(range(1, 1002))}, "ids"),
        ({"all": True}, "all"),
    ],
)
def test_marking_refuses_bad_input_and_changes_nothing(world: AppWorld, body, where) -> None:  # type: ignore[no-untyped-def]
    world.call(
        "pakkaus",
        "POST",
        "/api/v1/innovation/kuusi-open-challenge/comments",
        json={"body": "Hello"},
    )
    before = world.call("kadmin", "GET", "/api/v1/notifications").json()
    refused = world.call("kadmin", "POST", "/api/v1/notifications/read", json=body)
    assert refused.status_code == 422
    assert where in refused.text
    assert world.call("kadmin", "GET", "/api/v1/notifications").json() == before


def test_notifications_need_a_signed_in_person(world: AppWorld) -> None:
    assert world.call(None, "GET", "/api/v1/notifications").status_code == 401
    assert world.call(None, "POST", "/api/v1/notifications/read", json={}).status_code == 401
