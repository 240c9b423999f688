"""The table of organisations invited to join, and of those waiting for approval."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from winwin.db.base import Base, utcnow


class OrganizationInvitation(Base):
    """An organisation invited by another, from the e-mail to its first admin on.

    ``status`` runs ``invited`` (the link is out) → ``pending`` (the profile is complete,
    a platform admin has to approve it) → ``joined`` (the organisation and its first
    admin exist), or ``pending`` → ``rejected``. A pending organisation lives only in
    this row: it has no row in ``organizations`` and no account, so it sees nothing and
    no read of the network can name it. The link's token is kept only as a digest.
    """

    __tablename__ = "organization_invitations"
    __table_args__ = (
        CheckConstraint("status IN ('invited', 'pending', 'joined', 'rejected')", name="status"),
        Index("ix_organization_invitations_status_key", "status", "key"),
        Index("ix_organization_invitations_email", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    invited_by_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    invited_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(16), default="invited")
    # The profile, as the first admin completed it (empty while ``invited``).
    key: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2))
    business_id: Mapped[str | None] = mapped_column(String(20))
    admin_name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(8))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
