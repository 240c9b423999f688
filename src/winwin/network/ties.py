"""Use cases for ties by mutual consent and competitors declared by one side.

Who may act
-----------
An organisation acts through its admins (``accounts.access.can_manage_org``: its org
admins, the facilitators granted to it, platform admins). The operator
at the command line (``accounts.access.operator()``) acts for any organisation named by
``--by``.

Ties
----
- A proposal changes no visibility. Accepting it writes the tie at once, and ending a
  tie removes it at once: every read of the network decides visibility from the stored
  ties on the spot (no cache holds them), so what the tie alone made visible is hidden
  from the next read on.
- At most one proposal is pending between two organisations (in either direction).
- A declined or withdrawn proposal may be made again by the same proposer to the same
  organisation only after ``tie_rules.PROPOSE_AGAIN_AFTER`` (30 days).
- Every change is written to both sides' log (``tie_events``), and the other side's
  admins are notified.

Competitors
-----------
A declaration is one side's alone: it needs no consent and narrows what both see. Only
the declaring side withdraws it, and the other side is never told: its log, lists and
notifications never show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, require_manage
from winwin.kernel.errors import InvalidInput, NotFound, Problem, RuleBroken
from winwin.kernel.time import as_utc, utcnow
from winwin.network import refusals, tie_rules
from winwin.network.models import Organization, TieProposal
from winwin.network.repository import NetworkRepository
from winwin.network.tie_repository import TieRepository
from winwin.notifications.service import notify_about_tie


@dataclass(frozen=True)
class Sides:
    by: Organization
    other: Organization


def _sides(session: Session, actor: Actor, by: str, other: str) -> Sides:
    repo = NetworkRepository(session)
    acting = repo.get_by_key(by)
    if acting is None:
        raise NotFound(refusals.NO_ORG("by", key=by))
    if not actor.is_operator:
        require_manage(actor, acting.id)
    found = repo.get_by_key(other)
    if found is None:
        raise InvalidInput(refusals.NO_ORG("with", key=other))
    if found.id == acting.id:
        raise RuleBroken(refusals.SELF_TIE("with"))
    return Sides(acting, found)


def _record(
    session: Session,
    sides: Sides,
    action: str,
    *,
    kind: str | None,
    actor: Actor,
    both: bool = True,
) -> None:
    """Write the change to the acting side's log and, for ties, to the other side's."""
    repo = TieRepository(session)
    user_id = actor.user_id
    at = utcnow()
    repo.add_event(
        org_id=sides.by.id,
        other_id=sides.other.id,
        by_id=sides.by.id,
        action=action,
        kind=kind,
        user_id=user_id,
        at=at,
    )
    if both:
        repo.add_event(
            org_id=sides.other.id,
            other_id=sides.by.id,
            by_id=sides.by.id,
            action=action,
            kind=tie_rules.seen_by_other(kind) if kind else None,
            user_id=user_id,
            at=at,
        )


def _tell(session: Session, sides: Sides, proposal: TieProposal, kind: str, actor: Actor):  # type: ignore[no-untyped-def]
    notify_about_tie(
        session,
        kind=kind,
        proposal_id=proposal.id,
        org_id=sides.other.id,
        actor_user_id=actor.user_id,
        actor_org_id=sides.by.id,
    )


def proposal_json(proposal: TieProposal, by: str, other: str) -> dict[str, Any]:
    return {"by": by, "with": other, "kind": proposal.kind, "state": proposal.status}


def propose_tie(
    session: Session, actor: Actor, *, by: str, other: str, kind: str
) -> dict[str, Any]:
    """``by`` proposes a tie of ``kind`` (its own point of view) to ``other``."""
    if kind not in tie_rules.KINDS:
        raise InvalidInput(refusals.BAD_TIE_KIND("kind", kind=kind[:40]))
    sides = _sides(session, actor, by, other)
    repo = TieRepository(session)
    if repo.pending_between(sides.by.id, sides.other.id) is not None:
        raise RuleBroken(refusals.PENDING("with", other=other))
    wanted = tie_rules.stored_tie(kind, sides.by.id, sides.other.id)
    if repo.has_tie(wanted):
        raise RuleBroken(refusals.ALREADY_TIED("with", other=other, kind=kind))
    last = repo.last_refused(sides.by.id, sides.other.id)
    if last is not None and last.decided_at is not None:
        again = tie_rules.may_propose_again(as_utc(last.decided_at), utcnow())
        if again is not None:
            raise RuleBroken(refusals.TOO_SOON("with", other=other, date=again.date().isoformat()))
    proposal = repo.add_proposal(
        from_id=sides.by.id,
        to_id=sides.other.id,
        kind=kind,
        user_id=actor.user_id,
        at=utcnow(),
    )
    _record(session, sides, "proposed", kind=kind, actor=actor)
    _tell(session, sides, proposal, "tie_proposed", actor)
    return proposal_json(proposal, by, other)


def answer_tie(
    session: Session, actor: Actor, *, by: str, other: str, accept: bool
) -> dict[str, Any]:
    """``by`` accepts or declines the pending proposal that ``other`` made to it."""
    sides = _sides(session, actor, by, other)
    repo = TieRepository(session)
    proposal = repo.pending_between(sides.by.id, sides.other.id)
    if proposal is None or proposal.to_id != sides.by.id:
        raise RuleBroken(refusals.NO_PROPOSAL_FROM("with", other=other))
    proposal.status = "accepted" if accept else "declined"
    proposal.decided_at = utcnow()
    if accept:
        tie = tie_rules.stored_tie(proposal.kind, proposal.from_id, proposal.to_id)
        if not repo.has_tie(tie):
            repo.add_tie(tie)
    own_kind = tie_rules.seen_by_other(proposal.kind)
    action = "accepted" if accept else "declined"
    _record(session, sides, action, kind=own_kind, actor=actor)
    _tell(session, sides, proposal, f"tie_{action}", actor)
    session.flush()
    return {"by": by, "with": other, "kind": own_kind, "state": proposal.status}


def withdraw_tie(session: Session, actor: Actor, *, by: str, other: str) -> dict[str, Any]:
    """``by`` withdraws the pending proposal it made to ``other``."""
    sides = _sides(session, actor, by, other)
    repo = TieRepository(session)
    proposal = repo.pending_between(sides.by.id, sides.other.id)
    if proposal is None or proposal.from_id != sides.by.id:
        raise RuleBroken(refusals.NO_PROPOSAL_TO("with", other=other))
    proposal.status = "withdrawn"
    proposal.decided_at = utcnow()
    _record(session, sides, "withdrawn", kind=proposal.kind, actor=actor)
    _tell(session, sides, proposal, "tie_withdrawn", actor)
    session.flush()
    return proposal_json(proposal, by, other)


def end_tie(
    session: Session, actor: Actor, *, by: str, other: str, kind: str | None = None
) -> dict[str, Any]:
    """Either side ends an accepted tie, at once (``kind`` picks one of several)."""
    if kind is not None and kind not in tie_rules.KINDS:
        raise InvalidInput(refusals.BAD_TIE_KIND("kind", kind=kind[:40]))
    sides = _sides(session, actor, by, other)
    repo = TieRepository(session)
    ties = [
        t
        for t in repo.ties_between(sides.by.id, sides.other.id)
        if kind is None or tie_rules.kind_for(t, sides.by.id) == kind
    ]
    if not ties:
        raise RuleBroken(refusals.NOT_TIED("with", other=other))
    if len(ties) > 1:
        kinds = ", ".join(sorted(tie_rules.kind_for(t, sides.by.id) for t in ties))
        raise InvalidInput(refusals.WHICH_TIE("kind", other=other, kinds=kinds))
    tie = ties[0]
    own_kind = tie_rules.kind_for(tie, sides.by.id)
    repo.delete_tie(tie)
    proposal = repo.accepted_for(tie)
    now = utcnow()
    if proposal is None:
        # A tie from a network document has no proposal; its end is recorded as one.
        proposal = repo.add_proposal(
            from_id=sides.by.id,
            to_id=sides.other.id,
            kind=own_kind,
            user_id=actor.user_id,
            at=now,
        )
    proposal.status = "ended"
    proposal.decided_at = now
    _record(session, sides, "ended", kind=own_kind, actor=actor)
    _tell(session, sides, proposal, "tie_ended", actor)
    session.flush()
    return {"by": by, "with": other, "kind": own_kind, "state": "ended"}


def list_ties(session: Session, actor: Actor, *, org: str) -> dict[str, Any]:
    """ORG's accepted ties and pending proposals, each kind from ORG's point of view."""
    found = NetworkRepository(session).get_by_key(org)
    if found is None:
        raise NotFound(refusals.NO_ORG("org", key=org))
    if not actor.is_operator:
        from winwin.accounts.access import require_access

        require_access(actor, found.id)
    repo = TieRepository(session)
    keys = repo.keys_of_partners(found.id)
    out: list[dict[str, Any]] = []
    for tie in repo.ties_of(found.id):
        other = tie[2] if tie[1] == found.id else tie[1]
        accepted = repo.accepted_for(tie)
        out.append(
            {
                "with": keys[other],
                "kind": tie_rules.kind_for(tie, found.id),
                "state": "accepted",
                "proposed_by": keys[accepted.from_id] if accepted is not None else None,
            }
        )
    for proposal in repo.pending_of(found.id):
        mine = proposal.from_id == found.id
        other = proposal.to_id if mine else proposal.from_id
        out.append(
            {
                "with": keys[other],
                "kind": proposal.kind if mine else tie_rules.seen_by_other(proposal.kind),
                "state": "proposed",
                "proposed_by": keys[proposal.from_id],
            }
        )
    out.sort(key=lambda t: (t["with"], t["state"], t["kind"]))
    return {"org": org, "ties": out}


def declare_competitor(session: Session, actor: Actor, *, by: str, other: str) -> dict[str, Any]:
    """``by`` declares ``other`` a competitor (idempotent; the other side is not told)."""
    sides = _sides(session, actor, by, other)
    repo = TieRepository(session)
    if repo.declared(sides.by.id, sides.other.id):
        return {"by": by, "competitor": other, "declared": True}
    repo.declare(sides.by.id, sides.other.id)
    _record(session, sides, "competitor_declared", kind=None, actor=actor, both=False)
    session.flush()
    return {"by": by, "competitor": other, "declared": True}


def withdraw_competitor(session: Session, actor: Actor, *, by: str, other: str) -> dict[str, Any]:
    """``by`` withdraws its own declaration; the other side's declaration stays."""
    sides = _sides(session, actor, by, other)
    repo = TieRepository(session)
    if not repo.declared(sides.by.id, sides.other.id):
        # The same answer whether or not the other side declared ``by`` a competitor.
        raise RuleBroken(refusals.NOT_DECLARED("with", other=other))
    repo.undeclare(sides.by.id, sides.other.id)
    _record(session, sides, "competitor_withdrawn", kind=None, actor=actor, both=False)
    session.flush()
    return {"by": by, "competitor": other, "declared": False}


def competitors_declared_by(session: Session, actor: Actor, *, org: str) -> list[str]:
    """The competitors ORG itself declared (never those that declared ORG)."""
    found = NetworkRepository(session).get_by_key(org)
    if found is None:
        raise NotFound(refusals.NO_ORG("org", key=org))
    if not actor.is_operator:
        require_manage(actor, found.id)
    return TieRepository(session).declared_by(found.id)


def tie_log(session: Session, actor: Actor, *, org: str, limit: int = 200) -> list[dict[str, Any]]:
    """ORG's log of tie and competitor changes, newest first."""
    found = NetworkRepository(session).get_by_key(org)
    if found is None:
        raise NotFound(refusals.NO_ORG("org", key=org))
    if not actor.is_operator:
        require_manage(actor, found.id)
    if not 1 <= limit <= 1000:
        raise InvalidInput(Problem("limit", "must be from 1 to 1000"))
    return TieRepository(session).events_of(found.id, limit=limit)


def org_names(session: Session, keys: list[str]) -> dict[str, str]:
    """Names of these organisations by key (for pages that show names, not keys)."""
    return NetworkRepository(session).names_of(keys)
