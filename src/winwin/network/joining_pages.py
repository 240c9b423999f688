"""Pages for organisations that join: the invitation form (on the ties page), the form
the invited admin completes (``/invitation/TOKEN``, no sign-in) and the platform admins' list
of organisations waiting for approval."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, require_platform_admin
from winwin.http.deps import CurrentUser, SessionDep, public_base_url
from winwin.http.errors import status_for
from winwin.http.page_deps import ActingUser, CurrentOrg
from winwin.http.templating import render, request_locale
from winwin.kernel.errors import InvalidInput, NotFound
from winwin.mail.web import mail_after_commit
from winwin.network import joining
from winwin.network.countries import country_names
from winwin.network.pages import ties_page

router = APIRouter()

TEXT = Annotated[str, Form(max_length=1000)]


@router.post("/org/invite-organisation", name="org_invite_organisation")
def invite(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    background: BackgroundTasks,
    email: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Invite an organisation; without a mail server the link is shown here, once."""
    try:
        issued = joining.invite_organisation(
            session, actor, by=org.key, email=email, base_url=public_base_url(request)
        )
    except InvalidInput as exc:
        session.rollback()
        return ties_page(
            request,
            session,
            actor,
            org,
            status_code=status_for(exc),
            invite_error=exc,
            invite={"email": email},
        )
    settings = request.app.state.settings
    mailed = bool(settings.mail_server)
    if mailed:
        mail_after_commit(
            request,
            background,
            session,
            kind="org_invitation",
            to=issued.email,
            link=issued.link,
            started_by=actor.user_id,
            values={"org": org.name},
            log_when_unsent=False,
        )
    return ties_page(request, session, actor, org, org_invited=issued, org_mailed=mailed)


def _join_page(
    request: Request,
    session: Session,
    token: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    row = joining.open_invitation(session, token=token)
    context: dict[str, Any] = {
        "nav": "login",
        "token": token,
        "invitation": row,
        "inviter": joining.inviter_name(session, row) if row is not None else None,
        "countries": country_names(request_locale(request)),
        "values": {},
    }
    context.update(extra)
    if row is None and "done" not in extra:
        status_code = 404
    return render(request, "network/join.html", context, status_code=status_code)


@router.get("/invitation/{token}", name="org_invitation")
def join_view(request: Request, session: SessionDep, token: str) -> Response:
    return _join_page(request, session, token)


@router.post("/invitation/{token}", name="org_invitation_complete")
def join(
    request: Request,
    session: SessionDep,
    token: str,
    name: TEXT,
    admin_name: TEXT,
    password: TEXT,
    country: Annotated[str, Form(max_length=100)] = "",
    business_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    values = {"name": name, "country": country, "business_id": business_id}
    values["admin_name"] = admin_name
    try:
        done = joining.complete_profile(
            session,
            token=token,
            name=name,
            country=country,
            business_id=business_id,
            admin_name=admin_name,
            password=password,
            locale=request_locale(request),
            approval_required=request.app.state.settings.approve_organisations,
        )
    except InvalidInput as exc:
        session.rollback()
        return _join_page(
            request, session, token, status_code=status_for(exc), error=exc, values=values
        )
    return _join_page(request, session, token, done=done)


def _pending_page(
    request: Request, session: Session, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    context: dict[str, Any] = {
        "nav": "org",
        "pending": joining.pending_organisations(session, actor),
        "flash": request.query_params.get("done"),
        "flash_key": request.query_params.get("key"),
    }
    context.update(extra)
    return render(request, "network/pending.html", context, status_code=status_code)


@router.get("/org/pending", name="org_pending")
def pending_view(request: Request, actor: CurrentUser, session: SessionDep) -> Response:
    require_platform_admin(actor)
    return _pending_page(request, session, actor)


DECISIONS = ("approve", "reject")


@router.post("/org/pending/{key}/{decision}", name="org_pending_decide")
def decide(
    request: Request, actor: CurrentUser, session: SessionDep, key: str, decision: str
) -> Response:
    if decision not in DECISIONS:
        raise NotFound("there is no such page")
    try:
        if decision == "approve":
            joining.approve_organisation(session, actor, key=key)
        else:
            joining.reject_organisation(session, actor, key=key)
    except InvalidInput as exc:
        session.rollback()
        return _pending_page(request, session, actor, status_code=status_for(exc), error=exc)
    return RedirectResponse(f"/org/pending?done={decision}&key={key}", status_code=303)
