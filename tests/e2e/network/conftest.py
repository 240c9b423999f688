"""The API world of ``tests/e2e/api`` (demo network, people in every role, each backend)."""

from __future__ import annotations

from e2e.api.conftest import EMAILS, World, seed, world  # noqa: F401
