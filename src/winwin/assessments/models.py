"""Tables for instruments, assessment rounds, responses and answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from winwin.db.base import Base, utcnow


class Instrument(Base):
    __tablename__ = "instruments"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    scale: Mapped[int] = mapped_column(Integer, default=5)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    # {"en": "...", "fi": "..."}; optional for imported instruments.
    name: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # A custom instrument belongs to the organisation that added it (NULL: built-in or
    # imported, usable by everyone); only that organisation's relationships may use it.
    owner_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list[InstrumentItem]] = relationship(
        lazy="raise",
        back_populates="instrument",
        cascade="all, delete-orphan",
        order_by="InstrumentItem.position",
    )


class InstrumentItem(Base):
    __tablename__ = "instrument_items"
    __table_args__ = (
        UniqueConstraint("instrument_id", "item_key"),
        CheckConstraint(
            "factor IN ('accessibility', 'energy', 'impact', 'attraction')", name="factor"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(64))
    factor: Mapped[str] = mapped_column(String(16))
    reverse: Mapped[bool] = mapped_column(Boolean, default=False)
    text_en: Mapped[str] = mapped_column(Text, default="")
    text_fi: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    instrument: Mapped[Instrument] = relationship(lazy="raise", back_populates="items")


class Assessment(Base):
    """One round of one relationship: the pair is stored with a_id < b_id."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("round", "a_id", "b_id"),
        CheckConstraint("a_id < b_id", name="ordered"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("min_respondents BETWEEN 1 AND 1000", name="min_respondents"),
        Index("ix_assessments_b_id", "b_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round: Mapped[str] = mapped_column(String(64))
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id", ondelete="RESTRICT"))
    a_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    b_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    # Who opened the round (NULL for imported rounds and the command line).
    opened_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # The fewest respondents a side needs before its factors are shown to anyone but
    # its trusted readers (winwin.assessments.anonymity); 1 in a named round.
    min_respondents: Mapped[int] = mapped_column(Integer, default=3, server_default="3")

    instrument: Mapped[Instrument] = relationship(lazy="raise")
    responses: Mapped[list[Response]] = relationship(
        lazy="raise",
        back_populates="assessment",
        cascade="all, delete-orphan",
        order_by="Response.id",
    )
    invitations: Mapped[list[Invitation]] = relationship(
        lazy="raise",
        back_populates="assessment",
        cascade="all, delete-orphan",
        order_by="Invitation.id",
    )


class Response(Base):
    """One respondent's answers in one round; ``side_org_id`` is NULL for a third party."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("assessment_id", "respondent"),
        Index("ix_responses_side_org_id", "side_org_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    side_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    respondent: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(default=None)

    assessment: Mapped[Assessment] = relationship(lazy="raise", back_populates="responses")
    answers: Mapped[list[Answer]] = relationship(
        lazy="raise", back_populates="response", cascade="all, delete-orphan", order_by="Answer.id"
    )
    cant_say: Mapped[list[CantSay]] = relationship(
        lazy="raise", back_populates="response", cascade="all, delete-orphan", order_by="CantSay.id"
    )


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("instrument_items.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer)

    response: Mapped[Response] = relationship(lazy="raise", back_populates="answers")


class CantSay(Base):
    """A statement the respondent marked "I can't say": recorded, but never an answer.

    Kept apart from ``answers`` so that no sum, mean, alpha, interval or export of
    answer values can count it; a response holding only these does not count as a
    respondent of its side either (``ScoreRepository.refresh_sums``).
    """

    __tablename__ = "answer_cant_say"
    __table_args__ = (UniqueConstraint("response_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("instrument_items.id", ondelete="CASCADE"))

    response: Mapped[Response] = relationship(lazy="raise", back_populates="cant_say")


class ScoreSums(Base):
    """One round's answers summed per side and factor: what scoring reads.

    Columns come in three groups: ``a_`` and ``b_`` for the pair's two sides (``a_id``
    and ``b_id`` of the round) and ``outside_`` for the third parties together. Each group
    has ``respondents``, the number of responses, and for each factor (third parties:
    impact and attraction only) ``<factor>_total``, the sum of the normalised answers
    (``(x-1)/(k-1)``, ``1 - n`` when the item is reverse-coded; answers off the scale are
    left out), and ``<factor>_answers``, their count. The factor value is
    ``total / answers``. Responses of an organisation outside the pair, and third parties'
    answers on accessibility or energy, are refused at every door and not counted.

    Derived from ``responses`` and ``answers``, and kept in step by
    ``ScoreRepository.refresh_sums`` after every write of them, so that scoring a
    whole network reads one row per round instead of every answer. A round without a
    row has no responses.
    """

    __tablename__ = "score_sums"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    a_respondents: Mapped[int] = mapped_column(Integer, default=0)
    a_accessibility_total: Mapped[float] = mapped_column(Double, default=0.0)
    a_accessibility_answers: Mapped[int] = mapped_column(Integer, default=0)
    a_energy_total: Mapped[float] = mapped_column(Double, default=0.0)
    a_energy_answers: Mapped[int] = mapped_column(Integer, default=0)
    a_impact_total: Mapped[float] = mapped_column(Double, default=0.0)
    a_impact_answers: Mapped[int] = mapped_column(Integer, default=0)
    a_attraction_total: Mapped[float] = mapped_column(Double, default=0.0)
    a_attraction_answers: Mapped[int] = mapped_column(Integer, default=0)
    b_respondents: Mapped[int] = mapped_column(Integer, default=0)
    b_accessibility_total: Mapped[float] = mapped_column(Double, default=0.0)
    b_accessibility_answers: Mapped[int] = mapped_column(Integer, default=0)
    b_energy_total: Mapped[float] = mapped_column(Double, default=0.0)
    b_energy_answers: Mapped[int] = mapped_column(Integer, default=0)
    b_impact_total: Mapped[float] = mapped_column(Double, default=0.0)
    b_impact_answers: Mapped[int] = mapped_column(Integer, default=0)
    b_attraction_total: Mapped[float] = mapped_column(Double, default=0.0)
    b_attraction_answers: Mapped[int] = mapped_column(Integer, default=0)
    outside_respondents: Mapped[int] = mapped_column(Integer, default=0)
    outside_impact_total: Mapped[float] = mapped_column(Double, default=0.0)
    outside_impact_answers: Mapped[int] = mapped_column(Integer, default=0)
    outside_attraction_total: Mapped[float] = mapped_column(Double, default=0.0)
    outside_attraction_answers: Mapped[int] = mapped_column(Integer, default=0)


class ScoreMeasures(Base):
    """How far one round's scores can be trusted: what ``winwin.assessments.reliability``
    computes from the round's answers.

    ``a_`` and ``b_`` are the pair's two sides (``a_id`` and ``b_id`` of the round):
    ``<slot>_alpha_<factor>`` is Cronbach's alpha of the factor's statements on that side,
    ``<slot>_ci_low`` and ``<slot>_ci_high`` the 95 % bootstrap interval of the side's
    ``S``; ``r_ci_low`` and ``r_ci_high`` that of ``R``. NULL where the number does not
    exist (too few respondents, one statement, no variance).

    Derived from ``responses`` and ``answers`` like ``score_sums``, and refreshed with
    it (``ScoreRepository.refresh_sums``), so that reading scores never resamples.
    A round without a row has no responses.
    """

    __tablename__ = "score_measures"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    a_alpha_accessibility: Mapped[float | None] = mapped_column(Double)
    a_alpha_energy: Mapped[float | None] = mapped_column(Double)
    a_alpha_impact: Mapped[float | None] = mapped_column(Double)
    a_alpha_attraction: Mapped[float | None] = mapped_column(Double)
    b_alpha_accessibility: Mapped[float | None] = mapped_column(Double)
    b_alpha_energy: Mapped[float | None] = mapped_column(Double)
    b_alpha_impact: Mapped[float | None] = mapped_column(Double)
    b_alpha_attraction: Mapped[float | None] = mapped_column(Double)
    a_ci_low: Mapped[float | None] = mapped_column(Double)
    a_ci_high: Mapped[float | None] = mapped_column(Double)
    b_ci_low: Mapped[float | None] = mapped_column(Double)
    b_ci_high: Mapped[float | None] = mapped_column(Double)
    r_ci_low: Mapped[float | None] = mapped_column(Double)
    r_ci_high: Mapped[float | None] = mapped_column(Double)


class Invitation(Base):
    """A personal link to answer one round, for one respondent of one side.

    ``side_org_id`` is NULL for a third party, who sees only impact and attraction
    items. ``respondent`` is the identifier the response is stored under (unique in the
    round).

    The link is found by the SHA-256 digest of its token (``token_hash``). The token
    itself is kept too, sealed (``link_token``, ``winwin.assessments.link_tokens``), so
    that those who may invite for the side can copy the link again at any time instead
    of seeing it once; a resend replaces both
    (the old link stops working) and a revoke clears the token and sets ``revoked_at``
    (``token_hash`` then holds the digest of a token nobody was given). Invitations made
    before links were kept have no ``link_token``: a resend gives them one.
    """

    __tablename__ = "assessment_invitations"
    __table_args__ = (
        UniqueConstraint("assessment_id", "respondent"),
        Index("ix_assessment_invitations_side_org_id", "side_org_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    side_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    respondent: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    locale: Mapped[str | None] = mapped_column(String(8))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    link_token: Mapped[str | None] = mapped_column(String(200), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    invited_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_opened_at: Mapped[datetime | None] = mapped_column(default=None)

    assessment: Mapped[Assessment] = relationship(lazy="raise", back_populates="invitations")


class ResearchExport(Base):
    """One research export of answers: who took it, of which rounds, when (the audit).

    ``user_id`` is NULL for the command line (the trusted local operator). ``rounds``
    lists the exported rounds' ids; ``rows`` counts the answers written. The pseudonyms'
    salt is never stored, so an export's pseudonyms cannot be linked to another's.
    """

    __tablename__ = "research_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rounds: Mapped[list[int]] = mapped_column(JSON, default=list)
    format: Mapped[str] = mapped_column(String(16))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
