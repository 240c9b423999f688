"""The sharing pages through the HTTP client on both databases: composer, item, circles,
agreements, openness; refusals shown on the form, scripts rendered inert, Finnish texts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from e2e.sharing.sharing_world import PASSWORD, seed_people
from support.secrets import TEST_SECRET
from winwin.http.app import create_app
from winwin.settings import Settings


class Browser:
    def __init__(self, client: TestClient) -> None:
        self.client = client

    def token(self, path: str = "/login") -> str:
        page = self.client.get(path)
        found = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        assert found, page.text[:300]
        return found.group(1)

    def login(self, email: str) -> None:
        token = self.token()
        done = self.client.post(
            "/login",
            data={"email": email, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert done.status_code in (302, 303), done.text[:500]

    def post(self, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
        token = self.token("/feed")
        return self.client.post(path, data={**data, "csrf_token": token}, **kwargs)


@pytest.fixture
def pages(engine, db_url):  # type: ignore[no-untyped-def]
    seed_people(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    clients = []

    def browser(email: str, lang: str = "en") -> Browser:
        client = TestClient(app, headers={"Accept-Language": lang})
        client.__enter__()
        clients.append(client)
        b = Browser(client)
        b.login(email)
        return b

    yield browser
    for client in clients:
        client.__exit__(None, None, None)
    app.state.engine.dispose()


def test_an_item_published_from_the_composer_is_seen_by_the_partner_only(pages) -> None:  # type: ignore[no-untyped-def]
    kuusi, lab, gran = (
        pages("member@kuusi.example"),
        pages("member@lab.example"),
        pages("member@gran.example"),
    )
    done = kuusi.post(
        "/feed/items",
        {"title": "Board trial", "body": "We **test**", "topics": "board", "level": "partners"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text[:2000]
    item_url = done.headers["location"]
    key = item_url.split("/items/")[1].split("?")[0]
    assert "Board trial" in lab.client.get("/feed").text
    assert "Board trial" not in gran.client.get("/feed").text
    page = lab.client.get(f"/items/{key}")
    assert page.status_code == 200
    assert "<strong>test</strong>" in page.text
    assert gran.client.get(f"/items/{key}").status_code == 404


def test_the_composer_says_in_words_who_will_see_the_item(pages) -> None:  # type: ignore[no-untyped-def]
    kuusi = pages("member@kuusi.example")
    answer = kuusi.post(
        "/feed/reach", {"title": "x", "level": "network", "exclude": "competitors, country:SE"}
    )
    assert answer.status_code == 200
    sentence = re.search(r'data-testid="reach-sentence">(.*?)</p>', answer.text, re.S)
    assert sentence
    assert re.search(r"\d+ organisations, except \d+ competitors? and \d+ in Sweden", sentence[1])
    refused = kuusi.post("/feed/reach", {"title": "x", "level": "partners", "topics": "recipe"})
    assert "would be refused" in refused.text
    assert "secret under the agreement between Kuusi Paper Oy and Pakkaus-Aalto Oy" in refused.text
    assert "kuusi and pakkaus" not in refused.text


def test_a_refused_item_is_shown_on_the_form_and_not_stored(pages) -> None:  # type: ignore[no-untyped-def]
    kuusi = pages("member@kuusi.example")
    refused = kuusi.post(
        "/feed/items", {"title": "Public but", "level": "public", "exclude": "competitors"}
    )
    assert refused.status_code == 400
    assert "A public item cannot leave anyone out" in refused.text
    assert 'value="Public but"' in refused.text
    assert "Public but</a>" not in kuusi.client.get("/feed").text


def test_script_injection_in_a_title_and_body_renders_inert(pages) -> None:  # type: ignore[no-untyped-def]
    kuusi = pages("member@kuusi.example")
    done = kuusi.post(
        "/feed/items",
        {
            "title": "<script>alert('t')</script>",
            "body": "<script>alert('b')</script>",
            "level": "network",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    for path in (done.headers["location"], "/feed"):
        html = kuusi.client.get(path).text
        assert "<script>alert(" not in html
        assert "&lt;script&gt;alert(" in html


def test_circles_and_agreements_pages_work_by_invitation_and_acceptance(pages) -> None:  # type: ignore[no-untyped-def]
    kuusi, lab = pages("member@kuusi.example"), pages("member@lab.example")
    made = kuusi.post(
        "/circles", {"key": "kuusi-fibre", "name": "Fibre club"}, follow_redirects=False
    )
    assert made.status_code == 303
    kuusi.post("/circles/kuusi-fibre/invite", {"invitee": "lab"})
    assert "Accept" in lab.client.get("/circles/kuusi-fibre").text
    lab.post("/circles/kuusi-fibre/accept", {})
    assert "Kuusi" in lab.client.get("/circles/kuusi-fibre").text
    kuusi.post("/agreements", {"partner": "lab", "topics": "enzyme"})
    page = lab.client.get("/agreements").text
    pid = re.search(r'data-proposal="(\d+)"', page)
    assert pid
    lab.post(f"/agreements/{pid[1]}/accept", {})
    assert "enzyme" in kuusi.client.get("/agreements").text.split("Proposals")[0]


def test_the_openness_report_shows_the_share_and_a_chart_in_finnish(pages) -> None:  # type: ignore[no-untyped-def]
    kuusi = pages("member@kuusi.example", lang="fi")
    page = kuusi.client.get("/openness")
    assert page.status_code == 200
    assert '<html lang="fi"' in page.text
    assert "Avoimuusraportti" in page.text
    assert "data-chart=" in page.text
    assert "<script>" not in page.text.split("</head>")[1]


WEB_REFUSALS = [
    ({"level": "partners", "topics": "recipe"}, "between Kuusi Paper Oy and Pakkaus-Aalto Oy"),
    ({"level": "network", "topics": "pricing"}, "competition-sensitive"),
    ({"level": "direct", "orgs": "gran"}, "remove Gran Kartong AB or choose another audience"),
    ({"level": "direct", "orgs": ""}, "Choose at least one partner"),
    ({"level": "public", "exclude": "country:SE"}, "A public item cannot leave anyone out"),
    ({"level": "network", "exclude": "country:Sweden"}, "not an exclusion"),
    ({"level": "circle", "circle": "nope"}, "there is no circle nope"),
]


@pytest.mark.parametrize(("fields", "rule"), WEB_REFUSALS, ids=[r[1] for r in WEB_REFUSALS])
def test_each_refusal_is_named_on_the_composer_and_nothing_is_stored(  # type: ignore[no-untyped-def]
    pages, fields, rule
) -> None:
    kuusi = pages("member@kuusi.example")
    before = kuusi.client.get("/feed").text.count('class="feed-item"')
    refused = kuusi.post("/feed/items", {"title": "Refused one", **fields})
    assert refused.status_code in (400, 422)
    assert rule in refused.text
    after = kuusi.client.get("/feed").text
    assert "Refused one</a>" not in after
    assert after.count('class="feed-item"') == before


def test_a_reshare_of_an_item_the_organisation_cannot_see_is_not_found(pages) -> None:  # type: ignore[no-untyped-def]
    kuusi, gran = pages("member@kuusi.example"), pages("member@gran.example")
    done = kuusi.post("/feed/items", {"title": "Ours", "level": "partners"}, follow_redirects=False)
    key = done.headers["location"].split("/items/")[1].split("?")[0]
    refused = gran.post(f"/items/{key}/reshare", {"level": "network"})
    assert refused.status_code == 404


def test_a_platform_admin_replaces_the_sensitive_topics_and_can_undo(pages) -> None:  # type: ignore[no-untyped-def]
    admin = pages("platform@winwin.example")
    before = admin.client.get("/agreements?org=kuusi")
    assert before.status_code == 200
    original = re.findall(r'<span class="tag">([^<]+)</span>', before.text)
    # The demo keeps the built-in list in three languages, longer than an item's 20 topics.
    assert "hinnoittelu" in original and len(original) > 20
    saved = admin.post("/settings/sensitive-topics?org=kuusi", {"topics": "pricing, tenders"})
    assert saved.status_code == 200
    assert re.findall(r'<span class="tag">([^<]+)</span>', saved.text) == ["pricing", "tenders"]
    undo = re.search(r'name="topics" value="([^"]*)"', saved.text)
    assert undo and undo.group(1) == ", ".join(original)
    restored = admin.post("/settings/sensitive-topics?org=kuusi", {"topics": undo.group(1)})
    assert re.findall(r'<span class="tag">([^<]+)</span>', restored.text) == original


def test_sensitive_topics_refuse_bad_input_and_people_who_are_not_platform_admins(pages) -> None:  # type: ignore[no-untyped-def]
    admin = pages("platform@winwin.example")
    shown = admin.client.get("/agreements?org=kuusi").text
    original = re.findall(r'<span class="tag">([^<]+)</span>', shown)
    refused = admin.post("/settings/sensitive-topics?org=kuusi", {"topics": "x" * 201})
    assert refused.status_code == 422
    assert "<strong>topics[0]</strong>: a topic has 1-200 characters" in refused.text
    assert re.findall(r'<span class="tag">([^<]+)</span>', refused.text) == original

    member = pages("member@kuusi.example")
    page = member.client.get("/agreements")
    assert 'action="/settings/sensitive-topics' not in page.text  # no form for a member
    denied = member.post("/settings/sensitive-topics?org=kuusi", {"topics": "nothing"})
    assert denied.status_code == 403
    after = admin.client.get("/agreements?org=kuusi").text
    assert re.findall(r'<span class="tag">([^<]+)</span>', after) == original


def test_a_facilitator_keeps_the_sensitive_topics_too(pages) -> None:  # type: ignore[no-untyped-def]
    facilitator = pages("facilitator@winwin.example")
    page = facilitator.client.get("/agreements?org=kuusi", headers={"Accept-Language": "fi"})
    assert 'action="/settings/sensitive-topics' in page.text
    assert "Suoja soveltaa niitä heti myös jo julkaistuihin sisältöihin." in page.text
    saved = facilitator.post("/settings/sensitive-topics?org=kuusi", {"topics": "hinnat, tarjous"})
    assert saved.status_code == 200
    assert re.findall(r'<span class="tag">([^<]+)</span>', saved.text) == ["hinnat", "tarjous"]
