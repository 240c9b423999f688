"""The ``initiatives`` section of the network document: joint initiatives with their
parties, contributions, sharing model, frozen agreements and realised results.

An initiative is identified across documents by its ``key``. One stored before it ever
travelled has no key; it is exported as ``initiative-ID`` and an import that names that
key updates it (see docs/network.md). Who answered or agreed (people) and the audit
trail stay out of the document; what was agreed (each frozen version's inputs and
shares, and when) and the realised results travel, so that an export imported into an
empty database exports again unchanged.

A learning initiative (``"kind": "learning"``) names its goals by the keys of the
actions that are its goals (``goals``): actions of the document's ``actions`` section or
stored ones, each between the proposer and another party that has accepted.

Each version's history entry (``history``: who, which change, when and what changed,
without the person) travels too. On re-import the initiative's fields, parties,
contributions and goals are replaced by the document's; frozen agreements and history
entries are only ever added (one that differs from the stored one of its version is
refused), and results are added when not already recorded.

The section's shape is ``initiatives.document_schema``; ``check`` and ``write`` live in
``initiatives.document_checks`` and ``initiatives.document_writes`` and are named here,
with ``export``, for ``network.io``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from winwin.actions.repository import ActionRepository
from winwin.initiatives.document_checks import check
from winwin.initiatives.document_schema import NAME, Checked
from winwin.initiatives.document_writes import write
from winwin.initiatives.repository import InitiativeRepository, VersionRow
from winwin.network.document import format_time, stored_by_key
from winwin.network.sections import list_section


def _history_doc(row: VersionRow) -> dict[str, Any]:
    return {
        "version": row.version,
        "change": row.change,
        "by": row.org_key,
        "at": format_time(row.created_at),
        "details": row.details,
    }


def export(session: Session, keys: dict[int, str]) -> list[dict[str, Any]]:
    """Every initiative as a section entry, sorted by key."""
    repo = InitiativeRepository(session)
    actions = stored_by_key(ActionRepository(session).all(), "action")
    action_keys = {a.id: k for k, a in actions.items()}
    out = []
    for found in repo.all():
        entry: dict[str, Any] = {
            "key": found.key or f"initiative-{found.id}",
            "title": found.title,
            "kind": found.kind,
            "goal": found.goal,
        }
        if found.expected_value is not None:
            entry["expected_value"] = found.expected_value
        entry["proposed_by"] = keys[found.proposed_by_org_id]
        entry["parties"] = sorted(
            (
                {
                    "org": keys[p.org_id],
                    "status": p.status,
                    **({"agreed_version": p.agreed_version} if p.agreed_version else {}),
                }
                for p in repo.parties(found.id)
            ),
            key=lambda p: str(p["org"]),
        )
        entry["contributions"] = [
            {
                "by": keys[c.org_id],
                "amount": c.amount,
                "currency": c.currency,
                "created": format_time(c.created_at),
            }
            for c in repo.contributions(found.id)
        ]
        for name in ("method", "game", "shares", "in_core"):
            if getattr(found, name) is not None:
                entry[name] = getattr(found, name)
        entry["version"] = found.version
        if found.agreed_version is not None:
            entry["agreed_version"] = found.agreed_version
        entry["agreements"] = [
            {"version": a.version, "agreed": format_time(a.agreed_at), "document": a.document}
            for a in repo.agreements(found.id)
        ]
        entry["results"] = [
            {
                "by": keys[r.org_id],
                "amount": r.amount,
                "currency": r.currency,
                "recorded": format_time(r.recorded_at),
            }
            for r in repo.results(found.id)
        ]
        entry["goals"] = sorted(action_keys[a] for a in repo.goal_ids(found.id))
        entry["history"] = [_history_doc(row) for row in repo.versions(found.id)]
        entry["created"] = format_time(found.created_at)
        out.append(entry)
    return sorted(out, key=lambda e: str(e["key"]))


list_section(60, NAME, check, write, export)

__all__ = ["NAME", "Checked", "check", "export", "write"]
