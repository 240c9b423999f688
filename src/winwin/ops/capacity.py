"""How much one web worker process does at once: one number, ``WINWIN_WEB_THREADS``.

A request of a synchronous route hops between threads: FastAPI runs each dependency
(the session, the person, who acts) and then the route on the thread pool, one call at
a time, and the session keeps its database connection from its first query to the end
of the request, also while the request waits for its next thread. With more requests
in flight than threads, connections are held by requests that wait for a thread, while
the threads wait for a connection: each such request waits for the pool's timeout (30 s)
and answers 500. So a worker admits at most ``WINWIN_WEB_THREADS`` requests at once
(the others wait, holding nothing, in the event loop), runs them on as many threads, and
keeps as many connections and ``settings.DATABASE_POOL_RESERVE`` more
(``Settings.database_pool``; ``winwin.http.app`` builds the engine with it).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import anyio.to_thread

UNCOUNTED = ("/static/", "/metrics")
"""Paths that never touch the database (files, the metrics of this process)."""


class RequestLimitMiddleware:
    """Pure ASGI middleware: at most ``requests`` requests in the app at once, run on a
    thread pool of as many threads. Both belong to the event loop that serves them (a
    server has one; a test client may start one per request): anyio's default pool of
    40 threads is resized on the loop's first request."""

    def __init__(self, app: Any, *, requests: int) -> None:
        self.app = app
        self.requests = requests
        self._admitted: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNCOUNTED):
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        admitted = self._admitted.get(loop)
        if admitted is None:
            anyio.to_thread.current_default_thread_limiter().total_tokens = self.requests
            admitted = self._admitted[loop] = asyncio.Semaphore(self.requests)
        async with admitted:
            await self.app(scope, receive, send)
