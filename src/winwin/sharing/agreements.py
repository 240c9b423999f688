"""Agreements between two partners: the topics kept secret between them, proposed,
revised, ended and answered by the two sides."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from winwin.kernel.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleBroken,
)
from winwin.network.repository import NetworkRepository
from winwin.notifications import service as notifications
from winwin.sharing import feed, refusals
from winwin.sharing.items import ItemRepository, Viewer
from winwin.sharing.models import AgreementProposal
from winwin.sharing.repository import SharingRepository
from winwin.sharing.topics import clean_topics


def _partner_or_raise(session: Session, by: Viewer, partner: str) -> Viewer:
    other = ItemRepository(session).viewer(partner) if feed.is_key(partner) else None
    if other is None:
        raise InvalidInput(refusals.UNKNOWN_ORG("partner", org=partner))
    if other.id == by.id:
        raise InvalidInput(refusals.AGREEMENT_PAIR("partner"))
    return other


def _propose(
    session: Session,
    *,
    by: Viewer,
    other: Viewer,
    kind: str,
    topics: list[str],
    user_id: int | None,
) -> int:
    """Store a proposal and tell the other side's admins (``agreement`` notification)."""
    a, b = sorted((by.id, other.id))
    proposal = AgreementProposal(
        a_id=a,
        b_id=b,
        proposed_by_id=by.id,
        kind=kind,
        topics=topics,
        proposed_by_user_id=user_id,
    )
    SharingRepository(session).add_proposal(proposal)
    notifications.notify_about_agreement(
        session,
        kind="agreement",
        proposal_id=proposal.id,
        org_id=other.id,
        actor_user_id=user_id,
        actor_org_id=by.id,
    )
    return proposal.id


def propose_agreement(
    session: Session,
    *,
    by: Viewer,
    partner: str,
    topics: Sequence[str],
    user_id: int | None = None,
) -> int:
    """Propose topics to keep secret between two partners; held once the partner accepts.

    The partner's admins are told.
    """
    cleaned = clean_topics(topics) or []
    if not cleaned:
        raise InvalidInput(refusals.NAME_A_TOPIC("topics"))
    other = _partner_or_raise(session, by, partner)
    if not SharingRepository(session).are_partners(by.id, other.id):
        raise RuleBroken(refusals.AGREEMENT_NOT_PARTNER("partner", org=partner, owner=by.key))
    return _propose(session, by=by, other=other, kind="add", topics=cleaned, user_id=user_id)


def _active_or_raise(session: Session, by: Viewer, partner: str) -> tuple[Viewer, Any]:
    other = _partner_or_raise(session, by, partner)
    agreement = SharingRepository(session).agreement(by.id, other.id)
    if agreement is None or agreement.status != "active":
        raise NotFound(refusals.NO_AGREEMENT(partner=partner))
    return other, agreement


def propose_revision(
    session: Session,
    *,
    by: Viewer,
    partner: str,
    topics: Sequence[str],
    user_id: int | None = None,
) -> int:
    """Propose a new list of secret topics for an active agreement (either side may);
    the topics are replaced once the partner accepts."""
    cleaned = clean_topics(topics) or []
    if not cleaned:
        raise InvalidInput(refusals.REVISION_EMPTY("topics"))
    other, agreement = _active_or_raise(session, by, partner)
    if sorted(cleaned) == sorted(t.topic for t in agreement.topics):
        raise InvalidInput(refusals.SAME_TOPICS("topics"))
    return _propose(session, by=by, other=other, kind="revise", topics=cleaned, user_id=user_id)


def propose_ending(
    session: Session, *, by: Viewer, partner: str, user_id: int | None = None
) -> int:
    """Propose to end an active agreement (either side may); it ends once the partner
    accepts, since ending it would open the partner's own items too."""
    other, agreement = _active_or_raise(session, by, partner)
    topics = sorted(t.topic for t in agreement.topics)
    return _propose(session, by=by, other=other, kind="end", topics=topics, user_id=user_id)


def answer_proposal(
    session: Session,
    *,
    proposal_id: int,
    org: Viewer,
    accept: bool,
    user_id: int | None = None,
) -> None:
    """The other party accepts or declines; the proposer's admins are told.

    Accepting an ``add`` adds its topics to the pair's agreement (creating it), a
    ``revise`` replaces the topics, an ``end`` ends the agreement.
    """
    repo = SharingRepository(session)
    proposal = repo.proposal(proposal_id) if 0 < proposal_id < 2**31 else None
    if proposal is None or org.id not in (proposal.a_id, proposal.b_id):
        raise NotFound(refusals.NO_PROPOSAL(id=proposal_id))
    if proposal.proposed_by_id == org.id:
        raise PermissionDenied(refusals.OWN_PROPOSAL())
    if proposal.status != "proposed":
        raise Conflict(refusals.PROPOSAL_DECIDED(status=proposal.status))
    pair = (proposal.a_id, proposal.b_id)
    if accept and proposal.kind in ("revise", "end"):
        agreement = repo.agreement(*pair)
        if agreement is None or agreement.status != "active":
            raise Conflict(refusals.ENDED_SINCE())
    proposal.status = "accepted" if accept else "declined"
    proposal.decided_at = datetime.now(UTC)
    proposal.decided_by_user_id = user_id
    if accept:
        net = NetworkRepository(session)
        if proposal.kind == "end":
            repo.delete_agreement(*pair)
        elif proposal.kind == "revise":
            net.upsert_agreement(a_id=pair[0], b_id=pair[1], topics=proposal.topics)
        else:
            current = net.agreements(active_only=False).get(pair, [])
            net.upsert_agreement(a_id=pair[0], b_id=pair[1], topics=[*current, *proposal.topics])
    session.flush()
    notifications.notify_about_agreement(
        session,
        kind="agreement_reply",
        proposal_id=proposal.id,
        org_id=proposal.proposed_by_id,
        actor_user_id=user_id,
        actor_org_id=org.id,
    )


def withdraw_proposal(session: Session, *, proposal_id: int, org: Viewer) -> None:
    repo = SharingRepository(session)
    proposal = repo.proposal(proposal_id) if 0 < proposal_id < 2**31 else None
    if proposal is None or proposal.proposed_by_id != org.id:
        raise NotFound(refusals.NO_PROPOSAL_OF_YOURS(id=proposal_id))
    if proposal.status != "proposed":
        raise Conflict(refusals.PROPOSAL_DECIDED(status=proposal.status))
    proposal.status = "withdrawn"
    proposal.decided_at = datetime.now(UTC)
    session.flush()


def settle_proposal(
    session: Session, *, proposal_id: int, org: Viewer, answer: str, user_id: int | None
) -> None:
    """``accept`` or ``decline`` the partner's proposal, or ``withdraw`` one's own (the
    answer the page's buttons and the REST route send)."""
    if answer == "withdraw":
        withdraw_proposal(session, proposal_id=proposal_id, org=org)
    else:
        answer_proposal(
            session,
            proposal_id=proposal_id,
            org=org,
            accept=answer == "accept",
            user_id=user_id,
        )


def _proposal_row(p: AgreementProposal, org: Viewer, keys: dict[int, str]) -> dict[str, Any]:
    return {
        "id": p.id,
        "with": keys[p.b_id if p.a_id == org.id else p.a_id],
        "kind": p.kind,
        "proposed_by": keys.get(p.proposed_by_id, ""),
        "topics": list(p.topics),
        "status": p.status,
        "mine": p.proposed_by_id == org.id,
    }


def agreements_of(session: Session, *, org: Viewer) -> dict[str, list[dict[str, Any]]]:
    """The organisation's active agreements and its open and answered proposals."""
    repo = SharingRepository(session)
    rows = repo.agreements_of(org.id)
    proposals = repo.proposals_of(org.id)
    ids = {a.a_id for a in rows} | {a.b_id for a in rows}
    ids |= {p.a_id for p in proposals} | {p.b_id for p in proposals}
    keys = repo.org_keys(ids)
    names = repo.names_by_id(ids)
    active = [
        {
            "with": keys[a.b_id if a.a_id == org.id else a.a_id],
            "name": names[a.b_id if a.a_id == org.id else a.a_id],
            "secret_topics": sorted(t.topic for t in a.topics),
        }
        for a in rows
        if a.status == "active"
    ]
    return {
        "agreements": sorted(active, key=lambda a: str(a["with"])),
        "proposals": [_proposal_row(p, org, keys) for p in proposals],
    }


def agreement_with(session: Session, *, org: Viewer, partner: str) -> dict[str, Any]:
    """One pair's agreement as either side sees it: its topics (empty when there is no
    active agreement), the open proposals and the whole history, newest first.

    ``NotFound`` when the pair has neither an agreement nor a proposal.
    """
    other = _partner_or_raise(session, org, partner)
    repo = SharingRepository(session)
    agreement = repo.agreement(org.id, other.id)
    proposals = repo.proposals_between(org.id, other.id)
    if agreement is None and not proposals:
        raise NotFound(refusals.NO_AGREEMENT(partner=partner))
    keys = repo.org_keys({org.id, other.id})
    names = repo.names_by_id({org.id, other.id})
    people = repo.user_names(
        {p.proposed_by_user_id for p in proposals if p.proposed_by_user_id}
        | {p.decided_by_user_id for p in proposals if p.decided_by_user_id}
    )
    active = agreement is not None and agreement.status == "active"
    history = [
        {
            **_proposal_row(p, org, keys),
            "proposed_by_name": names[p.proposed_by_id],
            "proposed_by_person": people.get(p.proposed_by_user_id or 0),
            "proposed_at": p.created_at,
            "decided_at": p.decided_at,
            "decided_by_person": people.get(p.decided_by_user_id or 0),
        }
        for p in proposals
    ]
    return {
        "with": other.key,
        "name": names[other.id],
        "active": active,
        "secret_topics": sorted(t.topic for t in agreement.topics) if active and agreement else [],
        "since": agreement.created_at if active and agreement else None,
        "open": [h for h in history if h["status"] == "proposed"],
        "history": history,
    }
