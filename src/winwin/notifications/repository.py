"""Queries of notifications. Callers filter the items through the visibility checkpoint."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, aliased

from winwin.accounts.models import User
from winwin.db.models import Item, Organization
from winwin.innovation.models import (
    InnovationCoauthor,
    InnovationComment,
    InnovationEntry,
    InnovationVote,
)
from winwin.jobs.models import Job
from winwin.network.repository import chunks
from winwin.notifications.models import Notification


@dataclass(frozen=True)
class NotificationRow:
    id: int
    kind: str
    item_id: int | None
    item_key: str | None
    item_title: str | None
    action_id: int | None
    actor: str | None
    actor_org: str | None
    detail: str | None
    created_at: datetime
    read_at: datetime | None
    tie_proposal_id: int | None = None
    agreement_proposal_id: int | None = None
    # Whether the item is a challenge or an idea (its page is the innovation page).
    entry: bool = False
    job_id: int | None = None


class NotificationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, rows: Iterable[dict[str, object]]) -> int:
        made = [Notification(**row) for row in rows]
        self.session.add_all(made)
        self.session.flush()
        return len(made)

    def recent(self, user_id: int, *, limit: int) -> list[NotificationRow]:
        """The person's newest notifications, newest first (no visibility applied)."""
        actor, org = aliased(User), aliased(Organization)
        query = (
            select(
                Notification.id,
                Notification.kind,
                Notification.item_id,
                Item.key,
                Item.title,
                Notification.action_id,
                actor.name,
                org.key,
                Notification.detail,
                Notification.created_at,
                Notification.read_at,
                Notification.tie_proposal_id,
                Notification.agreement_proposal_id,
                InnovationEntry.item_id.is_not(None),
                Notification.job_id,
            )
            .outerjoin(Item, Item.id == Notification.item_id)
            .outerjoin(InnovationEntry, InnovationEntry.item_id == Notification.item_id)
            .outerjoin(actor, actor.id == Notification.actor_user_id)
            .outerjoin(org, org.id == Notification.actor_org_id)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
        return [NotificationRow(*row) for row in self.session.execute(query)]

    def unread_subjects(
        self, user_id: int, *, limit: int
    ) -> list[tuple[int | None, int | None, int | None, int | None, int | None]]:
        """``(item id, action id, tie proposal id, agreement proposal id, job id)`` of the
        person's newest unread notifications, one per notification (one of them is set)."""
        query = (
            select(
                Notification.item_id,
                Notification.action_id,
                Notification.tie_proposal_id,
                Notification.agreement_proposal_id,
                Notification.job_id,
            )
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
        return [
            (item, action, tie, agreement, job)
            for item, action, tie, agreement, job in self.session.execute(query)
        ]

    def jobs_started_by(
        self, user_id: int, job_ids: set[int], *, with_system: bool = False
    ) -> dict[int, dict[str, Any]]:
        """Job id → arguments of these jobs that ``user_id`` started (``with_system``:
        and those nobody started)."""
        found: dict[int, dict[str, Any]] = {}
        mine = Job.started_by == user_id
        whose = or_(mine, Job.started_by.is_(None)) if with_system else mine
        for part in chunks(sorted(job_ids), 500):
            query = select(Job.id, Job.arguments).where(Job.id.in_(list(part)), whose)
            found.update({i: dict(a or {}) for i, a in self.session.execute(query)})
        return found

    def is_platform_admin(self, user_id: int) -> bool:
        role = self.session.scalar(
            select(User.role).where(User.id == user_id, User.active.is_(True))
        )
        return role == "platform_admin"

    def platform_admins(self) -> set[int]:
        """Active platform admins."""
        query = select(User.id).where(User.role == "platform_admin", User.active.is_(True))
        return set(self.session.scalars(query))

    def admins_of_org(self, org_id: int) -> set[int]:
        """Active org admins of the organisation (all its active people when it has none)."""
        query = select(User.id, User.role).where(User.org_id == org_id, User.active.is_(True))
        people = list(self.session.execute(query))
        admins = {uid for uid, role in people if role == "org_admin"}
        return admins or {uid for uid, _ in people}

    def told(self, kind: str, action_id: int, detail: str) -> set[int]:
        """People already told ``kind`` about the action with this detail."""
        query = select(Notification.user_id).where(
            Notification.kind == kind,
            Notification.action_id == action_id,
            Notification.detail == detail,
        )
        return set(self.session.scalars(query))

    def mark_read(self, user_id: int, ids: Iterable[int] | None, at: datetime) -> int:
        """Mark these (or, with None, all) of the person's notifications read."""
        total = 0
        base = update(Notification).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
        if ids is None:
            result = self.session.execute(base.values(read_at=at))
            return int(getattr(result, "rowcount", 0) or 0)
        for part in chunks(sorted(set(ids)), 500):
            result = self.session.execute(
                base.where(Notification.id.in_(list(part))).values(read_at=at)
            )
            total += int(getattr(result, "rowcount", 0) or 0)
        return total

    # who follows an entry -----------------------------------------------------------------
    def followers(self, item_id: int, *, voters: bool) -> set[int]:
        """People who follow an item: its commenters, and for a challenge or an idea its
        creator and co-authors (and voters)."""
        people: set[int] = set()
        creator = self.session.scalar(
            select(InnovationEntry.created_by_user_id).where(InnovationEntry.item_id == item_id)
        )
        if creator is not None:
            people.add(creator)
        people.update(
            self.session.scalars(
                select(InnovationCoauthor.user_id).where(InnovationCoauthor.item_id == item_id)
            )
        )
        people.update(
            uid
            for uid in self.session.scalars(
                select(InnovationComment.user_id).where(InnovationComment.item_id == item_id)
            )
            if uid is not None
        )
        if voters:
            people.update(
                self.session.scalars(
                    select(InnovationVote.user_id).where(InnovationVote.item_id == item_id)
                )
            )
        return people

    def people_of_orgs(self, org_ids: Iterable[int]) -> dict[int, int]:
        """Active people of these organisations: user id -> organisation id."""
        found: dict[int, int] = {}
        for part in chunks(sorted(set(org_ids)), 500):
            query = select(User.id, User.org_id).where(
                User.org_id.in_(list(part)), User.active.is_(True)
            )
            found.update({uid: oid for uid, oid in self.session.execute(query) if oid is not None})
        return found

    def orgs_of_people(self, user_ids: Iterable[int]) -> dict[int, int]:
        """user id -> organisation id, for active people with an organisation."""
        found: dict[int, int] = {}
        for part in chunks(sorted(set(user_ids)), 500):
            query = select(User.id, User.org_id).where(
                User.id.in_(list(part)), User.active.is_(True), User.org_id.is_not(None)
            )
            found.update({uid: oid for uid, oid in self.session.execute(query) if oid is not None})
        return found
