"""A key an organisation chooses is scoped to it, so "already exists" tells nothing hidden.

Through each door that takes a chosen key (REST items, reshares and innovation entries,
REST circles, the web circle form), a key that another organisation's hidden item or
circle uses answers exactly like a fresh key outside the caller's namespace: 422 naming
``key``. Only a key of the caller's own namespace (``gran-…``) may collide, and then with
its own item: 409. Gran is not in the demo circle ``board-lab``, and cannot see
``kuusi-board-lab-agenda``; ``gran-news`` is Gran's own item.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from e2e.sharing.test_sharing_pages import pages  # noqa: F401  (the signed-in web client)

HIDDEN_ITEM, FRESH_ITEM = "kuusi-board-lab-agenda", "no-such-item-key"
HIDDEN_CIRCLE, FRESH_CIRCLE = "board-lab", "no-such-circle"
ITEM_DOORS = {
    "items": ("/api/v1/items", {}),
    "reshares": ("/api/v1/items/gran-news/reshares", {}),
    "innovation": ("/api/v1/innovation", {"kind": "idea"}),
}


def _draft(key: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "title": "Probe", "audience": {"level": "network"}, **extra}


def _same(hidden: Any, fresh: Any, hidden_key: str, fresh_key: str) -> None:
    assert hidden.status_code == 422, hidden.text
    assert (hidden.status_code, hidden.text.replace(hidden_key, fresh_key)) == (
        fresh.status_code,
        fresh.text,
    )


def _item_count(app_world: Any, who: str) -> int:
    feed = app_world.call(who, "GET", "/api/v1/feed", params={"limit": 200})
    return len(feed.json()["items"])


@pytest.mark.parametrize("door", sorted(ITEM_DOORS))
def test_a_chosen_key_of_a_hidden_item_answers_like_any_key_outside_ones_own(
    app_world, door: str
) -> None:  # type: ignore[no-untyped-def]
    path, extra = ITEM_DOORS[door]
    assert app_world.call("gran", "GET", f"/api/v1/items/{HIDDEN_ITEM}").status_code == 404
    before = _item_count(app_world, "gran")
    hidden = app_world.call("gran", "POST", path, json=_draft(HIDDEN_ITEM, extra))
    fresh = app_world.call("gran", "POST", path, json=_draft(FRESH_ITEM, extra))
    _same(hidden, fresh, HIDDEN_ITEM, FRESH_ITEM)
    (problem,) = hidden.json()["problems"]
    assert problem["path"] == "key"
    assert problem["code"] == "sharing.key_not_ours"
    assert "gran-" in problem["message"]
    # A collision inside Gran's own namespace is with its own item: 409 tells it nothing new.
    own = app_world.call("gran", "POST", path, json=_draft("gran-news", extra))
    assert own.status_code == 409, own.text
    assert "gran-news" in own.text
    assert _item_count(app_world, "gran") == before
    made = app_world.call("gran", "POST", path, json=_draft(f"gran-probe-{door}", extra))
    assert made.status_code == 201, made.text
    assert made.json()["key"] == f"gran-probe-{door}"


def test_a_key_in_another_organisations_namespace_is_refused_even_if_free(app_world) -> None:  # type: ignore[no-untyped-def]
    for key in ("kuusi-free-key", "gran", "gran-", "admin-x"):
        refused = app_world.call("gran", "POST", "/api/v1/items", json=_draft(key, {}))
        assert refused.status_code == 422, (key, refused.text)
        assert [p["path"] for p in refused.json()["problems"]] == ["key"]
        assert app_world.call("kuusi", "GET", f"/api/v1/items/{key}").status_code == 404


def test_keys_the_server_makes_carry_the_owners_prefix(app_world) -> None:  # type: ignore[no-untyped-def]
    made = app_world.call(
        "gran", "POST", "/api/v1/items", json={"title": "x", "audience": {"level": "network"}}
    )
    assert made.status_code == 201
    assert re.fullmatch(r"gran-[0-9a-f]{8}", made.json()["key"])
    idea = app_world.call(
        "gran",
        "POST",
        "/api/v1/innovation",
        json={"kind": "idea", "title": "x", "audience": {"level": "network"}},
    )
    assert re.fullmatch(r"gran-[0-9a-f]{8}", idea.json()["key"])


def test_a_platform_admin_chooses_keys_of_the_organisation_it_acts_for(app_world) -> None:  # type: ignore[no-untyped-def]
    def post(key: str) -> Any:
        return app_world.call(
            "admin", "POST", "/api/v1/items", params={"org": "lab"}, json=_draft(key, {})
        )

    assert post("lab-by-admin").status_code == 201
    for other in ("kuusi-by-admin", "platform-by-admin", "by-admin"):
        refused = post(other)
        assert refused.status_code == 422, refused.text
        assert "'lab-'" in refused.json()["problems"][0]["message"]
    assert app_world.call("lab", "GET", "/api/v1/items/lab-by-admin").json()["owner"] == "lab"


def test_a_chosen_circle_key_of_a_hidden_circle_answers_like_any_key_outside_ones_own(
    app_world,
) -> None:  # type: ignore[no-untyped-def]
    def create(who: str, key: str) -> Any:
        return app_world.call(who, "POST", "/api/v1/circles", json={"key": key, "name": "C"})

    assert app_world.call("gran", "GET", f"/api/v1/circles/{HIDDEN_CIRCLE}").status_code == 404
    _same(create("gran", HIDDEN_CIRCLE), create("gran", FRESH_CIRCLE), HIDDEN_CIRCLE, FRESH_CIRCLE)
    # A member is refused the unprefixed key too: the answer never depends on the circle.
    assert create("kuusi", HIDDEN_CIRCLE).status_code == 422
    assert create("gran", "gran-club").status_code == 201
    again = create("gran", "gran-club")
    assert again.status_code == 409
    assert app_world.call("gran", "GET", "/api/v1/circles").json() == [
        {"key": "gran-club", "name": "C", "status": "member"}
    ]


def _alert(page: str) -> str:
    found = re.search(r'<div class="alert alert-error".*?</div>', page, re.S)
    assert found, page[:2000]
    return found.group(0)


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_the_circle_form_refuses_a_key_outside_ones_own_alike_for_hidden_circles(
    pages,  # noqa: F811
    lang: str,
) -> None:  # type: ignore[no-untyped-def]
    gran = pages("member@gran.example", lang=lang)
    form = gran.client.get("/circles").text
    assert 'value="gran-"' in form
    hidden = gran.post("/circles", {"key": HIDDEN_CIRCLE, "name": "Probe"})
    fresh = gran.post("/circles", {"key": FRESH_CIRCLE, "name": "Probe"})
    assert hidden.status_code == fresh.status_code == 400
    assert _alert(hidden.text).replace(HIDDEN_CIRCLE, FRESH_CIRCLE) == _alert(fresh.text)
    said = {"en": "is not one of your keys", "fi": "ei ole organisaatiosi avain"}[lang]
    assert said in _alert(hidden.text) and "gran-" in _alert(hidden.text)
    made = gran.post("/circles", {"key": "gran-club", "name": "Club"}, follow_redirects=False)
    assert made.status_code == 303
    taken = gran.post("/circles", {"key": "gran-club", "name": "Club"})
    assert taken.status_code == 409
    said = {"en": "key: a circle", "fi": "tunnus: piiri"}[lang]
    assert f"{said} &#39;gran-club&#39;" in _alert(taken.text)


def test_a_longer_organisation_key_owns_its_own_namespace(app_world) -> None:  # type: ignore[no-untyped-def]
    added = app_world.call(
        "admin", "POST", "/api/v1/organizations", json={"key": "gran-oy", "name": "Gran Oy"}
    )
    assert added.status_code == 201, added.text
    refused = app_world.call("gran", "POST", "/api/v1/items", json=_draft("gran-oy-plan", {}))
    assert refused.status_code == 422
    (problem,) = refused.json()["problems"]
    assert (problem["path"], problem["code"]) == ("key", "sharing.key_of_other")
    assert "gran-oy-" in problem["message"]
    circle = app_world.call(
        "gran", "POST", "/api/v1/circles", json={"key": "gran-oy-club", "name": "C"}
    )
    assert circle.status_code == 422
    # gran-oyster is not gran-oy's: the namespace ends at the '-'.
    assert (
        app_world.call("gran", "POST", "/api/v1/items", json=_draft("gran-oyster", {})).status_code
        == 201
    )
