"""The assessment tests' world (four organisations, people in every role, API tokens), and
the demo app served to the browser."""

from __future__ import annotations

from e2e.assessments.conftest import world  # noqa: F401  (the fixture)
from e2e.http.conftest import live_server, page  # noqa: F401  (the fixtures)
