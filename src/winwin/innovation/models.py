"""Tables of open innovation: which items are challenges or ideas, and what people do on them.

A challenge or an idea is an ``items`` row (so the one visibility checkpoint decides who
sees it) with an ``innovation_entries`` row beside it. Comments, votes and co-authors
belong to people (``users``) and are shown only to those who may see the entry.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from winwin.db.base import Base, utcnow
from winwin.sharing.models import ItemComment

STAGE_NAMES = (
    "'proposed', 'discussed', 'developing', 'piloting', 'adopted', 'archived', "
    "'open', 'reviewing', 'closed'"
)


class InnovationEntry(Base):
    """An item that is a challenge or an idea, with its stage."""

    __tablename__ = "innovation_entries"
    __table_args__ = (
        CheckConstraint("kind IN ('challenge', 'idea')", name="kind"),
        CheckConstraint(f"stage IN ({STAGE_NAMES})", name="stage"),
        Index("ix_innovation_entries_challenge_id", "challenge_id"),
        Index("ix_innovation_entries_kind_stage", "kind", "stage"),
    )

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(16))
    # The challenge an idea answers (an item that is itself a challenge entry).
    challenge_id: Mapped[int | None] = mapped_column(
        ForeignKey("innovation_entries.item_id", ondelete="SET NULL")
    )
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    stage_changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class InnovationStageChange(Base):
    """One move of an entry from a stage to another: the entry's history."""

    __tablename__ = "innovation_stage_changes"
    __table_args__ = (Index("ix_innovation_stage_changes_item", "item_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("innovation_entries.item_id", ondelete="CASCADE")
    )
    from_stage: Mapped[str | None] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class InnovationCoauthor(Base):
    """A person named as co-author of an entry (their organisation can see it)."""

    __tablename__ = "innovation_coauthors"
    __table_args__ = (Index("ix_innovation_coauthors_user", "user_id"),)

    item_id: Mapped[int] = mapped_column(
        ForeignKey("innovation_entries.item_id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # The co-author's organisation when added, so participation counts by organisation.
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    added_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


# Comments are on any item (``sharing.models.ItemComment``); entries read them by this name.
InnovationComment = ItemComment


class InnovationVote(Base):
    """One person's vote for an entry (at most one each)."""

    __tablename__ = "innovation_votes"
    __table_args__ = (Index("ix_innovation_votes_org", "org_id", "created_at"),)

    item_id: Mapped[int] = mapped_column(
        ForeignKey("innovation_entries.item_id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # The voter's organisation; None for an outsider.
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
