"""In Debian's chromium, in Finnish, the living network's whole journey: kuusi invites an
organisation, its first admin completes the profile, a platform admin approves it, it
proposes a tie and kuusi accepts, kuusi shares its customer list with it, which the
newcomer then sees on the overlap page, and kuusi ends the tie, which hides the list at
once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e.http.test_browser import sign_in

pytestmark = pytest.mark.browser


def _person(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fi-FI", extra_http_headers={"Accept-Language": "fi"})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_invite_approve_propose_accept_share_end(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    kuusi_context, kuusi = _person(browser)
    sign_in(kuusi, live_server, email="admin@kuusi.example")
    kuusi.goto(f"{live_server}/org/ties?org=kuusi")
    kuusi.get_by_label("Ensimmäisen ylläpitäjän sähköpostiosoite").fill("eka@uusi.example")
    kuusi.get_by_role("button", name="Lähetä kutsu").click()
    expect(kuusi.get_by_test_id("org-invited")).to_contain_text("välitä tämä linkki itse")
    link = kuusi.get_by_test_id("org-invitation-link").inner_text()

    new_context, new = _person(browser)
    new.goto(link)
    new.get_by_role("heading", name="Liity Winwiniin").wait_for()
    expect(new.locator("main")).to_contain_text("kutsuu organisaationne Winwiniin")
    new.get_by_label("Nimi", exact=True).fill("Uusi Pakkaus Oy")
    new.get_by_label("Maa").select_option("FI")
    new.get_by_label("Y-tunnus tai ALV-numero").fill("0112038-9")
    new.get_by_label("Nimesi").fill("Eeva Eka")
    new.get_by_label("Salasana", exact=True).fill("uusi-salasana-123")
    new.get_by_role("button", name="Liity").click()
    expect(new.get_by_test_id("join-pending")).to_contain_text("odottaa alustan ylläpitäjän")

    admin_context, admin = _person(browser)
    sign_in(admin, live_server, email="platform@winwin.example")
    admin.goto(f"{live_server}/org/pending")
    row = admin.get_by_test_id("pending-uusi-pakkaus-oy")
    expect(row).to_contain_text("eka@uusi.example")
    row.get_by_role("button", name="Hyväksy").click()
    expect(admin.get_by_role("status")).to_contain_text("uusi-pakkaus-oy hyväksyttiin")
    admin_context.close()

    sign_in(new, live_server, email="eka@uusi.example", password="uusi-salasana-123")
    new.goto(f"{live_server}/org/ties")
    new.get_by_role("heading", name="Uusi Pakkaus Oy", exact=False).first.wait_for()
    new.get_by_label("Organisaatio", exact=True).first.fill("kuusi")
    new.get_by_label("Ostamme teiltä").check()
    new.get_by_role("button", name="Ehdota", exact=True).click()
    expect(new.get_by_role("status")).to_contain_text("ehdotettiin")

    kuusi.goto(f"{live_server}/org/ties?org=kuusi")
    waiting = kuusi.get_by_role("region", name="Vastaustamme odottavat ehdotukset")
    expect(waiting).to_contain_text("Uusi Pakkaus Oy")
    waiting.get_by_role("button", name="Hyväksy").click()
    expect(kuusi.get_by_role("status")).to_contain_text("hyväksyttiin")
    ties = kuusi.get_by_role("region", name="Suhteemme")
    expect(ties).to_contain_text("Uusi Pakkaus Oy")

    # Kuusi shares its whole customer list with the newcomer ...
    kuusi.get_by_label("Kumppanille Uusi Pakkaus Oy").select_option("all")
    kuusi.get_by_role("button", name="Tallenna, mitä kerromme").click()
    expect(kuusi.get_by_label("Kumppanille Uusi Pakkaus Oy")).to_have_value("all")
    new.goto(f"{live_server}/org/overlap/kuusi")
    expect(new.locator("main")).to_contain_text("Kuusi Paper Oy jakaa meille koko asiakaslistansa")
    expect(new.locator("main")).to_contain_text("Pakkaus-Aalto Oy")

    # ... and ending the tie hides it at once.
    kuusi.goto(f"{live_server}/org/ties?org=kuusi")
    ties = kuusi.get_by_role("region", name="Suhteemme")
    ties.get_by_role("button", name="Päätä suhde Uusi Pakkaus Oy").click()
    expect(kuusi.get_by_role("region", name="Suhteemme")).not_to_contain_text("Uusi Pakkaus Oy")
    new.goto(f"{live_server}/org/overlap/kuusi")
    expect(new.locator("main")).not_to_contain_text("Pakkaus-Aalto Oy")
    expect(new.locator("main")).not_to_contain_text("koko asiakaslistansa")
    new_context.close()
    kuusi_context.close()
