"""Panels of the home dashboard, filled by each capability.

A capability registers a panel from its ``web/routes/<capability>.py``::

    from winwin.http.dashboard import dashboard_panel

    @dashboard_panel("feed", "sharing/dashboard_feed.html")
    def feed_panel(session, actor, org):
        return {"items": ...}          # the context of the template, or None to hide it

Sections are ``relationships``, ``feed`` and ``pairs`` (shown in that order, each with an
empty state until a capability fills it); any other name adds a panel after them. The
template is included inside the section's ``<section>``, below its heading.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.network.models import Organization

Provider = Callable[[Session, Actor, Organization], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    section: str
    template: str
    provider: Provider


PANELS: dict[str, Panel] = {}


def dashboard_panel(section: str, template: str) -> Callable[[Provider], Provider]:
    def register(provider: Provider) -> Provider:
        PANELS[section] = Panel(section, template, provider)
        return provider

    return register


def filled_panels(session: Session, actor: Actor, org: Organization) -> dict[str, Any]:
    """``{section: {"template": ..., "context": {...}}}`` for every panel that has content."""
    filled: dict[str, Any] = {}
    for section, panel in PANELS.items():
        context = panel.provider(session, actor, org)
        if context is not None:
            filled[section] = {"template": panel.template, "context": context}
    return filled
