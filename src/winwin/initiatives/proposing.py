"""Proposing a joint initiative and editing what was proposed (its title, goal, expected
value and who is invited), each checked by the competition-law guard as a proposal is.
"""

from __future__ import annotations

import math
from enum import Enum
from typing import Any, cast

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.initiatives import refusals, rules
from winwin.initiatives.checkpoint import (
    MAX_AMOUNT,
    acts_for,
    competition_guard,
    keys_by_id,
    load_for,
    org_by_key,
    party_of,
    refused,
)
from winwin.initiatives.models import Initiative
from winwin.initiatives.reading import InitiativeRead, read
from winwin.initiatives.repository import InitiativeRepository
from winwin.initiatives.versions import new_version, record_version
from winwin.kernel.errors import InvalidInput, Problem, RuleBroken
from winwin.network.models import Organization
from winwin.network.repository import NetworkRepository

MAX_GOAL = 20_000


def propose(
    session: Session,
    *,
    by: str,
    with_: list[str],
    title: str,
    goal: str = "",
    expected_value: float | None = None,
    kind: str = "joint",
    actor: Actor,
) -> InitiativeRead:
    """Propose an initiative to one or more organisations; the proposer has accepted.
    ``kind`` is ``joint`` or ``learning`` (learning goals and rounds, ``learning.py``)."""
    proposer = org_by_key(session, by, "by")
    acts_for(actor, proposer)
    if kind not in rules.KINDS:
        raise InvalidInput(Problem("kind", f"must be one of {', '.join(rules.KINDS)}"))
    clean = _title(title)
    if not with_:
        raise InvalidInput(Problem("with", "name at least one other organisation"))
    others = _invitees(session, proposer, with_, "with")
    ids = [o.id for o in others]
    _check_value(expected_value)
    guard = competition_guard(
        session,
        title=clean,
        goal=(goal or "").strip(),
        proposer_id=proposer.id,
        party_ids={proposer.id, *ids},
    )
    names = {o.id: o.name for o in [proposer, *others]}
    if guard.topic is not None:
        a, b = guard.pairs[0]
        raise RuleBroken(
            refusals.COMPETITORS_ON_SENSITIVE(
                "with", first=names[a], second=names[b], topic=guard.topic
            )
        )
    made = InitiativeRepository(session).add(
        Initiative(
            title=clean,
            kind=kind,
            goal=(goal or "").strip(),
            expected_value=None if expected_value is None else float(expected_value),
            proposed_by_org_id=proposer.id,
            version=1,
        ),
        [(proposer.id, "accepted"), *((o.id, "invited") for o in others)],
    )
    record_version(
        session,
        made,
        change="proposed",
        org_id=proposer.id,
        actor=actor,
        details={
            "title": made.title,
            "goal": made.goal,
            "expected_value": made.expected_value,
            "parties": sorted(o.key for o in [proposer, *others]),
        },
    )
    return read(session, made.id, actor=actor)


def _title(title: str) -> str:
    clean = (title or "").strip()
    if not clean or len(clean) > rules.MAX_TITLE or "\x00" in clean:
        raise InvalidInput(Problem("title", f"must be 1 to {rules.MAX_TITLE} characters"))
    return clean


def _check_value(expected_value: float | None) -> None:
    if expected_value is not None and not (
        isinstance(expected_value, int | float)
        and math.isfinite(expected_value)
        and 0 <= expected_value <= MAX_AMOUNT
    ):
        raise InvalidInput(Problem("expected_value", "must be a non-negative amount"))


def _invitees(
    session: Session, proposer: Organization, keys: list[str], field: str
) -> list[Organization]:
    """The organisations the proposer invites (when proposing, ``with``, and when
    adding parties, ``add``): each known, named once, not the proposer."""
    others = [org_by_key(session, key.strip(), field) for key in keys]
    ids = [o.id for o in others]
    if proposer.id in ids or len(set(ids)) != len(ids):
        raise InvalidInput(Problem(field, "name each other organisation once, not the proposer"))
    return others


class Unchanged(Enum):
    """``edit``'s default: leave the expected value as it is (``None`` clears it)."""

    KEEP = "keep"


def edit(
    session: Session,
    *,
    initiative_id: int,
    by: str,
    title: str | None = None,
    goal: str | None = None,
    expected_value: float | Unchanged | None = Unchanged.KEEP,
    add: list[str] | None = None,
    remove: list[str] | None = None,
    actor: Actor,
) -> InitiativeRead:
    """Change what was proposed: the title, goal and expected value (any party that has
    accepted), and who is invited (the proposer: ``add`` invites organisations as
    ``propose`` does, ``remove`` withdraws open or declined invitations).

    An edit that changes something is a new version: acceptance reopens, the history
    records who, what and when, and frozen agreements stay as they were. Changing the
    parties clears the sharing model (its game names the earlier parties). The
    competition-law guard applies to the result as to a proposal. Naming nothing to
    change is bad input; naming only what already is changes nothing."""
    found = load_for(session, actor, initiative_id)
    party = party_of(session, found, by, actor)
    if (
        title is None
        and goal is None
        and expected_value is Unchanged.KEEP
        and not add
        and not remove
    ):
        raise InvalidInput(
            Problem("by", "name something to change: title, goal, expected value, add or remove")
        )
    new_title = found.title if title is None else _title(title)
    new_goal = found.goal if goal is None else goal.strip()
    if len(new_goal) > MAX_GOAL or "\x00" in new_goal:
        raise InvalidInput(Problem("goal", f"must be at most {MAX_GOAL} characters"))
    new_value = found.expected_value
    if not isinstance(expected_value, Unchanged):
        _check_value(expected_value)
        new_value = None if expected_value is None else float(expected_value)
    repo = InitiativeRepository(session)
    keys = keys_by_id(session)
    proposer = org_by_key(session, keys[found.proposed_by_org_id], "by")
    added = _invitees(session, proposer, add or [], "add")
    removed = [org_by_key(session, key.strip(), "remove") for key in remove or []]
    if len({o.id for o in removed}) != len(removed):
        raise InvalidInput(Problem("remove", "name each organisation once"))
    if {o.id for o in added} & {o.id for o in removed}:
        raise InvalidInput(Problem("add", "an organisation is both added and removed"))
    parties = repo.parties(found.id)
    statuses = {keys[p.org_id]: cast(rules.PartyStatus, p.status) for p in parties}
    try:
        rules.check_edit(
            statuses,
            by=keys[party.org_id],
            proposer=proposer.key,
            add=[o.key for o in added],
            remove=[o.key for o in removed],
        )
    except rules.Refused as exc:
        raise refused(exc) from None
    party_ids = {p.org_id for p in parties} - {o.id for o in removed} | {o.id for o in added}
    guard = competition_guard(
        session,
        title=new_title,
        goal=new_goal,
        proposer_id=found.proposed_by_org_id,
        party_ids=party_ids,
    )
    if guard.topic is not None:
        names = NetworkRepository(session).names_of(keys[i] for pair in guard.pairs for i in pair)
        a, b = guard.pairs[0]
        raise RuleBroken(
            refusals.COMPETITORS_ON_SENSITIVE(
                "add" if added else "title",
                first=names[keys[a]],
                second=names[keys[b]],
                topic=guard.topic,
            )
        )
    details: dict[str, Any] = {}
    for name, old, new in (
        ("title", found.title, new_title),
        ("goal", found.goal, new_goal),
        ("expected_value", found.expected_value, new_value),
    ):
        if old != new:
            details[name] = {"old": old, "new": new}
    if added:
        details["added"] = sorted(o.key for o in added)
    if removed:
        details["removed"] = sorted(o.key for o in removed)
    if not details:
        return read(session, found.id, actor=actor)
    found.title, found.goal, found.expected_value = new_title, new_goal, new_value
    repo.remove_parties(found.id, (o.id for o in removed))
    for org in added:
        repo.add_party(found.id, org.id)
    if (added or removed) and found.method is not None:
        details["model_cleared"] = found.method
        found.method = found.game = found.shares = found.in_core = None
    new_version(session, found, change="edited", org_id=party.org_id, actor=actor, details=details)
    return read(session, found.id, actor=actor)
