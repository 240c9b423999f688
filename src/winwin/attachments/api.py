"""REST routes of item attachments: list, upload, download and remove an item's files.

The reading organisation is the signed-in user's own, or ``?org=KEY`` for facilitators
and platform admins (as in the sharing routes). Every route asks the visibility
checkpoint through ``services.attachments``: the files of an item the organisation may
not see answer 404, as the item does. Anonymous readers download a public item's files
through the page address ``/items/{key}/attachments/{id}`` (``web/routes/attachments.py``).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from winwin.accounts.schemas import UtcDatetime
from winwin.attachments import service as attachments
from winwin.attachments.service import MAX_SIZE, SERVED_TYPES
from winwin.http.deps import CurrentUser, IdPath, SessionDep
from winwin.sharing.api import OrgQuery, acting_org

router = APIRouter(tags=["sharing"])

# The whole multipart body: one file of at most MAX_SIZE bytes and the form's overhead.
# FastAPI refuses a larger body with 413 before reading it (or as soon as it grows past
# this), so no upload is ever read whole into memory or spooled to disk beyond it.
BODY_LIMIT = MAX_SIZE + 64 * 1024


class AttachmentRead(BaseModel):
    id: int
    item: str = Field(description="The key of the item the file belongs to.")
    filename: str
    content_type: str = Field(description="The type the file is served with.")
    size: int = Field(description="Bytes.")
    sha256: str = Field(description="SHA-256 of the file, hexadecimal.")
    created_at: UtcDatetime


def _read(found: attachments.AttachmentRead) -> AttachmentRead:
    return AttachmentRead(
        id=found.id,
        item=found.item,
        filename=found.filename,
        content_type=found.content_type,
        size=found.size,
        sha256=found.sha256,
        created_at=found.created_at,
    )


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name in RFC 5987 form."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_response(found: attachments.AttachmentRead, data: bytes) -> Response:
    """The file as a download that no browser renders, sniffs or caches for others."""
    return Response(
        content=data,
        headers={
            # Exactly the allowlisted type: no charset is claimed for text we did not read.
            "content-type": found.content_type,
            "content-disposition": content_disposition(found.filename),
            "x-content-type-options": "nosniff",
            "content-security-policy": "sandbox",
            "cache-control": "private, no-store",
        },
    )


DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, as an attachment",
        "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in SERVED_TYPES},
    }
}


@router.get(
    "/items/{key}/attachments",
    response_model=list[AttachmentRead],
    summary="The files of an item, if I may see it",
)
def list_item_attachments(
    key: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> list[AttachmentRead]:
    viewer = acting_org(session, actor, org)
    return [_read(a) for a in attachments.list_attachments(session, viewer=viewer, key=key)]


@router.post(
    "/items/{key}/attachments",
    response_model=AttachmentRead,
    status_code=201,
    summary="Attach a file to my organisation's item",
    max_body_size=BODY_LIMIT,
    responses={413: {"description": "The request body is larger than one file may be"}},
)
def upload_attachment(
    key: str,
    file: Annotated[
        UploadFile,
        File(
            description="PDF, PNG, JPEG, GIF, WebP, text, CSV, Markdown, OpenDocument or "
            "Office Open XML; 1 byte to 10 MiB."
        ),
    ],
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
) -> AttachmentRead:
    owner = acting_org(session, actor, org)
    # One byte past the limit is enough to refuse the file as too large.
    data = file.file.read(MAX_SIZE + 1)
    found = attachments.attach(
        session,
        owner=owner,
        user_id=actor.user_id,
        key=key,
        filename=file.filename,
        content_type=file.content_type,
        data=data,
    )
    return _read(found)


@router.get(
    "/items/{key}/attachments/{attachment_id}",
    response_class=Response,
    responses=DOWNLOAD,
    summary="Download a file of an item, if I may see the item",
)
def download_attachment(
    key: str,
    attachment_id: IdPath,
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
) -> Response:
    viewer = acting_org(session, actor, org)
    found, data = attachments.open_attachment(
        session,
        viewer=viewer,
        key=key,
        attachment_id=attachment_id,
        user_id=actor.user_id,
        via="download",
    )
    return download_response(found, data)


@router.delete(
    "/items/{key}/attachments/{attachment_id}",
    status_code=204,
    summary="Remove a file from my organisation's item",
)
def remove_attachment(
    key: str,
    attachment_id: IdPath,
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
) -> None:
    owner = acting_org(session, actor, org)
    attachments.remove_attachment(session, owner=owner, key=key, attachment_id=attachment_id)


@router.get(
    "/public/items/{key}/attachments",
    response_model=list[AttachmentRead],
    summary="The files of a public item (no sign-in)",
)
def list_public_attachments(key: str, session: SessionDep) -> list[AttachmentRead]:
    return [_read(a) for a in attachments.list_attachments(session, viewer=None, key=key)]


@router.get(
    "/public/items/{key}/attachments/{attachment_id}",
    response_class=Response,
    responses=DOWNLOAD,
    summary="Download a file of a public item (no sign-in)",
)
def download_public_attachment(key: str, attachment_id: IdPath, session: SessionDep) -> Response:
    found, data = attachments.open_attachment(
        session, viewer=None, key=key, attachment_id=attachment_id, user_id=None, via="download"
    )
    return download_response(found, data)
