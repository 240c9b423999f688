"""Overdue actions tell their owners, once per action and due date.

Run by ``winwin actions remind`` (daily, from cron or a scheduler); a moved due date
makes an action overdue anew, and its owners are told again when that one passes.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from winwin.actions.repository import ActionRepository
from winwin.actions.service import today
from winwin.notifications.service import notify_about_action


def notify_overdue(session: Session, *, on: date | None = None) -> int:
    """Notify the owners of every open action due before ``on`` (default: today, UTC)."""
    told = 0
    for action in ActionRepository(session).overdue(on or today()):
        owners = [u for u in (action.owner_a_user_id, action.owner_b_user_id) if u is not None]
        if owners and action.due is not None:
            told += notify_about_action(
                session,
                kind="overdue",
                action_id=action.id,
                recipients=owners,
                detail=action.due.isoformat(),
            )
    return told
