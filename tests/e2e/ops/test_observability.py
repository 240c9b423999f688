"""Request ids, JSON logs and Prometheus metrics at /metrics, through the real app."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from support.secrets import TEST_SECRET
from winwin.db.engine import build_engine
from winwin.db.models import Base
from winwin.http.app import create_app
from winwin.ops.observability import JsonFormatter, RequestIdFilter
from winwin.settings import Settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'observed.sqlite3'}"
    engine = build_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET))
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in the Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#") or " " not in line:
            continue
        key, value = line.rsplit(" ", 1)
        metric, _, rest = key.partition("{")
        found = ",".join(sorted(rest.rstrip("}").split(","))) if rest else ""
        if metric == name and found == wanted:
            return float(value)
    return 0.0


def test_metrics_count_requests_by_route_template(client: TestClient) -> None:
    before = client.get("/metrics")
    assert before.status_code == 200
    assert before.headers["content-type"].startswith("text/plain")
    labels = {"method": "GET", "route": "/healthz", "status": "200"}
    start = _sample(before.text, "winwin_http_requests_total", **labels)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert client.get("/no/such/page-x1").status_code == 404
    after = client.get("/metrics").text
    assert _sample(after, "winwin_http_requests_total", **labels) == start + 3
    observed = _sample(
        after, "winwin_http_request_duration_seconds_count", method="GET", route="/healthz"
    )
    assert observed >= 3
    # Unknown paths share one label, so the number of series stays bounded.
    assert "page-x1" not in after
    assert (
        _sample(after, "winwin_http_requests_total", method="GET", route="unmatched", status="404")
        >= 1
    )
    # A templated route is counted under its template, not its path.
    client.get("/api/v1/items/some-key")
    assert 'route="/api/v1/items/{key}"' in client.get("/metrics").text


def test_every_answer_carries_a_request_id(client: TestClient) -> None:
    first = client.get("/healthz").headers["x-request-id"]
    second = client.get("/healthz").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second
    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-42.a"})
    assert kept.headers["x-request-id"] == "proxy-42.a"
    for hostile in ("x" * 200, "a b", "<script>"):
        replaced = client.get("/healthz", headers={"X-Request-ID": hostile})
        assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["x-request-id"]), hostile


def test_json_log_lines_carry_the_request_id(client: TestClient) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("winwin.access")
    access.addHandler(handler)
    level = access.level
    access.setLevel(logging.INFO)
    try:
        answer = client.get("/healthz", headers={"X-Request-ID": "trace-7"})
        client.get("/api/v1/feed")
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert answer.headers["x-request-id"] == "trace-7"
    first = lines[0]
    assert first["request_id"] == "trace-7"
    assert first["message"] == "http request"
    assert (first["method"], first["route"], first["status"]) == ("GET", "/healthz", 200)
    assert first["level"] == "info" and first["logger"] == "winwin.access"
    assert isinstance(first["duration_ms"], float)
    assert lines[1]["route"] == "/api/v1/feed" and lines[1]["status"] == 401
    assert lines[1]["request_id"] not in (None, "trace-7")
