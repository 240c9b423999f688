"""Who may read a joint initiative and act for its parties: loading an initiative through
the one access check (``can_read``), the competition-law guard that check reads at every
decision (``rules.held_parties``), and the party an actor acts for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, can_access_org, can_manage_org
from winwin.initiatives import rules
from winwin.initiatives.models import Initiative
from winwin.initiatives.repository import InitiativeRepository
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied, Problem, RuleBroken
from winwin.network.models import Organization
from winwin.network.repository import NetworkRepository
from winwin.sharing.topics import meeting_in_text, stems_of

MAX_ID = 2**31 - 1
MAX_AMOUNT = 1e15


def refused(exc: rules.Refused) -> RuleBroken:
    return RuleBroken(Problem(exc.field, exc.message))


def org_by_key(session: Session, key: object, field: str) -> Organization:
    org = NetworkRepository(session).get_by_key(key) if isinstance(key, str) and key else None
    if org is None:
        raise InvalidInput(Problem(field, f"no organisation with key '{key}'"))
    return org


def load(session: Session, initiative_id: int) -> Initiative:
    ok = isinstance(initiative_id, int) and 1 <= initiative_id <= MAX_ID
    found = InitiativeRepository(session).get(initiative_id) if ok else None
    if found is None:
        raise NotFound(f"no initiative {initiative_id}")
    return found


def acts_for(actor: Actor, org: Organization) -> None:
    if not can_manage_org(actor, org.id):
        raise PermissionDenied(f"you do not act for '{org.key}'")


def load_for(session: Session, actor: Actor, initiative_id: int) -> Initiative:
    """The initiative, if the actor may read it (the one checkpoint), else ``NotFound``."""
    found = load(session, initiative_id)
    if not can_read(session, actor, found.id):
        raise NotFound(f"no initiative {initiative_id}")
    return found


def keys_by_id(session: Session) -> dict[int, str]:
    return NetworkRepository(session).org_keys_by_id()


@dataclass(frozen=True)
class Guard:
    topic: str | None  # the first phrase of the title or goal that is competition-sensitive
    pairs: list[tuple[int, int]]  # the parties that compete with each other, by id
    held: frozenset[int]  # the parties the guard keeps out, by id


def competition_guard(
    session: Session, *, title: str, goal: str, proposer_id: int, party_ids: set[int]
) -> Guard:
    repo = InitiativeRepository(session)
    pairs = sorted(repo.competing_among(party_ids))
    topic = None
    if pairs:
        stems = stems_of(NetworkRepository(session).sensitive_topics())
        found = meeting_in_text(f"{title}\n{goal}", stems)
        topic = found[0] if found else None
    named = [(str(a), str(b)) for a, b in pairs]
    held = rules.held_parties(str(proposer_id), named, sensitive=topic is not None)
    return Guard(topic, pairs, frozenset(int(k) for k in held))


def guard_of(session: Session, found: Initiative, party_ids: set[int]) -> Guard:
    return competition_guard(
        session,
        title=found.title,
        goal=found.goal,
        proposer_id=found.proposed_by_org_id,
        party_ids=party_ids,
    )


def can_read(session: Session, actor: Actor, initiative_id: int) -> bool:
    """The single check: its parties' people, facilitators granted a party, platform
    admins (and the command line's operator); never a party that the competition-law
    guard keeps out (``rules.held_parties``), read here at every decision."""
    if actor.is_operator:
        return True
    repo = InitiativeRepository(session)
    found = repo.get(initiative_id)
    if found is None:
        return False
    parties = repo.party_org_ids(found.id)
    if can_access_org(actor, found.proposed_by_org_id):
        return True
    reachable = {org_id for org_id in parties if can_access_org(actor, org_id)}
    if not reachable:
        return False
    return bool(reachable - guard_of(session, found, parties).held)


def party_of(session: Session, found: Initiative, by: str, actor: Actor) -> Any:
    org = org_by_key(session, by, "by")
    acts_for(actor, org)
    for p in InitiativeRepository(session).parties(found.id):
        if p.org_id == org.id:
            return p
    raise RuleBroken(Problem("by", f"'{by}' is not a party of initiative {found.id}"))
