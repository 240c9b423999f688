"""Request dependencies shared by the REST API and the pages.

- ``SessionDep``: a request-scoped Session; commits when the route returns, rolls back
  when it raises (the outermost layer owns the transaction). It ends before the response
  is sent, so a client never reads data that has not been committed.
- ``CurrentUser``: the signed-in ``Actor``, from the session cookie or an
  ``Authorization: Bearer`` API token; 401 without one.
- ``OptionalUser``: the same, or None for a visitor who has not signed in. None here is
  nobody, never ``accounts.access.operator()``: the operator is the command line's, who
  may do what a platform admin may, and no web request acts as them.
- ``act_for``: that person acting for the organisation a REST call names (``?org=KEY``),
  else their own.
- ``outsider_gate``: on every route, 404 for an outsider unless the route is theirs
  (``accounts.access.outsider_may_use``).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from sqlalchemy.orm import Session

from winwin.accounts import service as accounts
from winwin.accounts.access import Actor, actor_for, outsider_may_use, resolve_actor
from winwin.http.security import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE, csrf_token
from winwin.kernel.errors import NotFound


def get_session(request: Request) -> Iterator[Session]:
    session: Session = request.app.state.session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def get_optional_user(request: Request, session: SessionDep) -> Actor | None:
    cached = getattr(request.state, "actor", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    user = None
    bearer = _bearer(request)
    if bearer is not None:
        user = accounts.user_for_api_token(session, bearer)
        if user is None:
            raise HTTPException(
                status_code=401,
                detail="the API token is invalid",
                headers={"WWW-Authenticate": "Bearer"},
            )
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            user = accounts.user_for_session_token(session, cookie)
            # A cookie-authenticated API call that changes something must prove it comes
            # from our own pages (pages send the CSRF token as a header).
            if (
                user is not None
                and request.method not in SAFE_METHODS
                and request.url.path.startswith("/api/")
            ):
                sent = request.headers.get(CSRF_HEADER, "")
                if not hmac.compare_digest(sent, csrf_token(request)):
                    raise HTTPException(status_code=403, detail="csrf")
    if user is None:
        return None
    actor = actor_for(session, user)
    request.state.actor = actor
    return actor


def get_current_user(actor: Annotated[Actor | None, Depends(get_optional_user)]) -> Actor:
    if actor is None:
        raise HTTPException(
            status_code=401, detail="sign in first", headers={"WWW-Authenticate": "Bearer"}
        )
    return actor


OptionalUser = Annotated[Actor | None, Depends(get_optional_user)]
CurrentUser = Annotated[Actor, Depends(get_current_user)]


def act_for(session: Session, actor: Actor, org: str | None) -> Actor:
    """The REST door's identity: the caller acting for ``?org=KEY``, else their own
    organisation (``accounts.access.resolve_actor``, as every door resolves it)."""
    return resolve_actor(session, actor, named=org)


def outsider_gate(request: Request, actor: OptionalUser) -> None:
    """Answer an outsider 404 on every route that is not theirs, before the route runs.

    Deny by default: a route added later is closed to outsiders until it is listed in
    ``accounts.access.OUTSIDER_ROUTES``. 404 and not 403, so that the answer never tells
    whether what was asked for exists.
    """
    if actor is None or not actor.is_outsider:
        return
    route_path = getattr(request.scope.get("route"), "path", None)
    if route_path is None or not outsider_may_use(request.method, request.url.path, route_path):
        raise NotFound("there is no such page")


# A database id in a path: PostgreSQL integers stop at 2**31 - 1, so larger numbers are a
# malformed request (422), not a server error.
IdPath = Annotated[int, Path(ge=1, le=2_147_483_647)]


def public_base_url(request: Request) -> str:
    """The configured public address (``WINWIN_BASE_URL``), never the request's Host."""
    return str(request.app.state.base_url)
