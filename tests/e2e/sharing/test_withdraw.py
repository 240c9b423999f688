"""Withdrawing an item: only its owner may, never from under a reshare, and all that hangs
on it goes with it (on both databases, through the REST API and the item page)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from winwin.attachments.models import ItemAttachment
from winwin.db.engine import session_factory, unit_of_work
from winwin.db.models import Item
from winwin.innovation.models import InnovationComment, InnovationEntry
from winwin.notifications.models import Notification
from winwin.sharing.models import ItemOpen

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def publish(world: Any, who: str, key: str, level: str = "partners") -> None:
    made = world.call(
        who,
        "POST",
        "/api/v1/items",
        json={"key": key, "title": f"Note {key}", "audience": {"level": level}},
    )
    assert made.status_code == 201, made.text


def count(engine: Any, table: type, **where: Any) -> int:
    with unit_of_work(session_factory(engine)) as session:
        query = select(func.count()).select_from(table)
        for column, value in where.items():
            query = query.where(getattr(table, column) == value)
        return int(session.scalar(query) or 0)


def item_id(engine: Any, key: str) -> int | None:
    with unit_of_work(session_factory(engine)) as session:
        return session.scalar(select(Item.id).where(Item.key == key))


def test_the_owner_withdraws_an_item_and_what_hangs_on_it_goes_too(app_world, engine) -> None:  # type: ignore[no-untyped-def]
    made = app_world.call(
        "kuusi",
        "POST",
        "/api/v1/innovation",
        json={
            "kind": "idea",
            "key": "kuusi-idea",
            "title": "An idea",
            "audience": {"level": "partners"},
        },
    )
    assert made.status_code == 201, made.text
    file = app_world.call(
        "kuusi",
        "POST",
        "/api/v1/items/kuusi-idea/attachments",
        files={"file": ("plan.png", PNG, "image/png")},
    )
    assert file.status_code == 201, file.text
    assert app_world.call("lab", "GET", "/api/v1/items/kuusi-idea").status_code == 200  # audited
    said = app_world.call(
        "lab", "POST", "/api/v1/innovation/kuusi-idea/comments", json={"body": "Nice"}
    )
    assert said.status_code == 201, said.text
    stored = item_id(engine, "kuusi-idea")
    assert stored is not None
    before = {
        table: count(engine, table, item_id=stored)
        for table in (ItemAttachment, InnovationEntry, InnovationComment, ItemOpen, Notification)
    }
    assert all(before.values()), before

    # Not the owner: a partner is refused, a competitor cannot even tell it exists.
    assert app_world.call("lab", "DELETE", "/api/v1/items/kuusi-idea").status_code == 403
    assert app_world.call("gran", "DELETE", "/api/v1/items/kuusi-idea").status_code == 404
    assert app_world.call(None, "DELETE", "/api/v1/items/kuusi-idea").status_code == 401
    assert item_id(engine, "kuusi-idea") == stored

    assert app_world.call("kuusi", "DELETE", "/api/v1/items/kuusi-idea").status_code == 204
    assert item_id(engine, "kuusi-idea") is None
    assert app_world.call("lab", "GET", "/api/v1/items/kuusi-idea").status_code == 404
    assert {t: count(engine, t, item_id=stored) for t in before} == dict.fromkeys(before, 0)
    assert app_world.call("kuusi", "DELETE", "/api/v1/items/kuusi-idea").status_code == 404


def test_an_item_with_a_reshare_stays(app_world, engine) -> None:  # type: ignore[no-untyped-def]
    publish(app_world, "kuusi", "kuusi-base", level="network")
    reshared = app_world.call(
        "lab",
        "POST",
        "/api/v1/items/kuusi-base/reshares",
        json={"key": "lab-re", "audience": {"level": "partners"}},
    )
    assert reshared.status_code == 201, reshared.text
    refused = app_world.call("kuusi", "DELETE", "/api/v1/items/kuusi-base")
    assert refused.status_code == 409
    assert "lab-re (lab)" in refused.text
    assert item_id(engine, "kuusi-base") is not None and item_id(engine, "lab-re") is not None
    # The reshare's owner may withdraw theirs; then the original can go.
    assert app_world.call("lab", "DELETE", "/api/v1/items/lab-re").status_code == 204
    assert app_world.call("kuusi", "DELETE", "/api/v1/items/kuusi-base").status_code == 204


def test_the_item_page_offers_withdrawing_to_the_owner_only(app_world, engine) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from e2e.sharing.sharing_world import PASSWORD

    publish(app_world, "kuusi", "kuusi-page")
    app = app_world.client.app

    def person(email: str) -> Any:
        client = TestClient(app, headers={"Accept-Language": "en"})
        client.__enter__()
        token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text)
        assert token
        client.post(
            "/login",
            data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)},
            follow_redirects=False,
        )
        return client

    kuusi, lab = person("member@kuusi.example"), person("member@lab.example")
    try:
        assert "/items/kuusi-page/withdraw" not in lab.get("/items/kuusi-page").text
        page = kuusi.get("/items/kuusi-page").text
        assert "/items/kuusi-page/withdraw" in page and "data-confirm" in page
        token = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert token
        no_token = kuusi.post("/items/kuusi-page/withdraw", follow_redirects=False)
        assert no_token.status_code == 403 and item_id(engine, "kuusi-page") is not None
        done = kuusi.post(
            "/items/kuusi-page/withdraw",
            data={"csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert done.status_code == 303 and "done=withdrawn" in done.headers["location"]
        assert "The item was withdrawn." in kuusi.get(done.headers["location"]).text
        assert item_id(engine, "kuusi-page") is None
    finally:
        kuusi.__exit__(None, None, None)
        lab.__exit__(None, None, None)


def test_ideas_answering_a_withdrawn_challenge_stay_and_answer_none(app_world) -> None:  # type: ignore[no-untyped-def]
    for body in (
        {"kind": "challenge", "key": "kuusi-ask", "title": "Ask", "audience": {"level": "network"}},
        {
            "kind": "idea",
            "key": "lab-answer",
            "title": "Answer",
            "challenge": "kuusi-ask",
            "audience": {"level": "network"},
        },
    ):
        who = "kuusi" if body["kind"] == "challenge" else "lab"
        assert app_world.call(who, "POST", "/api/v1/innovation", json=body).status_code == 201
    assert app_world.call("kuusi", "DELETE", "/api/v1/items/kuusi-ask").status_code == 204
    idea = app_world.call("lab", "GET", "/api/v1/innovation/lab-answer")
    assert idea.status_code == 200
    assert idea.json()["summary"]["challenge"] is None
