"""The picker-driven composer in Finnish, in Debian's chromium, at desktop and phone widths.

Kuusi writes "Hinnoittelun periaatteet 2027" (a Finnish sensitive word in the title),
picks two named partners by typing their names (keyboard and pointer), and the
composer names them, warns that they compete with each other, and publishes with the
warning; axe-core finds nothing serious on the composer with the suggestions open.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.sharing.sharing_world import seed_people
from support.secrets import TEST_SECRET
from support.server import serving
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.db.models import Base
from winwin.http.app import create_app
from winwin.settings import Settings
from winwin.sharing import service as sharing

pytestmark = pytest.mark.browser

PASSWORD = "winwin-demo"
AXE = Path(__file__).parents[1] / "http" / "assets" / "axe.min.js"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def finnish_server(tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The demo network with Finnish sensitive topics (the demo document lists English)."""
    url = f"sqlite:///{tmp_path / 'pickers.sqlite3'}"
    engine = build_engine(url)
    Base.metadata.create_all(engine)
    seed_people(engine)
    with unit_of_work(session_factory(engine)) as session:
        sharing.set_sensitive_topics(
            session, topics=["hinnoittelu", "hinta", "hinnat", "pricing", "capacity"]
        )
    engine.dispose()
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET))
    with serving(app) as base:
        yield base


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_composer_picks_partners_by_name_and_warns_of_a_finnish_sensitive_word(
    browser, finnish_server: str, width: str
) -> None:
    w, h = WIDTHS[width]
    context = browser.new_context(
        locale="fi-FI",
        extra_http_headers={"Accept-Language": "fi"},
        viewport={"width": w, "height": h},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{finnish_server}/login")
        page.get_by_label("Sähköposti").fill("member@kuusi.example")
        page.get_by_label("Salasana").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{finnish_server}/")
        page.goto(f"{finnish_server}/feed")
        if width == "phone":
            # On a phone the composer is folded below the items until "Uusi julkaisu".
            expect(page.locator("#composer")).to_be_hidden()
            page.get_by_role("link", name="Uusi julkaisu").click()
        composer = page.locator("#composer")
        composer.get_by_label("Otsikko").fill("Hinnoittelun periaatteet 2027")
        composer.get_by_label("Yleisö", exact=True).select_option("direct")

        named = composer.get_by_role("combobox", name="Nimetyt kumppanit (nimetyille kumppaneille)")
        named.click()
        named.press_sequentially("kote")
        # Wait until the suggestions for the whole text have come (not those of "k").
        suggestions = composer.locator("#c-orgs-list [role=option]")
        expect(suggestions).to_have_count(1)
        expect(composer.get_by_role("option", name="Kotelo Oy")).to_be_visible()
        expect(named).to_have_attribute("aria-expanded", "true")
        named.press("ArrowDown")
        expect(named).to_have_attribute("aria-activedescendant", re.compile(r"c-orgs-opt-1"))
        named.press("Enter")
        expect(composer.get_by_role("checkbox", name="Kotelo Oy")).to_be_checked()

        named.press_sequentially("pakk")
        expect(suggestions).to_have_count(1)
        composer.get_by_role("option", name="Pakkaus-Aalto Oy").click()
        expect(composer.get_by_role("checkbox", name="Pakkaus-Aalto Oy")).to_be_checked()
        # A name Kuusi does not know is never offered.
        named.press_sequentially("klor")
        expect(composer.get_by_role("option", name=re.compile("Klor"))).to_have_count(0)
        named.press("Escape")
        named.fill("")

        sentence = page.get_by_test_id("reach-sentence")
        expect(sentence).to_contain_text("2 nimettyä kumppania (Kotelo Oy ja Pakkaus-Aalto Oy)")
        expect(sentence).to_contain_text("ei heidän kumppaneilleen")
        warning = page.get_by_test_id("reach-warning")
        expect(warning).to_contain_text("”hinnoittelun”")
        expect(warning).to_contain_text("Kotelo Oy")
        expect(warning).to_contain_text("Pakkaus-Aalto Oy")
        expect(warning).to_contain_text("kilpailevat keskenään")
        assert "kotelo" not in warning.inner_text()

        # axe-core with the suggestions open.
        named.press_sequentially("o")
        expect(composer.locator("#c-orgs-list [role=option]").first).to_be_visible()
        page.evaluate(AXE.read_text("utf-8"))
        results = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        serious = [
            (v["id"], [n["target"] for n in v["nodes"]][:3])
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []
        named.press("Escape")

        composer.get_by_role("button", name="Julkaise").click()
        expect(page.get_by_text("Julkaistu.")).to_be_visible()
        expect(page.locator(".alert-ok")).to_contain_text("Pakkaus-Aalto Oy")
        assert errors == []
    finally:
        context.close()
