"""Joint initiatives, their parties, contributions and frozen agreements.

Who may see an initiative is decided in ``winwin.initiatives.service`` (its parties and
the facilitators granted a party); the tables know nothing of it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from winwin.db.base import Base, utcnow


class Initiative(Base):
    """``version`` counts changes to what is shared; ``agreed_version`` is the latest
    version every party agreed to (its frozen copy is an ``InitiativeAgreement``)."""

    __tablename__ = "initiatives"
    __table_args__ = (
        CheckConstraint(
            "method IS NULL OR method IN ('shapley', 'nucleolus', 'proportional', 'airport')",
            name="method",
        ),
        CheckConstraint("kind IN ('joint', 'learning')", name="kind"),
        Index("ix_initiatives_key", "key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The network document's key (``winwin.initiatives.document``); ``None`` until imported.
    key: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    #: ``joint`` (sharing a result) or ``learning`` (learning goals and learning rounds).
    kind: Mapped[str] = mapped_column(String(16), default="joint", server_default="joint")
    goal: Mapped[str] = mapped_column(Text, default="")
    expected_value: Mapped[float | None] = mapped_column(Double)
    proposed_by_org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    method: Mapped[str | None] = mapped_column(String(16))
    game: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    shares: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    in_core: Mapped[bool | None] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=1)
    agreed_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InitiativeParty(Base):
    __tablename__ = "initiative_parties"
    __table_args__ = (
        CheckConstraint("status IN ('invited', 'accepted', 'declined')", name="status"),
        Index("ix_initiative_parties_org_id", "org_id"),
    )

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16))
    #: The version this party last agreed to.
    agreed_version: Mapped[int | None] = mapped_column(Integer)
    answered_at: Mapped[datetime | None] = mapped_column()


class InitiativeContribution(Base):
    __tablename__ = "initiative_contributions"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount"),
        Index("ix_initiative_contributions_initiative_id", "initiative_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    amount: Mapped[float] = mapped_column(Double)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InitiativeAgreement(Base):
    """The frozen copy of an agreed version: parties, contributions, method, game and
    shares as they were. Written once, never updated."""

    __tablename__ = "initiative_agreements"
    __table_args__ = (UniqueConstraint("initiative_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    agreed_at: Mapped[datetime] = mapped_column(default=utcnow)


class InitiativeResult(Base):
    """A realised result of an agreed initiative: the value the initiative actually made,
    recorded by a party; the latest is the one shown against the agreed split."""

    __tablename__ = "initiative_results"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount"),
        Index("ix_initiative_results_initiative_id", "initiative_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    amount: Mapped[float] = mapped_column(Double)
    currency: Mapped[str] = mapped_column(String(3))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class InitiativeVersion(Base):
    """One version of an initiative: who made it (the organisation acted for, and the
    person when one was signed in), what changed and when. Written with each change
    to what is shared (``service._new_version``) and never updated: the initiative's
    history and its audit."""

    __tablename__ = "initiative_versions"
    __table_args__ = (
        CheckConstraint(
            "change IN ('proposed', 'edited', 'contributed', 'modelled')", name="change"
        ),
        UniqueConstraint("initiative_id", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    change: Mapped[str] = mapped_column(String(16))
    #: The organisation acted for; ``None`` when unknown (a model set from the command
    #: line, which names no party) or once the organisation is gone.
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: What changed, by organisation keys: ``{"title": [old, new], "added": [KEY, …], …}``.
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InitiativeGoal(Base):
    """A learning initiative's goal: a joint action (``winwin.actions``) of the
    relationship between the proposer and one other party, which it owns."""

    __tablename__ = "initiative_goals"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    action_id: Mapped[int] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True, unique=True
    )
