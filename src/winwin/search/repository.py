"""Queries of the search over people (items are searched by the item checkpoint,
``sharing.items.ItemRepository.visible_to``; organisations by ``sharing.directory``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, ColumnExpressionArgument, func, or_, select
from sqlalchemy.orm import Session

from winwin.accounts.models import User
from winwin.network.models import Organization
from winwin.sharing.items import LIKE_ESCAPE, like_literal


@dataclass(frozen=True)
class PersonHit:
    name: str
    email: str
    org: str
    org_name: str


def _contains(column: ColumnExpressionArgument[str], text: str) -> ColumnElement[bool]:
    return func.lower(column).contains(like_literal(text), escape=LIKE_ESCAPE)


class SearchRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def people(self, text: str, *, org_ids: Iterable[int] | None, limit: int) -> list[PersonHit]:
        """Active people of these organisations (None: of every organisation) whose name or
        e-mail contains ``text``, by name."""
        query = (
            select(User.name, User.email, Organization.key, Organization.name)
            .join(Organization, Organization.id == User.org_id)
            .where(
                User.active.is_(True),
                or_(_contains(User.name, text), _contains(User.email, text)),
            )
            .order_by(User.name, User.email)
            .limit(limit)
        )
        if org_ids is not None:
            query = query.where(User.org_id.in_(sorted(set(org_ids))))
        return [PersonHit(*row) for row in self.session.execute(query)]
