"""Use cases of who may see which ties: sharing levels, a reader's sight, the overlap.

Every read of the relationship graph asks :func:`sight_for` (or :func:`sight_of`) which
ties the reader may learn of; :mod:`winwin.network.tie_audience` is the rule and
:class:`~winwin.network.tie_sharing_repository.TieSharingRepository` its SQL twin.
Services here take a session and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, require_access, require_manage
from winwin.kernel.errors import InvalidInput, NotFound, Problem, RuleBroken
from winwin.network import refusals, tie_audience
from winwin.network.models import Organization
from winwin.network.tie_audience import DEFAULT_LEVEL, Level, Overlap
from winwin.network.tie_sharing_repository import TieSharingRepository


@dataclass(frozen=True)
class Sight:
    """The ties one reader may learn of, by organisation key.

    ``ties is None`` is the whole graph (the operator, a platform admin, a facilitator
    for a client). ``orgs`` are the organisations the reader may name as part of the
    graph: itself and the ends of the ties it sees."""

    ties: frozenset[tuple[str, str, str]] | None
    viewer: str | None = None

    @property
    def everything(self) -> bool:
        return self.ties is None

    @property
    def orgs(self) -> frozenset[str] | None:
        if self.ties is None:
            return None
        named = {a for _, a, _ in self.ties} | {b for _, _, b in self.ties}
        if self.viewer is not None:
            named.add(self.viewer)
        return frozenset(named)

    def sees_tie(self, kind: str, a: str, b: str) -> bool:
        return self.ties is None or (kind, a, b) in self.ties

    def sees_org(self, key: str) -> bool:
        orgs = self.orgs
        return orgs is None or key in orgs

    def customers(self, org: str, known: frozenset[str]) -> frozenset[str]:
        """Those of ``org``'s customers ``known`` that this reader may learn of."""
        if self.ties is None:
            return known
        return frozenset(c for c in known if ("supplies", org, c) in self.ties)


EVERYTHING = Sight(ties=None)


def _org_or_raise(repo: TieSharingRepository, key: str, field: str) -> Organization:
    org = repo.org_by_key(key)
    if org is None:
        raise NotFound(refusals.NO_ORG(field, key=key))
    return org


def _level_or_raise(value: str, field: str = "level") -> Level:
    try:
        return tie_audience.parse_level(value)
    except ValueError as exc:
        raise InvalidInput(Problem(field, str(exc))) from None


def sight_of(session: Session, *, viewer_id: int) -> Sight:
    """The ties the organisation ``viewer_id`` may learn of (the checkpoint)."""
    repo = TieSharingRepository(session)
    found = repo.visible_ties(viewer_id)
    keys = repo.keys_of({a for _, a, _ in found} | {b for _, _, b in found} | {viewer_id})
    return Sight(
        ties=frozenset((kind, keys[a], keys[b]) for kind, a, b in found),
        viewer=keys[viewer_id],
    )


def _reads_everything(actor: Actor, org_id: int) -> bool:
    return actor.is_platform_admin or (actor.is_facilitator and org_id in actor.client_org_ids)


def sight_for(session: Session, *, actor: Actor, org_id: int | None, what: str) -> Sight:
    """What a signed-in person reads of the graph while acting for ``org_id``.

    A platform admin, and a facilitator acting for a client granted to them, read the
    whole graph, and the read is recorded (``graph_reads``); anyone else reads what the
    organisation may see."""
    if actor.is_platform_admin or (org_id is not None and _reads_everything(actor, org_id)):
        TieSharingRepository(session).record_read(user_id=actor.user_id, role=actor.role, what=what)
        return EVERYTHING
    if org_id is None:
        return Sight(ties=frozenset())
    require_access(actor, org_id)
    return sight_of(session, viewer_id=org_id)


def graph_reads(session: Session, *, limit: int = 200) -> list[dict[str, Any]]:
    """The latest whole-graph reads by platform admins and facilitators, newest first."""
    return [
        {"user_id": r.user_id, "role": r.role, "what": r.what, "read_at": r.read_at}
        for r in TieSharingRepository(session).reads(limit)
    ]


# --- settings ------------------------------------------------------------------------------


def sharing_settings(session: Session, *, org: str, actor: Actor) -> dict[str, Any]:
    """The organisation's default level and, for every partner, the level it chose for
    that partner (its override, else its default) and the override itself.

    These are the organisation's own choices, never the checkpoint's answer: that is
    ``hidden`` for a partner who declared us a competitor, and showing it would tell us
    of a declaration we must never learn."""
    repo = TieSharingRepository(session)
    found = _org_or_raise(repo, org, "org")
    if not actor.is_operator:
        require_access(actor, found.id)
    default = repo.default_of(found.id)
    overrides = repo.overrides_of(found.id)
    partners = repo.partner_ids(found.id)
    keys = repo.keys_of(partners | set(overrides))
    rows = [
        {
            "with": keys[p],
            "level": overrides.get(p) or default or DEFAULT_LEVEL,
            "override": overrides.get(p),
        }
        for p in sorted(partners | set(overrides), key=lambda p: keys[p])
    ]
    return {"org": org, "default": default or DEFAULT_LEVEL, "partners": rows}


def set_sharing(
    session: Session,
    *,
    org: str,
    level: str | None,
    partner: str | None = None,
    actor: Actor,
) -> None:
    """Set the organisation's default level (``partner`` is None) or its level for one
    partner; ``level`` None removes the override (or restores the default ``counts``).
    Only the organisation's admins may (the operator may for any)."""
    repo = TieSharingRepository(session)
    found = _org_or_raise(repo, org, "org")
    if not actor.is_operator:
        require_manage(actor, found.id)
    chosen = None if level in (None, "") else _level_or_raise(level or "")
    if partner is None:
        repo.set_default(found.id, chosen)
        return
    other = _org_or_raise(repo, partner, "with")
    if other.id == found.id:
        raise InvalidInput(Problem("with", "an organisation always sees its own ties"))
    if not actor.is_operator and other.id not in repo.partner_ids(found.id):
        # A person chooses only for the organisation's partners (the operator, importing
        # or scripting, may prepare a level before the tie exists).
        raise InvalidInput(Problem("with", f"'{partner}' is not a partner of '{org}'"))
    repo.set_override(found.id, other.id, chosen)


# --- the overlap ---------------------------------------------------------------------------


def _in_sight(repo: TieSharingRepository, actor: Actor, me: int, them: Organization) -> bool:
    """Whether a person acting for ``me`` may learn that ``them`` exists (the checkpoint)."""
    if me == them.id or _reads_everything(actor, me) or repo.tied(me, them.id):
        return True
    return sight_of(repo.session, viewer_id=me).sees_org(them.key)


def overlap(session: Session, *, org: str, other: str, actor: Actor) -> Overlap:
    """Account mapping: ``org``'s customers beside ``other``'s, as ``org`` may see them
    (:func:`winwin.network.tie_audience.overlap`; the level is the checkpoint's
    ``level(other → org)``, which already holds both sides' settings, competitor
    declarations and partnership).

    For a person (who must be allowed to act for ``org``), an ``other``
    outside ``org``'s sight answers as an unknown key does, so the answer never tells
    that it exists; the operator is told ``hidden``. ``other`` equal
    to ``org`` is refused."""
    repo = TieSharingRepository(session)
    me = _org_or_raise(repo, org, "org")
    if not actor.is_operator:
        require_access(actor, me.id)
    them = repo.org_by_key(other)
    if them is not None and not actor.is_operator and not _in_sight(repo, actor, me.id, them):
        them = None
    if them is None:
        raise NotFound(refusals.NO_ORG("with", key=other))
    if me.id == them.id:
        raise RuleBroken(refusals.OVERLAP_WITH_SELF("with"))
    granted = repo.level(owner_id=them.id, viewer_id=me.id)
    mine = repo.customer_keys(me.id)
    # At ``hidden`` nothing of theirs is read at all.
    theirs = repo.customer_keys(them.id) if granted != "hidden" else set()
    return tie_audience.overlap_of(
        org=me.key, other=them.key, granted=granted, mine=mine, theirs=theirs
    )


def setting_for(session: Session, *, org: str, other: str) -> Level:
    """``org``'s own chosen level for ``other``: its override, else its default, else
    ``counts``. This is the setting, not the checkpoint's level: shown to ``org`` beside
    the overlap, it must not tell ``org`` whether ``other`` declared it a competitor."""
    repo = TieSharingRepository(session)
    me = _org_or_raise(repo, org, "org")
    them = _org_or_raise(repo, other, "with")
    chosen = repo.overrides_of(me.id).get(them.id) or repo.default_of(me.id)
    return chosen or DEFAULT_LEVEL


def overlap_as_dict(found: Overlap) -> dict[str, Any]:
    """The overlap's JSON (docs/cli.md)."""
    return {
        "org": found.org,
        "with": found.other,
        "level": found.level,
        "common_count": found.common_count,
        "common": found.common,
        "their_other_customers": found.their_other_customers,
    }
