"""Helpers for page tests: a demo database, CSRF tokens, signing in."""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient

from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.db.models import Base
from winwin.network.demo import DEMO_PASSWORD, load_demo

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def demo_database(path: Path) -> str:
    """A SQLite file in ``path`` holding the demo network.

    The demo is loaded once per test process and copied for each test (loading it took
    about a second a test); a test changes only its own copy.
    """
    target = path / "web.sqlite3"
    shutil.copyfile(_demo_template(), target)
    return f"sqlite:///{target}"


@functools.cache
def _demo_template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="winwin-demo-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    engine = build_engine(url)
    Base.metadata.create_all(engine)
    with unit_of_work(session_factory(engine)) as session:
        load_demo(session)
    engine.dispose()
    return folder / "demo.sqlite3"


def csrf_of(client: TestClient, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = DEMO_PASSWORD) -> str:
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    # The CSRF token is bound to the session, so the signed-in pages carry a new one.
    return csrf_of(client, "/account")
