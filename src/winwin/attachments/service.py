"""Files attached to items: attach, list, open (download) and remove.

Every use case first asks the visibility checkpoint whether the organisation may see the
item (``ItemRepository.is_visible``, as ``services.sharing.open_item`` does): an item it
may not see does not exist for it, and neither do its files. Only the item's owner
attaches and removes files. Opening another organisation's non-public item's file is
written to the owner's audit log, like opening the item.

What is accepted, and why:

- 1 byte to ``MAX_SIZE`` per file, at most ``MAX_FILES`` files per item;
- a display name without path parts or control characters, at most ``MAX_NAME``
  characters, whose extension is on the allowlist ``TYPES``;
- a declared type that is the extension's own (or a common alias of it), or
  ``application/octet-stream`` from a client that does not know; the stored and served
  type always comes from the extension, never from the client;
- formats with a signature (PDF, PNG, JPEG, GIF, WebP, and the ZIP container of
  OpenDocument and Office Open XML files) must start with it, so a script cannot pass
  for a picture. SVG and HTML are never accepted: a browser would run what they carry.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from winwin.attachments.repository import AttachmentRepository, AttachmentRow
from winwin.db.models import Item
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied, Problem, RuleBroken
from winwin.kernel.time import as_utc
from winwin.sharing import feed
from winwin.sharing.items import ItemRepository, Viewer
from winwin.sharing.repository import SharingRepository

MAX_SIZE = 10 * 1024 * 1024  # bytes (10 MiB) per file
MAX_FILES = 10  # per item
MAX_NAME = 200  # characters of the display name
MAX_ID = 2**31 - 1  # attachment ids are database integers

# Unknown to the client: accepted for every allowed extension (the type is the extension's).
UNDECLARED = "application/octet-stream"


@dataclass(frozen=True)
class FileType:
    """An allowed kind of file: the type it is served with and what clients may declare."""

    content_type: str
    aliases: tuple[str, ...] = ()
    signature: Callable[[bytes], bool] | None = None

    def accepts(self, declared: str) -> bool:
        return declared in (self.content_type, UNDECLARED, *self.aliases)


def _starts(*prefixes: bytes) -> Callable[[bytes], bool]:
    return lambda data: data.startswith(prefixes)


def _webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


_ZIP = _starts(b"PK\x03\x04")
_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."

# The allowlist, by extension (lower case).
TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", ("application/x-pdf",), _starts(b"%PDF-")),
    "png": FileType("image/png", (), _starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": FileType("image/jpeg", ("image/jpg", "image/pjpeg"), _starts(b"\xff\xd8\xff")),
    "jpeg": FileType("image/jpeg", ("image/jpg", "image/pjpeg"), _starts(b"\xff\xd8\xff")),
    "gif": FileType("image/gif", (), _starts(b"GIF87a", b"GIF89a")),
    "webp": FileType("image/webp", (), _webp),
    "txt": FileType("text/plain"),
    "csv": FileType(
        "text/csv", ("text/plain", "application/csv", "text/x-csv", "application/vnd.ms-excel")
    ),
    "md": FileType("text/markdown", ("text/plain", "text/x-markdown")),
    "odt": FileType(_ODF + "text", (), _ZIP),
    "ods": FileType(_ODF + "spreadsheet", (), _ZIP),
    "odp": FileType(_ODF + "presentation", (), _ZIP),
    "docx": FileType(_OOXML + "wordprocessingml.document", (), _ZIP),
    "xlsx": FileType(_OOXML + "spreadsheetml.sheet", (), _ZIP),
    "pptx": FileType(_OOXML + "presentationml.presentation", (), _ZIP),
}

# Every type a download may be served with (for the OpenAPI description).
SERVED_TYPES = tuple(sorted({t.content_type for t in TYPES.values()}))

# Refusals whose text does not depend on the upload, so that pages can translate them.
NOT_ACCEPTED = "files of this kind are not accepted; use " + ", ".join(f".{e}" for e in TYPES)
TOO_LARGE = f"a file has at most {MAX_SIZE // (1024 * 1024)} MiB"
TOO_MANY = f"an item has at most {MAX_FILES} files"

# Control, format (bidi overrides, zero-width) and separator characters make a name lie
# about itself ("invoice\u202efdp.exe"); surrogates and unassigned ones are not text.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_PATH_SEPARATORS = re.compile(r"[/\\]")


@dataclass(frozen=True)
class AttachmentRead:
    """One attachment as every door shows it (never its bytes)."""

    id: int
    item: str
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime


def _read(row: AttachmentRow, item_key: str) -> AttachmentRead:
    return AttachmentRead(
        id=row.id,
        item=item_key,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        created_at=as_utc(row.created_at),
    )


def clean_filename(name: str | None) -> str:
    """The display name of an upload: its last path part, trimmed, in NFC.

    Refused (``InvalidInput`` on ``filename``) when nothing is left, when it holds a
    control or format character, when it is longer than ``MAX_NAME`` characters, or when
    it starts with a dot.
    """
    base = _PATH_SEPARATORS.split(unicodedata.normalize("NFC", name or ""))[-1].strip()
    if not base or base in (".", ".."):
        raise InvalidInput(Problem("filename", "give the file a name"))
    if any(unicodedata.category(c) in _REFUSED_CATEGORIES for c in base):
        raise InvalidInput(Problem("filename", "a file name may not hold control characters"))
    if len(base) > MAX_NAME:
        raise InvalidInput(Problem("filename", f"a file name has at most {MAX_NAME} characters"))
    if base.startswith("."):
        raise InvalidInput(Problem("filename", "a file name may not start with a dot"))
    return base


def extension_of(filename: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    return ext.lower() if dot and stem else ""


def check_file(filename: str, declared_type: str | None, data: bytes) -> FileType:
    """The allowlisted type of an upload, or ``InvalidInput`` naming every problem."""
    problems: list[Problem] = []
    ext = extension_of(filename)
    kind = TYPES.get(ext)
    declared = (declared_type or UNDECLARED).split(";")[0].strip().lower()
    if kind is None:
        problems.append(Problem("filename", NOT_ACCEPTED))
    elif not kind.accepts(declared):
        problems.append(
            Problem("content_type", "the declared type does not match the file's extension")
        )
    if not data:
        problems.append(Problem("file", "the file is empty"))
    elif len(data) > MAX_SIZE:
        problems.append(Problem("file", TOO_LARGE))
    elif kind is not None and kind.signature is not None and not kind.signature(data):
        problems.append(Problem("file", "the file's content does not match its extension"))
    if problems:
        raise InvalidInput(problems)
    assert kind is not None
    return kind


def _visible_item(session: Session, viewer: Viewer | None, key: str) -> Item:
    """The item if the checkpoint admits the viewer, else ``NotFound`` (never a hint)."""
    item = SharingRepository(session).item_by_key(key) if feed.is_key(key) else None
    if item is None or not ItemRepository(session).is_visible(viewer, item.id):
        raise NotFound(f"there is no item '{key}'")
    return item


def _own_item(session: Session, owner: Viewer, key: str) -> Item:
    item = _visible_item(session, owner, key)
    if item.owner_id != owner.id:
        raise PermissionDenied("key: only the item's owner attaches and removes its files")
    return item


def attach(
    session: Session,
    *,
    owner: Viewer,
    user_id: int | None,
    key: str,
    filename: str | None,
    content_type: str | None,
    data: bytes,
) -> AttachmentRead:
    """Attach a file to the owner's item; refusals name their field and store nothing."""
    item = _own_item(session, owner, key)
    if item.reshare_of_id is not None:
        raise RuleBroken(
            Problem("key", "a reshare has no files of its own; attach them to the original")
        )
    name = clean_filename(filename)
    kind = check_file(name, content_type, data)
    repo = AttachmentRepository(session)
    if repo.count_of_item(item.id) >= MAX_FILES:
        raise RuleBroken(Problem("file", TOO_MANY))
    row = repo.add(
        item_id=item.id,
        filename=name,
        content_type=kind.content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by_user_id=user_id,
    )
    return _read(row, item.key)


@dataclass(frozen=True)
class AttachmentList:
    """An item's files with what a page needs to offer uploads: its owner, and whether
    it is a reshare (``reshare_of``, the original's key), which has no files of its own."""

    key: str
    owner: str
    reshare_of: str | None
    files: list[AttachmentRead]


def attachment_list(session: Session, *, viewer: Viewer | None, key: str) -> AttachmentList:
    """The item's files, oldest first, if the viewer may see the item (else ``NotFound``)."""
    item = _visible_item(session, viewer, key)
    repo = SharingRepository(session)
    owner = repo.org_keys([item.owner_id])[item.owner_id]
    original = repo.item_keys([item.reshare_of_id]) if item.reshare_of_id else {}
    rows = AttachmentRepository(session).of_item(item.id)
    return AttachmentList(
        key=item.key,
        owner=owner,
        reshare_of=original.get(item.reshare_of_id) if item.reshare_of_id else None,
        files=[_read(row, item.key) for row in rows],
    )


def list_attachments(session: Session, *, viewer: Viewer | None, key: str) -> list[AttachmentRead]:
    """The item's files, oldest first, if the viewer may see the item (else ``NotFound``)."""
    item = _visible_item(session, viewer, key)
    return [_read(row, item.key) for row in AttachmentRepository(session).of_item(item.id)]


def open_attachment(
    session: Session,
    *,
    viewer: Viewer | None,
    key: str,
    attachment_id: int,
    user_id: int | None = None,
    via: str = "download",
) -> tuple[AttachmentRead, bytes]:
    """One file and its bytes, if the viewer may see the item (else ``NotFound``).

    Opening a file of another organisation's non-public item is written to the owner's
    audit log, as opening the item is.
    """
    item = _visible_item(session, viewer, key)
    repo = AttachmentRepository(session)
    row = repo.get(item.id, attachment_id) if 0 < attachment_id <= MAX_ID else None
    if row is None:
        raise NotFound(f"item '{key}' has no file {attachment_id}")
    if viewer is not None and viewer.id != item.owner_id and item.level != "public":
        SharingRepository(session).record_open(
            item_id=item.id, owner_id=item.owner_id, viewer_id=viewer.id, user_id=user_id, via=via
        )
    return _read(row, item.key), repo.data_of(row.id)


def remove_attachment(session: Session, *, owner: Viewer, key: str, attachment_id: int) -> None:
    """The owner removes one file of its item."""
    item = _own_item(session, owner, key)
    repo = AttachmentRepository(session)
    row = repo.get(item.id, attachment_id) if 0 < attachment_id <= MAX_ID else None
    if row is None:
        raise NotFound(f"item '{key}' has no file {attachment_id}")
    repo.delete(row.id)
