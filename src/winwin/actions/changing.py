"""Changing joint action plans: adding an action on behalf of one side, changing its fields
and moving its status, each input checked and each change written to the action's
history (who, when, and each field's value before and after); ``actions.service`` names
these for the doors.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, can_manage_org
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.actions import refusals, rules
from winwin.actions.models import Action, ActionEvent
from winwin.actions.reading import ActionRead, can_edit, load_readable, reads_of, visible_pair
from winwin.actions.repository import ActionRepository
from winwin.assessments.score import FACTORS
from winwin.assessments.service import can_run_relationship
from winwin.kernel.errors import InvalidInput, PermissionDenied, RuleBroken
from winwin.network.models import Organization

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
    first, second = visible_pair(session, actor, between)
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
    return reads_of(session, [action])[0]


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
    action = load_readable(session, actor, action_id)
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
    return reads_of(session, [action])[0]


def set_status(
    session: Session, *, actor: Actor, action_id: int, status: str, reason: str | None = None
) -> ActionRead:
    """Move the action to ``status`` (``dropped`` with a reason)."""
    return update_action(session, actor=actor, action_id=action_id, status=status, reason=reason)
