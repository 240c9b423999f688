"""Issue 3: the REST API under load.

The demo network is served by uvicorn (one process, as ``winwin serve`` runs it) on
loopback; 32 concurrent clients send requests as fast as they are answered. Measured:
requests per second and p99 latency of an authenticated JSON endpoint (``GET
/api/v1/organizations/kuusi`` with an API token: token lookup, access check, query), each
as a ratio against ``GET /healthz`` (one ``SELECT 1``) on the same server in the same run.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from typing import Any

import httpx

from bench.common import Report, result

CLIENTS = 32


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _seed(url: str) -> str:
    from winwin.accounts import service as accounts
    from winwin.accounts.repository import AccountsRepository
    from winwin.db.engine import build_engine, session_factory, unit_of_work
    from winwin.db.models import Base
    from winwin.network.demo import load_demo

    engine = build_engine(url)
    Base.metadata.create_all(engine)
    with unit_of_work(session_factory(engine)) as session:
        load_demo(session)
        user = AccountsRepository(session).get_by_email("member@kuusi.example")
        assert user is not None
        token = accounts.create_api_token(session, user_id=user.id, name="bench").token
    engine.dispose()
    return token


async def _load(base: str, path: str, headers: dict[str, str], per_client: int) -> dict[str, float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as client:
        for _ in range(20):  # warm up
            (await client.get(path)).raise_for_status()

        async def worker() -> None:
            for _ in range(per_client):
                start = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - start)
                response.raise_for_status()

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CLIENTS)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    return {"rps": len(latencies) / elapsed, "p99": p99, "n": len(latencies)}


def run(report: Report) -> list[dict[str, Any]]:
    url = f"sqlite:///{report.workdir / 'web.sqlite3'}"
    report.log("loading the demo network")
    token = _seed(url)
    port = _free_port()
    env = {**os.environ, "WINWIN_DATABASE_URL": url, "WINWIN_SECRET_KEY": "bench-" + "x" * 40}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "winwin.http.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        per_client = report.scaled(100, minimum=10)
        report.log(f"{CLIENTS} clients × {per_client} requests to /healthz")
        health = asyncio.run(_load(base, "/healthz", {}, per_client))
        report.log(f"{CLIENTS} clients × {per_client} requests to the authenticated endpoint")
        api = asyncio.run(
            _load(
                base,
                "/api/v1/organizations/kuusi",
                {"Authorization": f"Bearer {token}"},
                per_client,
            )
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    rps_ratio = api["rps"] / health["rps"]
    p99_ratio = api["p99"] / health["p99"]
    return [
        result(
            "web: authenticated JSON requests/s vs /healthz",
            rps_ratio,
            "≥ 0.33×",
            f"{api['rps']:.0f} vs {health['rps']:.0f} req/s, {CLIENTS} clients, "
            f"{int(api['n'])} requests, SQLite",
            met=rps_ratio >= 0.33,
        ),
        result(
            "web: authenticated JSON p99 vs /healthz",
            p99_ratio,
            "≤ 3×",
            f"{api['p99'] * 1000:.1f} vs {health['p99'] * 1000:.1f} ms p99",
            met=p99_ratio <= 3.0,
        ),
    ]
