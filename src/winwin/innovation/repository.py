"""Queries of open innovation: entries, their stage history, comments, votes, co-authors.

Nothing here decides who may see an entry: callers pass only item ids that the one
checkpoint (``ItemRepository.visible_among``) has admitted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from winwin.accounts.models import User
from winwin.db.models import Item, Organization
from winwin.innovation.models import (
    InnovationCoauthor,
    InnovationComment,
    InnovationEntry,
    InnovationStageChange,
    InnovationVote,
)
from winwin.network.repository import chunks


@dataclass(frozen=True)
class EntryRow:
    """One entry with its item's fields and its counts."""

    item_id: int
    key: str
    kind: str
    stage: str
    title: str
    owner_id: int
    owner_key: str
    owner_name: str
    level: str
    created_at: datetime
    stage_changed_at: datetime
    challenge_id: int | None
    votes: int
    comments: int


@dataclass(frozen=True)
class CommentRow:
    id: int
    item_id: int
    user_id: int | None
    author: str
    org_key: str | None  # None: an outsider's comment
    body: str
    created_at: datetime


@dataclass(frozen=True)
class PersonRow:
    user_id: int
    name: str
    email: str
    org_id: int | None
    org_key: str | None


class InnovationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # entries ------------------------------------------------------------------------------
    def entry(self, item_id: int) -> InnovationEntry | None:
        return self.session.get(InnovationEntry, item_id)

    def add_entry(
        self,
        *,
        item_id: int,
        kind: str,
        stage: str,
        challenge_id: int | None,
        user_id: int | None,
        at: datetime,
    ) -> InnovationEntry:
        entry = InnovationEntry(
            item_id=item_id,
            kind=kind,
            stage=stage,
            challenge_id=challenge_id,
            created_by_user_id=user_id,
            stage_changed_at=at,
        )
        self.session.add(entry)
        self.session.add(
            InnovationStageChange(
                item_id=item_id, from_stage=None, to_stage=stage, user_id=user_id, changed_at=at
            )
        )
        self.session.flush()
        return entry

    def move(
        self, entry: InnovationEntry, stage: str, *, user_id: int | None, at: datetime
    ) -> None:
        self.session.add(
            InnovationStageChange(
                item_id=entry.item_id,
                from_stage=entry.stage,
                to_stage=stage,
                user_id=user_id,
                changed_at=at,
            )
        )
        entry.stage = stage
        entry.stage_changed_at = at
        self.session.flush()

    def entry_ids(
        self,
        *,
        kind: str | None = None,
        stage: str | None = None,
        challenge_id: int | None = None,
        owner_id: int | None = None,
    ) -> list[int]:
        """Ids of the entries that match, newest first (no visibility applied)."""
        query = select(InnovationEntry.item_id).join(Item, Item.id == InnovationEntry.item_id)
        if kind is not None:
            query = query.where(InnovationEntry.kind == kind)
        if stage is not None:
            query = query.where(InnovationEntry.stage == stage)
        if challenge_id is not None:
            query = query.where(InnovationEntry.challenge_id == challenge_id)
        if owner_id is not None:
            query = query.where(Item.owner_id == owner_id)
        query = query.order_by(Item.created_at.desc(), Item.id.desc())
        return list(self.session.scalars(query))

    def all_entries(self) -> dict[int, tuple[str, str, int | None]]:
        """Every entry: item id -> (kind, stage, challenge id), for the export."""
        query = select(
            InnovationEntry.item_id,
            InnovationEntry.kind,
            InnovationEntry.stage,
            InnovationEntry.challenge_id,
        )
        return {row[0]: (row[1], row[2], row[3]) for row in self.session.execute(query)}

    def rows(self, item_ids: Iterable[int]) -> dict[int, EntryRow]:
        """Entry rows with vote and comment counts, by item id."""
        ids = list(item_ids)
        found: dict[int, EntryRow] = {}
        votes = (
            select(InnovationVote.item_id, func.count().label("n"))
            .group_by(InnovationVote.item_id)
            .subquery()
        )
        comments = (
            select(InnovationComment.item_id, func.count().label("n"))
            .group_by(InnovationComment.item_id)
            .subquery()
        )
        for part in chunks(ids, 500):
            query = (
                select(
                    InnovationEntry.item_id,
                    Item.key,
                    InnovationEntry.kind,
                    InnovationEntry.stage,
                    Item.title,
                    Item.owner_id,
                    Organization.key.label("owner_key"),
                    Organization.name.label("owner_name"),
                    Item.level,
                    Item.created_at,
                    InnovationEntry.stage_changed_at,
                    InnovationEntry.challenge_id,
                    func.coalesce(votes.c.n, 0).label("votes"),
                    func.coalesce(comments.c.n, 0).label("comments"),
                )
                .join(Item, Item.id == InnovationEntry.item_id)
                .join(Organization, Organization.id == Item.owner_id)
                .outerjoin(votes, votes.c.item_id == InnovationEntry.item_id)
                .outerjoin(comments, comments.c.item_id == InnovationEntry.item_id)
                .where(InnovationEntry.item_id.in_(list(part)))
            )
            for row in self.session.execute(query):
                # By name: the columns are labelled as the fields of ``EntryRow``.
                found[row.item_id] = EntryRow(**row._mapping)
        return found

    def history(self, item_id: int) -> list[tuple[str | None, str, str | None, datetime]]:
        """``(from, to, who, when)`` of every move of the entry, oldest first."""
        query = (
            select(
                InnovationStageChange.from_stage,
                InnovationStageChange.to_stage,
                User.name,
                InnovationStageChange.changed_at,
            )
            .outerjoin(User, User.id == InnovationStageChange.user_id)
            .where(InnovationStageChange.item_id == item_id)
            .order_by(InnovationStageChange.changed_at, InnovationStageChange.id)
        )
        return [(a, b, c, d) for a, b, c, d in self.session.execute(query)]

    # people -----------------------------------------------------------------------------
    def person_by_email(self, email: str) -> PersonRow | None:
        row = self.session.execute(
            select(User.id, User.name, User.email, User.org_id, Organization.key)
            .outerjoin(Organization, Organization.id == User.org_id)
            .where(User.email == email, User.active.is_(True))
        ).first()
        return None if row is None else PersonRow(*row)

    def person_by_id(self, user_id: int) -> PersonRow | None:
        row = self.session.execute(
            select(User.id, User.name, User.email, User.org_id, Organization.key)
            .outerjoin(Organization, Organization.id == User.org_id)
            .where(User.id == user_id, User.active.is_(True))
        ).first()
        return None if row is None else PersonRow(*row)

    def people_of(self, org_ids: Iterable[int], *, limit: int) -> list[tuple[int, str, str]]:
        """``(user id, name, organisation key)`` of the active people of these
        organisations, by name, at most ``limit``."""
        ids = sorted(set(org_ids))
        if not ids:
            return []
        query = (
            select(User.id, User.name, Organization.key)
            .join(Organization, Organization.id == User.org_id)
            .where(User.org_id.in_(ids), User.active.is_(True))
            .order_by(User.name, User.id)
            .limit(limit)
        )
        return [(a, b, c) for a, b, c in self.session.execute(query)]

    def coauthors(self, item_id: int) -> list[PersonRow]:
        query = (
            select(User.id, User.name, User.email, InnovationCoauthor.org_id, Organization.key)
            .join(User, User.id == InnovationCoauthor.user_id)
            .join(Organization, Organization.id == InnovationCoauthor.org_id)
            .where(InnovationCoauthor.item_id == item_id)
            .order_by(InnovationCoauthor.added_at, User.id)
        )
        return [PersonRow(*row) for row in self.session.execute(query)]

    def is_coauthor(self, item_id: int, user_id: int) -> bool:
        return self.session.get(InnovationCoauthor, (item_id, user_id)) is not None

    def add_coauthor(
        self, *, item_id: int, user_id: int, org_id: int, by: int | None, at: datetime
    ) -> None:
        self.session.add(
            InnovationCoauthor(
                item_id=item_id, user_id=user_id, org_id=org_id, added_by_user_id=by, added_at=at
            )
        )
        self.session.flush()

    def remove_coauthor(self, item_id: int, user_id: int) -> bool:
        result = self.session.execute(
            delete(InnovationCoauthor).where(
                InnovationCoauthor.item_id == item_id, InnovationCoauthor.user_id == user_id
            )
        )
        return bool(getattr(result, "rowcount", 0))

    # comments ---------------------------------------------------------------------------
    def comments(self, item_id: int) -> list[CommentRow]:
        query = (
            select(
                InnovationComment.id,
                InnovationComment.item_id,
                InnovationComment.user_id,
                func.coalesce(User.name, ""),
                Organization.key,
                InnovationComment.body,
                InnovationComment.created_at,
            )
            .outerjoin(User, User.id == InnovationComment.user_id)
            .outerjoin(Organization, Organization.id == InnovationComment.org_id)
            .where(InnovationComment.item_id == item_id)
            .order_by(InnovationComment.created_at, InnovationComment.id)
        )
        return [CommentRow(*row) for row in self.session.execute(query)]

    def comment(self, comment_id: int) -> InnovationComment | None:
        return self.session.get(InnovationComment, comment_id)

    def add_comment(
        self, *, item_id: int, user_id: int, org_id: int | None, body: str, at: datetime
    ) -> InnovationComment:
        comment = InnovationComment(
            item_id=item_id, user_id=user_id, org_id=org_id, body=body, created_at=at
        )
        self.session.add(comment)
        self.session.flush()
        return comment

    def delete_comment(self, comment: InnovationComment) -> None:
        self.session.delete(comment)
        self.session.flush()

    # votes ------------------------------------------------------------------------------
    def has_voted(self, item_id: int, user_id: int) -> bool:
        return self.session.get(InnovationVote, (item_id, user_id)) is not None

    def voted_among(self, user_id: int, item_ids: Iterable[int]) -> set[int]:
        found: set[int] = set()
        for part in chunks(list(item_ids), 500):
            found.update(
                self.session.scalars(
                    select(InnovationVote.item_id).where(
                        InnovationVote.user_id == user_id, InnovationVote.item_id.in_(list(part))
                    )
                )
            )
        return found

    def add_vote(self, *, item_id: int, user_id: int, org_id: int | None, at: datetime) -> None:
        self.session.add(
            InnovationVote(item_id=item_id, user_id=user_id, org_id=org_id, created_at=at)
        )
        self.session.flush()

    def remove_vote(self, item_id: int, user_id: int) -> bool:
        result = self.session.execute(
            delete(InnovationVote).where(
                InnovationVote.item_id == item_id, InnovationVote.user_id == user_id
            )
        )
        return bool(getattr(result, "rowcount", 0))

    def vote_count(self, item_id: int) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(InnovationVote)
                .where(InnovationVote.item_id == item_id)
            )
            or 0
        )

    # participation ----------------------------------------------------------------------
    def participation(
        self, by_org_id: int, on_owner_id: int, *, since: datetime
    ) -> tuple[int, int, int]:
        """Comments, votes and co-authorships by one organisation's people on entries that
        another organisation owns, since ``since``."""
        owned = select(Item.id).where(Item.owner_id == on_owner_id).scalar_subquery()
        comments = self.session.scalar(
            select(func.count())
            .select_from(InnovationComment)
            .where(
                InnovationComment.org_id == by_org_id,
                InnovationComment.item_id.in_(owned),
                InnovationComment.created_at >= since,
            )
        )
        votes = self.session.scalar(
            select(func.count())
            .select_from(InnovationVote)
            .where(
                InnovationVote.org_id == by_org_id,
                InnovationVote.item_id.in_(owned),
                InnovationVote.created_at >= since,
            )
        )
        coauthored = self.session.scalar(
            select(func.count())
            .select_from(InnovationCoauthor)
            .where(
                InnovationCoauthor.org_id == by_org_id,
                InnovationCoauthor.item_id.in_(owned),
                InnovationCoauthor.added_at >= since,
            )
        )
        return int(comments or 0), int(votes or 0), int(coauthored or 0)
