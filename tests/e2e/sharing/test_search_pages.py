"""The search box on the feed page, on both databases: results, empty state, escaping, Finnish."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from e2e.sharing.sharing_world import PASSWORD, seed_people
from support.secrets import TEST_SECRET
from winwin.http.app import create_app
from winwin.settings import Settings


class Reader:
    def __init__(self, client: TestClient) -> None:
        self.client = client

    def token(self, path: str = "/login") -> str:
        found = re.search(r'name="csrf-token" content="([^"]+)"', self.client.get(path).text)
        assert found
        return found.group(1)

    def post(self, path: str, data: dict[str, Any]) -> Any:
        token = self.token("/feed")
        return self.client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)

    def search(self, q: str) -> Any:
        return self.client.get("/feed", params={"q": q})


@pytest.fixture
def readers(engine, db_url) -> Iterator[Callable[..., Reader]]:  # type: ignore[no-untyped-def]
    seed_people(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    clients: list[TestClient] = []

    def reader(email: str, lang: str = "en") -> Reader:
        client = TestClient(app, headers={"Accept-Language": lang})
        client.__enter__()
        clients.append(client)
        signed = Reader(client)
        done = client.post(
            "/login",
            data={"email": email, "password": PASSWORD, "csrf_token": signed.token()},
            follow_redirects=False,
        )
        assert done.status_code in (302, 303), done.text[:500]
        return signed

    yield reader
    for client in clients:
        client.__exit__(None, None, None)
    app.state.engine.dispose()


def feed_items(html: str) -> list[str]:
    return re.findall(r'class="feed-item" data-item="([^"]+)"', html)


def publish(reader: Reader, title: str, level: str, **extra: str) -> str:
    done = reader.post("/feed/items", {"title": title, "level": level, **extra})
    assert done.status_code == 303, done.text[:2000]
    return str(done.headers["location"]).split("/items/")[1].split("?")[0]


def test_the_search_box_shows_only_matching_items_the_reader_may_see(readers) -> None:  # type: ignore[no-untyped-def]
    kuusi, lab, gran = (
        readers("member@kuusi.example"),
        readers("member@lab.example"),
        readers("member@gran.example"),
    )
    hidden = publish(kuusi, "Zebrawood trial", "partners", exclude="competitors")
    shown = publish(kuusi, "Zebrawood for all", "network")
    publish(kuusi, "Something else", "network")
    page = lab.search("zebrawood")
    assert page.status_code == 200
    assert feed_items(page.text) == [shown, hidden]
    assert '<label for="feed-q">Search the feed</label>' in page.text
    assert 'role="search"' in page.text
    assert 'value="zebrawood"' in page.text
    assert "Search results" in page.text
    assert feed_items(gran.search("zebrawood").text) == [shown]
    assert "No items match." in gran.search("zebrawood trial").text
    assert feed_items(gran.search("zebrawood trial").text) == []


def test_the_query_is_escaped_where_the_page_repeats_it(readers) -> None:  # type: ignore[no-untyped-def]
    lab = readers("member@lab.example")
    page = lab.search('<script>alert(1)</script>"')
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "No items match." in page.text


def test_an_empty_search_shows_the_whole_feed_and_a_too_long_one_is_named(readers) -> None:  # type: ignore[no-untyped-def]
    lab = readers("member@lab.example")
    whole = feed_items(lab.client.get("/feed").text)
    assert whole
    assert feed_items(lab.search("   ").text) == whole
    refused = lab.search("x" * 201)
    assert refused.status_code == 422
    assert "must be at most 200 characters" in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert feed_items(refused.text) == []


def test_the_search_box_speaks_finnish(readers) -> None:  # type: ignore[no-untyped-def]
    lab = readers("member@lab.example", lang="fi")
    page = lab.search("no-such-word-anywhere")
    assert "Hae syötteestä" in page.text
    assert "Hakutulokset" in page.text
    assert "Yksikään kohde ei vastaa hakua." in page.text
    assert "saa olla enintään 200 merkkiä" in lab.search("x" * 201).text
