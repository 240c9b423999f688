"""Pages over HTTP: an app with the demo network on SQLite."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from support.secrets import TEST_SECRET
from support.server import serving
from support.web import demo_database
from winwin.http.app import create_app
from winwin.settings import Settings


@pytest.fixture
def web_app(tmp_path):  # type: ignore[no-untyped-def]
    app = create_app(
        Settings(
            database_url=demo_database(tmp_path),
            secret_key=TEST_SECRET,
        )
    )
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client(web_app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(web_app) as client:
        yield client


# --- the browser ----------------------------------------------------------------------
ARTIFACTS = Path(__file__).parents[3] / "test-artifacts"
AXE = Path(__file__).parent / "assets" / "axe.min.js"


@pytest.fixture
def live_server(tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app with the demo network, served by uvicorn in a thread on a free port."""
    app = create_app(
        Settings(
            database_url=demo_database(tmp_path),
            secret_key=TEST_SECRET,
        )
    )
    with serving(app) as url:
        yield url


@pytest.fixture
def page(browser, request):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fi-FI", extra_http_headers={"Accept-Language": "fi"})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text("utf-8")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# The REST world (demo network, a token for each role) lives in tests/support/api_world.py
# so that every feature's door tests can use it.
from support.api_world import world  # noqa: E402, F401  (the fixture)
