"""One search over items, challenges and ideas, organisations and people, each through
its own check (both databases; REST and the page in Finnish)."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.sharing.test_sharing_pages import pages  # noqa: F401 (the fixture)


def find(world: Any, who: str, q: str, **params: str) -> dict[str, Any]:
    found = world.call(who, "GET", "/api/v1/search/all", params={"q": q, "limit": 200, **params})
    assert found.status_code == 200, found.text
    return dict(found.json())


def test_an_idea_for_partners_is_found_by_the_partner_and_not_by_the_competitor(app_world) -> None:  # type: ignore[no-untyped-def]
    for_lab = find(app_world, "lab", "neliöpaino")
    assert [(e["key"], e["kind"]) for e in for_lab["entries"]] == [("kuusi-grammage", "idea")]
    assert "kuusi-grammage" not in [i["key"] for i in for_lab["items"]]
    for_gran = find(app_world, "gran", "neliöpaino")
    assert for_gran["entries"] == [] and for_gran["items"] == []


@pytest.mark.parametrize("who", ["kuusi", "lab", "gran"])
@pytest.mark.parametrize("q", ["barrier", "kuusi", "e"])
def test_every_item_and_entry_found_opens_for_the_reader(app_world, who: str, q: str) -> None:  # type: ignore[no-untyped-def]
    found = find(app_world, who, q)
    keys = [i["key"] for i in found["items"]] + [e["key"] for e in found["entries"]]
    for key in keys:
        assert app_world.call(who, "GET", f"/api/v1/items/{key}").status_code == 200, key
    # The items and entries together are exactly the feed's search.
    feed = app_world.call(who, "GET", "/api/v1/search", params={"q": q, "limit": 200}).json()
    assert sorted(keys) == sorted(i["key"] for i in feed["items"])


def test_organisations_are_found_by_name_and_people_only_in_one_s_own(app_world) -> None:  # type: ignore[no-untyped-def]
    # Lab finds its partner Kuusi by name; Gran, no partner of Lab, does not find Lab.
    for_lab = find(app_world, "lab", "paper")
    assert [o["key"] for o in for_lab["organizations"]] == ["kuusi"]
    for_gran = find(app_world, "gran", "laboratorio")
    assert for_gran["organizations"] == [] and for_gran["people"] == []
    for_kuusi = find(app_world, "kuusi", "member@")
    assert {p["org"] for p in for_kuusi["people"]} == {"kuusi"}
    assert "member@kuusi.example" in [p["email"] for p in for_kuusi["people"]]
    # A platform admin, acting for any organisation, finds the people of all of them.
    everyone = find(app_world, "admin", "member@", org="gran")
    assert {"kuusi", "lab", "gran"} <= {p["org"] for p in everyone["people"]}


def test_empty_text_is_refused_by_name(app_world) -> None:  # type: ignore[no-untyped-def]
    empty = app_world.call("lab", "GET", "/api/v1/search/all", params={"q": "  "})
    assert empty.status_code == 422
    assert '"q"' in empty.text


def test_the_search_page_in_finnish(pages) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    lab = pages("member@lab.example", "fi")
    page = lab.client.get("/search", params={"q": "neliöpaino"})
    assert page.status_code == 200
    assert "Haasteet ja ideat (1)" in page.text
    assert "/innovation/kuusi-grammage?org=lab" in page.text
    assert "Organisaatiot (0)" in page.text
    refused = lab.client.get("/search", params={"q": "x" * 201})
    assert refused.status_code == 422
