"""Tables for the micro-network beyond the network document: audit, agreement proposals,
topic stems, comments on items.

Circle invitations are rows of ``circle_members`` with status ``invited`` or
``declined``; only ``member`` rows count for visibility.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
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
    """One side proposes a change to the pair's agreement; the other side decides.

    The pair is stored with a_id < b_id. ``kind`` says what accepting does: ``add`` adds
    the topics to the pair's active agreement (creating it when needed), ``revise``
    replaces its topics with these, ``end`` ends the agreement. Until the other side
    accepts, nothing changes. The proposals of a pair, kept with who proposed and who
    decided and when, are the agreement's history.
    """

    __tablename__ = "agreement_proposals"
    __table_args__ = (
        CheckConstraint("a_id < b_id", name="ordered"),
        CheckConstraint(
            "status IN ('proposed', 'accepted', 'declined', 'withdrawn')", name="status"
        ),
        CheckConstraint("kind IN ('add', 'revise', 'end')", name="kind"),
        Index("ix_agreement_proposals_a_id", "a_id"),
        Index("ix_agreement_proposals_b_id", "b_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    b_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16), default="add", server_default="add")
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    # The people who proposed and who decided (None for scripts, or once they are gone).
    proposed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    decided_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


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


class ItemComment(Base):
    """A person's comment on an item, in Markdown (rendered safely, as item bodies are).

    Any item takes comments, challenges and ideas included; a comment is read only
    through its item, so exactly those who may see the item see it. The table keeps the
    name it had when only challenges and ideas took comments.
    """

    __tablename__ = "innovation_comments"
    __table_args__ = (
        Index("ix_innovation_comments_item", "item_id", "created_at"),
        Index("ix_innovation_comments_org", "org_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The commenter's organisation; None for an outsider (who belongs to none).
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
