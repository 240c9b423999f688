"""The organisation someone acts for, as the visibility rule sees it.

A ``Viewer`` is never made by a door: ``accounts.access.resolve_actor`` builds it once
per request or command, as the ``acting`` part of the one identity type
(``accounts.access.Actor``), and the sharing checkpoint reads it from there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Viewer:
    """The organisation asking, with the attributes exclusions compare; None is anonymous."""

    id: int
    key: str
    country: str | None = None
    cluster: str | None = None
