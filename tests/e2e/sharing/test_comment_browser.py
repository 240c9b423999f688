"""A comment on a partners item in Debian's chromium, in Finnish, at desktop and phone
widths: Lab comments on Kuusi's item for its partners, Kuusi is told and reads it, and
Gran, Kuusi's competitor, finds neither the item nor the comment. axe-core stays clean.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "winwin-demo"
AXE = Path(__file__).parents[1] / "http" / "assets" / "axe.min.js"
ITEM = "kuusi-customers-day"
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}


def signed_in(browser, base_url: str, email: str, size: tuple[int, int]):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        locale="fi-FI",
        extra_http_headers={"Accept-Language": "fi"},
        viewport={"width": size[0], "height": size[1]},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/login")
    page.get_by_label("Sähköposti").fill(email)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")
    return context, page


def serious_violations(page) -> list[tuple[str, list[str]]]:  # type: ignore[no-untyped-def]
    # Evaluated through the DevTools protocol, which the page's CSP does not govern.
    source = AXE.read_text("utf-8")
    assert "axe" in source[:5000], "the axe-core asset is missing or empty"
    page.evaluate(source)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert results["testEngine"]["name"] == "axe-core", results.get("testEngine")
    assert len(results["passes"]) + len(results["violations"]) >= 10, "axe checked almost nothing"
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_a_partner_comments_on_a_partners_item_in_finnish(
    browser, sharing_server: str, width: str
) -> None:
    base, size = sharing_server, WIDTHS[width]
    lab_ctx, lab = signed_in(browser, base, "member@lab.example", size)
    kuusi_ctx, kuusi = signed_in(browser, base, "member@kuusi.example", size)
    gran_ctx, gran = signed_in(browser, base, "member@gran.example", size)
    try:
        lab.goto(f"{base}/items/{ITEM}")
        expect(lab.get_by_role("heading", name="Kommentit (0)")).to_be_visible()
        expect(lab.get_by_text("Kommentit näkyvät täsmälleen niille")).to_be_visible()
        field = lab.get_by_label("Kommenttisi (**lihavointi**, *kursiivi* ja luettelot toimivat)")
        # An empty comment is refused by the browser before anything is sent.
        lab.get_by_role("button", name="Kommentoi", exact=True).click()
        expect(field).to_be_focused()
        field.fill("Tulemme mielellämme, **kaksi** henkeä.")
        lab.get_by_role("button", name="Kommentoi", exact=True).click()
        lab.wait_for_url(re.compile(r".*done=commented.*"))
        expect(lab.get_by_role("status")).to_contain_text("Kommenttisi lisättiin.")
        expect(lab.get_by_role("heading", name="Kommentit (1)")).to_be_visible()
        comment = lab.locator(".comment").first
        expect(comment.locator("strong").last).to_have_text("kaksi")
        expect(comment).to_contain_text("Lab Member")
        assert serious_violations(lab) == []
        # Nothing overflows sideways, on a phone either.
        assert lab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

        kuusi.goto(f"{base}/notifications")
        note = kuusi.locator(f"li.notification[data-item='{ITEM}'][data-kind='comment']").first
        expect(note).to_contain_text("kommentoi")
        note.get_by_role("link").click()
        expect(kuusi.locator(".comment-body").last).to_contain_text("Tulemme mielellämme")
        assert serious_violations(kuusi) == []

        assert gran.goto(f"{base}/items/{ITEM}").status == 404
        expect(gran.locator("main")).to_contain_text("ei ole")
        expect(gran.locator("main")).not_to_contain_text("Tulemme mielellämme")
    finally:
        for context in (lab_ctx, kuusi_ctx, gran_ctx):
            context.close()
