"""Kuusi attaches a PDF to a partners-only item in Debian's chromium (Playwright); its
partner Lab downloads the same bytes from the item page; Gran, its competitor, gets 404."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "winwin-demo"
ITEM = "kuusi-capacity-q3"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 20 + b"\n%%EOF\n"
AXE = Path(__file__).parents[1] / "http" / "assets" / "axe.min.js"
SERIOUS = {"serious", "critical"}


def axe_violations(page) -> list[tuple[str, str, list[str]]]:  # type: ignore[no-untyped-def]
    # Evaluated through the DevTools protocol, which the page's CSP does not govern.
    page.evaluate(AXE.read_text("utf-8"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results["violations"]
        if v["impact"] in SERIOUS
    ]


def signed_in(browser, base_url: str, email: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        locale="en-GB", extra_http_headers={"Accept-Language": "en"}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")
    return context, page


def test_a_file_attached_by_the_owner_downloads_for_the_partner_only(
    browser, sharing_server: str, tmp_path: Path
) -> None:
    base = sharing_server
    kuusi_ctx, kuusi = signed_in(browser, base, "member@kuusi.example")
    lab_ctx, lab = signed_in(browser, base, "member@lab.example")
    gran_ctx, gran = signed_in(browser, base, "member@gran.example")
    errors: list[str] = []
    kuusi.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        kuusi.goto(f"{base}/items/{ITEM}")
        panel = kuusi.locator("#attachments")
        # htmx replaced the link with the list and the form.
        panel.get_by_text("No attachments.").wait_for()
        panel.get_by_label("Choose a file").set_input_files(
            files=[{"name": "Kapasiteetti Q3.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        panel.get_by_role("button", name="Attach", exact=True).click()
        kuusi.wait_for_url(re.compile(r".*done=attached.*"))
        expect(kuusi.get_by_role("status").filter(has_text="File attached.")).to_be_visible()
        kuusi.locator("#attachments").get_by_role("link", name="Kapasiteetti Q3.pdf").wait_for()
        expect(kuusi.locator("#attachments")).to_contain_text("PDF document")
        assert axe_violations(kuusi) == []
        assert errors == []

        # A refused upload is explained beside the form, and the page still passes axe.
        kuusi.locator("#attachments").get_by_label("Choose a file").set_input_files(
            files=[{"name": "logo.png", "mimeType": "image/png", "buffer": b"<svg/>"}]
        )
        kuusi.locator("#attachments").get_by_role("button", name="Attach", exact=True).click()
        kuusi.locator("#attachment-problems").get_by_text("does not match").wait_for()
        expect(kuusi.locator("#attachments .attachment-list li")).to_have_count(1)
        assert axe_violations(kuusi) == []
        # The browser reports the page's own 422 status; nothing else went wrong.
        assert [e for e in errors if "status of 422" not in e] == []

        lab.goto(f"{base}/items/{ITEM}")
        link = lab.locator("#attachments").get_by_role("link", name="Kapasiteetti Q3.pdf")
        link.wait_for()
        expect(lab.locator("#attachments input[type=file]")).to_have_count(0)
        with lab.expect_download() as started:
            link.click()
        download = started.value
        assert download.suggested_filename == "Kapasiteetti Q3.pdf"
        saved = tmp_path / "got.pdf"
        download.save_as(saved)
        assert saved.read_bytes() == PDF

        href = link.get_attribute("href")
        assert href is not None
        file_url = base + href.split("?")[0]
        assert gran.request.get(file_url).status == 404
        assert gran.goto(f"{base}/items/{ITEM}/attachments").status == 404
    finally:
        for context in (kuusi_ctx, lab_ctx, gran_ctx):
            context.close()
