"""The notifications page and the header badge, on both databases, in both languages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from e2e.sharing.sharing_world import PASSWORD, seed_people
from support.secrets import TEST_SECRET
from winwin.http.app import create_app
from winwin.settings import Settings


class Person:
    def __init__(self, client: TestClient) -> None:
        self.client = client

    def token(self) -> str:
        found = re.search(r'name="csrf-token" content="([^"]+)"', self.client.get("/login").text)
        assert found
        return found.group(1)

    def post(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(
            path, data={**data, "csrf_token": self.token()}, follow_redirects=False
        )


@pytest.fixture
def people(engine: Engine, db_url: str) -> Iterator[Any]:
    seed_people(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    clients: list[TestClient] = []

    def sign_in(email: str, lang: str = "en") -> Person:
        client = TestClient(app, headers={"Accept-Language": lang})
        client.__enter__()
        clients.append(client)
        person = Person(client)
        done = person.post("/login", {"email": email, "password": PASSWORD})
        assert done.status_code in (302, 303), done.text[:300]
        return person

    yield sign_in
    for client in clients:
        client.__exit__(None, None, None)
    app.state.engine.dispose()


def unread(person: Person) -> int:
    found = re.search(r'data-unread="(\d+)"', person.client.get("/notifications/badge").text)
    return int(found.group(1)) if found else 0


def test_a_comment_shows_on_the_creator_s_page_and_badge_until_read(people) -> None:  # type: ignore[no-untyped-def]
    kuusi = people("admin@kuusi.example")
    pakkaus = people("admin@pakkaus.example")
    start = unread(kuusi)
    posted = pakkaus.post(
        "/innovation/kuusi-open-challenge/comments", {"body": "A trial reel in May?"}
    )
    assert posted.status_code == 303, posted.text[:300]
    assert unread(kuusi) == start + 1
    page = kuusi.client.get("/notifications")
    assert page.status_code == 200
    first = re.search(
        r'<li class="notification unread" data-kind="(\w+)" data-item="([^"]+)"', page.text
    )
    assert first and first.groups() == ("comment", "kuusi-open-challenge")
    assert "Paula Pahvi commented on" in page.text
    assert 'href="/innovation/kuusi-open-challenge"' in page.text
    # The commenter's own page does not tell them about their own comment.
    assert "Paula Pahvi commented on" not in pakkaus.client.get("/notifications").text

    one = re.search(r'name="notification" value="(\d+)"', page.text)
    assert one
    assert kuusi.post("/notifications/read", {"notification": one.group(1)}).status_code == 303
    assert unread(kuusi) == start
    kuusi.post("/notifications/read", {})
    assert unread(kuusi) == 0
    assert "Mark all as read" not in kuusi.client.get("/notifications").text


def test_the_page_is_in_finnish_and_refuses_bad_input(people) -> None:  # type: ignore[no-untyped-def]
    people("admin@pakkaus.example").post(
        "/innovation/kuusi-open-challenge/comments", {"body": "Hei"}
    )
    kuusi = people("admin@kuusi.example", "fi")
    page = kuusi.client.get("/notifications")
    assert "<h1>Ilmoitukset</h1>" in page.text
    assert "Paula Pahvi kommentoi" in page.text
    before = unread(kuusi)
    for bad in ("0", "x", str(2**31)):
        refused = kuusi.post("/notifications/read", {"notification": bad})
        assert refused.status_code == 422
    assert unread(kuusi) == before
    no_csrf = kuusi.client.post("/notifications/read", data={}, follow_redirects=False)
    assert no_csrf.status_code == 403
    assert unread(kuusi) == before


def test_anonymous_visitors_get_no_badge_and_are_sent_to_sign_in(engine, db_url) -> None:  # type: ignore[no-untyped-def]
    seed_people(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    with TestClient(app) as client:
        assert client.get("/notifications/badge").text == ""
        page = client.get("/notifications", follow_redirects=False)
        assert page.status_code in (303, 401)
    app.state.engine.dispose()
