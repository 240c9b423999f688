"""Web requests never answer 500 "database is locked" (SQLite under concurrent writers).

Each request is one unit of work (:func:`winwin.db.engine.unit_of_work_scope`):

- a request that may write (any method but GET, HEAD, OPTIONS) takes SQLite's write lock
  when its transaction begins and waits its turn (the busy timeout) behind the writers
  before it, instead of reading first and failing at its first write;
- a request that fails with lock contention before it answered and before it committed
  anything is run again, whole, from its buffered body (a GET that writes, such as the
  record of an opened item, can meet a writer that committed after it started reading).

PostgreSQL never raises these errors, so nothing is ever retried there.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

from winwin.db.engine import is_lock_contention, unit_of_work_scope

log = logging.getLogger("winwin.web")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ATTEMPTS = 4
MAX_REPLAYABLE_BODY = 1 << 20
"""Bodies larger than this (uploads) are streamed, and their request is not retried."""

Message = dict[str, Any]


class LockRetryMiddleware:
    """Pure ASGI middleware: declare each request's unit of work and retry it on contention."""

    def __init__(self, app: Any, *, attempts: int = ATTEMPTS) -> None:
        self.app = app
        self.attempts = attempts

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        writes = scope["method"] not in SAFE_METHODS
        body, replayable = await _buffer(receive)
        for attempt in range(1, self.attempts + 1):
            started = False

            async def watch(message: Message) -> None:
                nonlocal started
                if message["type"] == "http.response.start":
                    started = True
                await send(message)

            with unit_of_work_scope(writes=writes) as unit:
                try:
                    fresh = dict(scope, state=dict(scope.get("state", {})))
                    try:
                        await self.app(fresh, _replay(body, receive), watch)
                    finally:
                        # The matched route, for the access log and metrics outside.
                        for key in ("route", "endpoint", "fastapi"):
                            if key in fresh:
                                scope[key] = fresh[key]
                    return
                except Exception as exc:
                    last = attempt == self.attempts
                    if started or unit.committed or not replayable or last:
                        raise
                    if not is_lock_contention(exc):
                        raise
            log.info(
                "database is locked; running %s %s again (attempt %d)",
                scope["method"],
                scope["path"],
                attempt + 1,
            )
            await asyncio.sleep(random.uniform(0.01, 0.05) * attempt)


async def _buffer(receive: Any) -> tuple[list[Message], bool]:
    """The request's body messages, up to :data:`MAX_REPLAYABLE_BODY` bytes."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, False
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            return messages, True
        if size > MAX_REPLAYABLE_BODY:
            return messages, False


def _replay(messages: list[Message], receive: Any) -> Any:
    queue = list(messages)

    async def next_message() -> Message:
        if queue:
            return queue.pop(0)
        # The rest of a long body, or (once it was read whole) the disconnect.
        message: Message = await receive()
        return message

    return next_message
