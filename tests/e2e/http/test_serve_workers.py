"""`winwin serve --workers 2`: every worker gives the same answers, nothing lives in one.

A real server with two worker processes on SQLite: a sign-in form fetched from one worker
is accepted by the other (one secret for all), the sign-in limit counts attempts across
workers, and a change written by `winwin import` is seen by the next request on any
worker.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support.cli import run

WORKERS = 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


STARTUP_SECONDS = 300
"""How long `winwin serve` may take to answer on every worker: on a loaded machine
importing and building the app in each process has taken more than a minute."""


def _wait_until_served(process: subprocess.Popen[bytes], base: str, log: Path) -> bool:
    """True once every worker has started its app and `/healthz` answers 200; False when
    the process ended first (its port was taken); fails the test at the deadline."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        started = log.read_text("utf-8", "replace").count("Application startup complete")
        if started >= WORKERS:
            try:
                if httpx.get(f"{base}/healthz", timeout=10).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
        time.sleep(0.2)
    process.terminate()
    process.wait(timeout=30)
    pytest.fail(f"winwin serve --workers did not start in {STARTUP_SECONDS} s: {log.read_text()}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    url = f"sqlite:///{tmp_path / 'workers.sqlite3'}"
    assert run(url, "init").code == 0
    assert run(url, "demo").code == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("WINWIN_")}
    log = tmp_path / "serve.log"
    for _attempt in range(3):
        port = _free_port()
        command = [sys.executable, "-m", "winwin.cli.main", "--db", url, "serve"]
        # The server's log goes to a file: a pipe nobody reads would stop the server once
        # its buffer is full, and the file says why a start failed.
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                [*command, "--port", str(port), "--workers", str(WORKERS)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        base = f"http://127.0.0.1:{port}"
        if _wait_until_served(process, base, log):
            break
    else:
        pytest.fail("winwin serve --workers did not start: " + log.read_text())
    try:
        yield base, url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _sign_in(base: str, password: str) -> int:
    # A new connection each time, so the form and the post reach workers at random.
    with httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        return client.post(
            "/login",
            data={"email": "member@kuusi.example", "password": password, "csrf_token": token[1]},
            headers={"Connection": "close"},
        ).status_code


def test_any_worker_accepts_a_form_another_worker_served(served: tuple[str, str]) -> None:
    base, _url = served
    assert [_sign_in(base, "winwin-demo") for _ in range(8)] == [303] * 8


def test_the_sign_in_limit_counts_attempts_on_every_worker(served: tuple[str, str]) -> None:
    base, _url = served
    statuses = [_sign_in(base, "wrong") for _ in range(8)]
    assert statuses == [401] * 5 + [429] * 3


def test_an_import_is_seen_by_the_next_request_on_any_worker(served: tuple[str, str]) -> None:
    base, url = served
    document = {
        "format": "winwin/1",
        "items": [
            {
                "key": "workers-news",
                "owner": "kuusi",
                "title": "Seen by every worker",
                "body": "…",
                "audience": {"level": "public"},
            }
        ],
    }
    before = httpx.get(f"{base}/api/v1/public/feed", params={"limit": 100}).json()
    assert "workers-news" not in json.dumps(before)
    assert run(url, "import", "-", stdin=json.dumps(document)).code == 0
    for _ in range(6):
        with httpx.Client(timeout=30) as client:
            feed = client.get(
                f"{base}/api/v1/public/feed",
                params={"limit": 100},
                headers={"Connection": "close"},
            )
        assert "workers-news" in feed.text
