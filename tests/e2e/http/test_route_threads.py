"""Routes that use the database run in the thread pool, never on the event loop.

An ``async def`` route that then works with the database synchronously blocks its
worker's event loop while it waits; when it waits for a row lock held by a request in
the thread pool, that request can never finish and commit, and the worker stops. The
load test found it with people answering the same round on the answer form and
through REST at once (docs/benchmarks.md).
"""

from __future__ import annotations

import inspect
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from winwin.http.deps import get_session


def _uses_session(dependant: Dependant) -> bool:
    return any(d.call is get_session or _uses_session(d) for d in dependant.dependencies)


def _routes(routes: list[Any]) -> list[APIRoute]:
    """Every route, through the routers included in others."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _routes(route.original_router.routes)
    return found


def _async_database_routes(app: Any) -> set[str]:
    found = set()
    for route in _routes(app.routes):
        if _uses_session(route.dependant) and inspect.iscoroutinefunction(route.endpoint):
            found |= {f"{method} {route.path}" for method in route.methods}
    return found


def test_the_answer_form_saves_in_the_thread_pool(web_app) -> None:  # type: ignore[no-untyped-def]
    assert "POST /answer/{token}" not in _async_database_routes(web_app)


def test_no_new_route_uses_the_database_on_the_event_loop(web_app) -> None:  # type: ignore[no-untyped-def]
    assert _async_database_routes(web_app) == set()
