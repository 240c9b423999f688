"""A round needs a tie, the opener's own instruments and each side's own people: through
the REST API and the web forms, on SQLite and PostgreSQL. Refusals name their field and
store nothing."""

from __future__ import annotations

import html

from e2e.assessments.test_assessment_pages import page, post

ITEMS = [
    {"id": code, "factor": factor, "text": {"en": f"secret {factor}", "fi": f"salainen {factor}"}}
    for code, factor in (
        ("a", "accessibility"),
        ("e", "energy"),
        ("i", "impact"),
        ("t", "attraction"),
    )
]


def rounds_seen_by(world, who: str) -> list[dict]:
    return world.call(who, "GET", "/api/v1/rounds").json()


def test_rest_refuses_a_round_without_a_tie_and_stores_nothing(world):
    refused = world.call(
        "kadmin", "POST", "/api/v1/rounds", json={"between": ["kuusi", "lab"], "round": "r"}
    )
    assert refused.status_code == 400
    assert [p["path"] for p in refused.json()["problems"]] == ["between"]
    assert "'kuusi' and 'lab' have no tie" in refused.json()["detail"]
    assert rounds_seen_by(world, "root") == []


def test_rest_keeps_the_counterpartys_private_instrument_from_the_opener(world):
    body = {"org": "pakkaus", "key": "pakkaus-private", "name": {"en": "P", "fi": "P"}}
    made = world.call("fac", "POST", "/api/v1/instruments", json={**body, "items": ITEMS})
    assert made.status_code == 201, made.text
    refused = world.call(
        "kadmin",
        "POST",
        "/api/v1/rounds",
        json={"between": ["kuusi", "pakkaus"], "round": "r", "instrument": "pakkaus-private"},
    )
    assert refused.status_code == 422
    assert refused.json()["problems"] == [
        {
            "path": "instrument",
            "message": "unknown instrument 'pakkaus-private'",
            "code": "assessments.unknown_instrument",
        }
    ]
    assert rounds_seen_by(world, "root") == []
    # Opened with an instrument kuusi may use, kuusi's own links show only that one.
    opened = world.call(
        "kadmin", "POST", "/api/v1/rounds", json={"between": ["kuusi", "pakkaus"], "round": "r"}
    )
    round_id = opened.json()["id"]
    (issued,) = world.call(
        "kadmin",
        "POST",
        f"/api/v1/rounds/{round_id}/invitations",
        json={"invitees": [{"side": "kuusi", "name": "Anna"}]},
    ).json()
    form = world.call(None, "GET", f"/api/v1/responses/{issued['token']}").json()
    assert form["instrument"] == "customer-relationship"
    assert not any("secret" in item["text"]["en"] for item in form["items"])


def test_rest_lets_each_side_invite_only_its_own_people(world):
    opened = world.call(
        "kadmin", "POST", "/api/v1/rounds", json={"between": ["kuusi", "pakkaus"], "round": "r"}
    )
    round_id = opened.json()["id"]
    refused = world.call(
        "kadmin",
        "POST",
        f"/api/v1/rounds/{round_id}/invitations",
        json={"invitees": [{"side": "kuusi", "name": "A"}, {"side": "pakkaus", "name": "P"}]},
    )
    assert refused.status_code == 422
    assert [p["path"] for p in refused.json()["problems"]] == ["invitees[1].side"]
    assert world.call("root", "GET", f"/api/v1/rounds/{round_id}").json()["invitations"] == []
    # The facilitator is granted both sides and invites for both.
    both = world.call(
        "fac",
        "POST",
        f"/api/v1/rounds/{round_id}/invitations",
        json={"invitees": [{"side": "kuusi", "name": "A"}, {"side": "pakkaus", "name": "P"}]},
    )
    assert both.status_code == 201, both.text


def test_the_web_form_refuses_a_round_without_a_tie_in_the_page_language(world):
    refused = post(
        world,
        "kadmin",
        "/relationships/rounds",
        {"other": "lab", "round": "r", "instrument": "customer-relationship"},
        lang="fi",
    )
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert "organisaatioilla 'kuusi' ja 'lab' ei ole keskinäistä suhdetta" in text
    assert rounds_seen_by(world, "root") == []


def test_the_invitation_form_offers_and_accepts_only_the_own_side(world):
    opened = world.call(
        "kadmin", "POST", "/api/v1/rounds", json={"between": ["kuusi", "pakkaus"], "round": "r"}
    )
    round_id = opened.json()["id"]
    shown = page(world, "kadmin", f"/rounds/{round_id}").text
    assert '<option value="kuusi"' in shown and '<option value="pakkaus"' not in shown
    refused = post(
        world, "kadmin", f"/rounds/{round_id}/invitations", {"side": "pakkaus", "name": "P"}
    )
    assert refused.status_code == 422
    assert "not those of &#39;pakkaus&#39;" in refused.text or "not those of 'pakkaus'" in (
        html.unescape(refused.text)
    )
    assert world.call("root", "GET", f"/api/v1/rounds/{round_id}").json()["invitations"] == []
