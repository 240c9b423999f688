"""REST routes of circles: create one, invite, answer an invitation, leave, read one.

Mounted by ``sharing.api``, which gives them its ``sharing`` tag and their old place in
the OpenAPI document.
"""

from __future__ import annotations

from fastapi import APIRouter

from winwin.http.deps import CurrentUser, SessionDep
from winwin.kernel.identity import Viewer
from winwin.sharing import service as sharing
from winwin.sharing.api_deps import OrgQuery, acting_org
from winwin.sharing.schemas import CircleCreate, CircleRead, InvitationCreate, ItemSummary

router = APIRouter()


@router.get("/circles", summary="My circles and invitations")
def list_circles(
    actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> list[dict[str, str]]:
    return sharing.circles_of(session, org=acting_org(session, actor, org))


@router.post("/circles", response_model=CircleRead, status_code=201, summary="Create a circle")
def create_circle(
    body: CircleCreate, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> CircleRead:
    viewer = acting_org(session, actor, org)
    sharing.create_circle(session, creator=viewer, key=body.key, name=body.name)
    return _circle(session, body.key, viewer)


def _circle(session: SessionDep, key: str, viewer: Viewer) -> CircleRead:
    view = sharing.circle_view(session, circle=key, viewer=viewer)
    return CircleRead(
        key=view.key,
        name=view.name,
        status=view.status,
        members=view.members,
        posts=[ItemSummary.model_validate(p, from_attributes=True) for p in view.posts],
    )


@router.get("/circles/{key}", response_model=CircleRead, summary="A circle (members for members)")
def read_circle(
    key: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> CircleRead:
    return _circle(session, key, acting_org(session, actor, org))


@router.post("/circles/{key}/invitations", status_code=204, summary="Invite an organisation")
def invite(
    key: str, body: InvitationCreate, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> None:
    sharing.invite_to_circle(session, circle=key, by=acting_org(session, actor, org), org=body.org)


@router.post("/circles/{key}/accept", status_code=204, summary="Accept an invitation")
def accept(key: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None) -> None:
    sharing.answer_invitation(session, circle=key, org=acting_org(session, actor, org), accept=True)


@router.post("/circles/{key}/decline", status_code=204, summary="Decline an invitation")
def decline(key: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None) -> None:
    sharing.answer_invitation(
        session, circle=key, org=acting_org(session, actor, org), accept=False
    )


@router.post("/circles/{key}/leave", status_code=204, summary="Leave a circle")
def leave(key: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None) -> None:
    sharing.leave_circle(session, circle=key, org=acting_org(session, actor, org))
