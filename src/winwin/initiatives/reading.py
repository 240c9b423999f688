"""The ``show`` document of a joint initiative as each reader may see it: every party the
reader may not see by name masked (``naming``), the guard's findings told to the
proposer's side only, and the names and organisations the pages' forms need.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, accessible_org_ids, can_access_org, can_manage_org
from winwin.initiatives import naming, refusals, rules
from winwin.initiatives.checkpoint import can_read, guard_of, keys_by_id, load, org_by_key
from winwin.initiatives.models import Initiative
from winwin.initiatives.repository import InitiativeRepository
from winwin.initiatives.versions import history_entry
from winwin.kernel.errors import NotFound, Problem
from winwin.network.repository import NetworkRepository
from winwin.sharing import directory
from winwin.sharing.repository import SharingRepository


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
    found = load(session, initiative_id)
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
        org = org_by_key(session, as_org, "by")
        parties = InitiativeRepository(session).party_org_ids(found.id)
        if org.id not in parties or org.id in guard_of(session, found, parties).held:
            raise NotFound(f"no initiative {found.id} that '{as_org}' may see")
        return frozenset({org.id})
    if actor.is_platform_admin:
        return None
    return frozenset(accessible_org_ids(session, actor))


def masks_for(session: Session, found: Initiative, actor: Actor) -> dict[str, str]:
    """``key → another:N`` of the parties the actor may not see by name."""
    readers = _readers(session, found, actor, None)
    return {} if readers is None else _mapping(session, found.id, readers)


def _mapping(
    session: Session, initiative_id: int, readers: frozenset[int], others: Iterable[str] = ()
) -> dict[str, str]:
    """The masks of the parties, then of the ``others`` (organisations the history names
    that are no longer parties), the readers may not see by name."""
    keys = keys_by_id(session)
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
    keys = keys_by_id(session)
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
        guard = guard_of(session, found, {p.org_id for p in parties})
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
