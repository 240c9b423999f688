"""Queries for the comments on items: stored and read with no visibility applied, so
``sharing.comments`` passes every item through the checkpoint first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from winwin.accounts.models import User
from winwin.db.models import Organization
from winwin.network.repository import chunks
from winwin.sharing.models import ItemComment


@dataclass(frozen=True)
class CommentRow:
    """A comment with its author's name and organisation (no visibility applied)."""

    id: int
    item_id: int
    user_id: int | None
    author: str
    org_key: str
    org_name: str
    body: str
    created_at: datetime


class CommentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def comments_on(self, item_ids: Iterable[int]) -> list[CommentRow]:
        """The comments on these items, oldest first (callers pass items the checkpoint
        admitted)."""
        found: list[CommentRow] = []
        for part in chunks(sorted(set(item_ids)), 500):
            query = (
                select(
                    ItemComment.id,
                    ItemComment.item_id,
                    ItemComment.user_id,
                    func.coalesce(User.name, ""),
                    func.coalesce(Organization.key, ""),
                    func.coalesce(Organization.name, ""),
                    ItemComment.body,
                    ItemComment.created_at,
                )
                .outerjoin(User, User.id == ItemComment.user_id)
                .outerjoin(Organization, Organization.id == ItemComment.org_id)
                .where(ItemComment.item_id.in_(list(part)))
                .order_by(ItemComment.created_at, ItemComment.id)
            )
            found.extend(CommentRow(*row) for row in self.session.execute(query))
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def commented_item_ids(self) -> set[int]:
        """Every item that has a comment (the consistency suite's universe)."""
        return set(self.session.scalars(select(ItemComment.item_id).distinct()))

    def comment(self, comment_id: int) -> ItemComment | None:
        return self.session.get(ItemComment, comment_id)

    def add_comment(
        self, *, item_id: int, user_id: int, org_id: int, body: str, at: datetime
    ) -> ItemComment:
        comment = ItemComment(
            item_id=item_id, user_id=user_id, org_id=org_id, body=body, created_at=at
        )
        self.session.add(comment)
        self.session.flush()
        return comment

    def delete_comment(self, comment: ItemComment) -> None:
        self.session.delete(comment)
        self.session.flush()
