"""Natural pairs under `winwin serve --workers 2`: each worker keeps its own cache of the
pair search, keyed by the graph's version stamp, so a tie written
anywhere (here by `winwin import`) is seen by the next request on every worker."""

from __future__ import annotations

import json
import re

import httpx

from e2e.http.test_serve_workers import served  # noqa: F401  (the fixture)
from support.cli import run

REQUESTS = 6


def _signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    signed = client.post(
        "/login",
        data={"email": "member@kuusi.example", "password": "winwin-demo", "csrf_token": token[1]},
    )
    assert signed.status_code == 303
    return client


def _pairs(client: httpx.Client) -> list[list[str]]:
    # A new connection each time, so the requests reach the workers at random.
    answer = client.get("/api/v1/pairs", headers={"Connection": "close"})
    assert answer.status_code == 200, answer.text
    return [list(p) for p in answer.json()["pairs"]]


def test_a_new_tie_is_seen_by_the_next_pair_search_on_every_worker(
    served: tuple[str, str],  # noqa: F811
) -> None:
    base, url = served
    client = _signed_in(base)
    try:
        # Every worker has solved the network and keeps the answer.
        before = [_pairs(client) for _ in range(REQUESTS)]
        assert all(p == before[0] for p in before)
        assert before[0], "the demo network has natural pairs for kuusi"
        supplier, customer = before[0][0]
        tie = {
            "format": "winwin/1",
            "ties": [{"from": supplier, "to": customer, "kind": "supplies"}],
        }
        assert run(url, "import", "-", stdin=json.dumps(tie)).code == 0
        after = [_pairs(client) for _ in range(REQUESTS)]
    finally:
        client.close()
    # No pair is already tied: every worker's next answer drops the pair at once.
    for pairs in after:
        assert [supplier, customer] not in pairs
        assert pairs == after[0]
