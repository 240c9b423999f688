"""A person's notifications: the page, and the unread badge in the header.

The badge is loaded by htmx after the page (``/notifications/badge``), so pages render
without a query of their own; without JavaScript the header still links to the page.
What is listed comes from ``services.notifications``, which asks the visibility
checkpoint again on every read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from winwin.http.deps import CurrentUser, OptionalUser, SessionDep
from winwin.http.templating import render
from winwin.notifications import service as notifications

router = APIRouter()

INNOVATION_KINDS = {"comment", "idea", "coauthor", "stage"}


@router.get("/notifications", name="notifications")
def notifications_page(request: Request, actor: CurrentUser, session: SessionDep) -> Response:
    box = notifications.inbox(session, user_id=actor.person_id, org_id=actor.org_id, limit=100)
    return render(
        request,
        "notifications/page.html",
        {
            "nav": "notifications",
            "box": box,
            "innovation_kinds": INNOVATION_KINDS,
            "done": request.query_params.get("done"),
        },
    )


@router.get("/notifications/badge", name="notifications_badge")
def badge(actor: OptionalUser, session: SessionDep) -> Response:
    """The unread count as a small fragment (empty when there is nothing unread)."""
    count = (
        notifications.unread_count(session, user_id=actor.person_id, org_id=actor.org_id)
        if actor is not None
        else 0
    )
    shown = f"{count}+" if count >= notifications.UNREAD_CAP else str(count)
    html = f'<span class="badge" data-unread="{count}">{shown}</span>' if count else ""
    return HTMLResponse(html, headers={"cache-control": "no-store"})


@router.post("/notifications/read", name="notifications_read")
def mark_read(
    actor: CurrentUser,
    session: SessionDep,
    notification: Annotated[int | None, Form(ge=1, le=2_147_483_647)] = None,
) -> Response:
    """Mark one notification read (``notification``), or all of them."""
    notifications.mark_read(
        session, user_id=actor.person_id, ids=None if notification is None else [notification]
    )
    return RedirectResponse("/notifications?done=read", status_code=303)
