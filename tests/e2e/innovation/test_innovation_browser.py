"""Open innovation in Debian's chromium (Playwright), with axe-core on the pages.

Kuusi opens a challenge to its partners after reading who will see it; a person of
Pakkaus-Aalto (Kuusi's customer) answers it with an idea, comments on the challenge and
votes for it (htmx, no reload); Kuusi comments on the idea and votes for it; Pakkaus, the
idea's owner, moves it to the next stage. The board and the entry pages have no serious
or critical accessibility violation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.innovation.web_world import EMAILS, PASSWORD, served_world

pytestmark = pytest.mark.browser

AXE = Path(__file__).parents[1] / "http" / "assets" / "axe.min.js"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    with served_world(tmp_path) as base:
        yield base


def signed_in(browser, base: str, email: str, lang: str = "en"):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        locale="en-GB" if lang == "en" else "fi-FI", extra_http_headers={"Accept-Language": lang}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login")
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    return context, page


def serious_violations(page) -> list[tuple[str, list[str]]]:  # type: ignore[no-untyped-def]
    # Evaluated through the DevTools protocol, which the page's CSP does not govern.
    source = AXE.read_text("utf-8")
    assert "axe" in source[:5000], "the axe-core asset is missing or empty"
    page.evaluate(source)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    # A check that ran no rule (no axe, an empty page) would find no violation: fail instead.
    assert results["testEngine"]["name"] == "axe-core", results.get("testEngine")
    assert len(results["passes"]) + len(results["violations"]) >= 10, "axe checked almost nothing"
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def publish(page, kind: str, title: str, body: str) -> None:  # type: ignore[no-untyped-def]
    composer = page.locator("#composer")
    composer.get_by_label("A challenge" if kind == "challenge" else "An idea", exact=True).check()
    composer.get_by_label("Title", exact=True).fill(title)
    composer.get_by_label("Text (**bold**, *italic* and lists work)").fill(body)
    composer.get_by_label("Audience", exact=True).select_option("partners")
    sentence = page.get_by_test_id("reach-sentence")
    sentence.wait_for()
    assert re.search(r"\d+ partners", sentence.inner_text())
    composer.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(r".*/innovation/[a-z0-9_-]+\?.*done=created"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_a_challenge_is_answered_discussed_voted_on_and_its_idea_moved_on(
    browser, site: str
) -> None:
    kuusi_ctx, kuusi = signed_in(browser, site, EMAILS["kuusi"])
    pakkaus_ctx, pakkaus = signed_in(browser, site, EMAILS["pakkaus"])
    errors: list[str] = []
    for page in (kuusi, pakkaus):
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        kuusi.get_by_role("navigation", name="Main").get_by_role("link", name="Innovation").click()
        kuusi.wait_for_url(re.compile(r".*/innovation$"))
        publish(kuusi, "challenge", "Wrap that keeps butter fresh", "We need **a fibre wrap**.")
        challenge_url = kuusi.url.split("?")[0]
        expect(kuusi.locator(".item-body strong")).to_have_text("a fibre wrap")

        # Pakkaus answers the challenge with an idea from the challenge's page.
        pakkaus.goto(f"{site}/innovation")
        pakkaus.get_by_role("link", name="Wrap that keeps butter fresh").first.click()
        pakkaus.wait_for_url(re.compile(re.escape(challenge_url)))
        pakkaus.get_by_role("link", name="Answer with an idea").click()
        composer = pakkaus.locator("#composer")
        assert composer.get_by_label("An idea", exact=True).is_checked()
        assert (
            composer.get_by_label("Answers the challenge").input_value()
            == (challenge_url.rsplit("/", 1)[1])
        )
        publish(pakkaus, "idea", "Bio-based barrier wrap", "A *bio-based* barrier on board.")
        idea_url = pakkaus.url.split("?")[0]
        answers = pakkaus.get_by_test_id("answers").get_by_role("link")
        expect(answers).to_have_text("Wrap that keeps butter fresh")

        # ... comments on the challenge and votes for it without reloading the page.
        pakkaus.goto(challenge_url)
        pakkaus.get_by_label("Your comment (**bold**, *italic* and lists work)").fill(
            "We can trial it in May. <b>x</b>"
        )
        pakkaus.get_by_role("button", name="Comment", exact=True).click()
        pakkaus.wait_for_url(re.compile(r".*done=commented.*"))
        assert (
            pakkaus.locator(".comment-body").last.inner_text() == "We can trial it in May. <b>x</b>"
        )
        before = pakkaus.url
        expect(pakkaus.get_by_test_id("vote-count")).to_have_text("0 votes")
        pakkaus.get_by_role("button", name="Vote for this").click()
        expect(pakkaus.get_by_test_id("vote-count")).to_have_text("1 vote")
        expect(pakkaus.get_by_role("button", name="Take back my vote")).to_be_visible()
        assert pakkaus.url == before

        # Kuusi sees the idea under its challenge, comments on it and votes for it.
        kuusi.goto(challenge_url)
        expect(kuusi.get_by_test_id("vote-count")).to_have_text("1 vote")
        ideas = kuusi.locator("section", has=kuusi.locator("#ideas-title"))
        ideas.get_by_role("link", name="Bio-based barrier wrap").click()
        kuusi.wait_for_url(re.compile(re.escape(idea_url)))
        kuusi.get_by_label("Your comment (**bold**, *italic* and lists work)").fill(
            "Send us a sample, please."
        )
        kuusi.get_by_role("button", name="Comment", exact=True).click()
        kuusi.wait_for_url(re.compile(r".*done=commented.*"))
        kuusi.get_by_role("button", name="Vote for this").click()
        expect(kuusi.get_by_test_id("vote-count")).to_have_text("1 vote")
        # Only the idea's owner organisation (and its co-authors) move it.
        expect(kuusi.locator("button[data-stage]")).to_have_count(0)

        # Pakkaus, the owner, moves its idea to the next stage.
        pakkaus.goto(idea_url)
        expect(pakkaus.locator(".comment-body")).to_have_text(["Send us a sample, please."])
        expect(pakkaus.get_by_test_id("vote-count")).to_have_text("1 vote")
        moves = pakkaus.get_by_role("group", name="Move to:")
        moves.get_by_role("button", name="Discussed").click()
        pakkaus.wait_for_url(re.compile(r".*done=moved.*"))
        expect(pakkaus.get_by_test_id("stage")).to_have_text("Discussed")
        expect(pakkaus.locator('.stage-path [aria-current="step"]')).to_have_text("Discussed")

        # The board shows the idea in its new column; the pages pass axe.
        kuusi.goto(f"{site}/innovation?kind=idea")
        column = kuusi.locator('[data-stage="discussed"]')
        expect(column.get_by_role("link", name="Bio-based barrier wrap")).to_be_visible()
        found = {}
        for path in ("/innovation", challenge_url, idea_url):
            kuusi.goto(path if path.startswith("http") else f"{site}{path}")
            kuusi.wait_for_load_state("networkidle")
            found[path] = serious_violations(kuusi)
        assert found == {path: [] for path in found}
        assert errors == []
    finally:
        for context in (kuusi_ctx, pakkaus_ctx):
            context.close()


def test_a_refused_composer_and_the_public_board_pass_axe_in_finnish(browser, site: str) -> None:
    context, page = signed_in(browser, site, EMAILS["kuusi"], lang="fi")
    anonymous = browser.new_context(locale="fi-FI", extra_http_headers={"Accept-Language": "fi"})
    try:
        page.goto(f"{site}/innovation")
        composer = page.locator("#composer")
        composer.get_by_label("Haaste", exact=True).check()
        composer.get_by_label("Otsikko", exact=True).fill("Julkinen mutta rajattu")
        composer.get_by_label("Yleisö", exact=True).select_option("public")
        composer.get_by_label("ei kilpailijoille").check()
        composer.get_by_role("button", name="Julkaise").click()
        exclusions = composer.get_by_role("group", name="Älä koskaan näytä")
        expect(exclusions).to_have_attribute("aria-describedby", re.compile("n-exclude-error"))
        expect(page.locator("#n-exclude-error")).to_have_text(
            "julkisella julkaisulla ei voi olla poissulkuja"
        )
        expect(composer.get_by_label("Otsikko", exact=True)).to_have_value("Julkinen mutta rajattu")
        assert serious_violations(page) == []
        reader = anonymous.new_page()
        reader.set_default_timeout(15_000)
        reader.goto(f"{site}/public/innovation")
        expect(reader.get_by_role("heading", level=1)).to_have_text("Julkiset haasteet ja ideat")
        assert serious_violations(reader) == []
    finally:
        context.close()
        anonymous.close()
