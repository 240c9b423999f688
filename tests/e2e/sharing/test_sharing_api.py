"""The sharing REST API on both databases, as Kuusi, its partner Lab and its rival Gran."""

from __future__ import annotations

from typing import Any


def publish(world: Any, who: str, **item: Any) -> Any:
    body = {"title": "Note", "audience": {"level": "partners"}, **item}
    return world.call(who, "POST", "/api/v1/items", json=body)


def feed_keys(world: Any, who: str) -> list[str]:
    response = world.call(who, "GET", "/api/v1/feed", params={"limit": 200})
    assert response.status_code == 200
    return [i["key"] for i in response.json()["items"]]


def test_a_partners_item_reaches_the_partner_and_not_the_competitor(app_world) -> None:  # type: ignore[no-untyped-def]
    created = publish(app_world, "kuusi", key="kuusi-note", body="Hello **partners**")
    assert created.status_code == 201, created.text
    assert created.json() == {"key": "kuusi-note", "warnings": []}
    assert "kuusi-note" in feed_keys(app_world, "lab")
    assert "kuusi-note" not in feed_keys(app_world, "gran")
    assert feed_keys(app_world, "kuusi")[0] == "kuusi-note"
    read = app_world.call("lab", "GET", "/api/v1/items/kuusi-note")
    assert read.status_code == 200
    assert read.json()["body_html"] == "<p>Hello <strong>partners</strong></p>\n"
    assert app_world.call("gran", "GET", "/api/v1/items/kuusi-note").status_code == 404
    assert app_world.call(None, "GET", "/api/v1/items/kuusi-note").status_code == 401


def test_the_feed_pages_with_before(app_world) -> None:  # type: ignore[no-untyped-def]
    first = app_world.call("kuusi", "GET", "/api/v1/feed", params={"limit": 3}).json()
    assert len(first["items"]) == 3
    second = app_world.call(
        "kuusi", "GET", "/api/v1/feed", params={"limit": 3, "before": first["next_before"]}
    ).json()
    whole = feed_keys(app_world, "kuusi")
    assert [i["key"] for i in first["items"] + second["items"]] == whole[:6]


def test_anonymous_readers_get_only_the_public_feed(app_world) -> None:  # type: ignore[no-untyped-def]
    assert app_world.call(None, "GET", "/api/v1/feed").status_code == 401
    publish(app_world, "kuusi", key="kuusi-open", audience={"level": "public"})
    publish(app_world, "kuusi", key="kuusi-net", audience={"level": "network"})
    public = app_world.call(None, "GET", "/api/v1/public/feed", params={"limit": 200}).json()
    keys = [i["key"] for i in public["items"]]
    assert keys[0] == "kuusi-open"
    assert "kuusi-net" not in keys


def test_each_refusal_names_the_rule_and_stores_nothing(app_world) -> None:  # type: ignore[no-untyped-def]
    cases = [
        (
            {"key": "kuusi-r1", "topics": ["pricing"], "audience": {"level": "network"}},
            400,
            "topics",
            "competition-sensitive",
        ),
        (
            {"key": "kuusi-r2", "topics": ["recipe"]},
            400,
            "topics",
            "secret between kuusi and pakkaus",
        ),
        (
            {"key": "kuusi-r3", "audience": {"level": "public"}, "exclude": ["competitors"]},
            400,
            "exclude",
            "no exclusions",
        ),
        (
            {"key": "kuusi-r4", "audience": {"level": "direct", "orgs": ["gran"]}},
            400,
            "audience.orgs",
            "not a partner",
        ),
        (
            {"key": "kuusi-r5", "audience": {"level": "circle", "circle": "nope"}},
            422,
            "audience.circle",
            "no circle",
        ),
        ({"key": "kuusi-r6", "exclude": ["country:Sweden"]}, 422, "exclude[0]", "not an exclusion"),
    ]
    for item, status, path, rule in cases:
        response = publish(app_world, "kuusi", **item)
        assert response.status_code == status, (item, response.text)
        problems = response.json()["problems"]
        assert any(p["path"] == path and rule in p["message"] for p in problems), problems
        assert app_world.call("kuusi", "GET", f"/api/v1/items/{item['key']}").status_code == 404
    malformed = publish(app_world, "kuusi", audience={"level": "everyone"})
    assert malformed.status_code == 422


def test_a_reshare_never_widens_and_a_hidden_original_cannot_be_reshared(app_world) -> None:  # type: ignore[no-untyped-def]
    publish(app_world, "kuusi", key="kuusi-base")
    reshared = app_world.call(
        "lab",
        "POST",
        "/api/v1/items/kuusi-base/reshares",
        json={"key": "lab-share", "audience": {"level": "network"}},
    )
    assert reshared.status_code == 201, reshared.text
    assert app_world.call("lab", "GET", "/api/v1/items/lab-share").json()["title"] == "Note"
    assert app_world.call("gran", "GET", "/api/v1/items/lab-share").status_code == 404
    assert "lab-share" not in feed_keys(app_world, "gran")
    hidden = app_world.call(
        "gran", "POST", "/api/v1/items/kuusi-base/reshares", json={"audience": {"level": "network"}}
    )
    assert hidden.status_code == 404


def test_the_owner_sees_who_opened_its_items(app_world) -> None:  # type: ignore[no-untyped-def]
    publish(app_world, "kuusi", key="kuusi-audit")
    app_world.call("lab", "GET", "/api/v1/items/kuusi-audit")
    app_world.call("kuusi", "GET", "/api/v1/items/kuusi-audit")
    log = app_world.call("kuusi", "GET", "/api/v1/audit").json()
    assert [(e["item"], e["opened_by"]) for e in log] == [("kuusi-audit", "lab")]
    assert app_world.call("lab", "GET", "/api/v1/audit").json() == []


def test_a_circle_grows_by_invitation_and_shows_members_to_members(app_world) -> None:  # type: ignore[no-untyped-def]
    call = app_world.call
    assert (
        call(
            "kuusi", "POST", "/api/v1/circles", json={"key": "kuusi-fibre", "name": "Fibre"}
        ).status_code
        == 201
    )
    assert (
        call(
            "kuusi", "POST", "/api/v1/circles/kuusi-fibre/invitations", json={"org": "lab"}
        ).status_code
        == 204
    )
    invited = call("lab", "GET", "/api/v1/circles/kuusi-fibre").json()
    assert invited["status"] == "invited" and invited["members"] is None
    assert call("gran", "GET", "/api/v1/circles/kuusi-fibre").status_code == 404
    assert call("lab", "POST", "/api/v1/circles/kuusi-fibre/accept").status_code == 204
    members = call("lab", "GET", "/api/v1/circles/kuusi-fibre").json()["members"]
    assert [m["org"] for m in members] == ["kuusi", "lab"]
    uninvited = call("gran", "POST", "/api/v1/circles/kuusi-fibre/accept")
    assert uninvited.status_code == 409
    # Scripts read the English message; the code names the refusal whatever its words.
    assert uninvited.json()["detail"] == "gran has no open invitation to circle 'kuusi-fibre'"
    assert uninvited.json()["problems"][0]["code"] == "sharing.no_invitation"
    assert call("lab", "POST", "/api/v1/circles/kuusi-fibre/leave").status_code == 204
    assert call("lab", "GET", "/api/v1/circles/kuusi-fibre").status_code == 404


def test_an_agreement_needs_the_partners_acceptance(app_world) -> None:  # type: ignore[no-untyped-def]
    call = app_world.call
    made = call(
        "kuusi",
        "POST",
        "/api/v1/agreements/proposals",
        json={"partner": "lab", "topics": ["enzyme"]},
    )
    assert made.status_code == 201
    pid = made.json()["id"]
    assert publish(app_world, "kuusi", key="kuusi-before", topics=["enzyme"]).status_code == 201
    assert call("kuusi", "POST", f"/api/v1/agreements/proposals/{pid}/accept").status_code == 403
    assert call("gran", "POST", f"/api/v1/agreements/proposals/{pid}/accept").status_code == 404
    assert call("lab", "POST", f"/api/v1/agreements/proposals/{pid}/accept").status_code == 204
    assert publish(app_world, "kuusi", key="kuusi-after", topics=["enzyme"]).status_code == 400
    mine = call("lab", "GET", "/api/v1/agreements").json()
    assert {"with": "kuusi", "name": "Kuusi Paper Oy", "secret_topics": ["enzyme"]} in mine[
        "agreements"
    ]
    not_partner = call(
        "kuusi", "POST", "/api/v1/agreements/proposals", json={"partner": "gran", "topics": ["x"]}
    )
    assert not_partner.status_code == 400
    assert not_partner.json()["problems"] == [
        {
            "path": "partner",
            "message": "gran is not a partner of kuusi",
            "code": "sharing.agreement_not_partner",
        }
    ]


def test_the_openness_report_follows_the_contract(app_world) -> None:  # type: ignore[no-untyped-def]
    report = app_world.call("kuusi", "GET", "/api/v1/openness").json()
    assert report["org"] == "kuusi"
    assert sum(report["by_level"].values()) == report["total"]
    assert report["within_rule"] == (report["secret_share"] <= 0.05)
    assert sum(m["total"] for m in report["by_month"]) == report["total"]


def test_script_in_a_title_or_body_comes_back_inert(app_world) -> None:  # type: ignore[no-untyped-def]
    publish(
        app_world,
        "kuusi",
        key="kuusi-xss",
        title="<script>alert(1)</script>",
        body="<script>alert(2)</script><img src=x onerror=alert(3)>",
    )
    item = app_world.call("lab", "GET", "/api/v1/items/kuusi-xss").json()
    assert "<script" not in item["body_html"] and "<img" not in item["body_html"]
    assert item["title"] == "<script>alert(1)</script>"  # JSON carries text; pages escape it


def test_only_platform_admins_and_facilitators_change_the_sensitive_topics(app_world) -> None:  # type: ignore[no-untyped-def]
    path = "/api/v1/settings/competition-sensitive-topics"
    assert app_world.call("kuusi", "PUT", path, json={"topics": ["bids"]}).status_code == 403
    assert app_world.call("admin", "PUT", path, json={"topics": ["bids"]}).json() == ["bids"]
    assert app_world.call("kuusi", "GET", path).json() == ["bids"]
    assert app_world.call("facilitator", "PUT", path, json={"topics": ["hinnat"]}).json() == [
        "hinnat"
    ]
    assert app_world.call("lab", "GET", path).json() == ["hinnat"]


def test_the_composer_preview_says_who_will_see_a_draft(app_world) -> None:  # type: ignore[no-untyped-def]
    preview = app_world.call(
        "kuusi",
        "POST",
        "/api/v1/items/preview",
        json={"title": "x", "audience": {"level": "network"}, "exclude": ["country:SE"]},
    ).json()
    assert preview["sentence"].startswith(f"{preview['counts']['total'] - 1} organisations")
    assert "in SE" in preview["sentence"]
    assert preview["problems"] == []


def test_nul_characters_and_odd_keys_are_bad_input_not_server_errors(app_world) -> None:  # type: ignore[no-untyped-def]
    call = app_world.call
    assert publish(app_world, "kuusi", key="a\x00b").status_code == 422
    assert publish(app_world, "kuusi", title="a\x00b").status_code == 422
    assert publish(app_world, "kuusi", topics=["a\x00"]).status_code == 422
    # In the address a NUL is refused by the app's guard (400) or found nowhere (404).
    assert call("kuusi", "GET", "/api/v1/items/a%00b").status_code in (400, 404)
    # A cursor is opaque: anything else is a malformed request (422), a NUL included.
    assert call("kuusi", "GET", "/api/v1/feed", params={"before": "a\x00"}).status_code in (
        400,
        422,
    )
    assert call("kuusi", "GET", "/api/v1/feed", params={"org": "a\x00"}).status_code in (400, 404)
    assert call("kuusi", "GET", "/api/v1/circles/a%00").status_code in (400, 404)
    assert call("kuusi", "GET", "/api/v1/feed", params={"before": "NOT-A-KEY"}).status_code == 422
    made = call(
        "kuusi",
        "POST",
        "/api/v1/agreements/proposals",
        json={"partner": "lab", "topics": ["x\x00"]},
    )
    assert made.status_code == 422
