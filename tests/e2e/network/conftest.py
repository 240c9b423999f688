"""The API world of ``tests/e2e/http`` (demo network, people in every role, each backend),
and the demo app served to the browser."""

from __future__ import annotations

from e2e.http.conftest import live_server  # noqa: F401  (the fixture)
from support.api_world import EMAILS, World, seed, world  # noqa: F401
