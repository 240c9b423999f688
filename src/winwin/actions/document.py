"""The ``actions`` section of the network document: each relationship's joint plan.

An entry is one action, identified across documents by its ``key``. An action stored
before it ever travelled has no key; it is exported as ``action-ID`` and an import that
names that key updates it (see docs/network.md). Owners and the history are people's
doing and stay out of the document: an import leaves a stored action's owners as they
are, and writes no history.

The network import (``winwin.network.io``) calls :func:`check` for every section before
it writes anything, then :func:`write`; the export calls :func:`export`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import StringConstraints, ValidationError
from sqlalchemy.orm import Session

from winwin.actions import refusals, rules
from winwin.actions.models import Action
from winwin.actions.repository import ActionRepository
from winwin.kernel.errors import Problem
from winwin.network.document import (
    CheckedSection,
    Key,
    Pair,
    SectionContext,
    Strict,
    format_time,
    parse_time,
    same_stored,
    section_problems,
    stored_by_key,
)
from winwin.network.repository import NetworkRepository
from winwin.network.sections import list_section

NAME = "actions"
FALLBACK = re.compile(r"^action-([0-9]{1,10})$")


class ActionDoc(Strict):
    key: Key
    between: Pair
    by: Key
    factor: Literal["accessibility", "energy", "impact", "attraction"]
    title: Annotated[str, StringConstraints(min_length=1, max_length=rules.MAX_TITLE)]
    description: Annotated[str, StringConstraints(max_length=rules.MAX_DESCRIPTION)] = ""
    status: Literal["planned", "doing", "done", "dropped"] = "planned"
    reason: Annotated[str, StringConstraints(min_length=1, max_length=rules.MAX_REASON)] | None = (
        None
    )
    due: Annotated[str, StringConstraints(min_length=10, max_length=10)] | None = None
    created: str | None = None


class _Section(Strict):
    actions: list[ActionDoc]


Checked = CheckedSection[ActionDoc]


def check(session: Session, raw: list[Any], context: SectionContext) -> Checked:
    """Every problem of the section, each with its JSON path (``actions[3].factor``)."""
    try:
        entries = _Section.model_validate({NAME: raw}).actions
    except ValidationError as exc:
        return Checked(problems=section_problems(exc))
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    repo = ActionRepository(session)
    stored_ids = NetworkRepository(session).org_ids() if entries else {}
    for i, entry in enumerate(entries):
        path = f"{NAME}[{i}]"
        if entry.key in seen:
            problems.append(
                Problem(
                    f"{path}.key", f"duplicate key '{entry.key}' (also {NAME}[{seen[entry.key]}])"
                )
            )
        seen.setdefault(entry.key, i)
        unknown = False
        for j, org in enumerate(entry.between):
            if org not in context.org_keys:
                problems.append(Problem(f"{path}.between[{j}]", f"unknown organisation '{org}'"))
                unknown = True
        if entry.between[0] == entry.between[1]:
            problems.append(Problem(f"{path}.between", "a relationship needs two organisations"))
        elif not unknown and not _related(repo, stored_ids, entry.between, context):
            problems.append(
                refusals.NOT_RELATED(f"{path}.between", a=entry.between[0], b=entry.between[1])
            )
        if entry.by not in entry.between:
            problems.append(Problem(f"{path}.by", "must be one side of the relationship"))
        if not entry.title.strip():
            problems.append(refusals.EMPTY(f"{path}.title"))
        if entry.status == "dropped" and (entry.reason is None or not entry.reason.strip()):
            problems.append(refusals.SAY_WHY_DROPPED(f"{path}.reason"))
        if entry.status != "dropped" and entry.reason is not None:
            problems.append(refusals.REASON_ONLY_WHEN_DROPPED(f"{path}.reason"))
        if entry.due is not None and _date(entry.due) is None:
            problems.append(refusals.NOT_A_DATE(f"{path}.due"))
        if entry.created is not None and parse_time(entry.created) is None:
            problems.append(Problem(f"{path}.created", "must be an ISO 8601 date-time"))
    return Checked(entries=entries, problems=problems)


def _related(
    repo: ActionRepository, ids: dict[str, int], between: list[str], context: SectionContext
) -> bool:
    """Tied or assessed together, in the document or in the database."""
    low, high = sorted(between)
    if (low, high) in context.related:
        return True
    if low not in ids or high not in ids:
        return False
    return repo.is_relationship(ids[low], ids[high])


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def write(session: Session, checked: Checked, ids: dict[str, int]) -> tuple[int, int]:
    """Create or update each action by key; returns (created, updated)."""
    repo = ActionRepository(session)
    stored = stored_by_key(repo.all(), "action")
    now = datetime.now(UTC)
    created = updated = 0
    for entry in checked.entries:
        a, b = sorted(ids[k] for k in entry.between)
        values: dict[str, Any] = {
            "a_id": a,
            "b_id": b,
            "by_org_id": ids[entry.by],
            "factor": entry.factor,
            "title": entry.title,
            "description": entry.description,
            "status": entry.status,
            "reason": entry.reason,
            "due": _date(entry.due) if entry.due else None,
        }
        at = parse_time(entry.created) if entry.created else None
        current = stored.get(entry.key)
        if current is None:
            repo.add(Action(key=entry.key, created_at=at or now, updated_at=now, **values))
            created += 1
            continue
        if at is not None:
            values["created_at"] = at
        changed = {k: v for k, v in values.items() if not same_stored(getattr(current, k), v)}
        if changed:
            for k, v in changed.items():
                setattr(current, k, v)
            current.updated_at = now
            updated += 1
    session.flush()
    return created, updated


def export(session: Session, keys: dict[int, str]) -> list[dict[str, Any]]:
    """Every action as a section entry, sorted by key."""
    out = []
    for action in ActionRepository(session).all():
        entry: dict[str, Any] = {
            "key": action.key or f"action-{action.id}",
            "between": sorted((keys[action.a_id], keys[action.b_id])),
            "by": keys[action.by_org_id],
            "factor": action.factor,
            "title": action.title,
            "description": action.description,
            "status": action.status,
        }
        if action.reason is not None:
            entry["reason"] = action.reason
        if action.due is not None:
            entry["due"] = action.due.isoformat()
        entry["created"] = format_time(action.created_at)
        out.append(entry)
    return sorted(out, key=lambda e: str(e["key"]))


list_section(50, NAME, check, write, export)
