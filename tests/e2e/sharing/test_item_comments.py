"""Comments on any item, through REST, the pages and the command line (both databases).

Kuusi posts for its partners; its partner Lab comments and Kuusi's people are told;
Gran, Kuusi's competitor, cannot read, write or remove a comment there (404, nothing
stored). Challenges and ideas read the same comments.
"""

from __future__ import annotations

import json
from typing import Any

from e2e.sharing.test_sharing_pages import pages  # noqa: F401 (the fixture)
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.network.repository import NetworkRepository
from winwin.sharing.models import ItemComment
from winwin.sharing.repository import SharingRepository


def publish(world: Any, key: str, level: str = "partners") -> None:
    body = {"key": key, "title": "Kartonkirulla", "audience": {"level": level}}
    made = world.call("kuusi", "POST", "/api/v1/items", json=body)
    assert made.status_code == 201, made.text


def comment(world: Any, who: str, key: str, body: str) -> Any:
    return world.call(who, "POST", f"/api/v1/items/{key}/comments", json={"body": body})


def test_a_partner_comments_on_a_partners_item_and_the_owner_is_told(app_world) -> None:  # type: ignore[no-untyped-def]
    publish(app_world, "kuusi-rulla")
    made = comment(app_world, "lab", "kuusi-rulla", "Hyvä **idea**")
    assert made.status_code == 201, made.text
    assert made.json()["body_html"] == "<p>Hyvä <strong>idea</strong></p>\n"
    assert made.json()["org"] == "lab"
    listed = app_world.call("kuusi", "GET", "/api/v1/items/kuusi-rulla/comments").json()
    assert [(c["org"], c["body"], c["can_delete"]) for c in listed] == [
        ("lab", "Hyvä **idea**", True)
    ]
    inbox = app_world.call("kuusi", "GET", "/api/v1/notifications").json()
    told = [n for n in inbox["notifications"] if n["kind"] == "comment"]
    assert told[0]["item"] == "kuusi-rulla" and told[0]["actor_org"] == "lab"
    # Lab, who wrote it, is not told of its own comment.
    lab_inbox = app_world.call("lab", "GET", "/api/v1/notifications").json()
    assert not [n for n in lab_inbox["notifications"] if n["item"] == "kuusi-rulla"]


def test_the_competitor_can_neither_read_nor_write_nor_remove_a_comment(app_world) -> None:  # type: ignore[no-untyped-def]
    publish(app_world, "kuusi-rulla")
    made = comment(app_world, "lab", "kuusi-rulla", "Hyvä idea").json()
    path = "/api/v1/items/kuusi-rulla/comments"
    assert app_world.call("gran", "GET", path).status_code == 404
    assert comment(app_world, "gran", "kuusi-rulla", "Kerro lisää").status_code == 404
    gone = app_world.call("gran", "DELETE", f"{path}/{made['id']}")
    assert gone.status_code == 404
    assert len(app_world.call("kuusi", "GET", path).json()) == 1
    assert app_world.call(None, "GET", path).status_code == 401


def test_an_empty_or_foreign_comment_is_refused_by_field(app_world) -> None:  # type: ignore[no-untyped-def]
    publish(app_world, "kuusi-rulla")
    blank = comment(app_world, "lab", "kuusi-rulla", "   ")
    assert blank.status_code == 422
    assert "body" in blank.text
    assert comment(app_world, "lab", "kuusi-rulla", "").status_code == 422
    assert comment(app_world, "lab", "no-such-item", "Hei").status_code == 404


def test_the_writer_or_the_owner_removes_a_comment_and_no_one_else(app_world) -> None:  # type: ignore[no-untyped-def]
    publish(app_world, "kuusi-verkko", level="network")
    path = "/api/v1/items/kuusi-verkko/comments"
    first = comment(app_world, "lab", "kuusi-verkko", "Ensimmäinen").json()
    second = comment(app_world, "gran", "kuusi-verkko", "Toinen").json()
    assert app_world.call("gran", "DELETE", f"{path}/{first['id']}").status_code == 403
    assert app_world.call("gran", "DELETE", f"{path}/{second['id']}").status_code == 204
    assert app_world.call("kuusi", "DELETE", f"{path}/{first['id']}").status_code == 204
    assert app_world.call("kuusi", "GET", path).json() == []


def test_the_item_page_shows_comments_in_finnish_and_takes_a_new_one(pages) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    kuusi = pages("member@kuusi.example", "fi")
    made = kuusi.post(
        "/feed/items",
        {"title": "Rullan leveys", "level": "partners"},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text[:500]
    key = made.headers["location"].split("?")[0].removeprefix("/items/")
    lab = pages("member@lab.example", "fi")
    page = lab.client.get(f"/items/{key}")
    assert "Kommentit (0)" in page.text
    done = lab.post(f"/items/{key}/comments", {"body": "Sopii meille"}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"/items/{key}?")
    page = lab.client.get(done.headers["location"])
    assert "Kommenttisi lisättiin." in page.text
    assert "Sopii meille" in page.text and "Kommentit (1)" in page.text
    refused = lab.post(f"/items/{key}/comments", {"body": "  "})
    assert refused.status_code == 422
    assert "kommentissa on 1–10" in refused.text
    gran = pages("member@gran.example", "fi")
    assert gran.post(f"/items/{key}/comments", {"body": "Hei"}).status_code == 404
    assert "Sopii meille" not in gran.client.get(f"/items/{key}").text


DOC = {
    "format": "winwin/1",
    "organizations": [
        {"key": "kuusi", "name": "Kuusi Paper Oy", "country": "FI"},
        {"key": "lab", "name": "Lab", "country": "FI"},
        {"key": "gran", "name": "Gran Kartong AB", "country": "SE"},
    ],
    "ties": [{"kind": "partners", "from": "kuusi", "to": "lab"}],
    "competitors": [["kuusi", "gran"]],
    "items": [
        {"key": "rulla", "owner": "kuusi", "title": "Rulla", "audience": {"level": "partners"}}
    ],
}


def test_the_command_line_lists_comments_only_for_an_organisation_that_sees_the_item(
    cli, db_url
) -> None:  # type: ignore[no-untyped-def]
    assert cli("import", "-", stdin=json.dumps(DOC)).code == 0
    engine = build_engine(db_url)
    with unit_of_work(session_factory(engine)) as session:
        item = SharingRepository(session).item_by_key("rulla")
        assert item is not None
        lab = NetworkRepository(session).get_or_raise("lab")
        session.add(ItemComment(item_id=item.id, org_id=lab.id, body="Hyvä idea"))
    engine.dispose()
    shown = cli("comments", "lab", "rulla", "--json")
    assert shown.code == 0, shown.err
    data = shown.json()
    assert data["org"] == "lab" and data["item"] == "rulla"
    assert [(c["org"], c["body"]) for c in data["comments"]] == [("lab", "Hyvä idea")]
    hidden = cli("comments", "gran", "rulla", "--json")
    assert hidden.code == 2
    assert hidden.out == ""
    assert "there is no item 'rulla'" in hidden.err


def test_a_challenge_shows_one_thread_on_its_innovation_and_item_pages(app_world) -> None:  # type: ignore[no-untyped-def]
    key = "kuusi-open-challenge"
    made = app_world.call(
        "lab", "POST", f"/api/v1/innovation/{key}/comments", json={"body": "Kokeillaan"}
    )
    assert made.status_code == 201, made.text
    assert comment(app_world, "lab", key, "Ja toinen").status_code == 201
    on_item = app_world.call("lab", "GET", f"/api/v1/items/{key}/comments").json()
    entry = app_world.call("lab", "GET", f"/api/v1/innovation/{key}").json()
    assert [c["id"] for c in on_item] == [c["id"] for c in entry["comments"]]
    assert [c["body"] for c in on_item][-2:] == ["Kokeillaan", "Ja toinen"]
    assert entry["comments"][-1]["body_html"] == "<p>Ja toinen</p>\n"
