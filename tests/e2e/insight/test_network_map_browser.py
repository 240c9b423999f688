"""The network map in Debian's chromium, in Finnish: reached by the keyboard, each node
named, the table fallback opened by the keyboard, nothing against the content security
policy. Skipped without /usr/bin/chromium unless WINWIN_REQUIRE_BROWSER=1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from support.secrets import TEST_SECRET
from support.server import serving
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.db.models import Base
from winwin.http.app import create_app
from winwin.network.demo import DEMO_PASSWORD, load_demo
from winwin.settings import Settings

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parents[3] / "var" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path_factory.mktemp('map') / 'demo.sqlite3'}"
    engine = build_engine(url)
    Base.metadata.create_all(engine)
    with unit_of_work(session_factory(engine)) as session:
        load_demo(session)
    engine.dispose()
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET))
    with serving(app) as base:
        yield base


def test_a_map_node_takes_keyboard_focus_and_the_table_is_there_in_finnish(  # type: ignore[no-untyped-def]
    browser, server
) -> None:
    context = browser.new_context(locale="fi-FI", extra_http_headers={"Accept-Language": "fi"})
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    try:
        page.goto(f"{server}/login")
        page.get_by_label("Sähköposti").fill("admin@kuusi.example")
        page.get_by_label("Salasana").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{server}/")
        page.goto(f"{server}/insight")
        expect(page.get_by_role("heading", name="Verkostokartta")).to_be_visible()
        assert page.locator("html").get_attribute("lang") == "fi"

        # Tab from the skip link onwards: the next stop is a node of the map.
        skip = page.get_by_role("link", name="Ohita kartta ja siirry sen taulukkoon")
        skip.focus()
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return [e.getAttribute('class'), e.getAttribute('aria-label'),"
            " e.getAttribute('data-key')]; }"
        )
        assert focused[0] and "map-node" in focused[0], focused
        assert focused[1] and focused[2], focused
        name = focused[1].split(":")[0].split(";")[0]
        assert page.get_by_role("img", name=re.compile(re.escape(name))).first.is_visible()
        page.keyboard.press("Tab")
        following = page.evaluate("() => document.activeElement.getAttribute('data-key')")
        assert following and following != focused[2]

        # The table fallback: opened with the keyboard, it lists the same organisations.
        summary = page.get_by_text("Kartta taulukkona")
        summary.focus()
        page.keyboard.press("Enter")
        table = page.locator('[data-testid="map-table"] table')
        expect(table).to_be_visible()
        nodes = page.locator("svg.map .map-node").count()
        assert nodes >= 2
        assert table.locator("tbody tr").count() == nodes
        expect(table.locator("thead")).to_contain_text("Suhde sinuun")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("svg.map").screenshot(path=str(SHOTS / "network-map-fi.png"))
        assert violations == []
    finally:
        context.close()
