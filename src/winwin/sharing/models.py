"""Tables for the micro-network beyond the network document: audit, agreement proposals,
topic stems.

Circle invitations are rows of ``circle_members`` with status ``invited`` or
``declined``; only ``member`` rows count for visibility.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from winwin.db.base import Base, utcnow


class ItemOpen(Base):
    """Another organisation opened one of an organisation's non-public items."""

    __tablename__ = "item_opens"
    __table_args__ = (
        Index("ix_item_opens_owner_opened", "owner_id", "opened_at"),
        Index("ix_item_opens_item_id", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    # The item's owner when it was opened, so that the owner lists its log by index.
    owner_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    viewer_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    # The person who opened it, when known (None from scripts acting for an organisation).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    via: Mapped[str] = mapped_column(String(16), default="web")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)


class AgreementProposal(Base):
    """One side proposes topics to keep secret inside a pair; the other side decides.

    The pair is stored with a_id < b_id. Accepting adds the topics to the pair's active
    agreement (creating it when needed); until then nothing is held.
    """

    __tablename__ = "agreement_proposals"
    __table_args__ = (
        CheckConstraint("a_id < b_id", name="ordered"),
        CheckConstraint(
            "status IN ('proposed', 'accepted', 'declined', 'withdrawn')", name="status"
        ),
        Index("ix_agreement_proposals_a_id", "a_id"),
        Index("ix_agreement_proposals_b_id", "b_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    b_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)


class TopicStem(Base):
    """One key a stored topic is matched by (``sharing.topics.topic_stems``).

    Written with the topic (``ItemRepository.replace_details``), never pruned: the SQL
    twin of the competition guard finds the stored topics that meet the sensitive list
    through this table, with the same stems the pure policy computes.
    """

    __tablename__ = "topic_stems"
    __table_args__ = (Index("ix_topic_stems_stem", "stem"),)

    topic: Mapped[str] = mapped_column(String(200), primary_key=True)
    stem: Mapped[str] = mapped_column(String(240), primary_key=True)
