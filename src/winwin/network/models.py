"""Tables for what a network document carries (see CONTRACT.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from winwin.db.base import Base, utcnow

KEY = 64


class Organization(Base):
    __tablename__ = "organizations"
    __table_args__ = (Index("ix_organizations_business_id", "business_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    cluster: Mapped[str | None] = mapped_column(String(100), index=True)
    industry: Mapped[str | None] = mapped_column(String(100))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    capabilities: Mapped[list[str]] = mapped_column(JSON, default=list)
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    values: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A Y-tunnus or an EU VAT number in its normal form (network.business_ids); unique.
    business_id: Mapped[str | None] = mapped_column(String(20), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrganizationPlace(Base):
    """Every country and cluster an organisation has ever had (never pruned).

    ``country:``/``cluster:`` exclusions match an organisation that *ever* had the value,
    so editing one's own profile never lifts an exclusion (sticky exclusions).
    """

    __tablename__ = "organization_places"
    __table_args__ = (
        CheckConstraint("kind IN ('country', 'cluster')", name="kind"),
        Index("ix_organization_places_kind_value", "kind", "value"),
    )

    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(100), primary_key=True)


class Tie(Base):
    """``supplies`` is directed (from supplies to); ``partners`` is stored with from < to."""

    __tablename__ = "ties"
    __table_args__ = (
        UniqueConstraint("kind", "from_id", "to_id"),
        CheckConstraint("kind IN ('supplies', 'partners')", name="kind"),
        CheckConstraint("from_id <> to_id", name="not_self"),
        Index("ix_ties_to_id", "to_id"),
        # "Are A and B partners?" is asked per feed row, in both directions, any kind.
        Index("ix_ties_from_to", "from_id", "to_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    from_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    to_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))


class Competitor(Base):
    """A symmetric pair, stored once with a_id < b_id, and which sides declared it.

    The pair narrows what both see while either side declares it; only the declaring
    side withdraws its declaration, and the row goes when neither declares it. Pairs
    from network documents in the pair form (and every pair stored before declarations
    had sides) are declared by both.
    """

    __tablename__ = "competitors"
    __table_args__ = (
        UniqueConstraint("a_id", "b_id"),
        CheckConstraint("a_id < b_id", name="ordered"),
        Index("ix_competitors_b_id", "b_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    b_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    declared_by_a: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    declared_by_b: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Circle(Base):
    __tablename__ = "circles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[CircleMember]] = relationship(
        lazy="raise", back_populates="circle", cascade="all, delete-orphan"
    )


class CircleMember(Base):
    """Only rows with status ``member`` make an organisation part of the circle."""

    __tablename__ = "circle_members"
    __table_args__ = (
        UniqueConstraint("circle_id", "org_id"),
        CheckConstraint("status IN ('member', 'invited', 'declined')", name="status"),
        Index("ix_circle_members_org_id", "org_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="member")

    circle: Mapped[Circle] = relationship(lazy="raise", back_populates="members")


class Agreement(Base):
    """Topics secret between two organisations (a_id < b_id).

    ``status`` is ``active`` once both sides have accepted; imported agreements are active.
    """

    __tablename__ = "agreements"
    __table_args__ = (
        UniqueConstraint("a_id", "b_id"),
        CheckConstraint("a_id < b_id", name="ordered"),
        CheckConstraint("status IN ('proposed', 'active')", name="status"),
        Index("ix_agreements_b_id", "b_id"),
        # The checkpoint's agreement hold reads the active agreements' parties once per
        # statement; without it SQLite built a temporary index on every page.
        Index("ix_agreements_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    a_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    b_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="active")
    accepted_by_a: Mapped[bool] = mapped_column(Boolean, default=True)
    accepted_by_b: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    topics: Mapped[list[AgreementTopic]] = relationship(
        lazy="raise", back_populates="agreement", cascade="all, delete-orphan"
    )


class AgreementTopic(Base):
    __tablename__ = "agreement_topics"
    __table_args__ = (
        UniqueConstraint("agreement_id", "topic"),
        Index("ix_agreement_topics_topic", "topic"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(200))

    agreement: Mapped[Agreement] = relationship(lazy="raise", back_populates="topics")


class NetworkSetting(Base):
    """Network-wide settings, such as ``competition_sensitive_topics`` (a JSON value)."""

    __tablename__ = "network_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[list[str]] = mapped_column(JSON)


class Item(Base):
    """A post, idea or document with an audience (see CONTRACT.md, item audiences)."""

    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint(
            "level IN ('secret', 'direct', 'partners', 'circle', 'network', 'public')",
            name="level",
        ),
        Index("ix_items_owner_id", "owner_id"),
        Index("ix_items_level", "level"),
        Index("ix_items_created", "created_at", "id"),
        Index("ix_items_reshare_of_id", "reshare_of_id"),
        Index("ix_items_owner_created", "owner_id", "created_at", "id"),
        Index("ix_items_circle_id", "circle_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str] = mapped_column(String(16))
    circle_id: Mapped[int | None] = mapped_column(ForeignKey("circles.id", ondelete="RESTRICT"))
    reshare_of_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="RESTRICT"))
    # Whether the document gave the reshare its own title/body/topics (else inherited).
    own_content: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    topics: Mapped[list[ItemTopic]] = relationship(lazy="raise", cascade="all, delete-orphan")
    audience_orgs: Mapped[list[ItemAudienceOrg]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )
    exclusions: Mapped[list[ItemExclusion]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )


class ItemTopic(Base):
    __tablename__ = "item_topics"
    __table_args__ = (UniqueConstraint("item_id", "topic"), Index("ix_item_topics_topic", "topic"))

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(200))


class ItemAudienceOrg(Base):
    """The named organisations of a ``direct`` audience."""

    __tablename__ = "item_audience_orgs"
    __table_args__ = (
        UniqueConstraint("item_id", "org_id"),
        Index("ix_item_audience_orgs_org_id", "org_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))


class ItemExclusion(Base):
    """``kind`` is competitors, org, country or cluster; ``value`` is what it names."""

    __tablename__ = "item_exclusions"
    __table_args__ = (
        UniqueConstraint("item_id", "kind", "value"),
        CheckConstraint("kind IN ('competitors', 'org', 'country', 'cluster')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class ItemLineage(Base):
    """The originals of a reshare, maintained beside ``items.reshare_of_id``.

    One row per (reshare, original) pair along the chain down to the root, ``depth`` 1
    for the direct original. Items that reshare nothing have no rows. It lets the feed
    check a whole reshare chain with one indexed lookup instead of a recursive query.
    Kept current by :meth:`ItemRepository.refresh_lineage`.
    """

    __tablename__ = "item_lineage"
    __table_args__ = (
        UniqueConstraint("item_id", "ancestor_id"),
        Index("ix_item_lineage_ancestor_id", "ancestor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    ancestor_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    depth: Mapped[int] = mapped_column(Integer)


class ItemTopicSource(Base):
    """A reshare with no topics of its own takes them from this item of its chain.

    Absent for every item whose effective topics are its own. Maintained with
    :class:`ItemLineage`.
    """

    __tablename__ = "item_topic_sources"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))


class TieProposal(Base):
    """One organisation proposes a tie to another; the other accepts or declines.

    ``kind`` is the proposer's point of view (``supplies``, ``buys``, ``partners``, see
    ``network.tie_rules``). ``status`` runs ``proposed`` → ``accepted`` (the tie is in
    ``ties``) → ``ended``, or ``proposed`` → ``declined`` / ``withdrawn``. A tie from a
    network document has no proposal until it ends, when one is written as ``ended``.
    """

    __tablename__ = "tie_proposals"
    __table_args__ = (
        CheckConstraint("kind IN ('supplies', 'buys', 'partners')", name="kind"),
        CheckConstraint(
            "status IN ('proposed', 'accepted', 'declined', 'withdrawn', 'ended')",
            name="status",
        ),
        CheckConstraint("from_id <> to_id", name="not_self"),
        Index("ix_tie_proposals_from_to", "from_id", "to_id"),
        Index("ix_tie_proposals_to_id", "to_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    to_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    proposed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)


class TieEvent(Base):
    """One line of an organisation's log of tie and competitor changes.

    A tie change is written twice, once in each side's log (``kind`` from that side's
    point of view); a competitor declaration only in the declaring side's log.
    """

    __tablename__ = "tie_events"
    __table_args__ = (
        CheckConstraint(
            "action IN ('proposed', 'accepted', 'declined', 'withdrawn', 'ended', "
            "'competitor_declared', 'competitor_withdrawn')",
            name="action",
        ),
        Index("ix_tie_events_org_at", "org_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    # The organisation that acted, and the person when there was one (None: the CLI).
    by_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str | None] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(default=utcnow)
