"""``winwin innovation …`` (filled in by the innovation CLI work)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the innovation commands to the ``winwin`` app."""
