"""Dependencies for pages: the signed-in user and the organisation being worked for."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from winwin.accounts.access import can_access_org, require_access
from winwin.accounts.repository import AccountsRepository
from winwin.http.deps import CurrentUser, SessionDep
from winwin.kernel.errors import NotFound
from winwin.network.models import Organization
from winwin.network.repository import NetworkRepository

ORG_COOKIE = "winwin_org"


async def _posted_form(request: Request) -> FormData:
    return await request.form()


# The posted form, read before the route runs. A route that takes it can be a plain
# ``def``, which FastAPI runs in its thread pool: a route written ``async def`` that then
# uses the database blocks the worker's event loop while it waits for a lock, and the
# request holding that lock (in the thread pool) can then never finish and commit, so
# the whole worker stops (seen under load with people answering the same round).
PostedForm = Annotated[FormData, Depends(_posted_form)]


def get_current_org(request: Request, actor: CurrentUser, session: SessionDep) -> Organization:
    """The organisation a page works for: ``?org=KEY``, else the remembered one, else own.

    A page (GET) whose ``?org=KEY`` the person may not act for opens for the remembered or
    own organisation instead and says so (``request.state.org_not_yours``).

    Facilitators and platform admins switch between organisations with ``?org=KEY``; the
    choice is checked by ``winwin.accounts.access`` every time.
    """
    repo = NetworkRepository(session)
    asked = request.query_params.get("org")
    if asked:
        org = repo.get_by_key(asked)
        if request.method in ("GET", "HEAD") and (org is None or not can_access_org(actor, org.id)):
            # A link shared from another organisation opens for the viewer's own one, with
            # a notice; unknown and inaccessible keys are answered alike. A form that acts
            # for an organisation the person cannot act for is still refused.
            request.state.org_not_yours = True
        elif org is None:
            raise NotFound(f"no organisation with key '{asked}'")
        else:
            require_access(actor, org.id)
            return org
    remembered = request.cookies.get(ORG_COOKIE)
    org = repo.get_by_key(remembered) if remembered else None
    if org is not None and can_access_org(actor, org.id):
        return org
    own = session.get(Organization, actor.org_id) if actor.org_id is not None else None
    if own is None and actor.is_platform_admin:
        own = AccountsRepository(session).first_org()
    if own is None and actor.client_org_ids:
        clients = AccountsRepository(session).orgs_by_ids(set(actor.client_org_ids))
        own = clients[0] if clients else None
    if own is None:
        raise NotFound("you do not belong to an organisation yet")
    return own


CurrentOrg = Annotated[Organization, Depends(get_current_org)]
