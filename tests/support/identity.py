"""Who acts in a test: resolved as the doors resolve it (``accounts.access.resolve_actor``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, actor_for, operator, resolve_actor
from winwin.accounts.models import User


def acting(session: Session, org: str | None, user_id: int | None = None) -> Actor:
    """The person ``user_id`` (None: the command line's operator) acting for ``org``
    (None: their own organisation, or nobody)."""
    person = operator() if user_id is None else actor_for(session, session.get_one(User, user_id))
    return resolve_actor(session, person, named=org)
