"""Attachments through the service on SQLite and PostgreSQL, in the demo network.

Kuusi owns the items; Lab is its partner; Gran is its competitor. Files are read only
through the visibility checkpoint, every refusal names its field and stores nothing, and
a partner's download of a non-public item's file lands in Kuusi's audit log.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from winwin.attachments import service as attachments
from winwin.attachments.models import ItemAttachment
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied, RuleBroken
from winwin.network.demo import load_demo
from winwin.sharing.items import ItemRepository, Viewer
from winwin.sharing.models import ItemOpen

PARTNERS_ITEM = "kuusi-capacity-q3"  # kuusi's, audience: all its direct partners
PUBLIC_ITEM = "kuusi-open-challenge"
RESHARE = "lab-reshare-dairy-case"  # lab's reshare of a kuusi item

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def demo(session: Session) -> dict[str, Viewer]:
    load_demo(session)
    items = ItemRepository(session)
    found = {key: items.viewer(key) for key in ("kuusi", "lab", "gran")}
    assert all(found.values())
    return found  # type: ignore[return-value]


def stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ItemAttachment)) or 0)


def attach(session: Session, owner: Viewer, key: str = PARTNERS_ITEM, **upload: Any) -> Any:
    values: dict[str, Any] = {
        "filename": "plan.pdf",
        "content_type": "application/pdf",
        "data": PDF,
        **upload,
    }
    return attachments.attach(session, owner=owner, user_id=None, key=key, **values)


def test_the_owner_attaches_and_a_partner_opens_the_same_bytes(
    session: Session, demo: dict[str, Viewer]
) -> None:
    made = attach(session, demo["kuusi"])
    assert (made.item, made.filename, made.content_type) == (
        PARTNERS_ITEM,
        "plan.pdf",
        "application/pdf",
    )
    assert made.size == len(PDF)
    assert made.sha256 == hashlib.sha256(PDF).hexdigest()
    assert made.created_at.tzinfo is not None

    listed = attachments.list_attachments(session, viewer=demo["lab"], key=PARTNERS_ITEM)
    assert listed == [made]
    found, data = attachments.open_attachment(
        session, viewer=demo["lab"], key=PARTNERS_ITEM, attachment_id=made.id
    )
    assert found == made
    assert data == PDF


def test_a_competitor_and_anonymous_readers_find_nothing(
    session: Session, demo: dict[str, Viewer]
) -> None:
    made = attach(session, demo["kuusi"])
    for viewer in (demo["gran"], None):
        with pytest.raises(NotFound) as listed:
            attachments.list_attachments(session, viewer=viewer, key=PARTNERS_ITEM)
        with pytest.raises(NotFound) as opened:
            attachments.open_attachment(
                session, viewer=viewer, key=PARTNERS_ITEM, attachment_id=made.id
            )
        # Exactly what an item that does not exist answers: no hint.
        with pytest.raises(NotFound) as missing:
            attachments.list_attachments(session, viewer=viewer, key="no-such-item")
        expected = str(missing.value).replace("no-such-item", PARTNERS_ITEM)
        assert str(listed.value) == str(opened.value) == expected
    assert session.scalar(select(func.count()).select_from(ItemOpen)) == 0


def test_a_public_item_s_file_opens_for_anonymous_readers_without_an_audit_row(
    session: Session, demo: dict[str, Viewer]
) -> None:
    made = attach(
        session,
        demo["kuusi"],
        key=PUBLIC_ITEM,
        filename="logo.png",
        data=PNG,
        content_type="image/png",
    )
    found, data = attachments.open_attachment(
        session, viewer=None, key=PUBLIC_ITEM, attachment_id=made.id
    )
    assert (found.content_type, data) == ("image/png", PNG)
    attachments.open_attachment(
        session, viewer=demo["gran"], key=PUBLIC_ITEM, attachment_id=made.id
    )
    assert session.scalar(select(func.count()).select_from(ItemOpen)) == 0


def test_a_partner_s_download_of_a_non_public_item_s_file_is_audited(
    session: Session, demo: dict[str, Viewer]
) -> None:
    made = attach(session, demo["kuusi"])
    attachments.open_attachment(
        session, viewer=demo["kuusi"], key=PARTNERS_ITEM, attachment_id=made.id
    )
    assert session.scalar(select(func.count()).select_from(ItemOpen)) == 0, "owner: no row"
    attachments.open_attachment(
        session, viewer=demo["lab"], key=PARTNERS_ITEM, attachment_id=made.id, via="download"
    )
    rows = session.execute(select(ItemOpen.viewer_id, ItemOpen.owner_id, ItemOpen.via)).all()
    assert [tuple(r) for r in rows] == [(demo["lab"].id, demo["kuusi"].id, "download")]


def _big() -> bytes:
    return b"a" * (attachments.MAX_SIZE + 1)


REFUSALS = [
    ("too big", {"filename": "big.txt", "content_type": "text/plain", "data": _big()}, "file"),
    ("empty", {"filename": "empty.txt", "content_type": "text/plain", "data": b""}, "file"),
    ("nameless", {"filename": "", "content_type": "text/plain", "data": b"x"}, "filename"),
    ("only a path", {"filename": "../", "content_type": "text/plain", "data": b"x"}, "filename"),
    ("NUL", {"filename": "a\x00b.txt", "content_type": "text/plain", "data": b"x"}, "filename"),
    (
        "right-to-left override",
        {"filename": "invoice\u202etxt.pdf", "content_type": "application/pdf", "data": PDF},
        "filename",
    ),
    ("newline", {"filename": "a\nb.txt", "content_type": "text/plain", "data": b"x"}, "filename"),
    ("too long", {"filename": "a" * 197 + ".txt", "content_type": "text/plain"}, "filename"),
    ("hidden", {"filename": ".env.txt", "content_type": "text/plain", "data": b"x"}, "filename"),
    ("svg", {"filename": "logo.svg", "content_type": "image/svg+xml", "data": SVG}, "filename"),
    ("html", {"filename": "page.html", "content_type": "text/html", "data": b"<p>"}, "filename"),
    ("htm", {"filename": "page.htm", "content_type": "text/plain", "data": b"<p>"}, "filename"),
    ("no extension", {"filename": "README", "content_type": "text/plain"}, "filename"),
    (
        "svg declared as a png",
        {"filename": "logo.png", "content_type": "image/svg+xml", "data": PNG},
        "content_type",
    ),
    (
        "html declared as text",
        {"filename": "notes.txt", "content_type": "text/html", "data": b"<p>"},
        "content_type",
    ),
    (
        "a png that is not a png",
        {"filename": "logo.png", "content_type": "image/png", "data": SVG},
        "file",
    ),
    (
        "a pdf that is not a pdf",
        {"filename": "plan.pdf", "content_type": "application/pdf", "data": b"<html>"},
        "file",
    ),
    (
        "a docx that is no zip",
        {"filename": "a.docx", "content_type": "application/octet-stream", "data": b"MZ\x90"},
        "file",
    ),
]


@pytest.mark.parametrize(("case", "upload", "field"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_each_refusal_names_its_field_and_stores_nothing(
    session: Session, demo: dict[str, Viewer], case: str, upload: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        attach(session, demo["kuusi"], **upload)
    assert field in [p.path for p in refused.value.problems], refused.value.problems
    assert stored(session) == 0


def test_a_name_of_exactly_the_limit_is_kept_whole(
    session: Session, demo: dict[str, Viewer]
) -> None:
    name = "a" * (attachments.MAX_NAME - 4) + ".txt"
    made = attach(session, demo["kuusi"], filename=name, content_type="text/plain", data=b"x")
    assert made.filename == name


def test_the_eleventh_file_is_refused(session: Session, demo: dict[str, Viewer]) -> None:
    for i in range(attachments.MAX_FILES):
        attach(session, demo["kuusi"], filename=f"n{i}.txt", content_type="text/plain", data=b"x")
    with pytest.raises(RuleBroken) as refused:
        attach(session, demo["kuusi"], filename="n10.txt", content_type="text/plain", data=b"x")
    assert [p.path for p in refused.value.problems] == ["file"]
    assert stored(session) == attachments.MAX_FILES
    # The limit is per item: another item still takes files.
    attach(session, demo["kuusi"], key=PUBLIC_ITEM)


def test_only_the_owner_attaches_and_others_learn_nothing_more(
    session: Session, demo: dict[str, Viewer]
) -> None:
    with pytest.raises(PermissionDenied) as denied:
        attach(session, demo["lab"])
    assert str(denied.value).startswith("key:")
    with pytest.raises(NotFound):
        attach(session, demo["gran"])
    assert stored(session) == 0


def test_a_reshare_has_no_files_of_its_own(session: Session, demo: dict[str, Viewer]) -> None:
    with pytest.raises(RuleBroken) as refused:
        attach(session, demo["lab"], key=RESHARE)
    assert [p.path for p in refused.value.problems] == ["key"]
    assert stored(session) == 0
    found = attachments.attachment_list(session, viewer=demo["lab"], key=RESHARE)
    assert found.files == []
    assert found.reshare_of is not None
    assert found.owner == "lab"


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("C:\\fakepath\\Report Q3.pdf", "Report Q3.pdf"),
        ("folder/sub/plan.pdf", "plan.pdf"),
        ("  plan.pdf  ", "plan.pdf"),
        ("Su\u0308nnitelma.pdf", "Sünnitelma.pdf"),  # decomposed ü becomes one character
        ('quote"; name=x.pdf', 'quote"; name=x.pdf'),
    ],
)
def test_file_names_lose_their_path_and_are_kept_otherwise(
    session: Session, demo: dict[str, Viewer], sent: str, kept: str
) -> None:
    assert attach(session, demo["kuusi"], filename=sent).filename == kept


SIGNED = {
    "pdf": PDF,
    "png": PNG,
    "jpg": b"\xff\xd8\xff\xe0" + bytes(20),
    "jpeg": b"\xff\xd8\xff\xdb" + bytes(20),
    "gif": b"GIF89a" + bytes(20),
    "webp": b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(8),
    "odt": b"PK\x03\x04" + bytes(20),
    "ods": b"PK\x03\x04" + bytes(20),
    "odp": b"PK\x03\x04" + bytes(20),
    "docx": b"PK\x03\x04" + bytes(20),
    "xlsx": b"PK\x03\x04" + bytes(20),
    "pptx": b"PK\x03\x04" + bytes(20),
    "txt": "Hyvää päivää\n".encode(),
    "csv": b"a;b\n1;2\n",
    "md": b"# Plan\n",
}


def test_every_allowed_type_is_accepted_and_served_as_its_extension_says(
    session: Session, demo: dict[str, Viewer]
) -> None:
    assert set(SIGNED) == set(attachments.TYPES)
    served = {}
    for ext, data in SIGNED.items():
        item = PARTNERS_ITEM if len(served) < attachments.MAX_FILES else PUBLIC_ITEM
        kind = attachments.TYPES[ext]
        made = attach(
            session,
            demo["kuusi"],
            key=item,
            filename=f"f.{ext.upper()}",
            content_type=kind.content_type,
            data=data,
        )
        served[ext] = made.content_type
    assert served == {ext: t.content_type for ext, t in attachments.TYPES.items()}
    # A client that does not know the type may say so; the extension decides.
    made = attach(
        session,
        demo["kuusi"],
        key=PUBLIC_ITEM,
        filename="x.md",
        content_type="application/octet-stream",
        data=b"# x",
    )
    assert made.content_type == "text/markdown"
    made = attach(
        session,
        demo["kuusi"],
        key=PUBLIC_ITEM,
        filename="x.jpg",
        content_type="image/jpeg; charset=binary",
        data=SIGNED["jpg"],
    )
    assert made.content_type == "image/jpeg"


def test_the_owner_removes_a_file_and_nobody_else_can(
    session: Session, demo: dict[str, Viewer]
) -> None:
    first = attach(session, demo["kuusi"])
    other = attach(session, demo["kuusi"], key=PUBLIC_ITEM)
    with pytest.raises(PermissionDenied):
        attachments.remove_attachment(
            session, owner=demo["lab"], key=PARTNERS_ITEM, attachment_id=first.id
        )
    with pytest.raises(NotFound):
        attachments.remove_attachment(
            session, owner=demo["gran"], key=PARTNERS_ITEM, attachment_id=first.id
        )
    # A file is addressed through its own item only.
    with pytest.raises(NotFound):
        attachments.remove_attachment(
            session, owner=demo["kuusi"], key=PARTNERS_ITEM, attachment_id=other.id
        )
    with pytest.raises(NotFound):
        attachments.open_attachment(
            session, viewer=demo["lab"], key=PARTNERS_ITEM, attachment_id=other.id
        )
    attachments.remove_attachment(
        session, owner=demo["kuusi"], key=PARTNERS_ITEM, attachment_id=first.id
    )
    assert attachments.list_attachments(session, viewer=demo["kuusi"], key=PARTNERS_ITEM) == []
    assert stored(session) == 1


def test_listing_never_reads_the_bytes(session: Session, demo: dict[str, Viewer]) -> None:
    attach(session, demo["kuusi"])
    session.expunge_all()
    statements: list[str] = []
    engine = session.get_bind()

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        attachments.list_attachments(session, viewer=demo["lab"], key=PARTNERS_ITEM)
        attachments.attachment_list(session, viewer=demo["lab"], key=PARTNERS_ITEM)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    reads = [s for s in statements if "item_attachments" in s]
    assert reads, "the list was read"
    assert not [s for s in reads if "item_attachments.data" in s]
