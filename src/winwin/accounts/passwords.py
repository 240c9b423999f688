"""Passwords: changing one's own, and the one-time links that set one (a reset asked for
by email, an invitation, an outsider's verification): made here, used up here."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from winwin.accounts import refusals
from winwin.accounts.credentials import (
    check_password_strength,
    hash_password,
    hash_token,
    new_token,
    verify_password,
)
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.db.base import utcnow
from winwin.kernel.errors import InvalidInput, PermissionDenied

RESET_LIFETIME = timedelta(hours=24)


def change_password(
    session: Session,
    *,
    user_id: int,
    current: str,
    new: str,
    keep_session: str | None = None,
    revoke_tokens: bool = False,
) -> None:
    """Set a new password after checking the current one; other sessions are closed, and
    with ``revoke_tokens`` every API token of the person too."""
    repo = AccountsRepository(session)
    user = repo.get_or_raise(user_id)
    if not verify_password(user.password_hash, current):
        raise InvalidInput(refusals.NOT_CURRENT_PASSWORD("current_password"))
    check_password_strength(new, path="new_password")
    user.password_hash = hash_password(new)
    repo.delete_sessions_of(
        user.id, keep=hash_token(keep_session) if keep_session is not None else None
    )
    if revoke_tokens:
        repo.delete_tokens_of(user.id)


def request_password_reset(session: Session, *, email: str, base_url: str) -> str | None:
    """Create a reset link for a known email, for the door to deliver.

    Returns the link (None for an unknown email; callers answer the same either way).
    """
    repo = AccountsRepository(session)
    if "\x00" in email:
        return None
    user = repo.get_by_email(email.strip().lower())
    if user is None or not user.active:
        return None
    return password_link(repo, user, base_url, RESET_LIFETIME)


def password_link(
    repo: AccountsRepository, user: User, base_url: str, life: timedelta, page: str = "reset"
) -> str:
    """A one-time link to ``/PAGE/TOKEN``; only the token's digest is stored."""
    token = new_token()
    repo.add_reset(token_hash=hash_token(token), user_id=user.id, expires_at=utcnow() + life)
    return f"{base_url.rstrip('/')}/{page}/{token}"


def reset_target(session: Session, *, token: str) -> User | None:
    """Whose password a still valid reset or invitation link sets (None: invalid link)."""
    repo = AccountsRepository(session)
    reset = repo.reset_for(hash_token(token), utcnow())
    return repo.get(reset.user_id) if reset is not None else None


def reset_password(session: Session, *, token: str, new: str) -> User:
    """Set a new password with a reset link's token; the link then stops working."""
    repo = AccountsRepository(session)
    now = utcnow()
    reset = repo.reset_for(hash_token(token), now)
    if reset is None:
        raise PermissionDenied(refusals.LINK_INVALID())
    check_password_strength(new, path="new_password")
    user = repo.get_or_raise(reset.user_id)
    user.password_hash = hash_password(new)
    repo.use_resets_of(user.id, now)
    repo.delete_sessions_of(user.id)
    # Whoever needed a reset may have lost the password to someone: their tokens go too.
    repo.delete_tokens_of(user.id)
    return user
