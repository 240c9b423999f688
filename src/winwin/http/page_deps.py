"""Dependencies for pages: the person acting and the organisation they act for.

``ActingUser`` is the one identity (``accounts.access.Actor``) with the organisation the
page works for, resolved once per request by ``accounts.access.resolve_actor``:
``?org=KEY``, else the remembered choice (the ``winwin_org`` cookie), else their own.
``CurrentOrg`` is that organisation's stored row, for what the page shows of it.

A platform admin acts for an organisation only when they name one: one who belongs to
none and has named or remembered none is sent to choose one on the home page
(``/?next=PAGE``) before a page that acts for an organisation opens; a form is refused.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import FormData

from winwin.accounts import refusals
from winwin.accounts import service as accounts
from winwin.accounts.access import Actor, resolve_actor
from winwin.http.deps import CurrentUser, SessionDep
from winwin.kernel.errors import NotFound, PermissionDenied
from winwin.network.models import Organization

ORG_COOKIE = "winwin_org"


async def _posted_form(request: Request) -> FormData:
    return await request.form()


# The posted form, read before the route runs. A route that takes it can be a plain
# ``def``, which FastAPI runs in its thread pool: a route written ``async def`` that then
# uses the database blocks the worker's event loop while it waits for a lock, and the
# request holding that lock (in the thread pool) can then never finish and commit, so
# the whole worker stops (seen under load with people answering the same round).
PostedForm = Annotated[FormData, Depends(_posted_form)]


def resolved_for_page(request: Request, person: Actor, session: SessionDep) -> Actor:
    """The person acting for the page's organisation: ``?org=KEY``, else remembered, else own;
    ``acting`` None when there is none (a platform admin who has chosen none).

    A page (GET) whose ``?org=KEY`` the person may not act for opens for the remembered or
    own organisation instead and says so (``request.state.org_not_yours``); unknown and
    inaccessible keys are answered alike. A form that acts for an organisation the person
    cannot act for is still refused. Facilitators and platform admins switch between
    organisations with ``?org=KEY``; the choice is checked every time.
    """
    cached = getattr(request.state, "acting_actor", None)
    if cached is not None and cached.user_id == person.user_id:
        return cached  # type: ignore[no-any-return]
    asked = request.query_params.get("org") or None
    remembered = request.cookies.get(ORG_COOKIE)
    try:
        actor = resolve_actor(session, person, named=asked, remembered=remembered)
    except (NotFound, PermissionDenied):
        if request.method not in ("GET", "HEAD"):
            raise
        request.state.org_not_yours = True
        actor = resolve_actor(session, person, remembered=remembered)
    request.state.acting_actor = actor
    return actor


def must_choose(actor: Actor) -> bool:
    """Whether a platform admin acts for no organisation yet and must choose one."""
    return actor.acting is None and actor.is_platform_admin


def acting_for_page(request: Request, person: Actor, session: SessionDep) -> Actor:
    """:func:`resolved_for_page` for a page that acts for an organisation.

    A platform admin who acts for none is sent to choose one (a page) or refused (a form).
    """
    actor = resolved_for_page(request, person, session)
    if must_choose(actor):
        if request.method not in ("GET", "HEAD"):
            raise NotFound(refusals.CHOOSE_AN_ORG())
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(status_code=303, headers={"Location": f"/?next={quote(here)}"})
    return actor


def get_acting_user(request: Request, person: CurrentUser, session: SessionDep) -> Actor:
    return acting_for_page(request, person, session)


ActingUser = Annotated[Actor, Depends(get_acting_user)]


def get_current_org(request: Request, actor: Actor, session: SessionDep) -> Organization:
    """The stored organisation the page works for; ``NotFound`` when the person has none."""
    return accounts.acting_org(session, acting_for_page(request, actor, session))


def _current_org(request: Request, actor: ActingUser, session: SessionDep) -> Organization:
    return accounts.acting_org(session, actor)


CurrentOrg = Annotated[Organization, Depends(_current_org)]
