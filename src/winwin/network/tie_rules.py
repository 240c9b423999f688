"""Ties by mutual consent: the kinds, as each side sees them, and when to propose again.

A proposal names its kind from the proposer's point of view:

- ``supplies``: "we supply you" (the proposer supplies the other side);
- ``buys``: "we buy from you" (the other side supplies the proposer);
- ``partners``: "we are partners" (undirected).

Stored ties keep the network document's form: ``(supplies, supplier, customer)`` and
``(partners, lower id, higher id)``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

KINDS = ("supplies", "buys", "partners")
PROPOSE_AGAIN_AFTER = timedelta(days=30)
"""A declined or withdrawn proposal may be made again (by the same proposer to the same
organisation) only this long after it was declined or withdrawn."""

_FLIP = {"supplies": "buys", "buys": "supplies", "partners": "partners"}


def seen_by_other(kind: str) -> str:
    """The kind of a tie as the other side sees it (``supplies`` ↔ ``buys``)."""
    return _FLIP[kind]


def stored_tie(kind: str, proposer: int, other: int) -> tuple[str, int, int]:
    """The ``ties`` row that accepting a proposal of ``kind`` creates."""
    if kind == "supplies":
        return ("supplies", proposer, other)
    if kind == "buys":
        return ("supplies", other, proposer)
    if kind == "partners":
        return ("partners", min(proposer, other), max(proposer, other))
    raise ValueError(f"unknown tie kind {kind!r}")


def kind_for(tie: tuple[str, int, int], org: int) -> str:
    """The kind of a stored tie from the point of view of ``org``, one of its ends."""
    kind, from_id, to_id = tie
    if org not in (from_id, to_id):
        raise ValueError("the organisation is not an end of the tie")
    if kind == "partners":
        return "partners"
    return "supplies" if from_id == org else "buys"


def may_propose_again(decided_at: datetime | None, now: datetime) -> datetime | None:
    """When a declined or withdrawn proposal may be made again, or None if already now."""
    if decided_at is None:
        return None
    allowed = decided_at + PROPOSE_AGAIN_AFTER
    return allowed if allowed > now else None
