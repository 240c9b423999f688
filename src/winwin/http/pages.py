"""The home dashboard, the language switch and the organisation switch."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.routing import Match

from winwin.accounts import service as accounts
from winwin.accounts.access import Actor, accessible_orgs, can_manage_org
from winwin.http.dashboard import filled_panels
from winwin.http.deps import OptionalUser, SessionDep
from winwin.http.i18n import LOCALES
from winwin.http.page_deps import ORG_COOKIE, get_current_org, must_choose, resolved_for_page
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
def home(
    request: Request, actor: OptionalUser, session: SessionDep, next: str | None = None
) -> Response:
    """The dashboard of the organisation the person acts for, which is remembered.

    A platform admin who acts for none yet chooses one here first; ``next`` is the page
    that sent them, opened once they have chosen.
    """
    if actor is None:
        return render(request, "landing.html", {"nav": "home"})
    if actor.is_outsider:
        # An outsider's home is the public challenges; they have no dashboard.
        return RedirectResponse("/public/innovation", status_code=303)
    actor = resolved_for_page(request, actor, session)
    if must_choose(actor):
        return _choose(request, session, actor, next)
    org = get_current_org(request, actor, session)
    if next and request.query_params.get("org"):
        response: Response = RedirectResponse(safe_next(next), status_code=303)
        _remember(request, response, org.key)
        return response
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
    _remember(request, response, org.key)
    return response


CHOOSER_SIZE = 500


def _choose(request: Request, session: SessionDep, actor: Actor, next: str | None) -> Response:
    """The page where a platform admin chooses the organisation they act for: a list by
    name, or a field for the key when there are more than fit in a list."""
    orgs = accessible_orgs(session, actor, limit=CHOOSER_SIZE + 1)
    context = {
        "nav": "home",
        "orgs": orgs[:CHOOSER_SIZE],
        "by_key": len(orgs) > CHOOSER_SIZE,
        "next": safe_next(next, default="") if next else "",
    }
    return render(request, "org/choose.html", context)


def _remember(request: Request, response: Response, org_key: str) -> None:
    """Remember the organisation the person works for (``accounts.access.resolve_actor``
    reads it back as ``remembered``)."""
    _keep(request, response, ORG_COOKIE, org_key)


def _keep(request: Request, response: Response, cookie: str, value: str) -> None:
    """A choice the browser keeps for a year (the organisation worked for, the language)."""
    response.set_cookie(
        cookie,
        value,
        max_age=YEAR,
        httponly=True,
        samesite="lax",
        secure=request.app.state.cookie_secure,
    )


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
    _keep(request, response, LANG_COOKIE, locale)
    return response
