"""The API world of ``tests/e2e/api`` (demo network, people in every role, each backend),
and the demo app served to the browser."""

from __future__ import annotations

from e2e.api.conftest import EMAILS, World, seed, world  # noqa: F401
from e2e.web.conftest import live_server  # noqa: F401  (the fixture)
