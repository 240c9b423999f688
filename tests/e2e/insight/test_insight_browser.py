"""The pairs and insight pages in Debian's chromium: charts drawn under the content
security policy, the sharing form, and axe-core. Skipped without /usr/bin/chromium
unless WINWIN_REQUIRE_BROWSER=1."""

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

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parents[1] / "http" / "assets" / "axe.min.js"


@pytest.fixture(scope="module")
def chromium(browser):  # type: ignore[no-untyped-def]
    """The run's shared chromium (tests/conftest.py)."""
    return browser


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path_factory.mktemp('insight') / 'demo.sqlite3'}"
    engine = build_engine(url)
    Base.metadata.create_all(engine)
    with unit_of_work(session_factory(engine)) as session:
        load_demo(session)
    engine.dispose()
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET))
    with serving(app) as base:
        yield base


@pytest.fixture
def page(chromium, server):  # type: ignore[no-untyped-def]
    context = chromium.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.policy_violations = []
    page.on(
        "console",
        lambda m: page.policy_violations.append(m.text) if "Content Security" in m.text else None,
    )
    page.goto(f"{server}/login")
    page.get_by_label(re.compile("^(Sähköposti|Email)$")).fill("admin@kuusi.example")
    page.get_by_label(re.compile("^(Salasana|Password)$")).fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{server}/")
    yield page
    context.close()


def test_the_outside_reach_chart_is_drawn_without_breaking_the_policy(page, server) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/insight")
    page.wait_for_function("document.querySelector('canvas[data-chart]').dataset.chartDrawn")
    assert page.locator('[data-testid="communities"] > li').count() >= 2
    assert page.policy_violations == []


def test_a_cost_is_shared_through_the_form(page, server) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/pairs")
    page.get_by_label("Partners", exact=True).fill("Small = 1\nMedium = 2\nLarge = 4")
    page.get_by_label("Method").select_option("nucleolus")
    page.get_by_role("button", name="Compute the shares", exact=True).click()
    allocation = page.locator('[data-testid="allocation"]')
    allocation.wait_for()
    expect(allocation).to_contain_text("2.75")
    assert page.policy_violations == []


@pytest.mark.parametrize("path", ["/pairs", "/insight"])
def test_the_pages_have_no_serious_accessibility_violations(page, server, path) -> None:  # type: ignore[no-untyped-def]
    if not AXE.exists():
        pytest.skip("axe-core is not in the test assets")
    page.goto(f"{server}{path}")
    page.evaluate(AXE.read_text("utf-8"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
