"""The assessment tests' world (four organisations, people in every role, API tokens)."""

from __future__ import annotations

from e2e.assessments.conftest import world  # noqa: F401  (the fixture)
