"""Use cases for organisations that join by invitation.

The rules
---------
- An organisation's admins (``accounts.access.can_manage_org``) invite another
  organisation by e-mail. The link (``/invitation/TOKEN``) is valid for
  :data:`INVITE_LIFETIME` and only once; an address that already has an account is
  refused.
- Whoever opens the link completes the new organisation's profile (name, country,
  business ID) and becomes its first admin (their name and a password).
- With approval on (``WINWIN_APPROVE_ORGANISATIONS=1``, the default) the organisation is
  then *pending*: it is only a row of ``organization_invitations`` (no organisation, no
  account), so it sees nothing and no read of the network names it. A platform admin
  approves it (the organisation and its admin are created then) or rejects it. With
  approval off it is active at once.
- The organisation's key is made from its name (lower case, ``ä``→``a``, other runs of
  characters → ``-``), with ``-2``, ``-3``… when taken by an organisation or by a
  pending one. Business IDs are unique across organisations and pending ones.

The operator at the command line (``accounts.access.operator()``) acts with full authority.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts import service as accounts
from winwin.accounts.access import Actor, require_manage, require_platform_admin
from winwin.accounts.models import User
from winwin.accounts.repository import AccountsRepository
from winwin.kernel.errors import InvalidInput, NotFound, RuleBroken
from winwin.kernel.keys import is_email
from winwin.kernel.time import as_utc, utcnow
from winwin.network import refusals
from winwin.network.business_ids import BadBusinessId, normalise_business_id
from winwin.network.countries import country_problem
from winwin.network.joining_models import OrganizationInvitation
from winwin.network.joining_repository import JoinRepository
from winwin.network.models import Organization
from winwin.network.repository import NetworkRepository

INVITE_LIFETIME = timedelta(days=14)
"""How long an organisation's invitation link may be used."""


@dataclass(frozen=True)
class IssuedOrgInvitation:
    """An invitation made; the door delivers ``link`` (``winwin.mail.delivery``)."""

    by: str
    email: str
    link: str
    expires_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "email": self.email,
            "link": self.link,
            "expires_at": self.expires_at.isoformat(),
        }


@dataclass(frozen=True)
class Completed:
    """What completing the profile left: ``pending`` or ``active``."""

    key: str
    name: str
    state: str


# keys ---------------------------------------------------------------------------------
def key_from_name(name: str) -> str:
    """A key made from a name: ``Pakkaus Äijälä Oy`` → ``pakkaus-aijala-oy`` (at most 60)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].strip("-")
    return slug or "org"


def _free_key(repo: JoinRepository, name: str) -> str:
    base = key_from_name(name)
    if not repo.key_taken(base):
        return base
    number = 2
    while repo.key_taken(f"{base}-{number}"):
        number += 1
    return f"{base}-{number}"


# inviting -----------------------------------------------------------------------------
def invite_organisation(
    session: Session, actor: Actor, *, by: str, email: str, base_url: str
) -> IssuedOrgInvitation:
    """``by`` invites another organisation; its first admin is reached at ``email``."""
    inviter = NetworkRepository(session).get_by_key(by)
    if inviter is None:
        raise NotFound(refusals.NO_ORG("by", key=by))
    if not actor.is_operator:
        require_manage(actor, inviter.id)
    if "\x00" in email:
        raise InvalidInput(refusals.NUL_TEXT("email"))
    address = email.strip().lower()
    if not is_email(address):
        raise InvalidInput(refusals.BAD_EMAIL("email", email=address[:80]))
    repo = JoinRepository(session)
    if (
        AccountsRepository(session).get_by_email(address) is not None
        or repo.pending_with_email(address) is not None
    ):
        raise RuleBroken(refusals.EMAIL_HAS_ACCOUNT("email", email=address))
    token = accounts.new_token()
    expires = utcnow() + INVITE_LIFETIME
    repo.add(
        OrganizationInvitation(
            token_hash=accounts.hash_token(token),
            email=address,
            invited_by_org_id=inviter.id,
            invited_by_user_id=actor.user_id,
            status="invited",
            expires_at=expires,
        )
    )
    link = f"{base_url.rstrip('/')}/invitation/{token}"
    return IssuedOrgInvitation(by=by, email=address, link=link, expires_at=expires)


def open_invitation(session: Session, *, token: str) -> OrganizationInvitation | None:
    """The invitation a still usable link opens (None: invalid, used or expired)."""
    if not token or len(token) > 200 or "\x00" in token:
        return None
    row = JoinRepository(session).by_token_hash(accounts.hash_token(token))
    if row is None or row.status != "invited" or as_utc(row.expires_at) <= utcnow():
        return None
    return row


def inviter_name(session: Session, row: OrganizationInvitation) -> str | None:
    """The name of the organisation that sent the invitation (for the form's greeting)."""
    if row.invited_by_org_id is None:
        return None
    org = AccountsRepository(session).get_org(row.invited_by_org_id)
    return org.name if org is not None else None


# completing the profile ---------------------------------------------------------------
def _profile(
    session: Session, *, name: str, country: str, business_id: str, admin_name: str, password: str
) -> tuple[str, str | None, str | None]:
    """The checked name, country and business ID; every problem names its field."""
    texts = {"name": name, "country": country, "business_id": business_id}
    texts["admin_name"] = admin_name
    problems = [refusals.NUL_TEXT(path) for path, value in texts.items() if "\x00" in value]
    if "\x00" in password:
        problems.append(refusals.NUL_TEXT("password"))
    if problems:
        raise InvalidInput(problems)
    name, admin_name = name.strip(), admin_name.strip()
    code = country.strip().upper() or None
    if not 1 <= len(name) <= 300:
        problems.append(refusals.NAME_LENGTH("name"))
    if code is not None and (problem := country_problem(code)):
        problems.append(problem)
    normal: str | None = None
    if business_id.strip():
        try:
            normal = normalise_business_id(business_id, code)
        except BadBusinessId as exc:
            problems.append(exc.problem("business_id"))
    if not 1 <= len(admin_name) <= 200:
        problems.append(refusals.PERSON_NAME_LENGTH("admin_name"))
    if len(password) < accounts.MIN_PASSWORD:
        problems.append(refusals.PASSWORD_SHORT("password", min=accounts.MIN_PASSWORD))
    if problems:
        raise InvalidInput(problems)
    if normal is not None:
        _business_id_free(session, normal)
    return name, code, normal


def _business_id_free(session: Session, normal: str, *, pending_id: int | None = None) -> None:
    if NetworkRepository(session).holder_of_business_id(normal) is not None:
        raise RuleBroken(refusals.BUSINESS_ID_TAKEN("business_id", value=normal))
    waiting = JoinRepository(session).pending_with_business_id(normal)
    if waiting is not None and waiting.id != pending_id:
        raise RuleBroken(refusals.BUSINESS_ID_WAITING("business_id", value=normal))


def complete_profile(
    session: Session,
    *,
    token: str,
    name: str,
    country: str = "",
    business_id: str = "",
    admin_name: str,
    password: str,
    locale: str | None = None,
    approval_required: bool = True,
) -> Completed:
    """The invited organisation's first admin completes its profile.

    The link is used up. With ``approval_required`` the organisation waits for a
    platform admin; without it, the organisation and its admin exist at once.
    """
    row = open_invitation(session, token=token)
    if row is None:
        raise RuleBroken(refusals.JOIN_LINK_INVALID("token"))
    name, code, normal = _profile(
        session,
        name=name,
        country=country,
        business_id=business_id,
        admin_name=admin_name,
        password=password,
    )
    if AccountsRepository(session).get_by_email(row.email) is not None:
        raise RuleBroken(refusals.EMAIL_HAS_ACCOUNT("token", email=row.email))
    repo = JoinRepository(session)
    row.key = _free_key(repo, name)
    row.name, row.country, row.business_id = name, code, normal
    row.admin_name = admin_name.strip()
    row.password_hash = accounts.hash_password(password)
    row.locale = locale if locale in accounts.LOCALES else None
    row.completed_at = utcnow()
    row.status = "pending"
    session.flush()
    if approval_required:
        return Completed(key=row.key, name=name, state="pending")
    _join(session, row)
    return Completed(key=row.key, name=name, state="active")


def _join(session: Session, row: OrganizationInvitation) -> Organization:
    """Create the organisation and its first admin from a completed invitation."""
    assert row.key is not None and row.name is not None
    network = NetworkRepository(session)
    org = Organization(
        key=row.key,
        name=row.name,
        country=row.country,
        business_id=row.business_id,
        roles=[],
        capabilities=[],
        needs=[],
        values=[],
    )
    network.add_org(org)
    network.remember_places([org.id])
    AccountsRepository(session).add(
        User(
            email=row.email,
            name=row.admin_name or row.email,
            org_id=org.id,
            role="org_admin",
            locale=row.locale,
            password_hash=row.password_hash,
        )
    )
    row.org_id = org.id
    row.status = "joined"
    row.decided_at = utcnow()
    row.password_hash = None
    session.flush()
    return org


# approving ----------------------------------------------------------------------------
def pending_json(session: Session, row: OrganizationInvitation) -> dict[str, Any]:
    keys = NetworkRepository(session).org_keys_by_id() if row.invited_by_org_id else {}
    return {
        "key": row.key,
        "name": row.name,
        "country": row.country,
        "business_id": row.business_id,
        "admin": row.email,
        "admin_name": row.admin_name,
        "invited_by": keys.get(row.invited_by_org_id) if row.invited_by_org_id else None,
        "completed_at": as_utc(row.completed_at).isoformat() if row.completed_at else None,
    }


def pending_organisations(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Organisations waiting for approval, oldest first (platform admins only)."""
    if not actor.is_operator:
        require_platform_admin(actor)
    return [pending_json(session, row) for row in JoinRepository(session).pending()]


def _pending_or_raise(session: Session, actor: Actor, key: str) -> OrganizationInvitation:
    if not actor.is_operator:
        require_platform_admin(actor)
    if "\x00" in key:
        raise InvalidInput(refusals.NUL_TEXT("key"))
    row = JoinRepository(session).pending_by_key(key)
    if row is None:
        raise NotFound(refusals.NO_PENDING("key", key=key[:64]))
    return row


def approve_organisation(session: Session, actor: Actor, *, key: str) -> dict[str, Any]:
    """A platform admin approves a pending organisation: it and its admin exist from now."""
    row = _pending_or_raise(session, actor, key)
    if NetworkRepository(session).get_by_key(key) is not None:
        # An organisation added meanwhile under the same key (winwin org add, import).
        raise RuleBroken(refusals.KEY_TAKEN("key", key=key))
    if row.business_id is not None:
        _business_id_free(session, row.business_id, pending_id=row.id)
    if AccountsRepository(session).get_by_email(row.email) is not None:
        raise RuleBroken(refusals.EMAIL_HAS_ACCOUNT("key", email=row.email))
    org = _join(session, row)
    return {"key": org.key, "name": org.name, "state": "active", "admin": row.email}


def reject_organisation(session: Session, actor: Actor, *, key: str) -> dict[str, Any]:
    """A platform admin rejects a pending organisation; nothing of it remains visible."""
    row = _pending_or_raise(session, actor, key)
    row.status = "rejected"
    row.decided_at = utcnow()
    row.password_hash = None
    session.flush()
    return {"key": key, "name": row.name, "state": "rejected", "admin": row.email}
