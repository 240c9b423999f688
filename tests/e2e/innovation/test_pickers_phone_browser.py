"""Names, not keys, in Finnish, in Debian's chromium at desktop (1280 px) and phone (390 px).

Kuusi's admin names a co-author of an idea by typing a name (the Lab's member, whose
organisation may see the idea; Gran's, who may not, is never offered), proposes a tie by
picking Kuitulaboratorio by name, and on a phone finds the feed's items first and the
composer folded behind "Uusi julkaisu". axe-core finds nothing serious or critical with
the suggestions open.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.innovation.test_innovation_browser import serious_violations
from e2e.innovation.web_world import PASSWORD, seed_people
from support.identity import acting
from support.secrets import TEST_SECRET
from support.server import serving
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.db.models import Base
from winwin.http.app import create_app
from winwin.innovation import service as innovation
from winwin.settings import Settings
from winwin.sharing.items import ItemRepository
from winwin.sharing.service import ItemDraft

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
IDEA = "Kuitujen kierrätys"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The demo network with the members of the innovation tests and one partners' idea
    of Kuusi; the address and the idea's key."""
    url = f"sqlite:///{tmp_path / 'pickers-fi.sqlite3'}"
    engine = build_engine(url)
    Base.metadata.create_all(engine)
    seed_people(engine)
    with unit_of_work(session_factory(engine)) as session:
        kuusi = ItemRepository(session).viewer("kuusi")
        assert kuusi is not None
        made = innovation.create_entry(
            session,
            by=acting(session, kuusi.key),
            kind="idea",
            draft=ItemDraft(title=IDEA, body="", level="partners"),
        )
    engine.dispose()
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET))
    with serving(app) as base:
        yield base, made.key


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_co_authors_and_ties_are_picked_by_name_and_a_phone_folds_the_composer(
    browser, site: tuple[str, str], width: str
) -> None:
    base, idea = site
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
        page.goto(f"{base}/login")
        page.locator("main input[name=email]").fill("admin@kuusi.example")
        page.locator("main input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{base}/")

        # The feed: on a phone the items come first and the composer is folded.
        page.goto(f"{base}/feed")
        first_item = page.locator(".feed-item").first
        expect(first_item).to_be_visible()
        composer = page.locator("#composer")
        new_post = page.get_by_role("link", name="Uusi julkaisu")
        if width == "phone":
            expect(composer).to_be_hidden()
            new_post.click()
            expect(composer).to_be_visible()
            item_box, composer_box = first_item.bounding_box(), composer.bounding_box()
            assert item_box and composer_box and item_box["y"] < composer_box["y"]
        else:
            expect(new_post).to_be_hidden()
            expect(composer).to_be_visible()
        expect(composer.get_by_label("Otsikko")).to_be_visible()
        assert serious_violations(page) == []

        # The co-author picker: people who may see the idea, by name.
        page.goto(f"{base}/innovation/{idea}")
        name = page.get_by_role("combobox", name="Uuden tekijän nimi")
        name.click()
        name.press_sequentially("gran")
        expect(page.locator("#coauthor-person-none")).to_be_visible()
        expect(page.get_by_role("option", name="Gran Member")).to_have_count(0)
        name.fill("")
        name.press_sequentially("lab m")
        option = page.get_by_role("option", name="Lab Member (Kuitulaboratorio Oy)")
        expect(option).to_be_visible()
        expect(name).to_have_attribute("aria-expanded", "true")
        assert serious_violations(page) == []
        name.press("ArrowDown")
        name.press("Enter")
        expect(name).to_have_value("Lab Member")
        page.get_by_role("button", name="Lisää tekijä").click()
        expect(page.get_by_text("Tekijä lisättiin.")).to_be_visible()
        expect(page.get_by_test_id("coauthors")).to_contain_text("Lab Member")

        # The tie proposal: an organisation Kuusi knows, by name.
        page.goto(f"{base}/org/ties")
        other = page.get_by_role("combobox", name="Organisaatio", exact=True)
        other.click()
        other.press_sequentially("kuitu")
        choice = page.locator("#t-other-list").get_by_role("option", name="Kuitulaboratorio Oy")
        expect(choice).to_be_visible()
        assert serious_violations(page) == []
        choice.click()
        expect(other).to_have_value("Kuitulaboratorio Oy")
        page.get_by_label("Toimitamme teille").check()
        page.get_by_role("button", name="Ehdota", exact=True).click()
        expect(page.get_by_text("Suhdetta ehdotettiin.")).to_be_visible()
        ours = page.locator("section[aria-labelledby=outgoing-title]")
        expect(ours).to_contain_text("Kuitulaboratorio Oy")
        assert errors == []
    finally:
        context.close()
