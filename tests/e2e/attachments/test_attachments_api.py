"""Attachments through the REST API on both databases, as Kuusi (the owner), its partner
Lab, its competitor Gran, the platform admin and anonymous readers."""

from __future__ import annotations

import hashlib
import os
from typing import Any
from urllib.parse import quote

import pytest

from winwin.attachments.api import BODY_LIMIT, content_disposition
from winwin.attachments.service import MAX_FILES, MAX_SIZE

PARTNERS_ITEM = "kuusi-capacity-q3"
PUBLIC_ITEM = "kuusi-open-challenge"
RESHARE = "lab-reshare-dairy-case"

PDF = b"%PDF-1.7\n" + os.urandom(4096) + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(256)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def files_url(key: str, attachment_id: int | None = None) -> str:
    base = f"/api/v1/items/{key}/attachments"
    return base if attachment_id is None else f"{base}/{attachment_id}"


def upload(
    world: Any,
    who: str,
    key: str = PARTNERS_ITEM,
    name: str = "plan.pdf",
    data: bytes = PDF,
    content_type: str = "application/pdf",
    **params: str,
) -> Any:
    return world.call(
        who, "POST", files_url(key), files={"file": (name, data, content_type)}, params=params
    )


def listed(world: Any, who: str = "kuusi", key: str = PARTNERS_ITEM) -> list[dict[str, Any]]:
    response = world.call(who, "GET", files_url(key))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_the_owner_uploads_and_a_partner_downloads_the_same_bytes(app_world) -> None:  # type: ignore[no-untyped-def]
    made = upload(app_world, "kuusi")
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["filename"] == "plan.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF)
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["item"] == PARTNERS_ITEM

    assert listed(app_world, "lab") == [body]
    download = app_world.call("lab", "GET", files_url(PARTNERS_ITEM, body["id"]))
    assert download.status_code == 200
    assert download.content == PDF


def test_a_competitor_and_anonymous_readers_get_404_never_a_hint(app_world) -> None:  # type: ignore[no-untyped-def]
    made = upload(app_world, "kuusi").json()
    missing = app_world.call("gran", "GET", files_url("no-such-item")).json()["detail"]
    for path in (files_url(PARTNERS_ITEM), files_url(PARTNERS_ITEM, made["id"])):
        refused = app_world.call("gran", "GET", path)
        assert refused.status_code == 404
        assert refused.json()["detail"] == missing.replace("no-such-item", PARTNERS_ITEM)
        # Without signing in, the API asks for it whatever the item.
        assert app_world.call(None, "GET", path).status_code == 401
    # Anonymous readers use the page address or the public API, which answer 404 here.
    page_link = f"/items/{PARTNERS_ITEM}/attachments/{made['id']}"
    assert app_world.call(None, "GET", page_link).status_code == 404
    public = f"/api/v1/public/items/{PARTNERS_ITEM}/attachments"
    for path in (public, f"{public}/{made['id']}"):
        hidden = app_world.call(None, "GET", path)
        assert hidden.status_code == 404
        assert hidden.json()["detail"] == missing.replace("no-such-item", PARTNERS_ITEM)
    assert app_world.call("gran", "DELETE", files_url(PARTNERS_ITEM, made["id"])).status_code == (
        404
    )
    assert upload(app_world, "gran").status_code == 404
    assert len(listed(app_world)) == 1


def test_a_public_item_s_file_downloads_without_signing_in(app_world) -> None:  # type: ignore[no-untyped-def]
    made = upload(app_world, "kuusi", PUBLIC_ITEM, "logo.png", PNG, "image/png").json()
    # Every organisation sees a public item's files, the competitor included.
    assert listed(app_world, "gran", PUBLIC_ITEM) == [made]
    page_link = app_world.call(None, "GET", f"/items/{PUBLIC_ITEM}/attachments/{made['id']}")
    assert page_link.status_code == 200
    assert page_link.content == PNG
    assert page_link.headers["content-type"] == "image/png"
    assert page_link.headers["content-disposition"].startswith("attachment; ")
    public = f"/api/v1/public/items/{PUBLIC_ITEM}/attachments"
    assert app_world.call(None, "GET", public).json() == [made]
    api_download = app_world.call(None, "GET", f"{public}/{made['id']}")
    assert api_download.status_code == 200 and api_download.content == PNG
    assert api_download.headers["x-content-type-options"] == "nosniff"


def test_the_audit_log_records_a_partner_s_download(app_world) -> None:  # type: ignore[no-untyped-def]
    made = upload(app_world, "kuusi").json()
    before = app_world.call("kuusi", "GET", "/api/v1/audit").json()
    assert app_world.call("lab", "GET", files_url(PARTNERS_ITEM, made["id"])).status_code == 200
    after = app_world.call("kuusi", "GET", "/api/v1/audit").json()
    assert len(after) == len(before) + 1
    assert (after[0]["item"], after[0]["opened_by"]) == (PARTNERS_ITEM, "lab")
    # The owner's own downloads are not others opening its items.
    app_world.call("kuusi", "GET", files_url(PARTNERS_ITEM, made["id"]))
    assert len(app_world.call("kuusi", "GET", "/api/v1/audit").json()) == len(after)


def test_a_download_is_an_attachment_that_browsers_neither_render_nor_cache(app_world) -> None:  # type: ignore[no-untyped-def]
    name = "Käyttö raportti; v2 €.pdf"
    made = upload(app_world, "kuusi", name=name).json()
    response = app_world.call("lab", "GET", files_url(PARTNERS_ITEM, made["id"]))
    headers = response.headers
    assert headers["content-type"] == "application/pdf"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == "sandbox"
    assert headers["cache-control"] == "private, no-store"
    assert headers["content-length"] == str(len(PDF))
    disposition = headers["content-disposition"]
    assert disposition.startswith("attachment; ")
    assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition
    fallback = disposition.split('filename="')[1].split('"')[0]
    assert fallback.isascii()
    assert '"' not in fallback
    assert ";" not in fallback


def _refusals() -> list[tuple[str, dict[str, Any], int, str]]:
    return [
        (
            "too big",
            {"name": "big.txt", "data": b"a" * (MAX_SIZE + 1), "content_type": "text/plain"},
            422,
            "file",
        ),
        ("empty", {"name": "empty.txt", "data": b"", "content_type": "text/plain"}, 422, "file"),
        ("bad name", {"name": "invoice\u202etxt.pdf"}, 422, "filename"),
        (
            "svg",
            {"name": "logo.svg", "data": SVG, "content_type": "image/svg+xml"},
            422,
            "filename",
        ),
        (
            "html",
            {"name": "page.html", "data": b"<script>", "content_type": "text/html"},
            422,
            "filename",
        ),
        ("fake png", {"name": "logo.png", "data": SVG, "content_type": "image/png"}, 422, "file"),
        ("reshare", {"key": RESHARE}, 400, "key"),
    ]


@pytest.mark.parametrize(
    ("case", "upload_args", "status", "field"), _refusals(), ids=[r[0] for r in _refusals()]
)
def test_each_refusal_names_its_field_and_stores_nothing(  # type: ignore[no-untyped-def]
    app_world, case: str, upload_args: dict[str, Any], status: int, field: str
) -> None:
    who = "lab" if case == "reshare" else "kuusi"
    refused = upload(app_world, who, **upload_args)
    assert refused.status_code == status, refused.text
    assert field in [p["path"] for p in refused.json()["problems"]]
    key = upload_args.get("key", PARTNERS_ITEM)
    assert listed(app_world, who, key) == []


def test_a_non_owner_may_not_attach_and_the_refusal_names_the_item(app_world) -> None:  # type: ignore[no-untyped-def]
    refused = upload(app_world, "lab")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("key:")
    assert listed(app_world) == []


def test_the_eleventh_file_is_refused(app_world) -> None:  # type: ignore[no-untyped-def]
    for i in range(MAX_FILES):
        assert upload(app_world, "kuusi", name=f"n{i}.pdf").status_code == 201
    refused = upload(app_world, "kuusi", name="n10.pdf")
    assert refused.status_code == 400
    assert [p["path"] for p in refused.json()["problems"]] == ["file"]
    assert len(listed(app_world)) == MAX_FILES


def test_a_body_over_the_limit_is_refused_before_it_is_read(app_world) -> None:  # type: ignore[no-untyped-def]
    refused = upload(
        app_world, "kuusi", name="big.txt", data=b"a" * BODY_LIMIT, content_type="text/plain"
    )
    assert refused.status_code == 413
    assert listed(app_world) == []


def test_malformed_uploads_answer_422(app_world) -> None:  # type: ignore[no-untyped-def]
    no_file = app_world.call("kuusi", "POST", files_url(PARTNERS_ITEM))
    assert no_file.status_code == 422
    as_text = app_world.call("kuusi", "POST", files_url(PARTNERS_ITEM), data={"file": "x"})
    assert as_text.status_code == 422
    assert [p["path"] for p in as_text.json()["problems"]] == ["file"]
    assert app_world.call("kuusi", "GET", files_url(PARTNERS_ITEM, 0)).status_code == 422
    assert app_world.call("kuusi", "GET", files_url(PARTNERS_ITEM, 2**31)).status_code == 422


def test_the_owner_removes_a_file_and_a_partner_may_not(app_world) -> None:  # type: ignore[no-untyped-def]
    made = upload(app_world, "kuusi").json()
    path = files_url(PARTNERS_ITEM, made["id"])
    assert app_world.call("lab", "DELETE", path).status_code == 403
    assert app_world.call("kuusi", "DELETE", path).status_code == 204
    assert listed(app_world) == []
    assert app_world.call("kuusi", "DELETE", path).status_code == 404
    assert app_world.call("lab", "GET", path).status_code == 404


def test_an_admin_acts_for_the_owner_with_org(app_world) -> None:  # type: ignore[no-untyped-def]
    made = upload(app_world, "admin", org="kuusi")
    assert made.status_code == 201, made.text
    as_lab = app_world.call("admin", "GET", files_url(PARTNERS_ITEM), params={"org": "lab"})
    assert [a["id"] for a in as_lab.json()] == [made.json()["id"]]
    as_gran = app_world.call("admin", "GET", files_url(PARTNERS_ITEM), params={"org": "gran"})
    assert as_gran.status_code == 404
    for_another = app_world.call("kuusi", "GET", files_url(PARTNERS_ITEM), params={"org": "lab"})
    assert for_another.status_code == 403


def test_the_openapi_description_lists_the_routes_and_download_types(app_world) -> None:  # type: ignore[no-untyped-def]
    paths = app_world.client.get("/openapi.json").json()["paths"]
    one = paths["/api/v1/items/{key}/attachments/{attachment_id}"]
    assert set(one) == {"get", "delete"}
    assert "application/pdf" in one["get"]["responses"]["200"]["content"]
    assert (
        "multipart/form-data"
        in (paths["/api/v1/items/{key}/attachments"]["post"]["requestBody"]["content"])
    )
    public = [p for p in paths if p.startswith("/api/v1/public/items")]
    assert public == [
        "/api/v1/public/items/{key}/attachments",
        "/api/v1/public/items/{key}/attachments/{attachment_id}",
    ]
    assert all(set(paths[p]) == {"get"} for p in public)


@pytest.mark.parametrize(
    "name", ['a "quoted" name.pdf', "back\\slash.pdf", "semi;colon.pdf", "Ääkköset €.pdf"]
)
def test_the_fallback_file_name_never_breaks_the_header(name: str) -> None:
    header = content_disposition(name)
    fallback = header.split('filename="')[1].split('"; filename*=')[0]
    assert fallback.isascii()
    assert not set(fallback) & set('"\\;')
    assert len(fallback) == len(name)
    assert header.endswith("filename*=UTF-8''" + quote(name, safe=""))
