"""REST for organisations that join by invitation (docs/network.md, joining)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Request
from pydantic import BaseModel, ConfigDict, StringConstraints

from winwin.http.deps import CurrentUser, SessionDep, public_base_url
from winwin.mail.web import mail_after_commit
from winwin.network import joining
from winwin.network.ties import org_names

router = APIRouter(tags=["organizations"])

Text = Annotated[str, StringConstraints(max_length=1000)]


class OrganizationInvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, StringConstraints(max_length=320)]


class OrganizationInvitationRead(BaseModel):
    """``link`` is given when no mail server took it (pass it on); null when it was mailed."""

    by: str
    email: str
    expires_at: datetime
    mailed: bool
    link: str | None


class JoinCreate(BaseModel):
    """The invited organisation's profile and its first admin."""

    model_config = ConfigDict(extra="forbid")

    name: Text
    country: Annotated[str, StringConstraints(max_length=100)] = ""
    business_id: Annotated[str, StringConstraints(max_length=100)] = ""
    admin_name: Text
    password: Text
    locale: Annotated[str, StringConstraints(max_length=8)] | None = None


class JoinRead(BaseModel):
    """``state`` is ``pending`` (waiting for a platform admin) or ``active``."""

    key: str
    name: str
    state: str


class PendingOrganizationRead(BaseModel):
    key: str
    name: str
    country: str | None
    business_id: str | None
    admin: str
    admin_name: str | None
    invited_by: str | None
    completed_at: str | None


class OrganizationDecisionRead(BaseModel):
    key: str
    name: str | None
    state: str
    admin: str


@router.post(
    "/organizations/{key}/invitations",
    response_model=OrganizationInvitationRead,
    status_code=201,
    summary="Invite another organisation by its first admin's e-mail (org admins)",
)
def invite_organisation(
    key: str,
    body: OrganizationInvitationCreate,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    background: BackgroundTasks,
) -> OrganizationInvitationRead:
    issued = joining.invite_organisation(
        session, actor, by=key, email=body.email, base_url=public_base_url(request)
    )
    settings = request.app.state.settings
    mailed = bool(settings.mail_server)
    if mailed:
        # After the response: the invitation is committed before the link can be opened.
        mail_after_commit(
            request,
            background,
            session,
            kind="org_invitation",
            to=issued.email,
            link=issued.link,
            started_by=actor.user_id,
            values={"org": org_names(session, [key]).get(key, key)},
            log_when_unsent=False,
        )
    return OrganizationInvitationRead(
        by=issued.by,
        email=issued.email,
        expires_at=issued.expires_at,
        mailed=mailed,
        link=None if mailed else issued.link,
    )


@router.post(
    "/join/{token}",
    response_model=JoinRead,
    status_code=201,
    summary="Complete an invited organisation's profile (no sign-in: the link is the key)",
)
def complete_profile(
    token: str, body: JoinCreate, request: Request, session: SessionDep
) -> JoinRead:
    done = joining.complete_profile(
        session,
        token=token,
        name=body.name,
        country=body.country,
        business_id=body.business_id,
        admin_name=body.admin_name,
        password=body.password,
        locale=body.locale,
        approval_required=request.app.state.settings.approve_organisations,
    )
    return JoinRead(key=done.key, name=done.name, state=done.state)


@router.get(
    "/pending-organizations",
    response_model=list[PendingOrganizationRead],
    summary="Organisations waiting for approval (platform admins)",
)
def pending_organisations(actor: CurrentUser, session: SessionDep) -> list[PendingOrganizationRead]:
    return [
        PendingOrganizationRead.model_validate(row)
        for row in joining.pending_organisations(session, actor)
    ]


@router.post(
    "/pending-organizations/{key}/approve",
    response_model=OrganizationDecisionRead,
    summary="Approve a pending organisation (platform admins)",
)
def approve(key: str, actor: CurrentUser, session: SessionDep) -> OrganizationDecisionRead:
    return OrganizationDecisionRead.model_validate(
        joining.approve_organisation(session, actor, key=key)
    )


@router.post(
    "/pending-organizations/{key}/reject",
    response_model=OrganizationDecisionRead,
    summary="Reject a pending organisation (platform admins)",
)
def reject(key: str, actor: CurrentUser, session: SessionDep) -> OrganizationDecisionRead:
    return OrganizationDecisionRead.model_validate(
        joining.reject_organisation(session, actor, key=key)
    )
