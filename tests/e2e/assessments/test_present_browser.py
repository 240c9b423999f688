"""The presentation view in a real browser (Debian's chromium through Playwright), in
Finnish, at desktop and phone widths: large type, one relationship per screen, paged
with the arrow keys and Page Up / Page Down; and the gap table fits a phone."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlalchemy import Engine

from e2e.assessments.test_assessment_browser import serious_axe_violations
from support.secrets import TEST_SECRET
from support.server import serving
from winwin.accounts.access import operator
from winwin.assessments import service as rounds
from winwin.db.engine import session_factory, unit_of_work
from winwin.network import io as network_io
from winwin.network.document import parse_document
from winwin.settings import Settings

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SHEET = {f"{f}{n}": 2 + (n % 3) for f in "aeit" for n in range(1, 6)}
OTHER = {f"{f}{n}": 5 - (n % 2) for f in "aeit" for n in range(1, 6)}


def seed_rounds(engine: Engine) -> None:
    doc = {
        "format": "winwin/1",
        "organizations": [{"key": "kuusi", "name": "Kuusi Oy"}, {"key": "lab", "name": "Lab Oy"}],
        "ties": [{"kind": "partners", "from": "kuusi", "to": "lab"}],
    }
    with unit_of_work(session_factory(engine)) as session:
        network_io.import_network(session, parse_document(json.dumps(doc).encode()))
        for other in ("pakkaus", "lab"):
            opened = rounds.open_round(
                session,
                actor=operator(),
                between=["kuusi", other],
                round="2026-Q1",
                instrument="customer-relationship",
            )
            invitees = [
                rounds.Invitee(side=side, name=f"{side} {n}")
                for side in ("kuusi", other)
                for n in range(3)
            ]
            issued = rounds.invite_respondents(
                session, actor=operator(), round_id=opened.id, invitees=invitees
            )
            for n, invitation in enumerate(issued):
                rounds.submit_response(
                    session, token=invitation.token, answers=SHEET if n < 3 else OTHER
                )


@pytest.fixture
def server(people: object, engine: Engine, db_url: str) -> Iterator[str]:
    from winwin.http.app import create_app

    seed_rounds(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    with serving(app) as base:
        yield base


def position(page) -> str:  # type: ignore[no-untyped-def]
    return page.get_by_test_id("position").inner_text()


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 800}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_the_presentation_view_pages_by_keyboard_in_finnish(server: str, browser, viewport):  # type: ignore[no-untyped-def]
    errors: list[str] = []
    context = browser.new_context(locale="fi-FI", viewport=viewport)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/login")
    page.fill("#email", "kadmin@example.com")
    page.fill("#password", PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url(f"{server}/")

    page.goto(f"{server}/relationships?org=kuusi")
    page.get_by_role("link", name="Esitysnäkymä").click()
    page.wait_for_url("**/present?org=kuusi")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    assert position(page) == "1 / 2"
    first = page.get_by_test_id("present").get_attribute("data-between")
    # Large type: the numbers are readable from the back of the room.
    number = page.get_by_test_id("relationship-score")
    size = float(number.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
    assert size >= (80 if viewport["width"] > 1000 else 40), size
    expect(page.get_by_test_id("lever")).to_contain_text("Jos ")
    expect(page.get_by_test_id("lever")).to_contain_text("sen oma S nousisi")
    expect(page.locator(".present-table tbody tr")).to_have_count(4)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_axe_violations(page) == []
    shots = os.environ.get("WINWIN_SCREENSHOTS")
    if shots:
        page.screenshot(path=f"{shots}/present-{viewport['width']}.png", full_page=True)

    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("position")).to_have_text("2 / 2")
    second = page.get_by_test_id("present").get_attribute("data-between")
    assert {first, second} == {"kuusi/pakkaus", "kuusi/lab"}
    page.keyboard.press("ArrowRight")  # the last screen: nothing further
    page.wait_for_timeout(200)
    assert position(page) == "2 / 2"
    page.keyboard.press("PageUp")
    expect(page.get_by_test_id("position")).to_have_text("1 / 2")
    page.keyboard.press("PageDown")
    expect(page.get_by_test_id("position")).to_have_text("2 / 2")
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_test_id("position")).to_have_text("1 / 2")
    # The visible links page too, and Escape leaves for the relationship page.
    page.get_by_test_id("next").click()
    expect(page.get_by_test_id("position")).to_have_text("2 / 2")
    page.keyboard.press("Escape")
    page.wait_for_url(f"**/relationships/{second}?round=2026-Q1")
    assert not [e for e in errors if "Content Security Policy" in e]


def test_the_gap_and_statement_tables_fit_a_phone(server: str, browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fi-FI", viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.goto(f"{server}/login")
    page.fill("#email", "kadmin@example.com")
    page.fill("#password", PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url(f"{server}/")
    page.goto(f"{server}/relationships/kuusi/pakkaus")
    width = page.evaluate("window.innerWidth")
    table = page.locator("table.gap-table")
    box = table.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert table.evaluate("el => el.scrollWidth <= el.parentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(page.locator("table.statement-table tbody tr")).to_have_count(20)
    shots = os.environ.get("WINWIN_SCREENSHOTS")
    if shots:
        table.screenshot(path=f"{shots}/gaps-phone.png")
        page.locator("table.statement-table").screenshot(path=f"{shots}/statements-phone.png")
