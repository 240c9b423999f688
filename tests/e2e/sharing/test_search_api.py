"""Search through the REST API on both databases, as Kuusi, its partner Lab and its rival Gran."""

from __future__ import annotations

from typing import Any

import pytest


def publish(world: Any, who: str, key: str, title: str, level: str, **extra: Any) -> None:
    body = {"key": key, "title": title, "audience": {"level": level}, **extra}
    created = world.call(who, "POST", "/api/v1/items", json=body)
    assert created.status_code == 201, created.text


def search(world: Any, who: str | None, q: str, path: str = "/api/v1/search") -> list[str]:
    response = world.call(who, "GET", path, params={"q": q, "limit": 200})
    assert response.status_code == 200, response.text
    return [i["key"] for i in response.json()["items"]]


def test_a_competitor_never_finds_the_item_hidden_from_it(app_world) -> None:  # type: ignore[no-untyped-def]
    publish(
        app_world, "kuusi", "kuusi-z-plan", "Zebrawood plan", "partners", exclude=["competitors"]
    )
    publish(app_world, "kuusi", "kuusi-z-open", "Zebrawood, openly", "public")
    assert search(app_world, "lab", "ZEBRAWOOD") == ["kuusi-z-open", "kuusi-z-plan"]
    assert search(app_world, "kuusi", "zebrawood plan") == ["kuusi-z-plan"]
    assert search(app_world, "gran", "zebrawood") == ["kuusi-z-open"]
    assert search(app_world, "gran", "zebrawood plan") == []
    assert search(app_world, None, "zebrawood", "/api/v1/public/search") == ["kuusi-z-open"]
    assert app_world.call(None, "GET", "/api/v1/search", params={"q": "x"}).status_code == 401


def test_the_response_names_the_reader_and_the_stripped_text(app_world) -> None:  # type: ignore[no-untyped-def]
    publish(app_world, "kuusi", "kuusi-z-one", "Zebrawood", "network", body="A **bold** body")
    body = app_world.call("lab", "GET", "/api/v1/search", params={"q": "  bold  "}).json()
    assert body["org"] == "lab"
    assert body["q"] == "bold"
    assert [i["key"] for i in body["items"]] == ["kuusi-z-one"]
    assert set(body["items"][0]) == {"key", "owner", "title", "level", "created_at", "reshare_of"}


def test_percent_and_underscore_in_the_query_match_literally(app_world) -> None:  # type: ignore[no-untyped-def]
    publish(app_world, "kuusi", "kuusi-z-pct", "100% zebrawood", "network")
    publish(app_world, "kuusi", "kuusi-z-num", "1000 zebrawood", "network")
    publish(app_world, "kuusi", "kuusi-z-und", "zebra_wood", "network")
    publish(app_world, "kuusi", "kuusi-z-x", "zebraXwood", "network")
    assert search(app_world, "lab", "0% zebra") == ["kuusi-z-pct"]
    assert search(app_world, "lab", "zebra_wood") == ["kuusi-z-und"]


def test_search_pages_with_before(app_world) -> None:  # type: ignore[no-untyped-def]
    for n in range(5):
        publish(app_world, "kuusi", f"kuusi-z-{n}", f"Zebrawood {n}", "network")
    first = app_world.call("lab", "GET", "/api/v1/search", params={"q": "zebrawood", "limit": 3})
    page = first.json()
    assert [i["key"] for i in page["items"]] == ["kuusi-z-4", "kuusi-z-3", "kuusi-z-2"]
    second = app_world.call(
        "lab",
        "GET",
        "/api/v1/search",
        params={"q": "zebrawood", "limit": 3, "before": page["next_before"]},
    ).json()
    assert [i["key"] for i in second["items"]] == ["kuusi-z-1", "kuusi-z-0"]
    assert second["next_before"] is None


@pytest.mark.parametrize("q", ["", "   ", "x" * 201])
def test_an_empty_or_too_long_query_is_422_naming_q(app_world, q: str) -> None:  # type: ignore[no-untyped-def]
    for who, path in (("lab", "/api/v1/search"), (None, "/api/v1/public/search")):
        response = app_world.call(who, "GET", path, params={"q": q})
        assert response.status_code == 422, response.text
        assert [p["path"] for p in response.json()["problems"]] == ["q"]


def test_a_missing_query_is_422(app_world) -> None:  # type: ignore[no-untyped-def]
    assert app_world.call("lab", "GET", "/api/v1/search").status_code == 422


def test_search_is_listed_in_openapi(app_world) -> None:  # type: ignore[no-untyped-def]
    paths = app_world.client.get("/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/search"]
    assert "get" in paths["/api/v1/public/search"]
    params = {p["name"] for p in paths["/api/v1/search"]["get"]["parameters"]}
    assert {"q", "limit", "before"} <= params
