"""The history of a joint initiative: a version for each change to what is shared, with
who, what and when (``history_entry``, as the ``show`` document lists it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.initiatives.models import Initiative, InitiativeVersion
from winwin.initiatives.repository import InitiativeRepository, VersionRow
from winwin.kernel.time import as_utc


def history_entry(row: VersionRow) -> dict[str, Any]:
    """One version as the ``show`` document's ``history`` lists it: ``{"version": n,
    "change": "proposed"|"edited"|"contributed"|"modelled", "by": ORG or null, "person":
    NAME or null, "at": ISO 8601, "details": {…}}``."""
    return {
        "version": row.version,
        "change": row.change,
        "by": row.org_key,
        "person": row.person,
        "at": as_utc(row.created_at).isoformat(),
        "details": row.details,
    }


def record_version(
    session: Session,
    found: Initiative,
    *,
    change: str,
    org_id: int | None,
    actor: Actor,
    details: dict[str, Any],
) -> None:
    """The history entry (and audit) of the initiative's current version."""
    InitiativeRepository(session).add_version(
        InitiativeVersion(
            initiative_id=found.id,
            version=found.version,
            change=change,
            org_id=org_id,
            user_id=actor.user_id,
            details=details,
            created_at=datetime.now(UTC),
        )
    )


def new_version(
    session: Session,
    found: Initiative,
    *,
    change: str,
    org_id: int | None,
    actor: Actor,
    details: dict[str, Any],
) -> None:
    """A change to what is shared: a new version, and every party must agree again; the
    version's who, what and when go into the history."""
    # Each party keeps the version it last agreed to, which is no longer the current one.
    found.version += 1
    session.flush()
    record_version(session, found, change=change, org_id=org_id, actor=actor, details=details)
