"""Use cases for accounts: sign in and out, sessions, API tokens, passwords, invitations."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from winwin.domain.errors import InvalidInput, NotFound, PermissionDenied, Problem, WinwinError
from winwin.store.models.accounts import ApiToken, User
from winwin.store.models.base import utcnow
from winwin.store.repositories.accounts import AccountsRepository

log = logging.getLogger("winwin.accounts")

SESSION_LIFETIME = timedelta(days=14)
RESET_LIFETIME = timedelta(hours=24)
INVITE_LIFETIME = timedelta(days=7)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 10
LOCALES = ("fi", "en")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# argon2id with the library's defaults (RFC 9106 low-memory profile).
_hasher = PasswordHasher()
# Verified against when the email is unknown, so that timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("not a real password")


class TooManyAttempts(WinwinError):
    """Too many failed sign-ins for this email from this address; wait and retry."""


class BadCredentials(WinwinError):
    """The email or password is wrong."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(email: str, *, path: str = "email") -> str:
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > 320:
        raise InvalidInput(Problem(path, "is not a valid email address"))
    return email


def check_password_strength(password: str, *, path: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(Problem(path, f"must be at least {MIN_PASSWORD} characters long"))


# sign-in ------------------------------------------------------------------------------
def sign_in(session: Session, *, email: str, password: str, ip: str) -> tuple[User, str]:
    """Check the password and open a session; returns the user and the raw session token.

    Raises TooManyAttempts after ``MAX_FAILURES`` failures for this email and address
    within ``FAILURE_WINDOW`` (even with the right password), BadCredentials otherwise.
    """
    repo = AccountsRepository(session)
    now = utcnow()
    email_key = email.strip().lower()
    if repo.count_failures(email=email_key, ip=ip, since=now - FAILURE_WINDOW) >= MAX_FAILURES:
        raise TooManyAttempts("too many failed sign-ins; try again in 15 minutes")
    user = repo.get_by_email(email_key)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        repo.record_failure(email=email_key, ip=ip, now=now)
        raise BadCredentials("the email or password is wrong")
    repo.clear_failures(email=email_key, ip=ip)
    if user.password_hash and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user, open_session(session, user_id=user.id)


def open_session(session: Session, *, user_id: int) -> str:
    token = new_token()
    AccountsRepository(session).add_session(
        token_hash=hash_token(token), user_id=user_id, expires_at=utcnow() + SESSION_LIFETIME
    )
    return token


def sign_out(session: Session, *, session_token: str) -> None:
    AccountsRepository(session).delete_session(hash_token(session_token))


def user_for_session_token(session: Session, token: str) -> User | None:
    return AccountsRepository(session).user_for_session(hash_token(token), utcnow())


def user_for_api_token(session: Session, token: str) -> User | None:
    return AccountsRepository(session).user_for_token(hash_token(token), utcnow())


# API tokens ---------------------------------------------------------------------------
@dataclass(frozen=True)
class NewApiToken:
    id: int
    name: str
    token: str  # shown once


def create_api_token(session: Session, *, user_id: int, name: str) -> NewApiToken:
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput(Problem("name", "must be 1 to 100 characters"))
    raw = new_token("ww_")
    token = AccountsRepository(session).add_token(
        ApiToken(token_hash=hash_token(raw), prefix=raw[:10], name=name, user_id=user_id)
    )
    return NewApiToken(id=token.id, name=name, token=raw)


def revoke_api_token(session: Session, *, user_id: int, token_id: int) -> None:
    if not AccountsRepository(session).delete_token(user_id, token_id):
        raise NotFound("no such token")


# passwords ----------------------------------------------------------------------------
def change_password(
    session: Session,
    *,
    user_id: int,
    current: str,
    new: str,
    keep_session: str | None = None,
) -> None:
    """Set a new password after checking the current one; other sessions are closed."""
    repo = AccountsRepository(session)
    user = repo.get_or_raise(user_id)
    if not verify_password(user.password_hash, current):
        raise InvalidInput(Problem("current_password", "is not your current password"))
    check_password_strength(new, path="new_password")
    user.password_hash = hash_password(new)
    repo.delete_sessions_of(
        user.id, keep=hash_token(keep_session) if keep_session is not None else None
    )


def request_password_reset(session: Session, *, email: str, base_url: str) -> str | None:
    """Create a reset link for a known email; the link is logged when no mail server exists.

    Returns the link (None for an unknown email; callers answer the same either way).
    """
    repo = AccountsRepository(session)
    user = repo.get_by_email(email.strip().lower())
    if user is None or not user.active:
        return None
    link = _reset_link(repo, user, base_url, RESET_LIFETIME)
    log.warning("password reset link for %s: %s", user.email, link)
    return link


def _reset_link(repo: AccountsRepository, user: User, base_url: str, life: timedelta) -> str:
    token = new_token()
    repo.add_reset(token_hash=hash_token(token), user_id=user.id, expires_at=utcnow() + life)
    return f"{base_url.rstrip('/')}/reset/{token}"


def reset_password(session: Session, *, token: str, new: str) -> User:
    """Set a new password with a reset link's token; the link then stops working."""
    repo = AccountsRepository(session)
    now = utcnow()
    reset = repo.reset_for(hash_token(token), now)
    if reset is None:
        raise PermissionDenied("this link is invalid or has expired")
    check_password_strength(new, path="new_password")
    user = repo.get_or_raise(reset.user_id)
    user.password_hash = hash_password(new)
    repo.use_resets_of(user.id, now)
    repo.delete_sessions_of(user.id)
    return user


def set_locale(session: Session, *, user_id: int, locale: str) -> None:
    if locale not in LOCALES:
        raise InvalidInput(Problem("locale", f"must be one of {', '.join(LOCALES)}"))
    AccountsRepository(session).get_or_raise(user_id).locale = locale
