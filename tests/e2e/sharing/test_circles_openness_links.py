"""A circle's page lists the posts its reader may open; the openness page names the items
that make the secret share; a link for another organisation opens for one's own
(both databases, REST and pages, Finnish and English)."""

from __future__ import annotations

from typing import Any

from e2e.sharing.test_sharing_pages import pages  # noqa: F401 (the fixture)


def publish(world: Any, who: str, key: str, audience: dict[str, Any], **extra: Any) -> None:
    body = {"key": key, "title": f"Title of {key}", "audience": audience, **extra}
    made = world.call(who, "POST", "/api/v1/items", json=body)
    assert made.status_code == 201, made.text


def test_a_circle_lists_the_posts_each_member_may_see(app_world) -> None:  # type: ignore[no-untyped-def]
    publish(app_world, "kuusi", "kuusi-in-circle", {"level": "circle", "circle": "board-lab"})
    publish(
        app_world,
        "kuusi",
        "kuusi-circle-not-lab",
        {"level": "circle", "circle": "board-lab"},
        exclude=["org:lab"],
    )
    for_kuusi = app_world.call("kuusi", "GET", "/api/v1/circles/board-lab").json()
    kuusi_posts = [p["key"] for p in for_kuusi["posts"]]
    assert kuusi_posts[:2] == ["kuusi-circle-not-lab", "kuusi-in-circle"]
    assert {"kuusi-board-lab-agenda", "kuusi-rebuild"} <= set(kuusi_posts)
    for_lab = app_world.call("lab", "GET", "/api/v1/circles/board-lab").json()
    lab_posts = [p["key"] for p in for_lab["posts"]]
    assert "kuusi-in-circle" in lab_posts
    assert "kuusi-circle-not-lab" not in lab_posts
    # Every post listed opens for the reader: the list never goes past the checkpoint.
    for key in lab_posts:
        assert app_world.call("lab", "GET", f"/api/v1/items/{key}").status_code == 200
    # Gran is not in the circle: no circle, no posts.
    assert app_world.call("gran", "GET", "/api/v1/circles/board-lab").status_code == 404


def test_the_circle_page_shows_its_posts_in_finnish(pages) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    lab = pages("member@lab.example", "fi")
    page = lab.client.get("/circles/board-lab")
    assert page.status_code == 200
    assert "Piirin julkaisut" in page.text
    assert "/items/kuusi-board-lab-agenda?org=lab" in page.text


def test_openness_names_the_items_that_count_as_secret(app_world) -> None:  # type: ignore[no-untyped-def]
    publish(app_world, "kuusi", "kuusi-own-secret", {"level": "secret"})
    report = app_world.call("kuusi", "GET", "/api/v1/openness").json()
    assert "kuusi-own-secret" in report["secret_items"]
    # The share is exactly the listed items over the total: the percentage can be traced.
    assert report["secret_share"] == len(report["secret_items"]) / report["total"]
    why = {d["key"]: d for d in report["secret_detail"]}
    assert why["kuusi-own-secret"]["secret"] is True
    assert [(h["org"], h["topic"]) for h in why["kuusi-recipe-2026"]["held_by"]] == [
        ("pakkaus", "recipe")
    ]
    assert "kuusi-grammage" not in why


def test_the_openness_page_lists_them_in_finnish(pages) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    kuusi = pages("member@kuusi.example", "fi")
    page = kuusi.client.get("/openness")
    assert page.status_code == 200
    assert "Mikä lasketaan salaiseksi" in page.text
    assert "/items/kuusi-recipe-2026?org=kuusi" in page.text
    assert "aihe ”recipe”" in page.text


def test_a_link_for_another_organisation_opens_for_one_s_own(pages) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    lab = pages("member@lab.example", "fi")
    page = lab.client.get("/items/kuusi-grammage?org=kuusi")
    assert page.status_code == 200
    assert "Linkki oli organisaatiolle, jonka puolesta et toimi" in page.text
    # The page acts for Lab: its forms post for Lab, never for Kuusi.
    assert "/items/kuusi-grammage/comments?org=lab" in page.text
    assert "/items/kuusi-grammage/comments?org=kuusi" not in page.text


def test_a_link_to_an_item_one_s_own_organisation_cannot_see_is_404_in_finnish(pages) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    gran = pages("member@gran.example", "fi")
    page = gran.client.get("/items/kuusi-grammage?org=kuusi")
    assert page.status_code == 404
    assert "sisältöä &#39;kuusi-grammage&#39; ei ole" in page.text
    english = pages("member@gran.example", "en")
    page = english.client.get("/items/kuusi-grammage?org=kuusi")
    assert page.status_code == 404
    assert "there is no item &#39;kuusi-grammage&#39;" in page.text
