"""An organisation's people: inviting them (one by one or from a CSV file, all or
nothing), changing their roles, removing them, and the facilitators it grants."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from winwin.accounts import refusals
from winwin.accounts.access import ROLES, Actor, can_assign_role, require_manage
from winwin.accounts.credentials import nul_problems
from winwin.accounts.models import User
from winwin.accounts.passwords import password_link
from winwin.accounts.repository import AccountsRepository
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied, Problem, RuleBroken
from winwin.kernel.keys import is_email

INVITE_LIFETIME = timedelta(days=7)


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
    problems = nul_problems({f"{prefix}email": invitation.email, f"{prefix}name": invitation.name})
    email = invitation.email.strip().lower()
    if "\x00" in email or "\x00" in invitation.name:
        return problems
    if not is_email(email):
        problems.append(refusals.NOT_AN_EMAIL(f"{prefix}email"))
    elif email in taken:
        problems.append(refusals.HAS_AN_ACCOUNT(f"{prefix}email"))
    if not (1 <= len(invitation.name.strip()) <= 200):
        problems.append(refusals.NAME_LENGTH(f"{prefix}name"))
    if invitation.role not in ROLES:
        problems.append(refusals.UNKNOWN_ROLE(f"{prefix}role"))
    elif not can_assign_role(actor, invitation.role):
        problems.append(refusals.MAY_NOT_GIVE_ROLE(f"{prefix}role"))
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
        raise NotFound(refusals.NO_SUCH_ORG())
    if not invitations:
        raise InvalidInput(refusals.NOBODY_LISTED("people"))
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
            problems.append(refusals.LISTED_TWICE(f"{prefix}email"))
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
        link = password_link(repo, user, base_url, INVITE_LIFETIME)
        invited.append(Invited(user_id=user.id, email=user.email, link=link))
    return invited


CSV_COLUMNS = ("email", "name", "role")
ROLE_MESSAGE = refusals.UNKNOWN_ROLE.msgid


def parse_people_csv(text: str) -> tuple[list[Invitation], list[str]]:
    """Read ``email,name[,role]`` rows (a header row is required); paths name the lines."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = [
        (number, row) for number, row in enumerate(reader, start=1) if any(c.strip() for c in row)
    ]
    if not rows:
        raise InvalidInput(refusals.FILE_EMPTY("file"))
    header_line, header = rows[0]
    columns = [c.strip().lower() for c in header]
    missing = [c for c in ("email", "name") if c not in columns]
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    if missing or unknown:
        problems = [refusals.COLUMN_MISSING(f"line {header_line}.{c}") for c in missing]
        problems += [refusals.UNKNOWN_COLUMN(f"line {header_line}.{c}") for c in unknown]
        raise InvalidInput(problems)
    invitations: list[Invitation] = []
    paths: list[str] = []
    problems = []
    for number, row in rows[1:]:
        if len(row) != len(columns):
            problems.append(refusals.COLUMN_COUNT(f"line {number}"))
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
        raise InvalidInput(refusals.FILE_LISTS_NOBODY("file"))
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
        raise NotFound(refusals.NOT_IN_ORG())
    return user


def change_role(session: Session, actor: Actor, *, org_id: int, user_id: int, role: str) -> User:
    """Give a person of the organisation another role; an organisation keeps an admin."""
    require_manage(actor, org_id)
    repo = AccountsRepository(session)
    user = _person_in_org(repo, org_id, user_id)
    if role not in ROLES:
        raise InvalidInput(refusals.UNKNOWN_ROLE("role"))
    if not can_assign_role(actor, role) or not can_assign_role(actor, user.role):
        raise PermissionDenied(refusals.MAY_NOT_CHANGE_ROLE())
    if user.role == "org_admin" and role != "org_admin" and _last_admin(repo, org_id):
        raise RuleBroken(refusals.KEEP_AN_ADMIN("role"))
    user.role = role
    session.flush()
    return user


def remove_person(session: Session, actor: Actor, *, org_id: int, user_id: int) -> None:
    """Remove a person's account from the organisation (their sessions end with it)."""
    require_manage(actor, org_id)
    repo = AccountsRepository(session)
    user = _person_in_org(repo, org_id, user_id)
    if user.id == actor.user_id:
        raise RuleBroken(refusals.NOT_YOURSELF("person"))
    if not can_assign_role(actor, user.role):
        raise PermissionDenied(refusals.MAY_NOT_REMOVE())
    if user.role == "org_admin" and _last_admin(repo, org_id):
        raise RuleBroken(refusals.KEEP_AN_ADMIN("person"))
    repo.delete(user)


def _last_admin(repo: AccountsRepository, org_id: int) -> bool:
    return repo.count_role_in_org(org_id, "org_admin") <= 1


# facilitators -------------------------------------------------------------------------
def grant_facilitator(session: Session, actor: Actor, *, org_id: int, email: str) -> User:
    """Let a facilitator (a consultant's account) work for the organisation."""
    require_manage(actor, org_id)
    repo = AccountsRepository(session)
    if repo.get_org(org_id) is None:
        raise NotFound(refusals.NO_SUCH_ORG())
    if "\x00" in email:
        raise InvalidInput(nul_problems({"email": email}))
    user = repo.get_by_email(email.strip().lower())
    if user is None or user.role != "facilitator":
        raise InvalidInput(refusals.NOT_A_FACILITATOR("email"))
    repo.grant(user.id, org_id)
    return user


def revoke_facilitator(session: Session, actor: Actor, *, org_id: int, user_id: int) -> None:
    """Stop a facilitator's work for the organisation."""
    require_manage(actor, org_id)
    if not AccountsRepository(session).revoke(user_id, org_id):
        raise NotFound(refusals.NOT_GRANTED())
