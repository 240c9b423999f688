"""A platform admin acts for an organisation only when they name one: one who belongs to
none chooses it on the home page, and the choice is remembered."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from support.web import csrf_of, sign_in

ADMIN = "platform@winwin.example"
EN = {"Accept-Language": "en"}


def _options(html: str) -> list[str]:
    chooser = html.split('id="choose-org"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]+)">', chooser)


def test_after_signing_in_a_platform_admin_chooses_an_organisation(client) -> None:  # type: ignore[no-untyped-def]
    csrf = csrf_of(client)
    landed = client.post(
        "/login",
        data={"email": ADMIN, "password": "winwin-demo", "csrf_token": csrf},
        headers=EN,
    )
    assert landed.status_code == 200 and str(landed.url).endswith("/")
    assert "<h1>Choose an organisation</h1>" in landed.text
    keys = _options(landed.text)
    assert "kuusi" in keys and "gran" in keys and len(keys) == len(set(keys)) > 5
    assert "winwin_org" not in client.cookies
    # Pages that need no organisation stay open.
    assert client.get("/org/pending", headers=EN).status_code == 200
    assert client.get("/initiatives", headers=EN).status_code == 200


def test_the_choice_opens_the_dashboard_and_is_remembered(client) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, ADMIN)
    chosen = client.get("/?org=gran", headers=EN)
    assert chosen.status_code == 200
    assert "<h1>Gran Kartong AB</h1>" in chosen.text
    assert client.cookies.get("winwin_org") == "gran"
    again = client.get("/", headers=EN)
    assert "<h1>Gran Kartong AB</h1>" in again.text
    assert client.get("/org", headers=EN).text.count("Gran Kartong AB") >= 1


def test_a_page_that_acts_for_an_organisation_asks_first_then_opens(client) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, ADMIN)
    asked = client.get("/org/ties", headers=EN, follow_redirects=False)
    assert asked.status_code == 303
    assert asked.headers["location"] == f"/?next={quote('/org/ties')}"
    chooser = client.get(asked.headers["location"], headers=EN)
    assert 'name="next" value="/org/ties"' in chooser.text
    opened = client.get("/?org=kuusi&next=/org/ties", headers=EN, follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/org/ties"
    assert client.cookies.get("winwin_org") == "kuusi"
    ties = client.get("/org/ties", headers=EN)
    assert ties.status_code == 200 and "Kuusi Paper Oy" in ties.text


def test_the_next_page_must_be_local(client) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, ADMIN)
    sent = client.get("/?org=kuusi&next=//elsewhere.example/", follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/"


def test_a_form_without_a_chosen_organisation_is_refused_in_the_reader_s_language(client) -> None:  # type: ignore[no-untyped-def]
    token = sign_in(client, ADMIN)
    refused = client.post(
        "/org/ties",
        data={"csrf_token": token, "other": "gran", "kind": "buys_from"},
        headers={"Accept-Language": "fi"},
        follow_redirects=False,
    )
    assert refused.status_code == 404
    assert "valitse ensin organisaatio, jonka puolesta toimit" in refused.text


def test_a_named_organisation_still_opens_without_choosing(client) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, ADMIN)
    page = client.get("/org?org=lab", headers=EN)
    assert page.status_code == 200 and "Kuitulaboratorio Oy" in page.text


def test_people_of_an_organisation_never_see_the_chooser(client) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, "admin@kuusi.example")
    home = client.get("/", headers=EN)
    assert "<h1>Kuusi Paper Oy</h1>" in home.text and "choose-org" not in home.text
    assert client.get("/?next=/org/ties", headers=EN, follow_redirects=False).status_code == 200


@pytest.mark.browser
def test_in_a_browser_the_platform_admin_chooses_in_finnish_and_passes_axe(  # type: ignore[no-untyped-def]
    page, live_server, axe_source
) -> None:
    from playwright.sync_api import expect

    from e2e.http.test_browser import axe_violations
    from e2e.http.test_browser import sign_in as sign_in_browser

    sign_in_browser(page, live_server, email=ADMIN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Valitse organisaatio")
    assert axe_violations(page, axe_source) == []
    page.goto(f"{live_server}/org/ties")
    page.get_by_label("Organisaatio", exact=True).select_option("kuusi")
    page.get_by_role("button", name="Valitse").click()
    page.wait_for_url(f"{live_server}/org/ties")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kuusi Paper Oy")
    page.goto(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kuusi Paper Oy")
