"""Use cases of joint action plans; the page, the REST route and the command call these.

Who may do what (the relationship's own rules, ``winwin.assessments.service``):

- **see** a plan: whoever may see the relationship (``can_see_relationship``): the
  people of either side, facilitators granted either side, platform admins. Anyone
  else is told the relationship does not exist (``NotFound``);
- **add** an action, and edit or move any action: whoever may run the relationship
  (``can_run_relationship``: an org admin of either side, a facilitator granted either
  side, a platform admin). The action is added *by* one side (``by``), which the actor
  must manage;
- an action's **owners** may also edit it and move its status.

The command line acts as ``accounts.access.operator()``, who may do everything. Every
change is written to the action's history: who, when, and each field's value before and
after.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, accessible_org_ids, can_manage_org
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.actions import refusals, rules
from winwin.actions.models import Action, ActionEvent
from winwin.actions.repository import ActionRepository
from winwin.assessments.score import FACTORS
from winwin.assessments.service import can_run_relationship, can_see_relationship
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied, RuleBroken
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


# --- reading ---------------------------------------------------------------------------


def _reads(
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


def _visible_pair(
    session: Session, actor: Actor, between: Sequence[str]
) -> tuple[Organization, Organization]:
    first, second = _pair(session, between)
    if not can_see_relationship(actor, (first.id, second.id)):
        raise NotFound(refusals.NO_RELATIONSHIP(a=between[0], b=between[1]))
    return first, second


def list_actions(session: Session, *, actor: Actor, between: Sequence[str]) -> list[ActionRead]:
    """The plan of one relationship, oldest action first."""
    first, second = _visible_pair(session, actor, between)
    return _reads(session, ActionRepository(session).of_pair(first.id, second.id))


def readable_actions(session: Session, *, actor: Actor) -> list[ActionRead]:
    """Every action the actor may read, from one SQL query (the consistency suite checks it
    against ``can_read``)."""
    ids = None if actor.is_platform_admin else accessible_org_ids(session, actor)
    return _reads(session, ActionRepository(session).of_orgs(ids))


def can_read(actor: Actor, action: Action) -> bool:
    """The single access check of one action: the relationship's."""
    return can_see_relationship(actor, (action.a_id, action.b_id))


def can_edit(actor: Actor, action: Action) -> bool:
    if can_run_relationship(actor, (action.a_id, action.b_id)):
        return True
    return actor.user_id in (action.owner_a_user_id, action.owner_b_user_id)


def _load(session: Session, actor: Actor, action_id: int) -> Action:
    ok = isinstance(action_id, int) and 1 <= action_id <= MAX_ID
    action = ActionRepository(session).get(action_id) if ok else None
    if action is None or not can_read(actor, action):
        raise NotFound(refusals.NO_ACTION(id=action_id))
    return action


def get_action(session: Session, *, actor: Actor, action_id: int) -> ActionRead:
    return _reads(session, [_load(session, actor, action_id)])[0]


def stored_action(session: Session, *, actor: Actor, action_id: int) -> Action:
    """The stored action, when the actor may read it (``NotFound`` otherwise)."""
    return _load(session, actor, action_id)


def editable_of_pair(session: Session, *, actor: Actor, a_id: int, b_id: int) -> set[int]:
    """The ids of the pair's actions that the actor may edit."""
    return {a.id for a in ActionRepository(session).of_pair(a_id, b_id) if can_edit(actor, a)}


def orgs_by_id(session: Session, ids: Iterable[int]) -> dict[int, Organization]:
    """The organisations with these ids (the sides of actions the caller may read)."""
    return ActionRepository(session).orgs(ids)


def history(session: Session, *, actor: Actor, action_id: int) -> list[EventRead]:
    """The action's history, oldest first."""
    _load(session, actor, action_id)
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
    return _reads(
        session, ActionRepository(session).overdue_of_orgs([org_id], on or today()), on=on
    )


# --- checking input --------------------------------------------------------------------


def _title(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidInput(refusals.EMPTY("title"))
    if len(text) > rules.MAX_TITLE or "\x00" in text:
        raise InvalidInput(refusals.TITLE_TOO_LONG("title", n=rules.MAX_TITLE))
    return text


def _description(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or "\x00" in value:
        raise InvalidInput(refusals.NOT_TEXT("description"))
    if len(value) > rules.MAX_DESCRIPTION:
        raise InvalidInput(refusals.TOO_LONG("description", n=rules.MAX_DESCRIPTION))
    return value.strip()


def _factor(value: object) -> str:
    if value not in FACTORS:
        raise InvalidInput(refusals.NOT_A_FACTOR("factor"))
    return str(value)


def parse_due(value: object) -> date | None:
    """A due date from a ``date`` or ``YYYY-MM-DD`` text; empty means none."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            if len(value.strip()) == 10:
                return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidInput(refusals.NOT_A_DATE("due"))


def _owners(
    session: Session, emails: Sequence[str], pair: tuple[Organization, Organization]
) -> dict[int, User]:
    """The owners by organisation id: each a person of one side, at most one a side."""
    found: dict[int, User] = {}
    accounts = AccountsRepository(session)
    for email in emails:
        if not isinstance(email, str) or not email.strip():
            raise InvalidInput(refusals.NAME_AN_OWNER("owner"))
        user = accounts.get_by_email(email.strip())
        if user is None or not user.active or user.org_id not in (pair[0].id, pair[1].id):
            raise RuleBroken(refusals.NOT_OF_EITHER_SIDE("owner", email=email.strip()))
        assert user.org_id is not None
        if user.org_id in found and found[user.org_id].id != user.id:
            raise RuleBroken(refusals.ONE_OWNER_A_SIDE("owner"))
        found[user.org_id] = user
    return found


# --- changing --------------------------------------------------------------------------


def _record(
    session: Session, action: Action, actor: Actor, kind: str, changes: dict[str, Any]
) -> None:
    ActionRepository(session).add_event(
        ActionEvent(
            action_id=action.id,
            user_id=actor.user_id,
            org_id=actor.org_id,
            kind=kind,
            changes=changes,
            at=datetime.now(UTC),
        )
    )


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def add_action(
    session: Session,
    *,
    actor: Actor,
    between: Sequence[str],
    by: str,
    factor: str,
    title: str,
    description: str | None = None,
    due: date | str | None = None,
    owners: Sequence[str] = (),
) -> ActionRead:
    """Add an action to the relationship's plan, ``planned``, on behalf of side ``by``."""
    first, second = _visible_pair(session, actor, between)
    pair = (first, second)
    if not can_run_relationship(actor, (first.id, second.id)):
        raise PermissionDenied(refusals.ADDER())
    side = next((o for o in pair if o.key == (by or "").strip()), None)
    if side is None:
        raise InvalidInput(refusals.NOT_A_SIDE("by", a=first.key, b=second.key))
    if not can_manage_org(actor, side.id):
        raise PermissionDenied(refusals.NOT_ACTING_FOR(org=side.key))
    repo = ActionRepository(session)
    if not repo.is_relationship(first.id, second.id):
        raise InvalidInput(refusals.NOT_RELATED("relationship", a=first.key, b=second.key))
    values = {
        "factor": _factor(factor),
        "title": _title(title),
        "description": _description(description),
        "due": parse_due(due),
    }
    chosen = _owners(session, owners, pair)
    low, high = sorted(pair, key=lambda o: o.id)
    now = datetime.now(UTC)
    action = repo.add(
        Action(
            a_id=low.id,
            b_id=high.id,
            by_org_id=side.id,
            status="planned",
            owner_a_user_id=chosen[low.id].id if low.id in chosen else None,
            owner_b_user_id=chosen[high.id].id if high.id in chosen else None,
            created_by_user_id=actor.user_id,
            created_at=now,
            updated_at=now,
            **values,
        )
    )
    _record(
        session,
        action,
        actor,
        "created",
        {
            **{k: _plain(v) for k, v in values.items()},
            "status": "planned",
            "owners": sorted(u.email for u in chosen.values()),
        },
    )
    return _reads(session, [action])[0]


_UNSET: Any = object()


def update_action(
    session: Session,
    *,
    actor: Actor,
    action_id: int,
    title: str = _UNSET,
    description: str | None = _UNSET,
    factor: str = _UNSET,
    due: date | str | None = _UNSET,
    owners: Sequence[str] = _UNSET,
    status: str = _UNSET,
    reason: str | None = None,
) -> ActionRead:
    """Change any of the action's fields; only what is passed changes, all or nothing."""
    action = _load(session, actor, action_id)
    if not can_edit(actor, action):
        raise PermissionDenied(refusals.CHANGER())
    new: dict[str, Any] = {}
    if title is not _UNSET:
        new["title"] = _title(title)
    if description is not _UNSET:
        new["description"] = _description(description)
    if factor is not _UNSET:
        new["factor"] = _factor(factor)
    if due is not _UNSET:
        new["due"] = parse_due(due)
    if owners is not _UNSET:
        repo = ActionRepository(session)
        orgs = repo.orgs([action.a_id, action.b_id])
        chosen = _owners(session, owners or (), (orgs[action.a_id], orgs[action.b_id]))
        new["owner_a_user_id"] = chosen[action.a_id].id if action.a_id in chosen else None
        new["owner_b_user_id"] = chosen[action.b_id].id if action.b_id in chosen else None
    if status is not _UNSET:
        try:
            new["reason"] = rules.check_transition(action.status, status, reason)
        except rules.TransitionRefused as exc:
            raise RuleBroken(exc.problem) from None
        new["status"] = status
    elif reason:
        raise RuleBroken(refusals.REASON_WITHOUT_STATUS("reason"))
    changes: dict[str, Any] = {}
    users = ActionRepository(session).users(
        [
            action.owner_a_user_id,
            action.owner_b_user_id,
            new.get("owner_a_user_id"),
            new.get("owner_b_user_id"),
        ]
    )
    for name, value in new.items():
        before = getattr(action, name)
        if before == value:
            continue
        if name.startswith("owner_"):
            shown = [users[u].email if u in users else None for u in (before, value)]
            changes[name.replace("_user_id", "")] = shown
        else:
            changes[name] = [_plain(before), _plain(value)]
        setattr(action, name, value)
    if changes:
        action.updated_at = datetime.now(UTC)
        session.flush()
        _record(session, action, actor, "changed", changes)
    return _reads(session, [action])[0]


def set_status(
    session: Session, *, actor: Actor, action_id: int, status: str, reason: str | None = None
) -> ActionRead:
    """Move the action to ``status`` (``dropped`` with a reason)."""
    return update_action(session, actor=actor, action_id=action_id, status=status, reason=reason)
