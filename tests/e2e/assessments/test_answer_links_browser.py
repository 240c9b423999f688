"""In a real browser, in Finnish, at desktop and phone widths: a facilitator invites
several people at once (a bad line first), copies a link, makes a new one (the old link
is refused), and a respondent answers partly, with an "En osaa sanoa" chosen by
keyboard, and confirms saving the partial set. axe-core stays clean throughout."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .test_assessment_browser import PASSWORD, serious_axe_violations
from .test_assessment_browser import server as server  # the fixture

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_several_invitees_a_new_link_and_a_partial_answer_in_finnish(
    server: str, browser, width: str
):
    context = browser.new_context(locale="fi-FI", viewport=WIDTHS[width])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/login")
    page.fill("#email", "fac@example.com")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url(f"{server}/")
    page.goto(f"{server}/relationships?org=pakkaus")
    partner = page.get_by_role("combobox", name="Kumppaniorganisaatio")
    partner.press_sequentially("kuusi")
    page.get_by_role("option", name="Kuusi Oy").click()
    page.fill("#round", "2026-Q1")
    page.get_by_role("button", name="Avaa kierros").click()
    page.wait_for_url("**/rounds/*")
    round_url = page.url

    # Several at once; one bad line invites nobody and is named, the list stays.
    page.select_option("#side", "pakkaus")
    page.fill("#addresses", "pekka@pakkaus.fi\npirjo.pakkaus.fi\nPaavo Pakkanen <paavo@pakkaus.fi>")
    page.get_by_role("button", name="Luo henkilökohtaiset linkit").click()
    alert = page.get_by_test_id("bad-lines")
    expect(alert).to_contain_text("Ketään ei kutsuttu.")
    expect(alert).to_contain_text("Rivi 2")
    expect(alert).to_be_focused()
    expect(page.locator("table.respondents-table")).to_have_count(0)
    assert serious_axe_violations(page) == []
    page.fill("#addresses", page.input_value("#addresses").replace("pirjo.", "pirjo@"))
    page.get_by_role("button", name="Luo henkilökohtaiset linkit").click()
    page.wait_for_url("**done=invited**")
    expect(page.get_by_test_id("done")).to_contain_text("3 henkilökohtaista linkkiä luotiin.")
    rows = page.locator("table.respondents-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(2)).to_contain_text("Paavo Pakkanen")
    assert _fits(page), "the round page is wider than the screen"
    assert serious_axe_violations(page) == []

    # The link can be copied again at any time.
    first = rows.nth(0)
    old_link = first.locator("input.answer-link").input_value()
    first.get_by_role("button", name="Kopioi linkki").click()
    expect(first.get_by_role("status")).to_have_text("Kopioitu")
    assert page.evaluate("navigator.clipboard.readText()") == old_link

    # A new link replaces the old one, which stops working.
    page.once("dialog", lambda dialog: dialog.accept())
    first.get_by_role("button", name="Luo uusi linkki").click()
    page.wait_for_url("**done=resent**")
    expect(page.get_by_test_id("done")).to_contain_text("vanha linkki ei enää toimi")
    new_link = page.locator("table.respondents-table tbody tr").nth(0).locator("input.answer-link")
    new_link = new_link.input_value()
    assert new_link != old_link
    respondent = context.new_page()
    refused = respondent.goto(old_link)
    assert refused is not None and refused.status == 404

    # The respondent answers partly: most statements, one "En osaa sanoa" by keyboard,
    # two left open; the form asks before saving and highlights the two.
    respondent.goto(new_link)
    expect(respondent.locator("html")).to_have_attribute("lang", "fi")
    items = [f"{f}{n}" for f in "aeit" for n in range(1, 6)]
    for item in items:
        if item in ("e2", "t5", "i3"):
            continue
        respondent.locator(f'input[name="item-{item}"][value="4"]').check()
    respondent.locator('input[name="item-i3"][value="5"]').focus()
    respondent.keyboard.press("ArrowRight")  # the next choice in the group: En osaa sanoa
    expect(respondent.locator('input[name="item-i3"][value="cant-say"]')).to_be_checked()
    respondent.get_by_role("button", name="Tallenna vastaukset").click()
    question = respondent.get_by_test_id("unanswered")
    expect(question).to_contain_text("2 väittämää on vastaamatta.")
    expect(question).to_be_focused()
    expect(respondent.locator("fieldset.is-unanswered")).to_have_count(2)
    expect(respondent.locator('input[name="item-a1"][value="4"]')).to_be_checked()
    expect(respondent.locator('input[name="item-i3"][value="cant-say"]')).to_be_checked()
    assert _fits(respondent), "the answer form is wider than the screen"
    assert serious_axe_violations(respondent) == []
    respondent.get_by_role("button", name="Tallenna, vaikka 2 väittämää on vastaamatta").click()
    respondent.wait_for_url("**?saved=1")
    expect(respondent.get_by_test_id("saved")).to_contain_text("Kiitos!")
    expect(respondent.get_by_test_id("saved")).to_contain_text("2 väittämää jäi vastaamatta.")
    respondent.reload()  # reloading repeats nothing
    expect(respondent.locator('input[name="item-i3"][value="cant-say"]')).to_be_checked()

    page.goto(round_url)
    expect(page.locator("table.respondents-table tbody tr").nth(0)).to_contain_text("kyllä")
    assert not [e for e in errors if "Content Security Policy" in e]
    context.close()
