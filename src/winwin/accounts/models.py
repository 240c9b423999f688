"""Tables for people, their accounts, sessions and API tokens.

Secrets (session tokens, API tokens, reset tokens) are stored as SHA-256 digests only;
the raw value exists in the cookie, the script or the reset link, never in the database.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from winwin.db.base import Base, utcnow

ROLES = ("member", "org_admin", "facilitator", "platform_admin")
#: A person of no member organisation (a designer, a student, a consumer) who signed up
#: to take part in public challenges; never given by an admin, only by signing up.
OUTSIDER = "outsider"


class User(Base):
    """A person who signs in with email and password: one of an organisation's people, or
    an outsider, who belongs to none."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('member', 'org_admin', 'facilitator', 'platform_admin', 'outsider')",
            name="role",
        ),
        CheckConstraint("role <> 'outsider' OR org_id IS NULL", name="outsider_no_org"),
        Index("ix_users_org_id", "org_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20), default="member")
    locale: Mapped[str | None] = mapped_column(String(8))
    # None until the person sets a password (an invited person has none yet).
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FacilitatorGrant(Base):
    """A facilitator may work for this client organisation."""

    __tablename__ = "facilitator_grants"
    __table_args__ = (
        UniqueConstraint("user_id", "org_id"),
        Index("ix_facilitator_grants_org_id", "org_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebSession(Base):
    """A server-side sign-in session; the cookie carries the raw token."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class ApiToken(Base):
    """A token for scripts, shown once when created and kept only as a digest."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so that a person can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    # After this moment the token is refused (default 90 days after its creation).
    expires_at: Mapped[datetime]


class PasswordResetToken(Base):
    """A one-time link to set a new password (also used to accept an invitation)."""

    __tablename__ = "password_reset_tokens"
    __table_args__ = (Index("ix_password_reset_tokens_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """An attempt counted for rate limiting: a sign-in per email and address, a sign-up or
    a verification per email and per address (``purpose``)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_ip", "email", "ip", "created_at"),
        Index("ix_login_attempts_purpose_ip", "purpose", "ip", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16), default="sign-in", server_default="sign-in")
    email: Mapped[str] = mapped_column(String(320))
    ip: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
