"""Use cases of joint initiatives; the command line, the REST routes and the pages call these.

The command line acts as ``accounts.access.operator()``, for the organisation named by
``by``. Any other actor must first be able to read the initiative (``can_read``, else
``NotFound``), and then act for ``by``: an org admin of it, a facilitator granted it, or
a platform admin (``can_manage_org``, else ``PermissionDenied``). Setting the model
needs an actor who acts for one of the parties.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum
from typing import Any, cast

from sqlalchemy.orm import Session

from winwin.accounts.access import (
    Actor,
    accessible_org_ids,
    can_access_org,
    can_manage_org,
    operator,
)
from winwin.initiatives import naming, refusals, rules
from winwin.initiatives.models import (
    Initiative,
    InitiativeAgreement,
    InitiativeContribution,
    InitiativeResult,
    InitiativeVersion,
)
from winwin.initiatives.repository import InitiativeRepository, VersionRow
from winwin.insight.game_document import parse_game
from winwin.insight.games import Method, share
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied, Problem, RuleBroken
from winwin.kernel.time import as_utc
from winwin.network.models import Organization
from winwin.network.repository import NetworkRepository
from winwin.sharing import directory
from winwin.sharing.repository import SharingRepository
from winwin.sharing.topics import meeting_in_text, stems_of

MAX_ID = 2**31 - 1
MAX_AMOUNT = 1e15
MAX_GOAL = 20_000


@dataclass(frozen=True)
class InitiativeRead:
    """The contract's ``winwin initiative show`` document."""

    id: int
    title: str
    goal: str
    expected_value: float | None
    state: str
    proposed_by: str
    parties: dict[str, str]
    agreed: dict[str, int | None]
    contributions: dict[str, list[dict[str, Any]]]
    method: str | None
    shares: dict[str, float] | None
    in_core: bool | None
    version: int
    agreed_version: int | None
    agreement: dict[str, Any] | None
    result: dict[str, Any] | None = None
    # The competition-law guard, told only to the proposer's side: the parties it keeps
    # out and the topic why (see ``rules.held_parties``), else a warning per pair of
    # parties that compete with each other.
    held: tuple[str, ...] = ()
    held_topic: str | None = None
    warnings: tuple[Problem, ...] = ()
    kind: str = "joint"  # or "learning" (``winwin.initiatives.learning``)
    # The current model's game document (for the pages' explanation; not in ``show``).
    game: dict[str, Any] | None = None
    # Each version's who, what and when, oldest first (``history_entry``).
    history: tuple[dict[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "goal": self.goal,
            "expected_value": self.expected_value,
            "state": self.state,
            "proposed_by": self.proposed_by,
            "parties": self.parties,
            "agreed": self.agreed,
            "contributions": self.contributions,
            "method": self.method,
            "shares": self.shares,
            "in_core": self.in_core,
            "version": self.version,
            "agreed_version": self.agreed_version,
            "agreement": self.agreement,
            "result": self.result,
            "held": list(self.held),
            "warnings": [w.message for w in self.warnings],
            "history": list(self.history),
        }


def _refused(exc: rules.Refused) -> RuleBroken:
    return RuleBroken(Problem(exc.field, exc.message))


def _org(session: Session, key: object, field: str) -> Organization:
    org = NetworkRepository(session).get_by_key(key) if isinstance(key, str) and key else None
    if org is None:
        raise InvalidInput(Problem(field, f"no organisation with key '{key}'"))
    return org


def _load(session: Session, initiative_id: int) -> Initiative:
    ok = isinstance(initiative_id, int) and 1 <= initiative_id <= MAX_ID
    found = InitiativeRepository(session).get(initiative_id) if ok else None
    if found is None:
        raise NotFound(f"no initiative {initiative_id}")
    return found


def _acts_for(actor: Actor, org: Organization) -> None:
    if not can_manage_org(actor, org.id):
        raise PermissionDenied(f"you do not act for '{org.key}'")


def _load_for(session: Session, actor: Actor, initiative_id: int) -> Initiative:
    """The initiative, if the actor may read it (the one checkpoint), else ``NotFound``."""
    found = _load(session, initiative_id)
    if not can_read(session, actor, found.id):
        raise NotFound(f"no initiative {initiative_id}")
    return found


def _keys(session: Session) -> dict[int, str]:
    return NetworkRepository(session).org_keys_by_id()


@dataclass(frozen=True)
class _Guard:
    topic: str | None  # the first phrase of the title or goal that is competition-sensitive
    pairs: list[tuple[int, int]]  # the parties that compete with each other, by id
    held: frozenset[int]  # the parties the guard keeps out, by id


def _guard(
    session: Session, *, title: str, goal: str, proposer_id: int, party_ids: set[int]
) -> _Guard:
    repo = InitiativeRepository(session)
    pairs = sorted(repo.competing_among(party_ids))
    topic = None
    if pairs:
        stems = stems_of(NetworkRepository(session).sensitive_topics())
        found = meeting_in_text(f"{title}\n{goal}", stems)
        topic = found[0] if found else None
    named = [(str(a), str(b)) for a, b in pairs]
    held = rules.held_parties(str(proposer_id), named, sensitive=topic is not None)
    return _Guard(topic, pairs, frozenset(int(k) for k in held))


def _guard_of(session: Session, found: Initiative, party_ids: set[int]) -> _Guard:
    return _guard(
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
    return bool(reachable - _guard_of(session, found, parties).held)


def readable(session: Session, *, actor: Actor) -> list[InitiativeRead]:
    """Every initiative the actor may read: one SQL query finds those with a party the
    actor reaches, and the checkpoint (``can_read``) decides each."""
    ids = None if actor.is_platform_admin else accessible_org_ids(session, actor)
    found = InitiativeRepository(session).of_orgs(ids)
    return [read(session, i.id, actor=actor) for i in found if can_read(session, actor, i.id)]


def read(
    session: Session,
    initiative_id: int,
    *,
    actor: Actor,
    as_org: str | None = None,
    masked: bool = True,
) -> InitiativeRead:
    """The ``show`` document as the reader may see it: the actor (a signed-in person), or
        the organisation ``as_org`` (the command line's ``show --by``; it must be a party the
        guard does not keep out), else everything the actor may see (all of it for a platform
    admin or the operator). A party the reader may not see by name is
        masked (``naming``); ``masked=False`` is for use cases that do their own checks."""
    found = _load(session, initiative_id)
    if not can_read(session, actor, found.id):
        raise NotFound(f"no initiative {initiative_id}")
    readers = _readers(session, found, actor, as_org)
    full = _read(session, found, actor)
    if as_org is not None and readers and found.proposed_by_org_id not in readers:
        # The guard's findings are told to the proposer's side only, as on the doors.
        full = replace(full, held=(), held_topic=None, warnings=())
    if not masked or readers is None:
        return full
    return _masked(session, full, readers)


def _readers(
    session: Session, found: Initiative, actor: Actor, as_org: str | None
) -> frozenset[int] | None:
    """The organisations the reader acts in or for; ``None``: one who sees every name."""
    if as_org is not None:
        org = _org(session, as_org, "by")
        parties = InitiativeRepository(session).party_org_ids(found.id)
        if org.id not in parties or org.id in _guard_of(session, found, parties).held:
            raise NotFound(f"no initiative {found.id} that '{as_org}' may see")
        return frozenset({org.id})
    if actor.is_platform_admin:
        return None
    return frozenset(accessible_org_ids(session, actor))


def _masks(session: Session, found: Initiative, actor: Actor) -> dict[str, str]:
    """``key → another:N`` of the parties the actor may not see by name."""
    readers = _readers(session, found, actor, None)
    return {} if readers is None else _mapping(session, found.id, readers)


def _mapping(
    session: Session, initiative_id: int, readers: frozenset[int], others: Iterable[str] = ()
) -> dict[str, str]:
    """The masks of the parties, then of the ``others`` (organisations the history names
    that are no longer parties), the readers may not see by name."""
    keys = _keys(session)
    sharing = SharingRepository(session)
    known: set[str] = set()
    for org_id in readers:
        partners, members, declared = sharing.acquaintances(org_id)
        known |= directory.visible_orgs(
            directory.Acquaintances(
                viewer=keys[org_id],
                partners=frozenset(keys[i] for i in partners if i in keys),
                circle_members=frozenset(keys[i] for i in members if i in keys),
                declared_competitors=frozenset(keys[i] for i in declared if i in keys),
            )
        )
    repo = InitiativeRepository(session)
    found = repo.get(initiative_id)
    assert found is not None
    order = [keys[p.org_id] for p in repo.parties(initiative_id)]
    order += sorted(set(others) - set(order))
    shown = naming.named(
        order,
        proposer=keys[found.proposed_by_org_id],
        readers={keys[i] for i in readers if i in keys},
        known=known,
    )
    return naming.masks(order, shown)


def _masked(session: Session, full: InitiativeRead, readers: frozenset[int]) -> InitiativeRead:
    """``full`` with every party the readers may not see by name masked."""
    mapping = _mapping(session, full.id, readers, history_orgs(full))
    if not mapping:
        return full
    doc = naming.rename(
        {
            "proposed_by": full.proposed_by,
            "parties": full.parties,
            "agreed": full.agreed,
            "contributions": full.contributions,
            "shares": full.shares,
            "agreement": full.agreement,
            "result": full.result,
            "held": list(full.held),
            "game": full.game,
            "history": list(full.history),
        },
        mapping,
    )
    # A person of an organisation the reader may not see is not named either.
    history = tuple(
        {**e, "person": None} if e["by"] and naming.is_masked(e["by"]) else e
        for e in doc["history"]
    )

    def ordered(value: dict[str, Any] | None) -> Any:
        return dict(sorted(value.items())) if value is not None else None

    return replace(
        full,
        proposed_by=doc["proposed_by"],
        parties=ordered(doc["parties"]),
        agreed=ordered(doc["agreed"]),
        contributions=ordered(doc["contributions"]),
        shares=ordered(doc["shares"]),
        agreement=doc["agreement"],
        result=doc["result"],
        held=tuple(doc["held"]),
        game=doc["game"],
        history=history,
    )


def _read(session: Session, found: Initiative, actor: Actor) -> InitiativeRead:
    repo = InitiativeRepository(session)
    keys = _keys(session)
    parties = repo.parties(found.id)
    statuses = {keys[p.org_id]: cast(rules.PartyStatus, p.status) for p in parties}
    contributions: dict[str, list[dict[str, Any]]] = {keys[p.org_id]: [] for p in parties}
    for c in repo.contributions(found.id):
        contributions[keys[c.org_id]].append({"amount": c.amount, "currency": c.currency})
    frozen = repo.agreements(found.id)
    recorded = repo.results(found.id)
    result = None
    if recorded and frozen:
        latest = recorded[-1]
        agreed_shares = {k: float(v) for k, v in (frozen[-1].document.get("shares") or {}).items()}
        result = {
            "realised": latest.amount,
            "currency": latest.currency,
            "by": keys[latest.org_id],
            "agreed": agreed_shares,
            "final": rules.final_split(agreed_shares, latest.amount),
        }
    held: tuple[str, ...] = ()
    held_topic = None
    warnings: tuple[Problem, ...] = ()
    if can_access_org(actor, found.proposed_by_org_id):
        guard = _guard_of(session, found, {p.org_id for p in parties})
        held = tuple(sorted(keys[i] for i in guard.held))
        held_topic = guard.topic if held else None
        if not held:
            names = NetworkRepository(session).names_of(
                keys[i] for pair in guard.pairs for i in pair
            )
            warnings = tuple(
                refusals.COMPETITORS_TOGETHER("with", first=names[keys[a]], second=names[keys[b]])
                for a, b in guard.pairs
            )
    return InitiativeRead(
        id=found.id,
        title=found.title,
        goal=found.goal,
        expected_value=found.expected_value,
        state=rules.state(
            statuses,
            has_model=found.method is not None,
            version=found.version,
            agreed_version=found.agreed_version,
        ),
        proposed_by=keys[found.proposed_by_org_id],
        parties=dict(sorted(statuses.items())),
        agreed=dict(sorted((keys[p.org_id], p.agreed_version) for p in parties)),
        contributions=dict(sorted(contributions.items())),
        method=found.method,
        shares=found.shares,
        in_core=found.in_core,
        version=found.version,
        agreed_version=found.agreed_version,
        agreement=frozen[-1].document if frozen else None,
        result=result,
        held=held,
        held_topic=held_topic,
        warnings=warnings,
        kind=found.kind,
        game=found.game,
        history=tuple(history_entry(v) for v in repo.versions(found.id)),
    )


def history_entry(row: VersionRow) -> dict[str, Any]:
    """One version as the ``show`` document's ``history`` lists it: ``{"version": n,
    "change": "proposed"|"edited"|"contributed"|"modelled", "by": ORG or null, "person":
    NAME or null, "at": ISO 8601, "details": {…}}``."""
    return {
        "version": row.version,
        "change": row.change,
        "by": row.org_key,
        "person": row.person,
        "at": as_utc(row.created_at).isoformat(),
        "details": row.details,
    }


def propose(
    session: Session,
    *,
    by: str,
    with_: list[str],
    title: str,
    goal: str = "",
    expected_value: float | None = None,
    kind: str = "joint",
    actor: Actor,
) -> InitiativeRead:
    """Propose an initiative to one or more organisations; the proposer has accepted.
    ``kind`` is ``joint`` or ``learning`` (learning goals and rounds, ``learning.py``)."""
    proposer = _org(session, by, "by")
    _acts_for(actor, proposer)
    if kind not in rules.KINDS:
        raise InvalidInput(Problem("kind", f"must be one of {', '.join(rules.KINDS)}"))
    clean = _title(title)
    if not with_:
        raise InvalidInput(Problem("with", "name at least one other organisation"))
    others = _invitees(session, proposer, with_, "with")
    ids = [o.id for o in others]
    _check_value(expected_value)
    guard = _guard(
        session,
        title=clean,
        goal=(goal or "").strip(),
        proposer_id=proposer.id,
        party_ids={proposer.id, *ids},
    )
    names = {o.id: o.name for o in [proposer, *others]}
    if guard.topic is not None:
        a, b = guard.pairs[0]
        raise RuleBroken(
            refusals.COMPETITORS_ON_SENSITIVE(
                "with", first=names[a], second=names[b], topic=guard.topic
            )
        )
    made = InitiativeRepository(session).add(
        Initiative(
            title=clean,
            kind=kind,
            goal=(goal or "").strip(),
            expected_value=None if expected_value is None else float(expected_value),
            proposed_by_org_id=proposer.id,
            version=1,
        ),
        [(proposer.id, "accepted"), *((o.id, "invited") for o in others)],
    )
    _record(
        session,
        made,
        change="proposed",
        org_id=proposer.id,
        actor=actor,
        details={
            "title": made.title,
            "goal": made.goal,
            "expected_value": made.expected_value,
            "parties": sorted(o.key for o in [proposer, *others]),
        },
    )
    return read(session, made.id, actor=actor)


def _title(title: str) -> str:
    clean = (title or "").strip()
    if not clean or len(clean) > rules.MAX_TITLE or "\x00" in clean:
        raise InvalidInput(Problem("title", f"must be 1 to {rules.MAX_TITLE} characters"))
    return clean


def _check_value(expected_value: float | None) -> None:
    if expected_value is not None and not (
        isinstance(expected_value, int | float)
        and math.isfinite(expected_value)
        and 0 <= expected_value <= MAX_AMOUNT
    ):
        raise InvalidInput(Problem("expected_value", "must be a non-negative amount"))


def _invitees(
    session: Session, proposer: Organization, keys: list[str], field: str
) -> list[Organization]:
    """The organisations the proposer invites (when proposing, ``with``, and when
    adding parties, ``add``): each known, named once, not the proposer."""
    others = [_org(session, key.strip(), field) for key in keys]
    ids = [o.id for o in others]
    if proposer.id in ids or len(set(ids)) != len(ids):
        raise InvalidInput(Problem(field, "name each other organisation once, not the proposer"))
    return others


def _record(
    session: Session,
    found: Initiative,
    *,
    change: str,
    org_id: int | None,
    actor: Actor,
    details: dict[str, Any],
) -> None:
    """The history entry (and audit) of the initiative's current version."""
    InitiativeRepository(session).add_version(
        InitiativeVersion(
            initiative_id=found.id,
            version=found.version,
            change=change,
            org_id=org_id,
            user_id=actor.user_id,
            details=details,
            created_at=datetime.now(UTC),
        )
    )


def _party(session: Session, found: Initiative, by: str, actor: Actor) -> Any:
    org = _org(session, by, "by")
    _acts_for(actor, org)
    for p in InitiativeRepository(session).parties(found.id):
        if p.org_id == org.id:
            return p
    raise RuleBroken(Problem("by", f"'{by}' is not a party of initiative {found.id}"))


def answer(
    session: Session, *, initiative_id: int, by: str, accept: bool, actor: Actor
) -> InitiativeRead:
    """An invited party accepts or declines."""
    found = _load_for(session, actor, initiative_id)
    party = _party(session, found, by, actor)
    try:
        rules.check_answer(party.status)
    except rules.Refused as exc:
        raise _refused(exc) from None
    party.status = "accepted" if accept else "declined"
    party.answered_at = datetime.now(UTC)
    session.flush()
    return read(session, found.id, actor=actor)


def _new_version(
    session: Session,
    found: Initiative,
    *,
    change: str,
    org_id: int | None,
    actor: Actor,
    details: dict[str, Any],
) -> None:
    """A change to what is shared: a new version, and every party must agree again; the
    version's who, what and when go into the history."""
    # Each party keeps the version it last agreed to, which is no longer the current one.
    found.version += 1
    session.flush()
    _record(session, found, change=change, org_id=org_id, actor=actor, details=details)


class Unchanged(Enum):
    """``edit``'s default: leave the expected value as it is (``None`` clears it)."""

    KEEP = "keep"


def edit(
    session: Session,
    *,
    initiative_id: int,
    by: str,
    title: str | None = None,
    goal: str | None = None,
    expected_value: float | Unchanged | None = Unchanged.KEEP,
    add: list[str] | None = None,
    remove: list[str] | None = None,
    actor: Actor,
) -> InitiativeRead:
    """Change what was proposed: the title, goal and expected value (any party that has
    accepted), and who is invited (the proposer: ``add`` invites organisations as
    ``propose`` does, ``remove`` withdraws open or declined invitations).

    An edit that changes something is a new version: acceptance reopens, the history
    records who, what and when, and frozen agreements stay as they were. Changing the
    parties clears the sharing model (its game names the earlier parties). The
    competition-law guard applies to the result as to a proposal. Naming nothing to
    change is bad input; naming only what already is changes nothing."""
    found = _load_for(session, actor, initiative_id)
    party = _party(session, found, by, actor)
    if (
        title is None
        and goal is None
        and expected_value is Unchanged.KEEP
        and not add
        and not remove
    ):
        raise InvalidInput(
            Problem("by", "name something to change: title, goal, expected value, add or remove")
        )
    new_title = found.title if title is None else _title(title)
    new_goal = found.goal if goal is None else goal.strip()
    if len(new_goal) > MAX_GOAL or "\x00" in new_goal:
        raise InvalidInput(Problem("goal", f"must be at most {MAX_GOAL} characters"))
    new_value = found.expected_value
    if not isinstance(expected_value, Unchanged):
        _check_value(expected_value)
        new_value = None if expected_value is None else float(expected_value)
    repo = InitiativeRepository(session)
    keys = _keys(session)
    proposer = _org(session, keys[found.proposed_by_org_id], "by")
    added = _invitees(session, proposer, add or [], "add")
    removed = [_org(session, key.strip(), "remove") for key in remove or []]
    if len({o.id for o in removed}) != len(removed):
        raise InvalidInput(Problem("remove", "name each organisation once"))
    if {o.id for o in added} & {o.id for o in removed}:
        raise InvalidInput(Problem("add", "an organisation is both added and removed"))
    parties = repo.parties(found.id)
    statuses = {keys[p.org_id]: cast(rules.PartyStatus, p.status) for p in parties}
    try:
        rules.check_edit(
            statuses,
            by=keys[party.org_id],
            proposer=proposer.key,
            add=[o.key for o in added],
            remove=[o.key for o in removed],
        )
    except rules.Refused as exc:
        raise _refused(exc) from None
    party_ids = {p.org_id for p in parties} - {o.id for o in removed} | {o.id for o in added}
    guard = _guard(
        session,
        title=new_title,
        goal=new_goal,
        proposer_id=found.proposed_by_org_id,
        party_ids=party_ids,
    )
    if guard.topic is not None:
        names = NetworkRepository(session).names_of(keys[i] for pair in guard.pairs for i in pair)
        a, b = guard.pairs[0]
        raise RuleBroken(
            refusals.COMPETITORS_ON_SENSITIVE(
                "add" if added else "title",
                first=names[keys[a]],
                second=names[keys[b]],
                topic=guard.topic,
            )
        )
    details: dict[str, Any] = {}
    for name, old, new in (
        ("title", found.title, new_title),
        ("goal", found.goal, new_goal),
        ("expected_value", found.expected_value, new_value),
    ):
        if old != new:
            details[name] = {"old": old, "new": new}
    if added:
        details["added"] = sorted(o.key for o in added)
    if removed:
        details["removed"] = sorted(o.key for o in removed)
    if not details:
        return read(session, found.id, actor=operator())
    found.title, found.goal, found.expected_value = new_title, new_goal, new_value
    repo.remove_parties(found.id, (o.id for o in removed))
    for org in added:
        repo.add_party(found.id, org.id)
    if (added or removed) and found.method is not None:
        details["model_cleared"] = found.method
        found.method = found.game = found.shares = found.in_core = None
    _new_version(session, found, change="edited", org_id=party.org_id, actor=actor, details=details)
    return read(session, found.id, actor=operator())


def contribute(
    session: Session,
    *,
    initiative_id: int,
    by: str,
    amount: float,
    currency: str,
    actor: Actor,
) -> InitiativeRead:
    """Record a party's contribution (money, or hours and assets valued in money)."""
    found = _load_for(session, actor, initiative_id)
    party = _party(session, found, by, actor)
    if party.status != "accepted":
        raise RuleBroken(Problem("by", "only a party that has accepted contributes"))
    if not (isinstance(amount, int | float) and math.isfinite(amount) and 0 < amount <= MAX_AMOUNT):
        raise InvalidInput(Problem("amount", "must be a positive amount"))
    code = (currency or "").strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise InvalidInput(Problem("currency", "must be a three-letter code such as EUR"))
    InitiativeRepository(session).add_contribution(
        InitiativeContribution(
            initiative_id=found.id, org_id=party.org_id, amount=float(amount), currency=code
        )
    )
    _new_version(
        session,
        found,
        change="contributed",
        org_id=party.org_id,
        actor=actor,
        details={"amount": float(amount), "currency": code},
    )
    return read(session, found.id, actor=actor)


def set_model(
    session: Session, *, initiative_id: int, game: Any, method: str, actor: Actor
) -> InitiativeRead:
    """Set the sharing model: a ``winwin share`` game over the parties' keys and a method."""
    found = _load_for(session, actor, initiative_id)
    managed = sorted(
        org_id
        for org_id in InitiativeRepository(session).party_org_ids(found.id)
        if can_manage_org(actor, org_id)
    )
    if not managed:
        raise PermissionDenied("you do not act for a party of this initiative")
    if method not in rules.METHODS:
        raise InvalidInput(Problem("method", f"must be one of {', '.join(rules.METHODS)}"))
    # A party the actor may not see by name is named in the game, and in every refusal,
    # by its mask: the game is read as written first, so its problems name the masks.
    mapping = _masks(session, found, actor)
    parsed = parse_game(game)
    if mapping:
        hidden = {v: k for k, v in mapping.items()}
        game = naming.rename_game(game, lambda key: hidden.get(key, key))
        parsed = parse_game(game)
    if method == "airport":
        try:
            rules.check_airport(game["type"])
        except rules.Refused as exc:
            raise InvalidInput(Problem(exc.field, exc.message)) from None
    current = read(session, found.id, actor=actor)
    try:
        rules.check_model(
            cast(dict[str, rules.PartyStatus], current.parties),
            tuple(mapping.get(p, p) for p in parsed.players),
        )
    except rules.Refused as exc:
        raise _refused(exc) from None
    # The airport rule is the Shapley value of the airport game, exact by closed form.
    rule = "shapley" if method == "airport" else method
    shared = share(parsed, method=cast(Method, rule))
    found.method = method
    found.game = game
    found.shares = dict(sorted(shared.allocation.items()))
    found.in_core = shared.in_core
    # The history names the party set it for: the person's own organisation when it is a
    # party, else the first party they act for; the command line names none.
    acted = None
    if not actor.is_operator:
        acted = actor.org_id if actor.org_id in managed else managed[0]
    _new_version(
        session, found, change="modelled", org_id=acted, actor=actor, details={"method": method}
    )
    return read(session, found.id, actor=actor)


def agree(session: Session, *, initiative_id: int, by: str, actor: Actor) -> InitiativeRead:
    """A party agrees to the current version; when all have, it is frozen as the
    agreement."""
    found = _load_for(session, actor, initiative_id)
    party = _party(session, found, by, actor)
    try:
        rules.check_agree(
            party.status,
            has_model=found.method is not None,
            already=party.agreed_version,
            version=found.version,
        )
    except rules.Refused as exc:
        raise _refused(exc) from None
    party.agreed_version = found.version
    session.flush()
    repo = InitiativeRepository(session)
    if all(p.agreed_version == found.version for p in repo.parties(found.id)):
        found.agreed_version = found.version
        session.flush()
        document = read(session, found.id, actor=operator()).as_dict()
        frozen = {
            k: document[k]
            for k in ("title", "goal", "parties", "contributions", "method", "shares", "in_core")
        }
        repo.add_agreement(
            InitiativeAgreement(
                initiative_id=found.id,
                version=found.version,
                document={**frozen, "version": found.version, "game": found.game},
                agreed_at=datetime.now(UTC),
            )
        )
    return read(session, found.id, actor=actor)


def record_result(
    session: Session,
    *,
    initiative_id: int,
    by: str,
    amount: float,
    currency: str = "EUR",
    actor: Actor,
) -> InitiativeRead:
    """Record the value the agreed initiative actually made; it is split as agreed and
    shown against the agreed shares. Needs an agreement; the agreement never changes."""
    found = _load_for(session, actor, initiative_id)
    party = _party(session, found, by, actor)
    if found.agreed_version is None:
        raise RuleBroken(Problem("ID", "record results once every party has agreed"))
    if not (
        isinstance(amount, int | float) and math.isfinite(amount) and 0 <= amount <= MAX_AMOUNT
    ):
        raise InvalidInput(Problem("amount", "must be a non-negative amount"))
    code = (currency or "").strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise InvalidInput(Problem("currency", "must be a three-letter code such as EUR"))
    InitiativeRepository(session).add_result(
        InitiativeResult(
            initiative_id=found.id, org_id=party.org_id, amount=float(amount), currency=code
        )
    )
    return read(session, found.id, actor=actor)


def history_orgs(found: InitiativeRead) -> list[str]:
    """The keys of the organisations the initiative's history names."""
    keys: set[str] = set()
    for entry in found.history:
        keys.update([entry["by"]] if entry["by"] else [])
        for name in ("parties", "added", "removed"):
            keys.update(entry["details"].get(name) or [])
    return sorted(keys)


def names_and_acting(
    session: Session, actor: Actor, keys: list[str]
) -> tuple[dict[str, str], list[str]]:
    """The organisations' names by key, and which of them the actor acts for (for the
    pages' forms)."""
    net = NetworkRepository(session)
    names: dict[str, str] = {}
    acting: list[str] = []
    for key in keys:
        org = net.get_by_key(key)
        if org is None:
            continue
        names[key] = org.name
        if can_manage_org(actor, org.id):
            acting.append(key)
    return names, acting
