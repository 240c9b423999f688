"""Notifications: something happened on an item that a person follows.

A row names its recipient, the item (or, for ``overdue``, the joint action) and what
happened; whether the recipient may still see it is decided again, by the one
checkpoint, every time notifications are read.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from winwin.db.base import Base, utcnow

KINDS = (
    "comment",
    "idea",
    "coauthor",
    "stage",
    "shared",
    "overdue",
    "tie_proposed",
    "tie_accepted",
    "tie_declined",
    "tie_withdrawn",
    "tie_ended",
    "agreement",
    "agreement_reply",
    "mail_failed",
)

SUBJECT = (
    "(CASE WHEN item_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN action_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN tie_proposal_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN agreement_proposal_id IS NULL THEN 0 ELSE 1 END) + "
    "(CASE WHEN job_id IS NULL THEN 0 ELSE 1 END) = 1"
)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("kind IN ({})".format(", ".join(f"'{k}'" for k in KINDS)), name="kind"),
        Index("ix_notifications_user_created", "user_id", "created_at"),
        Index("ix_notifications_item_id", "item_id"),
        Index("ix_notifications_action_id", "action_id"),
        Index("ix_notifications_tie_proposal_id", "tie_proposal_id"),
        Index("ix_notifications_agreement_proposal_id", "agreement_proposal_id"),
        Index("ix_notifications_job_id", "job_id"),
        # Exactly one subject: an item, a joint action, a tie or an agreement proposal, or
        # a job (a mail that could not be delivered).
        CheckConstraint(SUBJECT, name="subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    tie_proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("tie_proposals.id", ondelete="CASCADE")
    )
    agreement_proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement_proposals.id", ondelete="CASCADE")
    )
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    # Who did it (the person, when there was one, and their organisation).
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    # For a stage move, the stage reached; for an overdue action, its due date.
    detail: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()
