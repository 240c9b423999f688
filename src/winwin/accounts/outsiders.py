"""Outsiders: people of no member organisation who take part in public challenges.

Designers, students and consumers sign up with a name and an e-mail address. Signing up
stores an outsider without a password and makes a one-time link to ``/join/TOKEN``: the
same kind of link as a password reset or an invitation (``accounts.service``), kept only
as a digest and valid for :data:`LINK_LIFETIME`. Opening it and choosing a password
proves the address; the link then stops working. Until then the account cannot sign in.

Both steps are rate-limited in the database, as sign-in is (``login_attempts``, with
its own ``purpose``): the door reserves an attempt and commits it before the attempt is
judged, so parallel requests cannot slip past the limit between the check and the count.

A taken address is answered as a new one (nothing tells a visitor whether an account
exists): no account is made and no link is sent. An outsider who signed up but never
opened the link may sign up again; the earlier links stop working.

What an outsider may see and do is decided in ``accounts.access`` (the routes) and by
the item checkpoint, which treats them as an anonymous reader: public items only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from winwin.accounts import refusals
from winwin.accounts import service as accounts
from winwin.accounts.access import OUTSIDER
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.db.base import utcnow
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied
from winwin.kernel.keys import is_email

LINK_LIFETIME = timedelta(hours=24)
WINDOW = timedelta(hours=1)
SIGN_UPS_PER_ADDRESS = 3
"""Sign-ups for one e-mail address within :data:`WINDOW` (each mails a link)."""
SIGN_UPS_PER_CLIENT = 10
"""Sign-ups from one network address within :data:`WINDOW`."""
VERIFICATIONS_PER_ADDRESS = 10
VERIFICATIONS_PER_CLIENT = 30
SIGN_UP = "sign-up"
VERIFY = "verify"


@dataclass(frozen=True)
class SignedUp:
    """The answer to a sign-up; ``link`` is None when nothing was sent (a taken address)."""

    email: str
    link: str | None


def _address(email: str) -> str:
    """The address as attempts are counted (bounded, so a long one is still counted)."""
    return email.strip().lower().replace("\x00", "")[:320]


def reserve_sign_up(session: Session, *, email: str, ip: str) -> None:
    """Count a sign-up for this address and client before it is judged (commit it)."""
    repo = AccountsRepository(session)
    now = utcnow()
    repo.prune_failures(before=now - WINDOW, purpose=SIGN_UP)
    repo.record_failure(email=_address(email), ip=ip, now=now, purpose=SIGN_UP)


def _check_limit(
    repo: AccountsRepository,
    purpose: str,
    *,
    email: str | None,
    ip: str,
    per_address: int,
    per_ip: int,
) -> None:
    since = utcnow() - WINDOW
    if (
        email is not None and repo.count_attempts(purpose, since=since, email=email) > per_address
    ) or repo.count_attempts(purpose, since=since, ip=ip) > per_ip:
        raise accounts.TooManyAttempts(refusals.TOO_MANY())


def sign_up(
    session: Session, *, email: str, name: str, ip: str, base_url: str, locale: str | None = None
) -> SignedUp:
    """Sign an outsider up and make the link that verifies their address.

    Reserve the attempt first (:func:`reserve_sign_up`, committed). Raises
    ``TooManyAttempts`` past :data:`SIGN_UPS_PER_ADDRESS` for the address or
    :data:`SIGN_UPS_PER_CLIENT` for the client within :data:`WINDOW`, and
    ``InvalidInput`` naming ``email`` or ``name``.
    """
    repo = AccountsRepository(session)
    _check_limit(
        repo,
        SIGN_UP,
        email=_address(email),
        ip=ip,
        per_address=SIGN_UPS_PER_ADDRESS,
        per_ip=SIGN_UPS_PER_CLIENT,
    )
    problems = [
        refusals.NUL(path) for path, value in (("email", email), ("name", name)) if "\x00" in value
    ]
    address = email.strip().lower()
    if "\x00" not in address and not is_email(address):
        problems.append(refusals.NOT_AN_EMAIL("email"))
    if "\x00" not in name and not 1 <= len(name.strip()) <= 200:
        problems.append(refusals.NAME_LENGTH("name"))
    if problems:
        raise InvalidInput(problems)
    chosen = locale if locale in accounts.LOCALES else None
    user = repo.get_by_email(address)
    if user is not None and (user.role != OUTSIDER or user.password_hash is not None):
        return SignedUp(email=address, link=None)
    if user is None:
        user = repo.add(
            User(
                email=address,
                name=name.strip(),
                role=OUTSIDER,
                org_id=None,
                password_hash=None,
                locale=chosen,
            )
        )
    else:
        # Signed up before but never verified: the newest link is the only one that works.
        user.name, user.locale = name.strip(), chosen or user.locale
        repo.use_resets_of(user.id, utcnow())
    link = accounts.password_link(repo, user, base_url, LINK_LIFETIME, page="join")
    return SignedUp(email=address, link=link)


def verification_target(session: Session, *, token: str) -> User | None:
    """The outsider whose address a still valid link verifies (None: invalid link)."""
    user = accounts.reset_target(session, token=token)
    return user if user is not None and user.role == OUTSIDER else None


def reserve_verification(session: Session, *, token: str, ip: str) -> None:
    """Count a verification for this client (and the link's address) before it is judged."""
    repo = AccountsRepository(session)
    now = utcnow()
    target = verification_target(session, token=token)
    repo.prune_failures(before=now - WINDOW, purpose=VERIFY)
    repo.record_failure(email=target.email if target else "", ip=ip, now=now, purpose=VERIFY)


def verify(
    session: Session, *, token: str, password: str, ip: str, path: str = "new_password"
) -> User:
    """Verify the address behind ``token`` and set the outsider's password.

    Reserve the attempt first (:func:`reserve_verification`, committed).
    ``PermissionDenied`` for an unknown, used or expired link (one answer for all three),
    ``InvalidInput`` naming ``path``, ``TooManyAttempts`` past the limits.
    """
    repo = AccountsRepository(session)
    target = verification_target(session, token=token)
    _check_limit(
        repo,
        VERIFY,
        email=target.email if target else None,
        ip=ip,
        per_address=VERIFICATIONS_PER_ADDRESS,
        per_ip=VERIFICATIONS_PER_CLIENT,
    )
    if target is None:
        raise PermissionDenied(refusals.LINK_INVALID())
    accounts.check_password_strength(password, path=path)
    return accounts.reset_password(session, token=token, new=password)


# for the operator ---------------------------------------------------------------------
@dataclass(frozen=True)
class OutsiderRead:
    email: str
    name: str
    verified: bool
    created_at: str


def list_outsiders(session: Session) -> list[OutsiderRead]:
    """Every outsider by email; ``verified`` once they chose a password through the link."""
    return [
        OutsiderRead(
            email=u.email,
            name=u.name,
            verified=u.password_hash is not None,
            created_at=u.created_at.isoformat(),
        )
        for u in AccountsRepository(session).outsiders()
    ]


def remove_outsider(session: Session, *, email: str) -> None:
    """Remove an outsider's account with their votes and comments (``NotFound`` naming
    ``EMAIL`` for an address that is no outsider's). Ideas they proposed stay with the
    challenge's owner, who moves or removes them as any idea."""
    repo = AccountsRepository(session)
    user = repo.get_by_email(_address(email)) if "\x00" not in email else None
    if user is None or user.role != OUTSIDER:
        raise NotFound(refusals.NO_OUTSIDER(address=_address(email)))
    repo.delete_comments_of(user.id)
    repo.delete(user)
