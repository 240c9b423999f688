"""One number sizes a web worker (``WINWIN_WEB_THREADS``): the requests it admits at
once, the threads that run them and the connections its pool keeps. A burst of requests
larger than that waits its turn in the event loop, holding no connection, instead of
holding connections while waiting for a thread (which made requests wait for the pool's
timeout), on both databases."""

from __future__ import annotations

import asyncio
import threading

import anyio.to_thread
import httpx
from sqlalchemy import Engine, event

from support.secrets import TEST_SECRET
from winwin.accounts.models import User
from winwin.accounts.service import create_api_token
from winwin.db.engine import session_factory, unit_of_work
from winwin.http.app import create_app
from winwin.settings import DATABASE_POOL_RESERVE, Settings

THREADS = 3
BURST = 24


def _token(engine: Engine) -> str:
    with unit_of_work(session_factory(engine)) as session:
        user = User(email="burst@example.com", name="Burst", org_id=None, role="member")
        session.add(user)
        session.flush()
        return create_api_token(session, user_id=user.id, name="burst").token


def test_the_pool_is_sized_from_the_threads() -> None:
    settings = Settings(database_url="sqlite://", secret_key=TEST_SECRET, web_threads=7)
    assert settings.database_pool == 7 + DATABASE_POOL_RESERVE
    assert Settings(database_url="sqlite://", secret_key=TEST_SECRET).web_threads == 20


def test_a_burst_holds_no_more_connections_than_the_worker_has_threads(
    engine: Engine, db_url: str
) -> None:
    token = _token(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET, web_threads=THREADS))
    pool = app.state.engine.pool
    assert pool.size() == THREADS + DATABASE_POOL_RESERVE
    held, most = 0, 0
    lock = threading.Lock()

    def checkout(*_: object) -> None:
        nonlocal held, most
        with lock:
            held += 1
            most = max(most, held)

    def checkin(*_: object) -> None:
        nonlocal held
        with lock:
            held -= 1

    event.listen(pool, "checkout", checkout)
    event.listen(pool, "checkin", checkin)

    async def burst() -> tuple[list[int], int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            answers = await asyncio.gather(
                *(
                    client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {token}"})
                    for _ in range(BURST)
                )
            )
        threads = anyio.to_thread.current_default_thread_limiter().total_tokens
        return [a.status_code for a in answers], int(threads)

    try:
        statuses, threads = asyncio.run(asyncio.wait_for(burst(), timeout=120))
    finally:
        app.state.engine.dispose()
    assert statuses == [200] * BURST
    assert threads == THREADS
    # Each admitted request holds at most one connection, from its person's lookup to
    # its end; the requests still waiting hold none.
    assert 1 <= most <= THREADS
