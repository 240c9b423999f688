"""Queries over people, grants, sessions, API tokens, reset tokens and sign-in failures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from winwin.accounts import refusals
from winwin.accounts.models import (
    ApiToken,
    FacilitatorGrant,
    LoginAttempt,
    PasswordResetToken,
    User,
    WebSession,
)
from winwin.innovation.models import InnovationComment
from winwin.kernel.errors import NotFound
from winwin.kernel.time import as_utc
from winwin.network.models import Organization

TOUCH_EVERY = timedelta(minutes=5)


class AccountsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # people ----------------------------------------------------------------------------
    def get(self, user_id: int) -> User | None:
        return self.session.get(User, user_id)

    def get_or_raise(self, user_id: int) -> User:
        user = self.get(user_id)
        if user is None:
            raise NotFound(refusals.NO_PERSON(id=user_id))
        return user

    def get_by_email(self, email: str) -> User | None:
        return self.session.scalar(select(User).where(func.lower(User.email) == email.lower()))

    def emails_taken(self, emails: Sequence[str]) -> set[str]:
        lowered = [e.lower() for e in emails]
        if not lowered:
            return set()
        rows = self.session.scalars(
            select(func.lower(User.email)).where(func.lower(User.email).in_(lowered))
        )
        return set(rows)

    def add(self, user: User) -> User:
        self.session.add(user)
        self.session.flush()
        return user

    def delete(self, user: User) -> None:
        self.session.delete(user)
        self.session.flush()

    def outsiders(self) -> list[User]:
        """Every outsider, verified or not, by email."""
        return list(
            self.session.scalars(select(User).where(User.role == "outsider").order_by(User.email))
        )

    def delete_comments_of(self, user_id: int) -> None:
        """A removed outsider's comments go with them (a member's stay, unsigned)."""
        self.session.execute(delete(InnovationComment).where(InnovationComment.user_id == user_id))

    def people_of_org(self, org_id: int) -> list[User]:
        return list(
            self.session.scalars(
                select(User).where(User.org_id == org_id).order_by(User.name, User.email)
            )
        )

    def count_role_in_org(self, org_id: int, role: str) -> int:
        return (
            self.session.scalar(
                select(func.count())
                .select_from(User)
                .where(User.org_id == org_id, User.role == role, User.active.is_(True))
            )
            or 0
        )

    # organisations (the ids that access decisions need) ---------------------------------
    def all_org_ids(self) -> set[int]:
        return set(self.session.scalars(select(Organization.id)))

    def get_org(self, org_id: int) -> Organization | None:
        return self.session.get(Organization, org_id)

    def all_orgs(self, *, limit: int | None = None, offset: int = 0) -> list[Organization]:
        query = select(Organization).order_by(Organization.name, Organization.key).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return list(self.session.scalars(query))

    def orgs_by_ids(
        self, org_ids: set[int], *, limit: int | None = None, offset: int = 0
    ) -> list[Organization]:
        if not org_ids:
            return []
        query = (
            select(Organization)
            .where(Organization.id.in_(sorted(org_ids)))
            .order_by(Organization.name, Organization.key)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        return list(self.session.scalars(query))

    # facilitator grants -----------------------------------------------------------------
    def granted_org_ids(self, user_id: int) -> set[int]:
        return set(
            self.session.scalars(
                select(FacilitatorGrant.org_id).where(FacilitatorGrant.user_id == user_id)
            )
        )

    def grant(self, user_id: int, org_id: int) -> None:
        if org_id not in self.granted_org_ids(user_id):
            self.session.add(FacilitatorGrant(user_id=user_id, org_id=org_id))
            self.session.flush()

    def revoke(self, user_id: int, org_id: int) -> bool:
        result = self.session.execute(
            delete(FacilitatorGrant).where(
                FacilitatorGrant.user_id == user_id, FacilitatorGrant.org_id == org_id
            )
        )
        return bool(getattr(result, "rowcount", 0))

    def facilitators_of_org(self, org_id: int) -> list[User]:
        return list(
            self.session.scalars(
                select(User)
                .join(FacilitatorGrant, FacilitatorGrant.user_id == User.id)
                .where(FacilitatorGrant.org_id == org_id)
                .order_by(User.name, User.email)
            )
        )

    # sessions ---------------------------------------------------------------------------
    def add_session(self, *, token_hash: str, user_id: int, expires_at: datetime) -> None:
        self.session.add(WebSession(token_hash=token_hash, user_id=user_id, expires_at=expires_at))
        self.session.flush()

    def user_for_session(self, token_hash: str, now: datetime) -> User | None:
        return self.session.scalar(
            select(User)
            .join(WebSession, WebSession.user_id == User.id)
            .where(
                WebSession.token_hash == token_hash,
                WebSession.expires_at > now,
                User.active.is_(True),
            )
        )

    def delete_session(self, token_hash: str) -> None:
        self.session.execute(delete(WebSession).where(WebSession.token_hash == token_hash))

    def delete_sessions_of(self, user_id: int, *, keep: str | None = None) -> None:
        query = delete(WebSession).where(WebSession.user_id == user_id)
        if keep is not None:
            query = query.where(WebSession.token_hash != keep)
        self.session.execute(query)

    # API tokens -------------------------------------------------------------------------
    def add_token(self, token: ApiToken) -> ApiToken:
        self.session.add(token)
        self.session.flush()
        return token

    def user_for_token(self, token_hash: str, now: datetime) -> User | None:
        row = self.session.execute(
            select(User, ApiToken)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(
                ApiToken.token_hash == token_hash,
                ApiToken.expires_at > now,
                User.active.is_(True),
            )
        ).first()
        if row is None:
            return None
        user, token = row
        self._touch(token, now)
        return user

    def _touch(self, token: ApiToken, now: datetime) -> None:
        """Record when a token was last used, at most every few minutes and at best effort.

        Writing on every request would turn each API read into a write, and on SQLite
        concurrent readers that upgrade to writers fail with "database is locked".
        """
        last = token.last_used_at
        if last is not None:
            last = as_utc(last)
            if now - last < TOUCH_EVERY:
                return
        try:
            with self.session.begin_nested():
                token.last_used_at = now
                self.session.flush()
        except OperationalError:
            self.session.expire(token)

    def tokens_of(self, user_id: int) -> list[ApiToken]:
        return list(
            self.session.scalars(
                select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
            )
        )

    def delete_tokens_of(self, user_id: int) -> int:
        result = self.session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
        return int(getattr(result, "rowcount", 0) or 0)

    def delete_token(self, user_id: int, token_id: int) -> bool:
        result = self.session.execute(
            delete(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id)
        )
        return bool(getattr(result, "rowcount", 0))

    # password reset tokens --------------------------------------------------------------
    def add_reset(self, *, token_hash: str, user_id: int, expires_at: datetime) -> None:
        self.session.add(
            PasswordResetToken(token_hash=token_hash, user_id=user_id, expires_at=expires_at)
        )
        self.session.flush()

    def reset_for(self, token_hash: str, now: datetime) -> PasswordResetToken | None:
        return self.session.scalar(
            select(PasswordResetToken).where(
                PasswordResetToken.token_hash == token_hash,
                PasswordResetToken.expires_at > now,
                PasswordResetToken.used_at.is_(None),
            )
        )

    def use_resets_of(self, user_id: int, now: datetime) -> None:
        self.session.execute(
            update(PasswordResetToken)
            .where(PasswordResetToken.user_id == user_id, PasswordResetToken.used_at.is_(None))
            .values(used_at=now)
        )

    # attempts counted for rate limiting (sign-in, sign-up, verification) ------------------
    def record_failure(
        self, *, email: str, ip: str, now: datetime, purpose: str = "sign-in"
    ) -> None:
        self.session.add(LoginAttempt(email=email.lower(), ip=ip, created_at=now, purpose=purpose))
        self.session.flush()

    def count_failures(self, *, email: str, ip: str, since: datetime) -> int:
        return self.count_attempts("sign-in", email=email, ip=ip, since=since)

    def count_attempts(
        self, purpose: str, *, since: datetime, email: str | None = None, ip: str | None = None
    ) -> int:
        """Attempts for ``purpose`` after ``since``, by this email and/or this address."""
        query = (
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.purpose == purpose, LoginAttempt.created_at > since)
        )
        if email is not None:
            query = query.where(LoginAttempt.email == email.lower())
        if ip is not None:
            query = query.where(LoginAttempt.ip == ip)
        return self.session.scalar(query) or 0

    def prune_failures(self, *, before: datetime, purpose: str = "sign-in") -> None:
        self.session.execute(
            delete(LoginAttempt).where(
                LoginAttempt.purpose == purpose, LoginAttempt.created_at <= before
            )
        )

    def prune_sessions(self, user_id: int, *, now: datetime) -> None:
        self.session.execute(
            delete(WebSession).where(WebSession.user_id == user_id, WebSession.expires_at <= now)
        )

    def clear_failures(self, *, email: str, ip: str) -> None:
        self.session.execute(
            delete(LoginAttempt).where(
                LoginAttempt.purpose == "sign-in",
                LoginAttempt.email == email.lower(),
                LoginAttempt.ip == ip,
            )
        )
