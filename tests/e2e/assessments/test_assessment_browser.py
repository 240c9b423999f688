"""In a real browser (Debian's chromium through Playwright): a facilitator opens a round,
both sides and a third party answer through their personal links in Finnish and English,
and the relationship page shows the scores, the lever, the gaps and the charts."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from support.secrets import TEST_SECRET
from support.server import serving
from winwin.settings import Settings

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "correct horse battery"


@pytest.fixture
def server(people: object, db_url: str) -> Iterator[str]:
    from winwin.http.app import create_app

    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    with serving(app) as base:
        yield base


AXE = Path(__file__).resolve().parents[1] / "http" / "assets" / "axe.min.js"


def serious_axe_violations(page) -> list[tuple[str, str]]:
    """axe-core's serious and critical findings (evaluated over DevTools, outside the CSP)."""
    # A missing asset fails here (FileNotFoundError) instead of passing having checked nothing.
    source = AXE.read_text(encoding="utf-8")
    assert "axe" in source[:5000], "the axe-core asset is empty"
    page.evaluate(source)
    found = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert found["testEngine"]["name"] == "axe-core", found.get("testEngine")
    assert len(found["passes"]) + len(found["violations"]) >= 10, "axe checked almost nothing"
    return [
        (v["id"], str([n["target"] for n in v["nodes"]][:3]))
        for v in found["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def answer_all(page, values: dict[str, int]) -> None:
    """Answer and save; a partial set is confirmed when the form asks."""
    for item, value in values.items():
        page.locator(f'input[name="item-{item}"][value="{value}"]').check()
    page.get_by_role("button", name=("Save answers", "Tallenna vastaukset")[0]).or_(
        page.get_by_role("button", name="Tallenna vastaukset")
    ).click()
    page.wait_for_load_state()
    confirm = page.locator('button[name="confirm_partial"]')
    if confirm.count():
        confirm.click()
    page.wait_for_url("**?saved=1")


def test_a_round_from_opening_to_the_relationship_page_in_a_browser(server: str, browser):
    errors: list[str] = []
    facilitator = browser.new_context(locale="en-GB")
    page = facilitator.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/login")
    page.fill("#email", "fac@example.com")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/")

    page.goto(f"{server}/relationships?org=pakkaus")
    partner = page.get_by_role("combobox", name="Partner organisation")
    partner.press_sequentially("kuusi")
    page.get_by_role("option", name="Kuusi Oy").click()
    page.fill("#round", "2026-Q1")
    page.get_by_role("button", name="Open the round").click()
    page.wait_for_url("**/rounds/*")

    links: dict[str, str] = {}
    for side, name, language in (
        ("kuusi", "Anna", "en"),
        ("pakkaus", "Pekka", "fi"),
        ("third-party", "Outi", "fi"),
    ):
        details = page.locator("details.invite-one")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        page.select_option("#one-side", side)
        page.fill("#name", name)
        page.select_option("#one-locale", language)
        page.get_by_role("button", name="Create a personal link").click()
        page.wait_for_url("**done=invited**")
        links[side] = page.locator(f'input.answer-link[data-side="{side}"]').last.input_value()
    assert serious_axe_violations(page) == []  # the round page

    # Each respondent opens their own link, with no sign-in, in their own language.
    kuusi = browser.new_context(locale="fi-FI").new_page()  # the link asks for English
    kuusi.goto(links["kuusi"])
    expect(kuusi.locator("html")).to_have_attribute("lang", "en")
    expect(kuusi.locator("fieldset.answer-item")).to_have_count(20)
    answer_all(kuusi, {f"{f}{n}": 4 for f in "aeit" for n in range(1, 6)})
    expect(kuusi.locator("[role=status]")).to_contain_text("Your answers are saved")

    pakkaus = browser.new_context(locale="fi-FI").new_page()
    pakkaus.goto(links["pakkaus"])
    expect(pakkaus.locator("html")).to_have_attribute("lang", "fi")
    low_energy = {f"{f}{n}": 4 for f in "aeit" for n in range(1, 6)}
    low_energy.update({f"e{n}": 2 for n in range(1, 5)})
    answer_all(pakkaus, low_energy)
    expect(pakkaus.locator("[role=status]")).to_contain_text("Vastauksesi on tallennettu")

    outsider = browser.new_context(locale="fi-FI").new_page()
    outsider.goto(links["third-party"])
    expect(outsider.locator("fieldset.answer-item")).to_have_count(10)
    expect(outsider.locator('input[name="item-a1"]')).to_have_count(0)
    assert serious_axe_violations(outsider) == []
    answer_all(outsider, {"i1": 5, "t1": 3})

    # kuusi: every factor 0.65 (the fifth item is reverse-coded), S = 42.25;
    # pakkaus: A = I = T = 0.65, E = 0.25, S = 29.25, lever energy, gain 24.375.
    r = math.sqrt(42.25 * 29.25)
    page.goto(f"{server}/relationships/kuusi/pakkaus")
    expect(page.get_by_test_id("relationship-score")).to_have_text(f"{r:.1f}")
    lever = page.get_by_test_id("lever-pakkaus").inner_text()
    rise = math.sqrt(42.25 * (29.25 + 24.375)) - r
    assert (
        "If Pakkaus Oy raised energy to the top, its own S would rise by 24.4 points"
        f" and R by {rise:.1f} points"
    ) in lever
    energy = page.locator('tr[data-factor="energy"] td')
    assert [energy.nth(i).inner_text() for i in range(3)] == ["65%", "25%", "+40 pp"]
    page.wait_for_function("document.querySelector('#radar').dataset.chartDrawn === '1'")
    # One round: no trend chart yet.
    expect(page.locator("#trend")).to_have_count(0)
    assert "1 third party" in page.content()
    assert serious_axe_violations(page) == []
    shots = os.environ.get("WINWIN_SCREENSHOTS")
    if shots:
        page.screenshot(path=f"{shots}/relationship.png", full_page=True)
        outsider.set_viewport_size({"width": 390, "height": 844})
        outsider.screenshot(path=f"{shots}/answer-mobile.png", full_page=False)

    page.goto(f"{server}/relationships?org=pakkaus")
    expect(page.locator("table.relationship-table tbody tr")).to_have_count(1)
    expect(page.locator("table.relationship-table tbody tr")).to_contain_text("Energy")
    assert serious_axe_violations(page) == []
    assert not [e for e in errors if "Content Security Policy" in e or "chart" in e]
