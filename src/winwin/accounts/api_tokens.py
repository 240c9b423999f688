"""API tokens: a person makes, lists and revokes their own; each works until it expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from winwin.accounts import refusals
from winwin.accounts.credentials import hash_token, new_token, nul_problems
from winwin.accounts.models import ApiToken
from winwin.accounts.repository import AccountsRepository
from winwin.db.base import utcnow
from winwin.kernel.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class NewApiToken:
    id: int
    name: str
    token: str  # shown once
    expires_at: datetime


TOKEN_DAYS = 90
"""How long an API token works unless its creator chooses otherwise."""
MAX_TOKEN_DAYS = 365


def create_api_token(
    session: Session, *, user_id: int, name: str, days: int = TOKEN_DAYS
) -> NewApiToken:
    """A new token that works for ``days`` days (1 to :data:`MAX_TOKEN_DAYS`)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput(refusals.TOKEN_NAME_LENGTH("name"))
    if "\x00" in name:
        raise InvalidInput(nul_problems({"name": name}))
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(refusals.TOKEN_DAYS("days", n=MAX_TOKEN_DAYS))
    raw = new_token("ww_")
    now = utcnow()
    token = AccountsRepository(session).add_token(
        ApiToken(
            token_hash=hash_token(raw),
            prefix=raw[:10],
            name=name,
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    return NewApiToken(id=token.id, name=name, token=raw, expires_at=token.expires_at)


def list_api_tokens(session: Session, *, user_id: int) -> list[ApiToken]:
    """The person's tokens, oldest first, expired ones included (with their expiry)."""
    return AccountsRepository(session).tokens_of(user_id)


def revoke_api_token(session: Session, *, user_id: int, token_id: int) -> None:
    if not AccountsRepository(session).delete_token(user_id, token_id):
        raise NotFound(refusals.NO_TOKEN())
