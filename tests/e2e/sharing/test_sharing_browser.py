"""Two organisations share through the feed in Debian's chromium (Playwright).

Kuusi publishes from the composer after reading who will see the item; its partner Lab
sees and opens it; Gran, Kuusi's competitor, does not. Lab reshares it to the whole
network, and Gran still cannot see it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "winwin-demo"


def signed_in(browser, base_url: str, email: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")
    return context, page


def test_two_organisations_share_an_item_and_a_competitor_never_sees_it(
    browser, sharing_server: str
) -> None:
    base = sharing_server
    kuusi_ctx, kuusi = signed_in(browser, base, "member@kuusi.example")
    lab_ctx, lab = signed_in(browser, base, "member@lab.example")
    gran_ctx, gran = signed_in(browser, base, "member@gran.example")
    try:
        kuusi.goto(f"{base}/feed")
        composer = kuusi.locator("#composer")
        composer.get_by_label("Title").fill("Barrier coating trial <script>alert(1)</script>")
        composer.get_by_label("Text (**bold**, *italic* and lists work)").fill(
            "Results look **good**."
        )
        composer.get_by_label("Audience").select_option("partners")
        composer.get_by_label("not to competitors").check()
        sentence = kuusi.get_by_test_id("reach-sentence")
        sentence.wait_for()
        assert re.search(r"\d+ partners", sentence.inner_text())
        composer.get_by_role("button", name="Publish").click()
        kuusi.wait_for_url(re.compile(r".*/items/.*done=published"))
        assert kuusi.get_by_role("heading", level=1).inner_text() == (
            "Barrier coating trial <script>alert(1)</script>"
        )
        item_url = kuusi.url.split("?")[0]

        lab.goto(f"{base}/feed")
        link = lab.get_by_role("link", name=re.compile("Barrier coating trial"))
        link.click()
        expect(lab.locator(".item-body strong")).to_have_text("good")

        gran.goto(f"{base}/feed")
        expect(gran.get_by_role("link", name=re.compile("Barrier coating trial"))).to_have_count(0)
        assert gran.goto(item_url).status == 404

        reshare = lab.locator("form[action*='/reshare']")
        reshare.get_by_label("Audience").select_option("network")
        reshare.get_by_role("button", name="Reshare").click()
        lab.wait_for_url(re.compile(r".*/items/.*done=published"))
        expect(lab.get_by_role("link", name=re.compile("reshares"))).to_be_visible()
        gran.goto(f"{base}/feed")
        expect(gran.get_by_role("link", name=re.compile("Barrier coating trial"))).to_have_count(0)
    finally:
        for context in (kuusi_ctx, lab_ctx, gran_ctx):
            context.close()


def test_the_openness_report_draws_its_charts(browser, sharing_server: str) -> None:
    context, page = signed_in(browser, sharing_server, "member@kuusi.example")
    try:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{sharing_server}/openness")
        page.wait_for_function("document.querySelectorAll('canvas[data-chart-drawn]').length === 2")
        expect(page.get_by_test_id("secret-share")).to_contain_text("Secret share")
        assert errors == []
    finally:
        context.close()


AXE = Path(__file__).parents[1] / "http" / "assets" / "axe.min.js"


@pytest.mark.parametrize(
    "path", ["/feed", "/circles", "/circles/board-lab", "/agreements", "/openness"]
)
def test_the_sharing_pages_have_no_serious_accessibility_violations(
    browser, sharing_server: str, path: str
) -> None:
    context, page = signed_in(browser, sharing_server, "member@kuusi.example")
    try:
        page.goto(f"{sharing_server}{path}")
        page.wait_for_load_state("networkidle")
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
    finally:
        context.close()
