"""Reading joint action plans: one relationship's plan, one action and its history, the
actions a reader may see, and the single access check of an action (the relationship's,
``winwin.assessments.service``); ``actions.service`` names these for the doors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, accessible_org_ids
from winwin.actions import refusals, rules
from winwin.actions.models import Action
from winwin.actions.repository import ActionRepository
from winwin.assessments.service import can_run_relationship, can_see_relationship
from winwin.kernel.errors import InvalidInput, NotFound
from winwin.kernel.time import as_utc
from winwin.network.models import Organization
from winwin.network.repository import NetworkRepository
from winwin.sharing.service import render_markdown

MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Owner:
    side: str
    email: str
    name: str

    def as_dict(self) -> dict[str, str]:
        return {"side": self.side, "email": self.email, "name": self.name}


@dataclass(frozen=True)
class ActionRead:
    """One action as every door shows it; ``relationship`` is the pair of keys, sorted."""

    id: int
    relationship: tuple[str, str]
    by: str
    factor: str
    title: str
    description: str
    description_html: str
    status: str
    reason: str | None
    due: date | None
    owners: dict[str, Owner | None]
    overdue: bool
    created_at: datetime
    updated_at: datetime

    @property
    def open(self) -> bool:
        return rules.is_open(self.status)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "relationship": list(self.relationship),
            "by": self.by,
            "factor": self.factor,
            "title": self.title,
            "description": self.description,
            "status": self.status,
            "reason": self.reason,
            "due": self.due.isoformat() if self.due else None,
            "owners": {k: (o.as_dict() if o else None) for k, o in self.owners.items()},
            "overdue": self.overdue,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class EventRead:
    at: datetime
    who: str | None
    org: str | None
    kind: str
    changes: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "who": self.who,
            "org": self.org,
            "kind": self.kind,
            "changes": self.changes,
        }


def today() -> date:
    return datetime.now(UTC).date()


def reads_of(
    session: Session, actions: Sequence[Action], *, on: date | None = None
) -> list[ActionRead]:
    repo = ActionRepository(session)
    orgs = repo.orgs(
        {a.a_id for a in actions} | {a.b_id for a in actions} | {a.by_org_id for a in actions}
    )
    users = repo.users(
        [a.owner_a_user_id for a in actions if a.owner_a_user_id]
        + [a.owner_b_user_id for a in actions if a.owner_b_user_id]
    )
    day = on or today()
    out = []
    for a in actions:
        pair = sorted((orgs[a.a_id].key, orgs[a.b_id].key))
        owners: dict[str, Owner | None] = {}
        for org_id, user_id in ((a.a_id, a.owner_a_user_id), (a.b_id, a.owner_b_user_id)):
            user = users.get(user_id) if user_id else None
            key = orgs[org_id].key
            owners[key] = Owner(key, user.email, user.name) if user else None
        out.append(
            ActionRead(
                id=a.id,
                relationship=(pair[0], pair[1]),
                by=orgs[a.by_org_id].key,
                factor=a.factor,
                title=a.title,
                description=a.description,
                description_html=render_markdown(a.description) if a.description else "",
                status=a.status,
                reason=a.reason,
                due=a.due,
                owners={k: owners[k] for k in pair},
                overdue=rules.is_overdue(a.status, a.due, day),
                created_at=as_utc(a.created_at),
                updated_at=as_utc(a.updated_at),
            )
        )
    return out


def _pair(session: Session, between: Sequence[str]) -> tuple[Organization, Organization]:
    if len(between) != 2 or not all(isinstance(k, str) and k.strip() for k in between):
        raise InvalidInput(refusals.NAME_TWO("relationship"))
    if "\x00" in between[0] + between[1]:
        raise InvalidInput(refusals.NUL_IN_KEY("relationship"))
    if between[0] == between[1]:
        raise InvalidInput(refusals.SAME_TWICE("relationship"))
    net = NetworkRepository(session)
    found = [net.get_by_key(k.strip()) for k in between]
    for key, org in zip(between, found, strict=True):
        if org is None:
            raise InvalidInput(refusals.NO_ORG("relationship", key=key))
    first, second = found
    assert first is not None and second is not None
    return first, second


def visible_pair(
    session: Session, actor: Actor, between: Sequence[str]
) -> tuple[Organization, Organization]:
    first, second = _pair(session, between)
    if not can_see_relationship(actor, (first.id, second.id)):
        raise NotFound(refusals.NO_RELATIONSHIP(a=between[0], b=between[1]))
    return first, second


def list_actions(session: Session, *, actor: Actor, between: Sequence[str]) -> list[ActionRead]:
    """The plan of one relationship, oldest action first."""
    first, second = visible_pair(session, actor, between)
    return reads_of(session, ActionRepository(session).of_pair(first.id, second.id))


def readable_actions(session: Session, *, actor: Actor) -> list[ActionRead]:
    """Every action the actor may read, from one SQL query (the consistency suite checks it
    against ``can_read``)."""
    ids = None if actor.is_platform_admin else accessible_org_ids(session, actor)
    return reads_of(session, ActionRepository(session).of_orgs(ids))


def can_read(actor: Actor, action: Action) -> bool:
    """The single access check of one action: the relationship's."""
    return can_see_relationship(actor, (action.a_id, action.b_id))


def can_edit(actor: Actor, action: Action) -> bool:
    if can_run_relationship(actor, (action.a_id, action.b_id)):
        return True
    return actor.user_id in (action.owner_a_user_id, action.owner_b_user_id)


def load_readable(session: Session, actor: Actor, action_id: int) -> Action:
    ok = isinstance(action_id, int) and 1 <= action_id <= MAX_ID
    action = ActionRepository(session).get(action_id) if ok else None
    if action is None or not can_read(actor, action):
        raise NotFound(refusals.NO_ACTION(id=action_id))
    return action


def get_action(session: Session, *, actor: Actor, action_id: int) -> ActionRead:
    return reads_of(session, [load_readable(session, actor, action_id)])[0]


def stored_action(session: Session, *, actor: Actor, action_id: int) -> Action:
    """The stored action, when the actor may read it (``NotFound`` otherwise)."""
    return load_readable(session, actor, action_id)


def editable_of_pair(session: Session, *, actor: Actor, a_id: int, b_id: int) -> set[int]:
    """The ids of the pair's actions that the actor may edit."""
    return {a.id for a in ActionRepository(session).of_pair(a_id, b_id) if can_edit(actor, a)}


def orgs_by_id(session: Session, ids: Iterable[int]) -> dict[int, Organization]:
    """The organisations with these ids (the sides of actions the caller may read)."""
    return ActionRepository(session).orgs(ids)


def history(session: Session, *, actor: Actor, action_id: int) -> list[EventRead]:
    """The action's history, oldest first."""
    load_readable(session, actor, action_id)
    repo = ActionRepository(session)
    events = repo.events(action_id)
    users = repo.users([e.user_id for e in events if e.user_id])
    orgs = repo.orgs([e.org_id for e in events if e.org_id])
    return [
        EventRead(
            at=as_utc(e.at),
            who=users[e.user_id].name if e.user_id in users else None,
            org=orgs[e.org_id].key if e.org_id in orgs else None,
            kind=e.kind,
            changes=dict(e.changes),
        )
        for e in events
    ]


def overdue_of_org(session: Session, *, org_id: int, on: date | None = None) -> list[ActionRead]:
    """Open actions past their due date in the organisation's relationships (for its
    dashboard; the caller has checked that the viewer may see the organisation)."""
    return reads_of(
        session, ActionRepository(session).overdue_of_orgs([org_id], on or today()), on=on
    )
