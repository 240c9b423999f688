"""Signing in and out: the limit on failed attempts, the three steps of checking a
password (so that no database connection is held while it is hashed), and the sessions
and API tokens that say who a request comes from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from winwin.accounts import refusals
from winwin.accounts.credentials import (
    hash_password,
    hash_token,
    needs_rehash,
    new_token,
    verify_password,
)
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.db.base import utcnow
from winwin.kernel.errors import WinwinError

SESSION_LIFETIME = timedelta(days=14)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


class TooManyAttempts(WinwinError):
    """Too many failed sign-ins for this email from this address; wait and retry."""


class BadCredentials(WinwinError):
    """The email or password is wrong."""


def reserve_sign_in_attempt(session: Session, *, email: str, ip: str) -> None:
    """Count a sign-in attempt for this email and address before its password is checked.

    The door commits the reservation, then calls :func:`sign_in`, which counts the
    committed attempts. Every attempt is visible to the others before any is judged, so
    of parallel attempts at most ``MAX_FAILURES`` within ``FAILURE_WINDOW`` ever reach
    the password check (the k-th to commit counts at least k). A successful sign-in
    clears the count.
    """
    repo = AccountsRepository(session)
    now = utcnow()
    # Attempts older than the window no longer count; drop them as new ones arrive.
    repo.prune_failures(before=now - FAILURE_WINDOW)
    repo.record_failure(email=email.strip().lower(), ip=ip, now=now)


def sign_in(session: Session, *, email: str, password: str, ip: str) -> tuple[User, str]:
    """Check the password and open a session; returns the user and the raw session token.

    Reserve the attempt first (:func:`reserve_sign_in_attempt`, committed). Raises
    TooManyAttempts when more than ``MAX_FAILURES`` attempts for this email and address
    fall within ``FAILURE_WINDOW`` (even with the right password), BadCredentials for a
    wrong email or password. The same as :func:`start_sign_in`, :func:`password_matches`
    and :func:`finish_sign_in` in turn.
    """
    attempt = start_sign_in(session, email=email, ip=ip)
    return finish_sign_in(
        session, attempt=attempt, password=password, ok=password_matches(attempt, password)
    )


@dataclass(frozen=True)
class SignInAttempt:
    """What checking a password needs, read before it is checked."""

    email: str
    ip: str
    user_id: int | None
    password_hash: str | None


def start_sign_in(session: Session, *, email: str, ip: str) -> SignInAttempt:
    """The first step of :func:`sign_in`: the limit, then the account's stored hash.

    A door may end its transaction after this step, so that no database connection is
    held while the hash is checked (slow on purpose: a burst of sign-ins otherwise holds
    every pooled connection for the length of a hash).
    """
    repo = AccountsRepository(session)
    email_key = email.strip().lower()
    if repo.count_failures(email=email_key, ip=ip, since=utcnow() - FAILURE_WINDOW) > MAX_FAILURES:
        raise TooManyAttempts(refusals.TOO_MANY_SIGN_INS())
    if "\x00" in email_key:
        raise BadCredentials(refusals.BAD_CREDENTIALS())
    user = repo.get_by_email(email_key)
    return SignInAttempt(
        email=email_key,
        ip=ip,
        user_id=user.id if user is not None else None,
        password_hash=user.password_hash if user is not None else None,
    )


def password_matches(attempt: SignInAttempt, password: str) -> bool:
    """The slow step of :func:`sign_in`; it uses no database."""
    return verify_password(attempt.password_hash, password)


def finish_sign_in(
    session: Session, *, attempt: SignInAttempt, password: str, ok: bool
) -> tuple[User, str]:
    """The last step of :func:`sign_in`: refuse, or clear the count and open a session.

    The account is read again: one deactivated, or whose password changed, since the
    first step is refused.
    """
    repo = AccountsRepository(session)
    user = (
        session.get(User, attempt.user_id, populate_existing=True)
        if attempt.user_id is not None
        else None
    )
    if user is None or not ok or not user.active or user.password_hash != attempt.password_hash:
        raise BadCredentials(refusals.BAD_CREDENTIALS())
    repo.clear_failures(email=attempt.email, ip=attempt.ip)
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user, open_session(session, user_id=user.id)


def open_session(session: Session, *, user_id: int) -> str:
    token = new_token()
    repo = AccountsRepository(session)
    now = utcnow()
    repo.prune_sessions(user_id, now=now)
    repo.add_session(
        token_hash=hash_token(token), user_id=user_id, expires_at=now + SESSION_LIFETIME
    )
    return token


def sign_out(session: Session, *, session_token: str) -> None:
    AccountsRepository(session).delete_session(hash_token(session_token))


def user_for_session_token(session: Session, token: str) -> User | None:
    return AccountsRepository(session).user_for_session(hash_token(token), utcnow())


def user_for_api_token(session: Session, token: str) -> User | None:
    return AccountsRepository(session).user_for_token(hash_token(token), utcnow())
