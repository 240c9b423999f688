"""Pages of circles: the list with the form that creates one, a circle with its members
and posts, and inviting, accepting, declining and leaving. Mounted by ``sharing.pages``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts.access import require_acting
from winwin.http.deps import SessionDep
from winwin.http.page_deps import ActingUser, CurrentOrg
from winwin.http.templating import render
from winwin.kernel.errors import NotFound, WinwinError
from winwin.kernel.identity import Viewer
from winwin.network.models import Organization
from winwin.sharing import service as sharing
from winwin.sharing.composer_pages import picker_context, refused_status

router = APIRouter()


def _circles_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    org: Organization,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    context = {"nav": "circles", "org": org, "circles": sharing.circles_of(session, org=viewer)}
    return render(request, "sharing/circles.html", context | extra, status_code=status_code)


def _circle_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    org: Organization,
    key: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    view = sharing.circle_view(session, circle=key, viewer=viewer)
    context = {"nav": "circles", "org": org, "circle": view}
    return render(request, "sharing/circle.html", context | extra, status_code=status_code)


@router.get("/circles", name="circles")
def circles_view(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    viewer = require_acting(actor)
    return _circles_page(request, session, viewer, org, flash=request.query_params.get("done"))


@router.post("/circles", name="circle_create")
def circle_create(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    key: Annotated[str, Form(max_length=200)],
    name: Annotated[str, Form(max_length=1000)],
) -> Response:
    viewer = require_acting(actor)
    try:
        sharing.create_circle(session, creator=viewer, key=key.strip(), name=name)
    except WinwinError as exc:
        session.rollback()
        return _circles_page(
            request,
            session,
            viewer,
            org,
            status_code=refused_status(exc),
            error=exc,
            form={"key": key, "name": name},
        )
    return RedirectResponse(f"/circles/{key.strip()}?org={org.key}&done=created", status_code=303)


@router.get("/circles/{key}", name="circle")
def circle_view(
    key: str, request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    viewer = require_acting(actor)
    return _circle_page(
        request,
        session,
        viewer,
        org,
        key,
        flash=request.query_params.get("done"),
        error_text=request.query_params.get("error"),
        **picker_context(session, viewer),
    )


@router.post("/circles/{key}/{action}", name="circle_action")
def circle_action(
    key: str,
    action: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    invitee: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    viewer = require_acting(actor)
    if action == "invite":
        picked = picker_context(session, viewer)
        try:
            sharing.invite_to_circle(
                session, circle=key, by=viewer, org=picked["known"].resolve(invitee)
            )
        except WinwinError as exc:
            session.rollback()
            return _circle_page(
                request,
                session,
                viewer,
                org,
                key,
                status_code=refused_status(exc),
                error=exc,
                **picked,
            )
        return RedirectResponse(f"/circles/{key}?org={org.key}&done=invited", status_code=303)
    if action in ("accept", "decline"):
        sharing.answer_invitation(session, circle=key, org=viewer, accept=action == "accept")
    elif action == "leave":
        sharing.leave_circle(session, circle=key, org=viewer)
    else:
        raise NotFound("no such action")
    target = f"/circles/{key}" if action == "accept" else "/circles"
    return RedirectResponse(f"{target}?org={org.key}&done={action}", status_code=303)
