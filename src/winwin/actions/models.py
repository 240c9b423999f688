"""Joint actions of a relationship and their history.

A relationship is a pair of organisations, stored with the smaller id first (``a_id <
b_id``), as it has no row of its own. Who may see an action is the relationship's access
rule (``winwin.assessments.service.can_see_relationship``); the table knows nothing of it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from winwin.actions.rules import STATUSES
from winwin.assessments.score import FACTORS
from winwin.db.base import Base, utcnow


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


class Action(Base):
    """One action of a relationship's joint plan, aimed at one factor.

    ``owner_a_user_id`` and ``owner_b_user_id`` are the owners on the ``a_id`` and
    ``b_id`` sides (people of that organisation). ``reason`` is set only when dropped.
    """

    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint("a_id < b_id", name="pair_order"),
        CheckConstraint(_one_of("factor", FACTORS), name="factor"),
        CheckConstraint(_one_of("status", STATUSES), name="status"),
        Index("ix_actions_pair", "a_id", "b_id"),
        Index("ix_actions_due", "due"),
        Index("ix_actions_key", "key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The network document's key (``winwin.actions.document``); ``None`` until imported.
    key: Mapped[str | None] = mapped_column(String(64))
    a_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    b_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    by_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    factor: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="planned")
    reason: Mapped[str | None] = mapped_column(Text)
    due: Mapped[date | None] = mapped_column(Date)
    owner_a_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    owner_b_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActionEvent(Base):
    """One entry of an action's history: who (person and organisation, both ``None`` for
    the command line), when, and what changed (``{field: [before, after]}``)."""

    __tablename__ = "action_events"
    __table_args__ = (Index("ix_action_events_action_id", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(default=utcnow)
