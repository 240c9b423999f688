"""REST routes of agreements: propose secret topics to a partner, revise, end, answer.

Mounted by ``sharing.api``, which gives them its ``sharing`` tag and their old place in
the OpenAPI document.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path

from winwin.http.deps import CurrentUser, SessionDep
from winwin.sharing import service as sharing
from winwin.sharing.api_deps import OrgQuery, acting_org
from winwin.sharing.schemas import ProposalCreate, ProposalCreated, RevisionCreate

router = APIRouter()


@router.get("/agreements", summary="My agreements and proposals")
def list_agreements(
    actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> dict[str, list[dict[str, Any]]]:
    return sharing.agreements_of(session, org=acting_org(session, actor, org))


@router.post(
    "/agreements/proposals",
    response_model=ProposalCreated,
    status_code=201,
    summary="Propose topics to keep secret with a partner",
)
def propose(
    body: ProposalCreate, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> ProposalCreated:
    proposal = sharing.propose_agreement(
        session,
        by=acting_org(session, actor, org),
        partner=body.partner,
        topics=body.topics,
        user_id=actor.user_id,
    )
    return ProposalCreated(id=proposal)


@router.get("/agreements/{partner}", summary="The agreement with a partner, with its history")
def read_agreement(
    partner: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> dict[str, Any]:
    return sharing.agreement_with(session, org=acting_org(session, actor, org), partner=partner)


@router.post(
    "/agreements/{partner}/revisions",
    response_model=ProposalCreated,
    status_code=201,
    summary="Propose new secret topics for an agreement (held once the partner accepts)",
)
def propose_revision(
    partner: str,
    body: RevisionCreate,
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
) -> ProposalCreated:
    made = sharing.propose_revision(
        session,
        by=acting_org(session, actor, org),
        partner=partner,
        topics=body.topics,
        user_id=actor.user_id,
    )
    return ProposalCreated(id=made)


@router.post(
    "/agreements/{partner}/ending",
    response_model=ProposalCreated,
    status_code=201,
    summary="Propose to end an agreement (it ends once the partner accepts)",
)
def propose_ending(
    partner: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> ProposalCreated:
    made = sharing.propose_ending(
        session, by=acting_org(session, actor, org), partner=partner, user_id=actor.user_id
    )
    return ProposalCreated(id=made)


@router.post("/agreements/proposals/{proposal_id}/{answer}", status_code=204)
def answer(
    proposal_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    answer: Literal["accept", "decline", "withdraw"],
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
) -> None:
    """Accept or decline the partner's proposal, or withdraw your own."""
    sharing.settle_proposal(
        session,
        proposal_id=proposal_id,
        org=acting_org(session, actor, org),
        answer=answer,
        user_id=actor.user_id,
    )
