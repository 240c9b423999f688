"""The accounts use cases every door calls, named in one module.

Reading people and organisations and a person's language are here; the other use cases
live by concern and are named here too, so that the doors have one module to call:
``accounts.credentials`` (password hashes and tokens), ``accounts.signing_in`` (the
limit on attempts, sessions), ``accounts.api_tokens``, ``accounts.passwords`` (changing
one, and the one-time links that set one), ``accounts.profile`` (an organisation's
profile) and ``accounts.people`` (invitations, roles, facilitators).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from winwin.accounts import refusals
from winwin.accounts.access import Actor, require_acting
from winwin.accounts.api_tokens import (
    MAX_TOKEN_DAYS,
    TOKEN_DAYS,
    NewApiToken,
    create_api_token,
    list_api_tokens,
    revoke_api_token,
)
from winwin.accounts.credentials import (
    MIN_PASSWORD,
    check_password_strength,
    hash_password,
    hash_token,
    new_token,
    normalise_email,
    verify_password,
)
from winwin.accounts.models import User
from winwin.accounts.passwords import (
    RESET_LIFETIME,
    change_password,
    password_link,
    request_password_reset,
    reset_password,
    reset_target,
)
from winwin.accounts.people import (
    CSV_COLUMNS,
    INVITE_LIFETIME,
    ROLE_MESSAGE,
    Invitation,
    Invited,
    change_role,
    grant_facilitator,
    invite_people,
    invite_people_csv,
    parse_people_csv,
    remove_person,
    revoke_facilitator,
)
from winwin.accounts.profile import (
    COUNTRY,
    LIST_FIELDS,
    PROFILE_ROLES,
    ProfileChange,
    check_business_id,
    update_profile,
)
from winwin.accounts.repository import AccountsRepository
from winwin.accounts.signing_in import (
    FAILURE_WINDOW,
    MAX_FAILURES,
    SESSION_LIFETIME,
    BadCredentials,
    SignInAttempt,
    TooManyAttempts,
    finish_sign_in,
    open_session,
    password_matches,
    reserve_sign_in_attempt,
    sign_in,
    sign_out,
    start_sign_in,
    user_for_api_token,
    user_for_session_token,
)
from winwin.kernel.errors import InvalidInput, NotFound
from winwin.network.models import Organization

LOCALES = ("fi", "en")

__all__ = [
    "COUNTRY",
    "CSV_COLUMNS",
    "FAILURE_WINDOW",
    "INVITE_LIFETIME",
    "LIST_FIELDS",
    "LOCALES",
    "MAX_FAILURES",
    "MAX_TOKEN_DAYS",
    "MIN_PASSWORD",
    "PROFILE_ROLES",
    "RESET_LIFETIME",
    "ROLE_MESSAGE",
    "SESSION_LIFETIME",
    "TOKEN_DAYS",
    "BadCredentials",
    "Invitation",
    "Invited",
    "NewApiToken",
    "ProfileChange",
    "SignInAttempt",
    "TooManyAttempts",
    "acting_org",
    "change_password",
    "change_role",
    "check_business_id",
    "check_password_strength",
    "create_api_token",
    "facilitators_of_org",
    "finish_sign_in",
    "get_org",
    "get_person",
    "get_person_or_raise",
    "grant_facilitator",
    "hash_password",
    "hash_token",
    "invite_people",
    "invite_people_csv",
    "list_api_tokens",
    "new_token",
    "normalise_email",
    "open_session",
    "own_org",
    "parse_people_csv",
    "password_link",
    "password_matches",
    "people_of_org",
    "remove_person",
    "request_password_reset",
    "reserve_sign_in_attempt",
    "reset_password",
    "reset_target",
    "revoke_api_token",
    "revoke_facilitator",
    "set_locale",
    "sign_in",
    "sign_out",
    "start_sign_in",
    "update_profile",
    "user_for_api_token",
    "user_for_session_token",
    "verify_password",
]


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


def get_person_or_raise(session: Session, user_id: int) -> User:
    """The person with this id; ``NotFound`` when there is none."""
    return AccountsRepository(session).get_or_raise(user_id)


def acting_org(session: Session, actor: Actor) -> Organization:
    """The organisation the actor acts for (``accounts.access.resolve_actor`` chose it)."""
    org = AccountsRepository(session).get_org(require_acting(actor).id)
    if org is None:
        raise NotFound(refusals.NO_ORG_YET())
    return org


def set_locale(session: Session, *, user_id: int, locale: str) -> None:
    if locale not in LOCALES:
        raise InvalidInput(refusals.NOT_A_LOCALE("locale"))
    AccountsRepository(session).get_or_raise(user_id).locale = locale
