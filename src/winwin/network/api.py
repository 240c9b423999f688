"""Organisations: profiles and people, for those that ``services.access`` admits."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response
from sqlalchemy.orm import Session

from winwin.accounts import service as accounts
from winwin.accounts.access import Actor, accessible_orgs, require_access
from winwin.accounts.models import User
from winwin.http.deps import CurrentUser, IdPath, SessionDep, public_base_url
from winwin.mail.jobs import person_subject
from winwin.mail.web import mail_after_commit
from winwin.network import service as network
from winwin.network import tie_sharing, ties
from winwin.network.models import Organization
from winwin.network.schemas import (
    CompetitorsRead,
    FacilitatorGrantCreate,
    OrganizationCreate,
    OrganizationRead,
    OrganizationUpdate,
    OverlapRead,
    PeopleCreate,
    PersonRead,
    PersonUpdate,
    TieChange,
    TieEventRead,
    TieProposalCreate,
    TieSharingChange,
    TieSharingRead,
    TiesRead,
)

router = APIRouter(prefix="/organizations", tags=["organizations"])


def org_read(org: Organization) -> OrganizationRead:
    return OrganizationRead(
        key=org.key,
        name=org.name,
        country=org.country,
        cluster=org.cluster,
        industry=org.industry,
        roles=list(org.roles or []),
        capabilities=list(org.capabilities or []),
        needs=list(org.needs or []),
        values=list(org.values or []),
        business_id=org.business_id,
    )


def person_read(user: User) -> PersonRead:
    return PersonRead(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,  # type: ignore[arg-type]
        activated=user.password_hash is not None,
    )


def org_or_404(session: SessionDep, key: str) -> Organization:
    return network.org_or_raise(session, key)


@router.get("", response_model=list[OrganizationRead], summary="Organisations I work for")
def list_organizations(
    actor: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[OrganizationRead]:
    orgs = accessible_orgs(session, actor, limit=limit, offset=offset)
    return [org_read(o) for o in orgs]


@router.post(
    "",
    response_model=OrganizationRead,
    status_code=201,
    summary="Add an organisation (platform admins)",
)
def add_organization(
    body: OrganizationCreate, actor: CurrentUser, session: SessionDep
) -> OrganizationRead:
    org = network.add_organization(
        session,
        actor,
        key=body.key,
        name=body.name,
        country=body.country,
        cluster=body.cluster,
        business_id=body.business_id,
    )
    return org_read(org)


@router.get("/{key}", response_model=OrganizationRead, summary="One organisation's profile")
def read_organization(key: str, actor: CurrentUser, session: SessionDep) -> OrganizationRead:
    org = org_or_404(session, key)
    require_access(actor, org.id)
    return org_read(org)


@router.patch("/{key}", response_model=OrganizationRead, summary="Change the profile")
def update_organization(
    key: str, body: OrganizationUpdate, actor: CurrentUser, session: SessionDep
) -> OrganizationRead:
    org = org_or_404(session, key)
    change = accounts.ProfileChange(**body.model_dump(exclude_unset=True))
    return org_read(accounts.update_profile(session, actor, org_id=org.id, change=change))


@router.get("/{key}/people", response_model=list[PersonRead], summary="The organisation's people")
def list_people(key: str, actor: CurrentUser, session: SessionDep) -> list[PersonRead]:
    org = org_or_404(session, key)
    require_access(actor, org.id)
    return [person_read(u) for u in accounts.people_of_org(session, org.id)]


@router.post(
    "/{key}/people",
    response_model=list[PersonRead],
    status_code=201,
    summary="Invite people (all or nothing); each gets a link to set a password",
)
def invite_people(
    key: str,
    body: PeopleCreate,
    request: Request,
    background: BackgroundTasks,
    actor: CurrentUser,
    session: SessionDep,
) -> list[PersonRead]:
    org = org_or_404(session, key)
    invited = accounts.invite_people(
        session,
        actor,
        org_id=org.id,
        invitations=[accounts.Invitation(p.email, p.name, p.role) for p in body.people],
        base_url=public_base_url(request),
    )
    for person in invited:
        mail_after_commit(
            request,
            background,
            session,
            kind="invitation",
            to=person.email,
            link=person.link,
            started_by=actor.user_id,
            subject=person_subject(person.user_id),
            page=f"/org?org={org.key}#person-{person.user_id}",
        )
    return [person_read(accounts.get_person_or_raise(session, i.user_id)) for i in invited]


@router.patch("/{key}/people/{person_id}", response_model=PersonRead, summary="Change a role")
def update_person(
    key: str, person_id: IdPath, body: PersonUpdate, actor: CurrentUser, session: SessionDep
) -> PersonRead:
    org = org_or_404(session, key)
    user = accounts.change_role(session, actor, org_id=org.id, user_id=person_id, role=body.role)
    return person_read(user)


@router.delete(
    "/{key}/people/{person_id}",
    status_code=204,
    response_class=Response,
    summary="Remove a person",
)
def remove_person(key: str, person_id: IdPath, actor: CurrentUser, session: SessionDep) -> Response:
    org = org_or_404(session, key)
    accounts.remove_person(session, actor, org_id=org.id, user_id=person_id)
    return Response(status_code=204)


@router.get(
    "/{key}/facilitators",
    response_model=list[PersonRead],
    summary="Facilitators who work for the organisation",
)
def list_facilitators(key: str, actor: CurrentUser, session: SessionDep) -> list[PersonRead]:
    org = org_or_404(session, key)
    require_access(actor, org.id)
    return [person_read(u) for u in accounts.facilitators_of_org(session, org.id)]


@router.post(
    "/{key}/facilitators",
    response_model=PersonRead,
    status_code=201,
    summary="Let a facilitator work for the organisation",
)
def grant_facilitator(
    key: str, body: FacilitatorGrantCreate, actor: CurrentUser, session: SessionDep
) -> PersonRead:
    org = org_or_404(session, key)
    user = accounts.grant_facilitator(session, actor, org_id=org.id, email=body.email)
    return person_read(user)


@router.delete(
    "/{key}/facilitators/{person_id}",
    status_code=204,
    response_class=Response,
    summary="Stop a facilitator's work for the organisation",
)
def revoke_facilitator(
    key: str, person_id: IdPath, actor: CurrentUser, session: SessionDep
) -> Response:
    org = org_or_404(session, key)
    accounts.revoke_facilitator(session, actor, org_id=org.id, user_id=person_id)
    return Response(status_code=204)


# ties and competitors ---------------------------------------------------------------------
@router.get("/{key}/ties", response_model=TiesRead, summary="Our ties and pending proposals")
def list_ties(key: str, actor: CurrentUser, session: SessionDep) -> TiesRead:
    return TiesRead.model_validate(ties.list_ties(session, actor, org=key))


@router.post(
    "/{key}/ties",
    response_model=TieChange,
    response_model_by_alias=True,
    status_code=201,
    summary="Propose a tie (org admins); it changes no visibility until accepted",
)
def propose_tie(
    key: str, body: TieProposalCreate, actor: CurrentUser, session: SessionDep
) -> TieChange:
    result = ties.propose_tie(session, actor, by=key, other=body.with_, kind=body.kind)
    return TieChange.model_validate(result)


def _tie_change(result: dict[str, object]) -> TieChange:
    return TieChange.model_validate(result)


@router.post(
    "/{key}/ties/{other}/accept",
    response_model=TieChange,
    summary="Accept the tie the other organisation proposed; it takes effect at once",
)
def accept_tie(key: str, other: str, actor: CurrentUser, session: SessionDep) -> TieChange:
    return _tie_change(ties.answer_tie(session, actor, by=key, other=other, accept=True))


@router.post(
    "/{key}/ties/{other}/decline",
    response_model=TieChange,
    summary="Decline the tie the other organisation proposed",
)
def decline_tie(key: str, other: str, actor: CurrentUser, session: SessionDep) -> TieChange:
    return _tie_change(ties.answer_tie(session, actor, by=key, other=other, accept=False))


@router.post(
    "/{key}/ties/{other}/withdraw",
    response_model=TieChange,
    summary="Withdraw our pending proposal",
)
def withdraw_tie(key: str, other: str, actor: CurrentUser, session: SessionDep) -> TieChange:
    return _tie_change(ties.withdraw_tie(session, actor, by=key, other=other))


@router.post(
    "/{key}/ties/{other}/end",
    response_model=TieChange,
    summary="End an accepted tie, at once (kind picks one of several)",
)
def end_tie(
    key: str,
    other: str,
    actor: CurrentUser,
    session: SessionDep,
    kind: Annotated[str | None, Query(max_length=16)] = None,
) -> TieChange:
    return _tie_change(ties.end_tie(session, actor, by=key, other=other, kind=kind))


@router.get(
    "/{key}/tie-log",
    response_model=list[TieEventRead],
    response_model_by_alias=True,
    summary="Our log of tie and competitor changes, newest first (org admins)",
)
def tie_log(
    key: str,
    actor: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[TieEventRead]:
    return [
        TieEventRead.model_validate(e) for e in ties.tie_log(session, actor, org=key, limit=limit)
    ]


@router.get(
    "/{key}/competitors",
    response_model=CompetitorsRead,
    summary="The competitors we declared (never those that declared us)",
)
def list_competitors(key: str, actor: CurrentUser, session: SessionDep) -> CompetitorsRead:
    return _declared(session, actor, key)


def _declared(session: Session, actor: Actor, key: str) -> CompetitorsRead:
    """The competitors ``key`` declared, as every competitors route answers."""
    return CompetitorsRead(
        org=key, competitors=ties.competitors_declared_by(session, actor, org=key)
    )


@router.put(
    "/{key}/competitors/{other}",
    response_model=CompetitorsRead,
    summary="Declare a competitor (no consent needed; the other side is not told)",
)
def declare_competitor(
    key: str, other: str, actor: CurrentUser, session: SessionDep
) -> CompetitorsRead:
    ties.declare_competitor(session, actor, by=key, other=other)
    return _declared(session, actor, key)


@router.delete(
    "/{key}/competitors/{other}",
    response_model=CompetitorsRead,
    summary="Withdraw our own declaration of a competitor",
)
def withdraw_competitor(
    key: str, other: str, actor: CurrentUser, session: SessionDep
) -> CompetitorsRead:
    ties.withdraw_competitor(session, actor, by=key, other=other)
    return _declared(session, actor, key)


@router.get(
    "/{key}/overlap/{other}",
    response_model=OverlapRead,
    response_model_by_alias=True,
    summary="Our customers beside a partner's, as far as the partner shares them",
)
def read_overlap(key: str, other: str, actor: CurrentUser, session: SessionDep) -> OverlapRead:
    found = tie_sharing.overlap(session, org=key, other=other, actor=actor)
    return OverlapRead.model_validate(tie_sharing.overlap_as_dict(found))


@router.get(
    "/{key}/tie-sharing",
    response_model=TieSharingRead,
    response_model_by_alias=True,
    summary="What we share of our customers with our partners",
)
def read_tie_sharing(key: str, actor: CurrentUser, session: SessionDep) -> TieSharingRead:
    return TieSharingRead.model_validate(
        tie_sharing.sharing_settings(session, org=key, actor=actor)
    )


@router.put(
    "/{key}/tie-sharing",
    response_model=TieSharingRead,
    response_model_by_alias=True,
    summary="Choose what we share with every partner (null: counts)",
)
def set_default_tie_sharing(
    key: str, body: TieSharingChange, actor: CurrentUser, session: SessionDep
) -> TieSharingRead:
    tie_sharing.set_sharing(session, org=key, level=body.level, actor=actor)
    return TieSharingRead.model_validate(
        tie_sharing.sharing_settings(session, org=key, actor=actor)
    )


@router.put(
    "/{key}/tie-sharing/{other}",
    response_model=TieSharingRead,
    response_model_by_alias=True,
    summary="Choose what we share with one partner (null: our default)",
)
def set_partner_tie_sharing(
    key: str, other: str, body: TieSharingChange, actor: CurrentUser, session: SessionDep
) -> TieSharingRead:
    tie_sharing.set_sharing(session, org=key, level=body.level, partner=other, actor=actor)
    return TieSharingRead.model_validate(
        tie_sharing.sharing_settings(session, org=key, actor=actor)
    )
