"""An outsider's sign-up and idea in Debian's chromium (Playwright), in Finnish, at desktop
and phone widths, with axe-core on the sign-up and the challenge pages.

A designer of no member organisation opens the public board, follows "Liity mukaan",
signs up, opens the link the page shows (no mail server), chooses a password, and
proposes an idea to the public challenge; the idea's page says it was published.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.innovation.test_innovation_browser import serious_violations
from e2e.innovation.web_world import served_world

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    with served_world(tmp_path) as base:
        yield base


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_an_outsider_signs_up_and_proposes_an_idea_in_finnish(
    browser, site: str, width: str
) -> None:
    w, h = WIDTHS[width]
    context = browser.new_context(
        locale="fi-FI",
        extra_http_headers={"Accept-Language": "fi"},
        viewport={"width": w, "height": h},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site}/public/innovation")
    page.get_by_role("link", name="Etkö ole jäsenorganisaatiosta? Liity mukaan").click()
    page.wait_for_url(f"{site}/join")
    expect(page.get_by_role("heading", level=1)).to_have_text("Liity avoimiin haasteisiin")
    assert serious_violations(page) == []
    page.get_by_label("Nimi").fill("Sanni Suunnittelija")
    page.get_by_label("Sähköposti").fill(f"sanni-{width}@design.example")
    page.get_by_role("button", name="Lähetä linkki").click()
    page.wait_for_url(re.compile(r".*/join/sent\?token=.*"))
    page.get_by_role("link", name="Vahvista osoite").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vahvista osoitteesi")
    page.get_by_label("Salasana").fill("fan-of-fibre-cups")
    page.get_by_role("button", name="Vahvista ja aloita").click()
    page.wait_for_url(re.compile(r".*/public/innovation\?done=joined"))
    expect(page.get_by_role("status")).to_contain_text("Osoitteesi on vahvistettu")

    page.goto(f"{site}/innovation/kuusi-open-challenge")
    form = page.locator("#idea-form")
    expect(form).to_be_visible()
    assert serious_violations(page) == []
    form.get_by_label("Otsikko").fill("Voipaperi kaurakalvosta")
    form.get_by_label("Ideasi (Markdown)").fill("Kalvo **kaurasta**, ei muovia.")
    form.get_by_role("button", name="Lähetä idea").click()
    page.wait_for_url(re.compile(r".*/innovation/[a-z0-9_-]+\?done=proposed"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Voipaperi kaurakalvosta")
    expect(page.get_by_role("status")).to_contain_text("Ideasi on julkaistu")
    assert page.evaluate("document.documentElement.scrollWidth") <= w + 1
    # Everything else answers as if absent.
    assert page.goto(f"{site}/feed").status == 404  # type: ignore[union-attr]
    context.close()
