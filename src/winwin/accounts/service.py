"""Use cases for accounts: sign in and out, sessions, API tokens, passwords, invitations."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import os
import re
import secrets
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from winwin.accounts.access import ROLES, Actor, can_assign_role, require_acting, require_manage
from winwin.accounts.models import ApiToken, User
from winwin.accounts.repository import AccountsRepository
from winwin.db.base import utcnow
from winwin.kernel.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    RuleBroken,
    WinwinError,
)
from winwin.kernel.keys import is_email, is_key
from winwin.network.business_ids import BadBusinessId, normalise_business_id
from winwin.network.countries import country_problem
from winwin.network.models import Organization
from winwin.network.refusals import BUSINESS_ID_TAKEN
from winwin.network.repository import NetworkRepository

SESSION_LIFETIME = timedelta(days=14)
RESET_LIFETIME = timedelta(hours=24)
INVITE_LIFETIME = timedelta(days=7)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 10
LOCALES = ("fi", "en")

# The test suite's own argon2 profile: argon2-cffi's CHEAPEST, meant for tests. It
# hashes in microseconds instead of about 0.1 s, which the suite's thousands of sign-ins
# would otherwise spend; stored hashes name their parameters, so either verifies both.
PASSWORD_HASHING_ENV = "WINWIN_PASSWORD_HASHING"
TEST_PASSWORD_HASHING = "cheapest-for-tests"


def _password_hasher() -> PasswordHasher:
    """argon2id with the RFC 9106 low-memory profile (the library's defaults).

    ``WINWIN_PASSWORD_HASHING=cheapest-for-tests`` chooses argon2's test profile, except
    where ``WINWIN_ENVIRONMENT`` says production (in any spelling): there it is ignored,
    so that no deployment stores weak hashes by mistake. Any other value is refused.
    """
    chosen = os.environ.get(PASSWORD_HASHING_ENV, "").strip()
    if chosen and chosen != TEST_PASSWORD_HASHING:
        raise RuntimeError(f"{PASSWORD_HASHING_ENV} must be empty or {TEST_PASSWORD_HASHING!r}")
    production = os.environ.get("WINWIN_ENVIRONMENT", "").strip().lower() == "production"
    if chosen and not production:
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


_hasher = _password_hasher()
# Password hashes computed at once in this process. Each takes a core and 64 MiB for its
# whole length, so more at once than there are cores only makes every one of them slower
# (a burst of 64 sign-ins on two cores all finished after about 50 s instead of one by
# one) and multiplies the memory.
_hashing = threading.BoundedSemaphore(os.cpu_count() or 1)


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so that timing does not reveal accounts.

    Made on first use, not at import: every ``winwin`` command would pay for it.
    """
    return _hasher.hash("not a real password")


class TooManyAttempts(WinwinError):
    """Too many failed sign-ins for this email from this address; wait and retry."""


class BadCredentials(WinwinError):
    """The email or password is wrong."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(prefix: str = "") -> str:
    """A random URL-safe token (32 bytes) that never starts with ``-``.

    A token that began with ``-`` would be read as an option where a person pastes it
    on the command line (``winwin round answer TOKEN``).
    """
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return prefix + token


def hash_password(password: str) -> str:
    with _hashing:
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    expected = password_hash or _dummy_hash()
    try:
        with _hashing:
            return _hasher.verify(expected, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def _nul_problems(values: dict[str, str | None]) -> list[Problem]:
    """PostgreSQL stores no NUL characters; name each field that has one."""
    return [
        Problem(path, "must not contain NUL characters")
        for path, value in values.items()
        if value is not None and "\x00" in value
    ]


def normalise_email(email: str, *, path: str = "email") -> str:
    email = email.strip().lower()
    if not is_email(email):
        raise InvalidInput(Problem(path, "is not a valid email address"))
    return email


def check_password_strength(password: str, *, path: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(Problem(path, f"must be at least {MIN_PASSWORD} characters long"))


# sign-in ------------------------------------------------------------------------------
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
        raise TooManyAttempts("too many failed sign-ins; try again in 15 minutes")
    if "\x00" in email_key:
        raise BadCredentials("the email or password is wrong")
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
        raise BadCredentials("the email or password is wrong")
    repo.clear_failures(email=attempt.email, ip=attempt.ip)
    if user.password_hash and _hasher.check_needs_rehash(user.password_hash):
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


# API tokens ---------------------------------------------------------------------------
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
        raise InvalidInput(Problem("name", "must be 1 to 100 characters"))
    if "\x00" in name:
        raise InvalidInput(_nul_problems({"name": name}))
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(Problem("days", f"must be 1 to {MAX_TOKEN_DAYS}"))
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
        raise NotFound("no such token")


# passwords ----------------------------------------------------------------------------
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
        raise InvalidInput(Problem("current_password", "is not your current password"))
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
    return _reset_link(repo, user, base_url, RESET_LIFETIME)


def _reset_link(
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
        raise PermissionDenied("this link is invalid or has expired")
    check_password_strength(new, path="new_password")
    user = repo.get_or_raise(reset.user_id)
    user.password_hash = hash_password(new)
    repo.use_resets_of(user.id, now)
    repo.delete_sessions_of(user.id)
    # Whoever needed a reset may have lost the password to someone: their tokens go too.
    repo.delete_tokens_of(user.id)
    return user


# Reading an organisation's people -----------------------------------------------------
def people_of_org(session: Session, org_id: int) -> list[User]:
    """The organisation's people by name; the door has checked that the reader may."""
    return AccountsRepository(session).people_of_org(org_id)


def facilitators_of_org(session: Session, org_id: int) -> list[User]:
    """The facilitators granted the organisation."""
    return AccountsRepository(session).facilitators_of_org(org_id)


def own_org(session: Session, actor: Actor) -> Organization | None:
    """The organisation the person belongs to, if any."""
    return AccountsRepository(session).get_org(actor.org_id) if actor.org_id is not None else None


def get_person(session: Session, user_id: int) -> User | None:
    """The person with this id, if any."""
    return AccountsRepository(session).get(user_id)


def get_org(session: Session, org_id: int) -> Organization | None:
    """The organisation with this id, if any."""
    return AccountsRepository(session).get_org(org_id)


def first_org(session: Session) -> Organization | None:
    """The first organisation by name (where the web opens for a platform admin who
    belongs to none and names none)."""
    return AccountsRepository(session).first_org()


def get_person_or_raise(session: Session, user_id: int) -> User:
    """The person with this id; ``NotFound`` when there is none."""
    return AccountsRepository(session).get_or_raise(user_id)


def acting_org(session: Session, actor: Actor) -> Organization:
    """The organisation the actor acts for (``accounts.access.resolve_actor`` chose it)."""
    org = AccountsRepository(session).get_org(require_acting(actor).id)
    if org is None:
        raise NotFound("you do not belong to an organisation yet")
    return org


def set_locale(session: Session, *, user_id: int, locale: str) -> None:
    if locale not in LOCALES:
        raise InvalidInput(Problem("locale", "must be fi or en"))
    AccountsRepository(session).get_or_raise(user_id).locale = locale


# organisation profile -----------------------------------------------------------------
PROFILE_ROLES = ("supplier", "customer", "partner", "research", "network")
COUNTRY = re.compile(r"^[A-Z]{2}$")
LIST_FIELDS = ("capabilities", "needs", "values")


@dataclass(frozen=True)
class ProfileChange:
    """The fields to change; None leaves a field as it is."""

    name: str | None = None
    roles: list[str] | None = None
    industry: str | None = None
    country: str | None = None
    cluster: str | None = None
    capabilities: list[str] | None = None
    needs: list[str] | None = None
    values: list[str] | None = None
    #: A Y-tunnus or an EU VAT number; an empty string clears it.
    business_id: str | None = None


def _clean_text(value: str) -> str | None:
    value = value.strip()
    return value or None


def _profile_problems(change: ProfileChange) -> list[Problem]:
    texts: dict[str, str | None] = {
        "name": change.name,
        "industry": change.industry,
        "country": change.country,
        "cluster": change.cluster,
        "business_id": change.business_id,
    }
    for field in ("roles", *LIST_FIELDS):
        for index, entry in enumerate(getattr(change, field) or []):
            texts[f"{field}[{index}]"] = entry
    problems = _nul_problems(texts)
    if change.name is not None and not (1 <= len(change.name.strip()) <= 300):
        problems.append(Problem("name", "must be 1 to 300 characters"))
    country = (change.country or "").strip()
    if country and not COUNTRY.match(country):
        problems.append(Problem("country", "must be a two-letter country code such as FI"))
    elif country and (problem := country_problem(country)):
        problems.append(problem)
    if change.cluster is not None and len(change.cluster.strip()) > 100:
        problems.append(Problem("cluster", "must be at most 100 characters"))
    if change.industry is not None and len(change.industry.strip()) > 100:
        problems.append(Problem("industry", "must be at most 100 characters"))
    for index, role in enumerate(change.roles or []):
        if not is_key(role):
            problems.append(
                Problem(f"roles[{index}]", "must be lowercase letters, digits, '-' or '_'")
            )
    for name in LIST_FIELDS:
        entries: list[str] = getattr(change, name) or []
        if len(entries) > 100:
            problems.append(Problem(name, "may have at most 100 entries"))
        for index, entry in enumerate(entries):
            if not entry.strip():
                problems.append(Problem(f"{name}[{index}]", "must not be empty"))
            elif len(entry) > 300:
                problems.append(Problem(f"{name}[{index}]", "must be at most 300 characters"))
    return problems


def update_profile(
    session: Session, actor: Actor, *, org_id: int, change: ProfileChange
) -> Organization:
    """Change an organisation's profile; every problem names its field, nothing changes."""
    require_manage(actor, org_id)
    org = AccountsRepository(session).get_org(org_id)
    if org is None:
        raise NotFound("no such organisation")
    problems = _profile_problems(change)
    business_id = _business_id(session, change, org) if not problems else None
    if problems:
        raise InvalidInput(problems)
    # Exclusions are sticky: the country and cluster being replaced stay on record, so
    # an edit never lifts a country:/cluster: exclusion (docs/security.md).
    places = NetworkRepository(session)
    places.remember_places([org_id])
    if change.name is not None:
        org.name = change.name.strip()
    if change.industry is not None:
        org.industry = _clean_text(change.industry)
    if change.country is not None:
        org.country = _clean_text(change.country)
    if change.cluster is not None:
        org.cluster = _clean_text(change.cluster)
    if change.business_id is not None:
        org.business_id = business_id
    if change.roles is not None:
        org.roles = sorted(set(change.roles))
    for name in LIST_FIELDS:
        entries = getattr(change, name)
        if entries is not None:
            setattr(org, name, _dedupe(e.strip() for e in entries))
    session.flush()
    places.remember_places([org_id])
    return org


def _business_id(session: Session, change: ProfileChange, org: Organization) -> str | None:
    """The normal form of the business ID being set (None when cleared or unchanged).

    Checked against the country the organisation will have; ``InvalidInput`` when it is
    not a business ID, ``RuleBroken`` when another organisation holds it.
    """
    if change.business_id is None or not change.business_id.strip():
        return None
    country = org.country if change.country is None else _clean_text(change.country)
    value = check_business_id(change.business_id, country)
    holder = NetworkRepository(session).holder_of_business_id(value)
    if holder is not None and holder.id != org.id:
        raise RuleBroken(BUSINESS_ID_TAKEN("business_id", value=value))
    return value


def check_business_id(text: str, country: str | None, *, path: str = "business_id") -> str:
    """The normal form of a business ID, or ``InvalidInput`` naming ``path``."""
    try:
        return normalise_business_id(text, country)
    except BadBusinessId as exc:
        raise InvalidInput(exc.problem(path)) from None


def _dedupe(entries: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for entry in entries:
        seen.setdefault(entry, None)
    return list(seen)


# people -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Invitation:
    email: str
    name: str
    role: str = "member"


@dataclass(frozen=True)
class Invited:
    user_id: int
    email: str
    link: str  # the door delivers it (``winwin.mail.delivery``)


def _invitation_problems(
    actor: Actor, invitation: Invitation, prefix: str, taken: set[str]
) -> list[Problem]:
    problems = _nul_problems({f"{prefix}email": invitation.email, f"{prefix}name": invitation.name})
    email = invitation.email.strip().lower()
    if "\x00" in email or "\x00" in invitation.name:
        return problems
    if not is_email(email):
        problems.append(Problem(f"{prefix}email", "is not a valid email address"))
    elif email in taken:
        problems.append(Problem(f"{prefix}email", "already has an account"))
    if not (1 <= len(invitation.name.strip()) <= 200):
        problems.append(Problem(f"{prefix}name", "must be 1 to 200 characters"))
    if invitation.role not in ROLES:
        problems.append(Problem(f"{prefix}role", ROLE_MESSAGE))
    elif not can_assign_role(actor, invitation.role):
        problems.append(Problem(f"{prefix}role", "you may not give this role"))
    return problems


def invite_people(
    session: Session,
    actor: Actor,
    *,
    org_id: int,
    invitations: Sequence[Invitation],
    base_url: str,
    paths: Sequence[str] | None = None,
) -> list[Invited]:
    """Create accounts for people of the organisation, each with a link to set a password.

    All or nothing: when any invitation is bad, none is stored and every problem is
    reported with its path (``paths[i]`` names invitation ``i``, e.g. ``line 3.``).
    """
    require_manage(actor, org_id)
    repo = AccountsRepository(session)
    if repo.get_org(org_id) is None:
        raise NotFound("no such organisation")
    if not invitations:
        raise InvalidInput(Problem("people", "list at least one person"))
    prefixes = (
        list(paths) if paths is not None else [f"people[{i}]." for i in range(len(invitations))]
    )
    taken = repo.emails_taken([i.email.strip() for i in invitations if "\x00" not in i.email])
    problems: list[Problem] = []
    seen: set[str] = set()
    for invitation, prefix in zip(invitations, prefixes, strict=True):
        problems.extend(_invitation_problems(actor, invitation, prefix, taken))
        email = invitation.email.strip().lower()
        if email in seen:
            problems.append(Problem(f"{prefix}email", "is listed twice"))
        seen.add(email)
    if problems:
        raise InvalidInput(problems)
    invited: list[Invited] = []
    for invitation in invitations:
        user = repo.add(
            User(
                email=invitation.email.strip().lower(),
                name=invitation.name.strip(),
                role=invitation.role,
                org_id=org_id,
                password_hash=None,
            )
        )
        link = _reset_link(repo, user, base_url, INVITE_LIFETIME)
        invited.append(Invited(user_id=user.id, email=user.email, link=link))
    return invited


CSV_COLUMNS = ("email", "name", "role")
ROLE_MESSAGE = "must be one of member, org_admin, facilitator, platform_admin"


def parse_people_csv(text: str) -> tuple[list[Invitation], list[str]]:
    """Read ``email,name[,role]`` rows (a header row is required); paths name the lines."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = [
        (number, row) for number, row in enumerate(reader, start=1) if any(c.strip() for c in row)
    ]
    if not rows:
        raise InvalidInput(Problem("file", "is empty"))
    header_line, header = rows[0]
    columns = [c.strip().lower() for c in header]
    missing = [c for c in ("email", "name") if c not in columns]
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    if missing or unknown:
        problems = [
            Problem(f"line {header_line}.{c}", "is missing from the header") for c in missing
        ]
        problems += [
            Problem(f"line {header_line}.{c}", "is not a known column (use email, name, role)")
            for c in unknown
        ]
        raise InvalidInput(problems)
    invitations: list[Invitation] = []
    paths: list[str] = []
    problems = []
    for number, row in rows[1:]:
        if len(row) != len(columns):
            problems.append(
                Problem(f"line {number}", "has a different number of columns than the header")
            )
            continue
        values = {column: cell.strip() for column, cell in zip(columns, row, strict=True)}
        invitations.append(
            Invitation(
                email=values["email"], name=values["name"], role=values.get("role") or "member"
            )
        )
        paths.append(f"line {number}.")
    if problems:
        raise InvalidInput(problems)
    if not invitations:
        raise InvalidInput(Problem("file", "lists nobody"))
    return invitations, paths


def invite_people_csv(
    session: Session, actor: Actor, *, org_id: int, text: str, base_url: str
) -> list[Invited]:
    """Invite everyone in a CSV file, or nobody when any line is bad (all problems named)."""
    require_manage(actor, org_id)
    invitations, paths = parse_people_csv(text)
    return invite_people(
        session, actor, org_id=org_id, invitations=invitations, base_url=base_url, paths=paths
    )


def _person_in_org(repo: AccountsRepository, org_id: int, user_id: int) -> User:
    user = repo.get(user_id)
    if user is None or user.org_id != org_id:
        raise NotFound("no such person in this organisation")
    return user


def change_role(session: Session, actor: Actor, *, org_id: int, user_id: int, role: str) -> User:
    """Give a person of the organisation another role; an organisation keeps an admin."""
    require_manage(actor, org_id)
    repo = AccountsRepository(session)
    user = _person_in_org(repo, org_id, user_id)
    if role not in ROLES:
        raise InvalidInput(Problem("role", ROLE_MESSAGE))
    if not can_assign_role(actor, role) or not can_assign_role(actor, user.role):
        raise PermissionDenied("you may not give or take away this role")
    if user.role == "org_admin" and role != "org_admin" and _last_admin(repo, org_id):
        raise RuleBroken(Problem("role", "the organisation must keep at least one admin"))
    user.role = role
    session.flush()
    return user


def remove_person(session: Session, actor: Actor, *, org_id: int, user_id: int) -> None:
    """Remove a person's account from the organisation (their sessions end with it)."""
    require_manage(actor, org_id)
    repo = AccountsRepository(session)
    user = _person_in_org(repo, org_id, user_id)
    if user.id == actor.user_id:
        raise RuleBroken(Problem("person", "you cannot remove yourself"))
    if not can_assign_role(actor, user.role):
        raise PermissionDenied("you may not remove a person with this role")
    if user.role == "org_admin" and _last_admin(repo, org_id):
        raise RuleBroken(Problem("person", "the organisation must keep at least one admin"))
    repo.delete(user)


def _last_admin(repo: AccountsRepository, org_id: int) -> bool:
    return repo.count_role_in_org(org_id, "org_admin") <= 1


# facilitators -------------------------------------------------------------------------
def grant_facilitator(session: Session, actor: Actor, *, org_id: int, email: str) -> User:
    """Let a facilitator (a consultant's account) work for the organisation."""
    require_manage(actor, org_id)
    repo = AccountsRepository(session)
    if repo.get_org(org_id) is None:
        raise NotFound("no such organisation")
    if "\x00" in email:
        raise InvalidInput(_nul_problems({"email": email}))
    user = repo.get_by_email(email.strip().lower())
    if user is None or user.role != "facilitator":
        raise InvalidInput(Problem("email", "is not the email of a facilitator"))
    repo.grant(user.id, org_id)
    return user


def revoke_facilitator(session: Session, actor: Actor, *, org_id: int, user_id: int) -> None:
    """Stop a facilitator's work for the organisation."""
    require_manage(actor, org_id)
    if not AccountsRepository(session).revoke(user_id, org_id):
        raise NotFound("this facilitator does not work for the organisation")
