"""The application in Debian's chromium through Playwright: sign in, switch language,
invite a person, change the profile, and axe-core on the main pages.

Skipped when /usr/bin/chromium is missing, unless WINWIN_REQUIRE_BROWSER=1 (CI), which
makes that a failure. A failing test leaves a screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE_PAGES = ["/", "/org", "/account", "/org/ties", "/org/overlap/lab?org=kuusi"]
SERIOUS = {"serious", "critical"}


def sign_in(page, base_url, email="admin@kuusi.example", password="winwin-demo"):
    page.goto(f"{base_url}/login")
    page.get_by_label(re.compile("^(Sähköposti|Email)$")).fill(email)
    page.get_by_label(re.compile("^(Salasana|Password)$")).fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")


def axe_violations(page, axe_source):
    # Evaluated through the DevTools protocol, which the page's CSP does not govern.
    assert "axe" in axe_source[:5000], "the axe-core asset is missing or empty"
    page.evaluate(axe_source)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    # A check that ran no rule (no axe, an empty page) would find no violation: fail instead.
    assert results["testEngine"]["name"] == "axe-core", results.get("testEngine")
    assert len(results["passes"]) + len(results["violations"]) >= 10, "axe checked almost nothing"
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results["violations"]
        if v["impact"] in SERIOUS
    ]


def test_signing_in_shows_the_dashboard_in_finnish(page, live_server):
    sign_in(page, live_server)
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kuusi Paper Oy")
    nav = page.get_by_role("navigation", name="Päävalikko")
    labels = ("Etusivu", "Suhteet", "Syöte", "Piirit", "Sopimukset", "Parit", "Verkosto")
    for label in (*labels, "Organisaatio"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()


def test_a_wrong_password_keeps_the_visitor_on_the_sign_in_page(page, live_server):
    page.goto(f"{live_server}/login")
    page.get_by_label("Sähköposti").fill("admin@kuusi.example")
    page.get_by_label("Salasana").fill("not the password")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_have_text("Sähköposti tai salasana on väärin.")


def test_switching_the_language_turns_the_pages_english_and_back(page, live_server):
    sign_in(page, live_server)
    page.get_by_label("Kieli").select_option("en")
    page.get_by_role("button", name="Vaihda kieli").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Relationships", exact=True)).to_be_visible()
    page.goto(f"{live_server}/org")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option("fi")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "fi")


def test_an_org_admin_invites_a_person(page, live_server):
    sign_in(page, live_server)
    page.goto(f"{live_server}/org")
    form = page.locator("form[action^='/org/people?']")
    form.get_by_label("Nimi").fill("Ville Vieras")
    form.get_by_label("Sähköposti").fill("ville@kuusi.example")
    form.get_by_label("Rooli").select_option("member")
    form.get_by_role("button", name="Kutsu").click()
    page.wait_for_url(re.compile(r".*done=invited"))
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^\s*Henkilö kutsuttiin"))
    expect(page.get_by_role("cell", name=re.compile("ville@kuusi.example"))).to_be_visible()


def test_an_org_admin_changes_the_profile_and_sees_field_errors(page, live_server):
    sign_in(page, live_server)
    page.goto(f"{live_server}/org")
    page.get_by_label("Maa", exact=True).select_option(label="Ruotsi")
    page.get_by_label("Y-tunnus tai ALV-numero").fill("1234567-2")
    page.get_by_role("button", name="Tallenna profiili").click()
    business_id = page.get_by_label("Y-tunnus tai ALV-numero")
    expect(business_id).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#err-business_id")).to_contain_text("tarkistusmerkki on väärä")
    expect(page.get_by_label("Maa", exact=True)).to_have_value("SE")
    business_id.fill("1234567-1")
    page.get_by_label("Toimiala").fill("kartonki")
    page.get_by_label("Osaaminen").fill("päällystetty kartonki\nestopinnoitteet")
    page.get_by_role("button", name="Tallenna profiili").click()
    page.wait_for_url(re.compile(r".*done=profile"))
    expect(page.get_by_label("Toimiala")).to_have_value("kartonki")
    expect(page.get_by_label("Osaaminen")).to_have_value("päällystetty kartonki\nestopinnoitteet")


def test_the_skip_link_is_the_first_stop_and_moves_to_the_content(page, live_server):
    page.goto(f"{live_server}/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_the_pages_run_no_inline_script_under_the_policy(page, live_server):
    violations = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    sign_in(page, live_server)
    page.goto(f"{live_server}/org")
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("typeof Chart") == "function"
    assert violations == []


@pytest.mark.parametrize("path", ["/login", *AXE_PAGES])
def test_main_pages_have_no_serious_accessibility_violations(page, live_server, axe_source, path):
    if path != "/login":
        sign_in(page, live_server)
    page.goto(f"{live_server}{path}")
    assert axe_violations(page, axe_source) == []


def test_pages_seen_by_a_member_and_a_facilitator_pass_axe(page, live_server, axe_source):
    sign_in(page, live_server, email="member@kuusi.example")
    page.goto(f"{live_server}/org")
    expect(page.get_by_role("button", name="Tallenna profiili")).to_have_count(0)
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Kirjaudu ulos").click()
    sign_in(page, live_server, email="facilitator@winwin.example")
    expect(page.get_by_label("Työskentelet organisaatiolle")).to_be_visible()
    assert axe_violations(page, axe_source) == []


def test_a_csv_with_a_bad_line_is_reported_per_line_in_the_browser(page, live_server, tmp_path):
    sign_in(page, live_server)
    page.goto(f"{live_server}/org")
    csv = tmp_path / "people.csv"
    csv.write_text("email,name\nhyva@kuusi.example,Hyvä\nhuono,Huono\n", "utf-8")
    page.get_by_label("CSV-tiedosto", exact=True).set_input_files(str(csv))
    page.get_by_role("button", name="Lataa ja kutsu").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("rivi 3, Sähköposti")
    expect(page.get_by_text("hyva@kuusi.example")).to_have_count(0)


def test_changing_a_role_updates_the_list_in_place(page, live_server):
    sign_in(page, live_server)
    page.goto(f"{live_server}/org")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Henkilön Mikko Mänty rooli").select_option("org_admin")
    page.get_by_role("button", name="Vaihda Henkilön Mikko Mänty rooli").click()
    status = page.locator("#people-list [role=status]")
    status.wait_for()
    expect(status).to_have_text("Rooli vaihdettiin.")
    assert page.evaluate("window.notReloaded") is True
    expect(page.get_by_label("Henkilön Mikko Mänty rooli")).to_have_value("org_admin")


def test_removing_a_person_asks_first_and_updates_the_list(page, live_server):
    sign_in(page, live_server)
    page.goto(f"{live_server}/org")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Poista Mikko Mänty").click()
    page.locator("#people-list [role=status]").wait_for()
    expect(page.get_by_text("member@kuusi.example")).to_have_count(0)


SECTIONS = [
    "/relationships",
    "/feed",
    "/circles",
    "/agreements",
    "/innovation",
    "/pairs",
    "/insight",
]


def test_every_section_of_the_navigation_opens_and_passes_axe(page, live_server, axe_source):
    sign_in(page, live_server)
    found = {}
    for path in SECTIONS:
        response = page.goto(f"{live_server}{path}")
        assert response is not None and response.status == 200, path
        expect(page.locator("html"), path).to_have_attribute("lang", "fi")
        expect(page.locator("nav [aria-current=page]"), path).to_have_count(1)
        found[path] = axe_violations(page, axe_source)
    assert found == {path: [] for path in SECTIONS}


def test_the_notifications_page_and_its_badge_pass_axe(page, live_server, axe_source):
    sign_in(page, live_server)
    response = page.goto(f"{live_server}/notifications")
    assert response is not None and response.status == 200
    expect(page.locator("header a.notifications-link[aria-current=page]")).to_have_count(1)
    page.wait_for_load_state("networkidle")  # the badge arrives through htmx
    assert axe_violations(page, axe_source) == []
