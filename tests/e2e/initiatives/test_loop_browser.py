"""In Debian's chromium, in Finnish, at desktop width, on the demo network: the whole loop
from lever to action. A round between Kuusi Paper and Kotelo names Kotelo's energy as
the lever; the two turn it into a joint action; the next round shows what moved, beyond
the round-to-round noise, beside the action; the two then start a joint initiative,
agree the shares and get the agreement's PDF. axe-core checks the pages of each step.

With ``WINWIN_SCREENSHOTS=DIR`` the steps are also saved as PNG files in DIR, 1000 px
wide (``tools/screenshots.py`` makes the documentation's pictures this way).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import Locator, Page, expect

from e2e.http.test_browser import axe_violations, sign_in

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("WINWIN_SCREENSHOTS")
# Desktop width; the documentation's pictures are 1000 px wide (still the desktop layout).
VIEWPORT = {"width": 1000 if SHOTS else 1280, "height": 900}
ITEMS = [f"{f}{n}" for f in "aeit" for n in range(1, 6)]
GAME = {
    "type": "synergy",
    "standalone": {"kotelo": 10, "kuusi": 30},
    "synergy": [["kotelo", "kuusi", 20]],
}


def shot(page: Page, name: str, *parts: Locator) -> None:
    """Save a step for the documentation when asked to (``WINWIN_SCREENSHOTS``): the
    viewport, or the band of the page from the first part's top to the last one's
    bottom."""
    if not SHOTS:
        return
    path = str(Path(SHOTS) / f"{name}.png")
    if not parts:
        page.screenshot(path=path, animations="disabled")
        return
    edge = (
        "e => [e.getBoundingClientRect().top + scrollY, e.getBoundingClientRect().bottom + scrollY]"
    )
    top = parts[0].evaluate(edge)[0]
    bottom = parts[-1].evaluate(edge)[1]
    band = {"x": 0, "y": top - 8, "width": VIEWPORT["width"], "height": bottom - top + 16}
    page.screenshot(path=path, full_page=True, clip=band, animations="disabled")


def open_round(page: Page, base: str, name: str) -> str:
    """Open a round of Kuusi Paper with Kotelo (three respondents per side) and return
    its page's address."""
    page.goto(f"{base}/relationships?org=kuusi")
    partner = page.get_by_role("combobox", name="Kumppaniorganisaatio")
    partner.press_sequentially("kotelo")
    page.get_by_role("option", name="Kotelo Oy").click()
    page.fill("#round", name)
    page.get_by_label("Vastaajia vähintään osapuolta kohden").fill("3")
    page.get_by_role("button", name="Avaa kierros").click()
    page.wait_for_url("**/rounds/*")
    return page.url.split("?")[0]


def invite(page: Page, side: str, people: list[str]) -> list[str]:
    """Personal links for these people of one side; returns the links."""
    page.select_option("#side", side)
    page.fill("#addresses", "\n".join(f"{p}@{side}.example" for p in people))
    page.get_by_role("button", name="Luo henkilökohtaiset linkit").click()
    page.wait_for_url("**done=invited**")
    return [
        link.input_value() for link in page.locator(f'input.answer-link[data-side="{side}"]').all()
    ]


def answer(respondent: Page, link: str, energy: int) -> None:
    """Every statement 4, except the energy statements (the fifth is reverse-coded)."""
    respondent.goto(link)
    expect(respondent.locator("html")).to_have_attribute("lang", "fi")
    for item in ITEMS:
        value = energy if item.startswith("e") and item != "e5" else 4
        respondent.locator(f'input[name="item-{item}"][value="{value}"]').check()
    respondent.get_by_role("button", name="Tallenna vastaukset").click()
    respondent.wait_for_url("**?saved=1")


def close_round(page: Page, round_url: str) -> None:
    page.goto(round_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sulje kierros").click()
    page.wait_for_load_state()


def run_round(page: Page, respondent: Page, base: str, name: str, kotelo_energy: int) -> str:
    """Open a round, let three people of each side answer, and return the round's page."""
    round_url = open_round(page, base, name)
    kuusi = invite(page, "kuusi", ["anna", "mikko", "ella"])
    kotelo = invite(page, "kotelo", ["kalle", "kaisa", "kimmo"])
    assert len(kuusi) == len(kotelo) == 3
    assert axe_violations(page, AXE) == []
    for link in kuusi:
        answer(respondent, link, energy=4)
    for link in kotelo:
        answer(respondent, link, energy=kotelo_energy)
    return round_url


AXE = (Path(__file__).parents[1] / "http" / "assets" / "axe.min.js").read_text("utf-8")


def test_the_whole_loop_from_round_to_lever_action_what_moved_and_agreement(
    browser, live_server
) -> None:
    base = live_server
    context = browser.new_context(
        locale="fi-FI", viewport=VIEWPORT, extra_http_headers={"Accept-Language": "fi"}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    respondents = browser.new_context(locale="fi-FI", viewport=VIEWPORT)
    respondent = respondents.new_page()
    respondent.set_default_timeout(15_000)
    sign_in(page, base, email="platform@winwin.example")

    # 1. The round: Kotelo's people find the energy low, so energy is Kotelo's lever.
    first = run_round(page, respondent, base, "2027-Q1", kotelo_energy=2)
    close_round(page, first)
    relationship = f"{base}/relationships/kotelo/kuusi"
    page.goto(relationship)
    expect(page.get_by_test_id("lever-kotelo")).to_have_attribute("data-factor", "energy")
    expect(page.get_by_test_id("lever-kotelo")).to_contain_text("energia")
    step = page.get_by_test_id("best-step")
    expect(step).to_have_attribute("data-side", "kotelo")
    expect(step).to_have_attribute("data-factor", "energy")
    assert axe_violations(page, AXE) == []
    shot(page, "loop-1-lever")

    # 2. The lever becomes a joint action; the form starts at the biggest step.
    form = page.get_by_test_id("add-action")
    expect(form.get_by_label("Kenen puolesta")).to_have_value("kotelo")
    expect(form.get_by_label("Tekijä, jota sen pitäisi nostaa")).to_have_value("energy")
    form.get_by_label("Otsikko").fill("Yhteinen tuotekehityspäivä joka kuukausi")
    form.get_by_role("button", name="Lisää toimenpide").click()
    page.wait_for_load_state()
    plan = page.get_by_test_id("action-plan")
    expect(plan).to_contain_text("Yhteinen tuotekehityspäivä joka kuukausi")
    expect(page.get_by_test_id("open-actions-energy")).to_contain_text("tuotekehityspäivä")
    row = plan.locator("tr[data-action]").first
    row.get_by_label("Uusi tila").select_option("doing")
    row.get_by_role("button", name="Vaihda").click()
    expect(plan.locator("tr[data-action]").first).to_have_attribute("data-status", "doing")
    assert axe_violations(page, AXE) == []
    shot(page, "loop-2-action", plan)

    # 3. The next round: Kotelo's energy has risen; what moved waits for the round to close.
    second = run_round(page, respondent, base, "2027-Q2", kotelo_energy=4)
    page.goto(f"{relationship}?round=2027-Q2")
    expect(page.get_by_test_id("what-moved-pending")).to_contain_text("2027-Q2")
    close_round(page, second)

    # 4. What moved: Kotelo's energy rose beyond the noise, beside the action aimed at it.
    page.goto(relationship)
    moved = page.get_by_test_id("what-moved")
    expect(moved).to_contain_text("Mikä muuttui: 2027-Q1 → 2027-Q2")
    expect(moved).to_contain_text("35,2 → 42,3 (+7,1, yli satunnaisvaihtelun)")
    energy = moved.locator('tr[data-factor="energy"]')
    expect(energy.locator('td[data-side="kotelo"]')).to_have_attribute("data-beyond", "True")
    expect(energy.locator('td[data-side="kotelo"]')).to_contain_text("+40 prosenttiyksikköä")
    expect(energy.locator('td[data-side="kotelo"]')).to_contain_text("yli satunnaisvaihtelun")
    expect(energy).to_contain_text("Yhteinen tuotekehityspäivä joka kuukausi (käynnissä)")
    expect(moved.locator('tr[data-factor="impact"] td[data-side="kuusi"]')).to_have_attribute(
        "data-beyond", "False"
    )
    assert axe_violations(page, AXE) == []
    shot(page, "loop-3-what-moved", moved)

    # 5. The two start a joint initiative and agree how to share what it makes.
    page.get_by_role("navigation", name="Päävalikko").get_by_role("link", name="Aloitteet").click()
    propose = page.get_by_test_id("propose")
    propose.get_by_label("Kenen puolesta").select_option("kuusi")
    propose.get_by_label("Kenen kanssa (organisaatioiden tunnukset pilkuin eroteltuina)").fill(
        "kotelo"
    )
    propose.get_by_label("Otsikko").fill("Kierrätettävä kotelo")
    propose.get_by_role("button", name="Ehdota").click()
    page.get_by_role("heading", name="Kierrätettävä kotelo").wait_for()
    page.get_by_test_id("steps-kotelo").get_by_role("button", name="Hyväksy").click()
    page.locator("[data-state=accepted]").wait_for()
    model = page.get_by_test_id("set-model")
    model.get_by_label("Menetelmä").select_option("shapley")
    model.locator("textarea").fill(json.dumps(GAME))
    model.get_by_role("button", name="Aseta jakomalli").click()
    page.locator("[data-state=modelled]").wait_for()
    for party in ("kotelo", "kuusi"):
        page.get_by_test_id(f"steps-{party}").get_by_role("button", name="Hyväksy versio 2").click()
        page.wait_for_load_state()
    page.locator("[data-state=agreed]").wait_for()
    # Shapley value of the synergy game: each keeps its own and half the synergy.
    expect(page.get_by_test_id("share-kotelo")).to_have_text("20,00")
    expect(page.get_by_test_id("share-kuusi")).to_have_text("40,00")
    expect(page.get_by_test_id("core")).to_contain_text("Jako on ytimessä")
    assert axe_violations(page, AXE) == []
    shot(page, "loop-4-agreement")

    # 6. The frozen agreement as a PDF.
    link = page.get_by_test_id("agreement-pdf").get_by_role("link", name="suomeksi")
    response = page.request.get(base + (link.get_attribute("href") or ""))
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.body())).pages)
    assert "Sopimus: Kierrätettävä kotelo" in text and "Shapleyn arvo" in text
    respondents.close()
    context.close()
