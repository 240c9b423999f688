"""Nothing about a hidden circle or item leaks through previews, refusals or paging.

Each case compares the whole answer (status and body) for something the caller may not
see with the answer for something that does not exist: they must be identical. Gran is
not a member of the demo circle ``board-lab``; ``kuusi-board-lab-agenda`` is an item of
that circle.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from e2e.sharing.test_sharing_pages import pages  # noqa: F401  (the signed-in web client)
from support.secrets import TEST_SECRET

HIDDEN_CIRCLE, UNKNOWN_CIRCLE = "board-lab", "no-such-circle"


def _circle_draft(circle: str, **extra: Any) -> dict[str, Any]:
    return {"title": "Probe", "audience": {"level": "circle", "circle": circle}, **extra}


def _answer(response: Any) -> tuple[int, str]:
    return response.status_code, response.text


def _same(hidden: Any, unknown: Any, circle_hidden: str, circle_unknown: str) -> None:
    status, body = _answer(hidden)
    assert (status, body.replace(circle_hidden, circle_unknown)) == _answer(unknown)


@pytest.mark.parametrize(
    "extra",
    [{}, {"exclude": ["org:lab"]}, {"exclude": ["competitors"]}, {"exclude": ["country:FI"]}],
)
@pytest.mark.parametrize("path", ["/api/v1/items/preview", "/api/v1/items"])
def test_a_circle_of_others_answers_like_an_unknown_one(app_world, path, extra) -> None:  # type: ignore[no-untyped-def]
    hidden = app_world.call("gran", "POST", path, json=_circle_draft(HIDDEN_CIRCLE, **extra))
    unknown = app_world.call("gran", "POST", path, json=_circle_draft(UNKNOWN_CIRCLE, **extra))
    assert hidden.status_code == 422
    _same(hidden, unknown, HIDDEN_CIRCLE, UNKNOWN_CIRCLE)
    # A member still gets the reach of its own circle.
    member = app_world.call(
        "kuusi", "POST", "/api/v1/items/preview", json=_circle_draft("board-lab")
    )
    assert member.status_code == 200
    assert member.json()["counts"]["total"] > 1


def test_the_composer_sentence_of_a_circle_of_others_is_that_of_an_unknown_one(pages) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    gran = pages("member@gran.example")

    def reach(circle: str) -> Any:
        form = {"title": "Probe", "level": "circle", "circle": circle, "exclude": "org:lab"}
        return gran.post("/feed/reach", form)

    _same(reach(HIDDEN_CIRCLE), reach(UNKNOWN_CIRCLE), HIDDEN_CIRCLE, UNKNOWN_CIRCLE)
    published = gran.post(
        "/feed/items", {"title": "Probe", "level": "circle", "circle": HIDDEN_CIRCLE}
    )
    assert published.status_code == 400
    assert "board-lab" in published.text and "there is no circle" in published.text
    assert "circle member" not in reach(HIDDEN_CIRCLE).text


def test_inviting_to_a_circle_of_others_answers_like_an_unknown_one(app_world) -> None:  # type: ignore[no-untyped-def]
    body = {"org": "gran"}
    hidden = app_world.call(
        "gran", "POST", f"/api/v1/circles/{HIDDEN_CIRCLE}/invitations", json=body
    )
    unknown = app_world.call(
        "gran", "POST", f"/api/v1/circles/{UNKNOWN_CIRCLE}/invitations", json=body
    )
    assert hidden.status_code == 404
    _same(hidden, unknown, HIDDEN_CIRCLE, UNKNOWN_CIRCLE)
    members = app_world.call("kuusi", "GET", f"/api/v1/circles/{HIDDEN_CIRCLE}").json()["members"]
    assert "gran" not in {m["org"] for m in members}


# --- cursors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "path", "params"),
    [
        ("gran", "/api/v1/feed", {}),
        ("gran", "/api/v1/search", {"q": "a"}),
        (None, "/api/v1/public/feed", {}),
        (None, "/api/v1/public/search", {"q": "a"}),
    ],
)
def test_an_item_key_is_no_cursor(app_world, who, path, params) -> None:  # type: ignore[no-untyped-def]
    def page(before: str) -> Any:
        return app_world.call(who, "GET", path, params={**params, "limit": 2, "before": before})

    hidden, unknown = page("kuusi-board-lab-agenda"), page("no-such-item")
    assert hidden.status_code == 422
    _same(hidden, unknown, "kuusi-board-lab-agenda", "no-such-item")
    first = app_world.call(who, "GET", path, params={**params, "limit": 2}).json()
    cursor = first["next_before"]
    assert cursor is not None
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[-1] ^= 1  # another item id, with the signature of the old one
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    assert _answer(page(tampered)) == _answer(page("no-such-item"))
    second = page(cursor)
    assert second.status_code == 200
    whole = app_world.call(who, "GET", path, params={**params, "limit": 200}).json()["items"]
    assert [i["key"] for i in first["items"] + second.json()["items"]] == [
        i["key"] for i in whole[:4]
    ]


def test_a_cursor_of_another_server_is_refused(app_world) -> None:  # type: ignore[no-untyped-def]
    from winwin.sharing import cursor

    first = app_world.call("gran", "GET", "/api/v1/feed", params={"limit": 1}).json()
    mine = cursor.decode(TEST_SECRET, first["next_before"])
    assert mine is not None
    foreign = cursor.encode("another-secret", *mine)
    answer = app_world.call("gran", "GET", "/api/v1/feed", params={"before": foreign})
    assert _answer(answer) == _answer(
        app_world.call("gran", "GET", "/api/v1/feed", params={"before": "x"})
    )


def test_the_web_feed_pages_with_cursors_only(pages) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    gran = pages("member@gran.example")
    hidden = gran.client.get("/feed", params={"before": "kuusi-board-lab-agenda"})
    unknown = gran.client.get("/feed", params={"before": "no-such-item"})
    assert hidden.status_code == 422
    _same(hidden, unknown, "kuusi-board-lab-agenda", "no-such-item")
