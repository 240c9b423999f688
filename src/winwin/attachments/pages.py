"""Pages of item attachments: the list on the item page, upload, download and remove.

The item page (``web/routes/sharing.py``) includes ``sharing/_attachments.html``, which
loads its list from ``GET /items/{key}/attachments`` with htmx; without htmx that address
answers the whole item page with the list. Every route calls ``services.attachments``,
which asks the visibility checkpoint first: the files of an item the organisation may not
see answer 404. Downloads of public items need no sign-in.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts.access import require_acting
from winwin.attachments import service as attachments
from winwin.attachments.api import BODY_LIMIT, download_response
from winwin.attachments.service import MAX_SIZE
from winwin.http.deps import IdPath, OptionalUser, SessionDep
from winwin.http.page_deps import ActingUser, CurrentOrg, acting_for_page
from winwin.http.templating import render
from winwin.kernel.errors import InvalidInput
from winwin.kernel.identity import Viewer
from winwin.sharing.pages import item_page, register_item_section

router = APIRouter()

# What each served type is called on the page (translated in attachments.po).
TYPE_LABELS = {
    "application/pdf": "PDF document",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
    "image/webp": "WebP image",
    "text/plain": "Text file",
    "text/csv": "CSV table",
    "text/markdown": "Markdown text",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument presentation",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "PowerPoint presentation"
    ),
}

ACCEPT = ",".join(f".{ext}" for ext in attachments.TYPES)


@register_item_section
def list_context(session: Session, viewer: Viewer, key: str) -> dict[str, Any]:
    found = attachments.attachment_list(session, viewer=viewer, key=key)
    return {
        "files": found.files,
        "attachments_of": found,
        "type_labels": TYPE_LABELS,
        "accept": ACCEPT,
    }


@router.get("/items/{key}/attachments", name="item_attachments")
def attachments_view(
    key: str, request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    """The list and the upload form (htmx swaps them into the item page)."""
    if request.headers.get("hx-request") != "true":
        return item_page(request, session, actor, org, key, user_id=actor.user_id)
    viewer = require_acting(actor)
    context = {"org": org, **list_context(session, viewer, key)}
    return render(request, "sharing/_attachments.html", context)


@router.post("/items/{key}/attachments", name="item_attach", max_body_size=BODY_LIMIT)
def attach(
    key: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    viewer = require_acting(actor)
    try:
        attachments.attach(
            session,
            owner=viewer,
            user_id=actor.user_id,
            key=key,
            filename=file.filename if file is not None else None,
            content_type=file.content_type if file is not None else None,
            data=file.file.read(MAX_SIZE + 1) if file is not None else b"",
        )
    except InvalidInput as exc:
        session.rollback()
        return item_page(
            request,
            session,
            actor,
            org,
            key,
            user_id=actor.user_id,
            status_code=422,
            attachment_error=exc,
        )
    return RedirectResponse(
        f"/items/{key}?org={org.key}&done=attached#attachments", status_code=303
    )


@router.post("/items/{key}/attachments/{attachment_id}/delete", name="item_detach")
def detach(
    key: str, attachment_id: IdPath, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    attachments.remove_attachment(
        session, owner=require_acting(actor), key=key, attachment_id=attachment_id
    )
    return RedirectResponse(
        f"/items/{key}?org={org.key}&done=detached#attachments", status_code=303
    )


@router.get("/items/{key}/attachments/{attachment_id}", name="item_attachment")
def download(
    key: str, attachment_id: IdPath, request: Request, actor: OptionalUser, session: SessionDep
) -> Response:
    """The file, for whoever may see the item; anonymous readers for public items."""
    viewer = None
    if actor is not None:
        viewer = require_acting(acting_for_page(request, actor, session))
    found, data = attachments.open_attachment(
        session,
        viewer=viewer,
        key=key,
        attachment_id=attachment_id,
        user_id=actor.user_id if actor is not None else None,
        via="download",
    )
    return download_response(found, data)
