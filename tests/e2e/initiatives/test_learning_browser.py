"""In Debian's chromium, in Finnish, at desktop width, on the demo network: a learning
initiative between a research lab, a company and its customer; a learning goal and a
learning round from the initiative's page; axe-core on the page.

With ``WINWIN_SCREENSHOTS=DIR`` the page is saved as ``DIR/learning-initiative.png``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e.http.test_browser import axe_violations, sign_in
from e2e.initiatives.test_loop_browser import AXE, VIEWPORT, shot

pytestmark = pytest.mark.browser


def test_a_learning_initiative_with_a_goal_and_a_learning_round(browser, live_server) -> None:
    context = browser.new_context(
        locale="fi-FI", viewport=VIEWPORT, extra_http_headers={"Accept-Language": "fi"}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, email="platform@winwin.example")
    page.goto(f"{live_server}/initiatives")
    propose = page.get_by_test_id("propose")
    propose.get_by_label("Kenen puolesta").select_option("kuusi")
    propose.get_by_label("Kenen kanssa (organisaatioiden tunnukset pilkuin eroteltuina)").fill(
        "lab,pakkaus"
    )
    propose.get_by_label("Otsikko").fill("Kuituakatemia")
    propose.get_by_label("Aloitteen laji").select_option("learning")
    propose.get_by_role("button", name="Ehdota").click()
    page.get_by_role("heading", name="Kuituakatemia").wait_for()
    for party in ("lab", "pakkaus"):
        page.get_by_test_id(f"steps-{party}").get_by_role("button", name="Hyväksy").click()
        page.wait_for_load_state()
    page.locator("[data-state=accepted]").wait_for()

    goals = page.get_by_test_id("learning-goals")
    expect(goals).to_contain_text("Oppimistavoitteita ei ole vielä.")
    form = page.get_by_test_id("add-goal")
    form.get_by_label("Kenen puolesta").select_option("lab")
    form.get_by_label("Kenen kanssa").select_option("kuusi")
    form.get_by_label("Tekijä, jota sen pitäisi nostaa").select_option("impact")
    form.get_by_label("Otsikko").fill("Opiskelijat mukaan pinnoitekokeisiin")
    form.get_by_role("button", name="Lisää tavoite").click()
    page.wait_for_load_state()
    row = page.get_by_test_id("learning-goals").locator("tr[data-goal]")
    expect(row).to_contain_text("Opiskelijat mukaan pinnoitekokeisiin")
    expect(row).to_contain_text("Vaikuttavuus")

    rounds = page.get_by_test_id("open-learning-round")
    rounds.get_by_label("Kierros").fill("2027-syksy")
    rounds.get_by_role("button", name="Avaa oppimiskierros").click()
    page.wait_for_load_state()
    opened = page.get_by_test_id("learning-rounds").locator("tr[data-between]")
    expect(opened).to_have_count(2)
    expect(opened.first).to_contain_text("2027-syksy · avoin")
    assert axe_violations(page, AXE) == []
    shot(page, "learning-initiative", goals, page.get_by_test_id("learning-rounds"))
    context.close()
