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
ACTIVE = (
    "() => { const e = document.activeElement;"
    " return [e.getAttribute('class'), e.getAttribute('aria-label'),"
    " e.getAttribute('data-key')]; }"
)
CENTRES = (
    "() => Object.fromEntries([...document.querySelectorAll('svg.map .map-node')].map(n =>"
    " { const c = n.querySelector('circle');"
    " return [n.dataset.key, [+c.getAttribute('cx'), +c.getAttribute('cy')]]; }))"
)


def _nearest(centres: dict[str, list[float]], here: str, direction: tuple[int, int]) -> str | None:
    """The organisation the arrow should reach: ahead in ``direction``, the least
    distance along it plus twice the distance across (first in document order on a tie)."""
    (x, y), best, score = centres[here], None, float("inf")
    for key, (cx, cy) in centres.items():
        dx, dy = cx - x, cy - y
        along = dx * direction[0] + dy * direction[1]
        if key == here or along <= 0:
            continue
        value = along + 2 * abs(dx * direction[1] - dy * direction[0])
        if value < score:
            best, score = key, value
    return best


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

        # The map is one Tab stop: after the skip link (and the outlines' box) Tab lands
        # on the reader's own organisation, and the next Tab leaves the map.
        skip = page.get_by_role("link", name="Ohita kartta ja siirry sen taulukkoon")
        skip.focus()
        expect(page.locator('svg.map[data-keys="roving"]')).to_have_count(1)
        expect(page.get_by_text("Näppäimistöllä: siirry karttaan sarkaimella")).to_be_visible()
        focused = None
        for _ in range(4):
            page.keyboard.press("Tab")
            focused = page.evaluate(ACTIVE)
            if focused[0] and "map-node" in focused[0]:
                break
        assert focused and "role-self" in focused[0], focused
        assert focused[1] and focused[2] == "kuusi", focused
        name = focused[1].split(":")[0].split(";")[0]
        assert page.get_by_role("img", name=re.compile(re.escape(name))).first.is_visible()
        assert page.locator('svg.map .map-node[tabindex="0"]').count() == 1
        page.keyboard.press("Tab")
        assert "map-node" not in (page.evaluate(ACTIVE)[0] or "")
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(ACTIVE)[2] == "kuusi"

        # Arrow keys move to the nearest organisation in that direction.
        centres = page.evaluate(CENTRES)
        here = "kuusi"
        for key, direction in (("ArrowRight", (1, 0)), ("ArrowDown", (0, 1)),
                               ("ArrowLeft", (-1, 0)), ("ArrowUp", (0, -1))):  # fmt: skip
            expected = _nearest(centres, here, direction)
            page.keyboard.press(key)
            now = page.evaluate(ACTIVE)[2]
            assert now == (expected or here), (key, here, expected, now)
            here = now
            assert page.locator('svg.map .map-node[tabindex="0"]').count() == 1
        page.keyboard.press("Home")
        assert page.evaluate(ACTIVE)[2] == "kuusi"

        # Enter opens: the reader's own node opens its row in the table after the map.
        page.keyboard.press("Enter")
        expect(page.locator('[data-testid="map-table"]')).to_have_attribute("open", "")
        assert page.evaluate("() => document.activeElement.id") == "map-row-kuusi"

        # The outlines of declared clusters can be hidden and shown again.
        outlines = page.locator('[data-testid="map-outlines"]')
        if outlines.count():
            toggle = page.get_by_label("Näytä ilmoitettujen klustereiden ääriviivat")
            toggle.uncheck()
            expect(outlines).to_be_hidden()
            toggle.check()
            expect(outlines).to_be_visible()
        page.locator("details#map-table").evaluate("d => { d.open = false; }")

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

        # Enter on one of the reader's ties opens the overlap with it.
        tie = page.locator("svg.map .map-node.role-tie").first
        key = tie.get_attribute("data-key")
        tie.evaluate("n => n.focus()")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(re.escape(f"/org/overlap/{key}?org=kuusi") + "$"))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    finally:
        context.close()
