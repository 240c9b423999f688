"""In Debian's chromium, in Finnish: an initiative from proposal to agreed shares and the
agreement's PDF, on the demo network."""

from __future__ import annotations

import io
import json
import os

import pypdf
import pytest
from playwright.sync_api import expect

from e2e.http.test_browser import sign_in

pytestmark = pytest.mark.browser

GAME = {
    "type": "table",
    "players": ["kuusi", "pakkaus"],
    "values": {"": 0, "kuusi": 10, "pakkaus": 20, "kuusi,pakkaus": 50},
}


def test_an_initiative_from_proposal_to_agreed_shares_and_pdf(page, live_server) -> None:
    sign_in(page, live_server, email="platform@winwin.example")
    page.get_by_role("navigation", name="Päävalikko").get_by_role("link", name="Aloitteet").click()
    page.get_by_role("heading", name="Yhteiset aloitteet").wait_for()
    form = page.get_by_test_id("propose")
    form.get_by_label("Kenen puolesta").select_option("kuusi")
    form.get_by_label("Kenen kanssa (organisaatioiden tunnukset pilkuin eroteltuina)").fill(
        "pakkaus"
    )
    form.get_by_label("Otsikko").fill("Yhteinen lavapooli")
    form.get_by_role("button", name="Ehdota").click()
    page.get_by_role("heading", name="Yhteinen lavapooli").wait_for()
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "proposed")

    page.get_by_test_id("steps-pakkaus").get_by_role("button", name="Hyväksy").click()
    page.get_by_test_id("state").and_(page.locator("[data-state=accepted]")).wait_for()
    model = page.get_by_test_id("set-model")
    model.get_by_label("Menetelmä").select_option("shapley")
    model.locator("textarea").fill(json.dumps(GAME))
    model.get_by_role("button", name="Aseta jakomalli").click()
    page.locator("[data-state=modelled]").wait_for()
    expect(page.get_by_test_id("model")).to_contain_text("Shapleyn arvo")
    expect(page.get_by_test_id("core")).to_contain_text("Jako on ytimessä")
    for party in ("kuusi", "pakkaus"):
        page.get_by_test_id(f"steps-{party}").get_by_role("button", name="Hyväksy versio 2").click()
        page.wait_for_load_state()
    page.locator("[data-state=agreed]").wait_for()
    expect(page.get_by_test_id("share-kuusi")).to_have_text("20,00")
    expect(page.get_by_test_id("share-pakkaus")).to_have_text("30,00")

    link = page.get_by_test_id("agreement-pdf").get_by_role("link", name="suomeksi")
    response = page.request.get(live_server + link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.body())).pages)
    assert "Sopimus: Yhteinen lavapooli" in text and "Shapleyn arvo" in text
    if os.environ.get("WINWIN_SCREENSHOTS"):
        page.screenshot(path=os.environ["WINWIN_SCREENSHOTS"], full_page=True)
