"""Tables of who may see which ties: sharing levels and the audit of whole-graph reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from winwin.db.base import Base, utcnow

LEVEL_CHECK = "level IN ('hidden', 'counts', 'overlap', 'all')"


class TieSharingDefault(Base):
    """An organisation's sharing level for every partner without an override."""

    __tablename__ = "tie_sharing_defaults"
    __table_args__ = (CheckConstraint(LEVEL_CHECK, name="level"),)

    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str] = mapped_column(String(16))


class TieSharing(Base):
    """An organisation's sharing level for one partner (``network.tie_audience``)."""

    __tablename__ = "tie_sharing"
    __table_args__ = (
        CheckConstraint(LEVEL_CHECK, name="level"),
        CheckConstraint("org_id <> partner_id", name="not_self"),
        Index("ix_tie_sharing_partner_id", "partner_id"),
    )

    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str] = mapped_column(String(16))


class GraphRead(Base):
    """A platform admin or facilitator read ties beyond an organisation's sight (audit)."""

    __tablename__ = "graph_reads"
    __table_args__ = (Index("ix_graph_reads_read_at", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(32))
    what: Mapped[str] = mapped_column(String(64))
    """The read: ``clusters``, ``pairs``, ``overlap ORG OTHER``, ..."""
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
