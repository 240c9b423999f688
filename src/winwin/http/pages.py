"""The home dashboard, the language switch and the organisation switch."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.routing import Match

from winwin.accounts import service as accounts
from winwin.accounts.access import accessible_orgs, can_manage_org
from winwin.http.dashboard import filled_panels
from winwin.http.deps import OptionalUser, SessionDep
from winwin.http.i18n import LOCALES
from winwin.http.page_deps import ORG_COOKIE, acting_for_page, get_current_org
from winwin.http.templating import LANG_COOKIE, render

router = APIRouter()

YEAR = 60 * 60 * 24 * 365


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths, so that a link cannot send people to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def readable(app: Any, target: str) -> str:
    """``target`` if a page answers it with GET, else its nearest parent path that does.

    The language switch returns to the page it was pressed on; after a refused form that
    page's address is the form's POST-only one, which must not answer 405.
    """
    path = target.partition("?")[0]
    if _has_page(app, path):
        return target
    while path not in ("", "/"):
        path = path.rstrip("/").rsplit("/", 1)[0] or "/"
        if _has_page(app, path):
            return path
    return "/"


def _has_page(app: Any, path: str) -> bool:
    scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
    return any(route.matches(scope)[0] == Match.FULL for route in app.router.routes)


@router.get("/", name="home")
def home(request: Request, actor: OptionalUser, session: SessionDep) -> Response:
    if actor is None:
        return render(request, "landing.html", {"nav": "home"})
    if actor.is_outsider:
        # An outsider's home is the public challenges; they have no dashboard.
        return RedirectResponse("/public/innovation", status_code=303)
    actor = acting_for_page(request, actor, session)
    org = get_current_org(request, actor, session)
    switchable = actor.is_facilitator or actor.is_platform_admin
    orgs = accessible_orgs(session, actor, limit=500) if switchable else []
    response = render(
        request,
        "home.html",
        {
            "nav": "home",
            "org": org,
            "switchable_orgs": orgs,
            "can_manage": can_manage_org(actor, org.id),
            "people_count": len(accounts.people_of_org(session, org.id)),
            "panels": filled_panels(session, actor, org),
        },
    )
    response.set_cookie(
        ORG_COOKIE,
        org.key,
        max_age=YEAR,
        httponly=True,
        samesite="lax",
        secure=request.app.state.cookie_secure,
    )
    return response


@router.post("/lang", name="set_language")
def set_language(
    request: Request,
    actor: OptionalUser,
    session: SessionDep,
    locale: Annotated[str, Form()],
    next: Annotated[str | None, Form()] = None,
) -> Response:
    if locale not in LOCALES:
        locale = "fi"
    if actor is not None:
        accounts.set_locale(session, user_id=actor.person_id, locale=locale)
    response = RedirectResponse(readable(request.app, safe_next(next)), status_code=303)
    response.set_cookie(
        LANG_COOKIE,
        locale,
        max_age=YEAR,
        httponly=True,
        samesite="lax",
        secure=request.app.state.cookie_secure,
    )
    return response
