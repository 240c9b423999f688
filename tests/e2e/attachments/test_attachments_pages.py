"""Attachments on the item page through the HTTP client on both databases: the upload
form with its CSRF token, the list (loaded by htmx, or the whole page without it) in
English and Finnish, refusals beside the form, removal, and downloads."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from e2e.sharing.sharing_world import PASSWORD, seed_people
from support.secrets import TEST_SECRET
from winwin.http.app import create_app
from winwin.settings import Settings

PARTNERS_ITEM = "kuusi-capacity-q3"
PUBLIC_ITEM = "kuusi-open-challenge"
CSV = b"maa;tonnia\nFI;12000\n" * 100  # 2,000 bytes
PDF = b"%PDF-1.4\n" + b"x" * 3000
HX = {"HX-Request": "true"}


class Person:
    def __init__(self, client: TestClient) -> None:
        self.client = client

    def token(self, path: str = "/feed") -> str:
        page = self.client.get(path)
        found = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        assert found, page.text[:300]
        return found.group(1)

    def login(self, email: str) -> None:
        done = self.client.post(
            "/login",
            data={"email": email, "password": PASSWORD, "csrf_token": self.token("/login")},
            follow_redirects=False,
        )
        assert done.status_code in (302, 303), done.text[:500]

    def upload(
        self,
        name: str,
        data: bytes,
        content_type: str,
        key: str = PARTNERS_ITEM,
        csrf: bool = True,
    ) -> Any:
        form = {"csrf_token": self.token()} if csrf else {}
        return self.client.post(
            f"/items/{key}/attachments",
            data=form,
            files={"file": (name, data, content_type)},
            follow_redirects=False,
        )

    def fragment(self, key: str = PARTNERS_ITEM) -> Any:
        return self.client.get(f"/items/{key}/attachments", headers=HX)


@pytest.fixture
def people(engine: Engine, db_url: str) -> Iterator[Callable[..., Person]]:
    seed_people(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    clients: list[TestClient] = []

    def person(email: str | None, lang: str = "en") -> Person:
        client = TestClient(app, headers={"Accept-Language": lang})
        client.__enter__()
        clients.append(client)
        someone = Person(client)
        if email:
            someone.login(email)
        return someone

    yield person
    for client in clients:
        client.__exit__(None, None, None)
    app.state.engine.dispose()


def file_ids(html: str, key: str = PARTNERS_ITEM) -> list[int]:
    return [int(i) for i in re.findall(rf'href="/items/{key}/attachments/(\d+)\?', html)]


def test_the_item_page_lists_its_attachments_without_javascript(people) -> None:  # type: ignore[no-untyped-def]
    kuusi, lab = people("member@kuusi.example"), people("member@lab.example")
    assert kuusi.upload("plan.csv", CSV, "text/csv").status_code == 303
    page = lab.client.get(f"/items/{PARTNERS_ITEM}")
    assert page.status_code == 200
    section = page.text.split('id="attachments"')[1].split("</section>")[0]
    assert "plan.csv" in section and "hx-get" not in section
    assert f'href="/items/{PARTNERS_ITEM}/attachments/' in section
    assert 'enctype="multipart/form-data"' not in section  # only the owner attaches


def test_the_owner_uploads_from_the_form_and_a_partner_sees_and_downloads_it(people) -> None:  # type: ignore[no-untyped-def]
    kuusi, lab = people("member@kuusi.example"), people("member@lab.example", "fi")
    empty = kuusi.fragment()
    assert "No attachments." in empty.text
    assert 'enctype="multipart/form-data"' in empty.text
    assert 'name="csrf_token"' in empty.text

    done = kuusi.upload("Toimitukset 2026.csv", CSV, "text/csv")
    assert done.status_code == 303, done.text[:1000]
    assert done.headers["location"] == (
        f"/items/{PARTNERS_ITEM}?org=kuusi&done=attached#attachments"
    )
    assert "File attached." in kuusi.client.get(done.headers["location"]).text
    listing = kuusi.fragment().text
    assert "Toimitukset 2026.csv" in listing
    assert "CSV table" in listing
    assert "2 kB" in listing, listing
    assert "/delete?org=kuusi" in listing

    # The partner reads it in Finnish, with no upload form and no remove button.
    seen = lab.fragment()
    assert seen.status_code == 200
    assert "Toimitukset 2026.csv" in seen.text
    assert "CSV-taulukko" in seen.text
    assert "2 kt" in seen.text
    assert "Liitteet" in seen.text
    assert "/delete" not in seen.text
    assert 'type="file"' not in seen.text
    (file_id,) = file_ids(seen.text)
    download = lab.client.get(f"/items/{PARTNERS_ITEM}/attachments/{file_id}")
    assert download.status_code == 200
    assert download.content == CSV
    assert download.headers["content-type"] == "text/csv"
    assert download.headers["content-disposition"].startswith("attachment; ")
    assert download.headers["content-security-policy"] == "sandbox"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["cache-control"] == "private, no-store"

    # Without htmx, the same address answers the whole item page with the list.
    whole = lab.client.get(f"/items/{PARTNERS_ITEM}/attachments")
    assert whole.status_code == 200
    assert '<h1 id="item-title">' in whole.text
    assert file_ids(whole.text) == [file_id]


def test_a_competitor_and_anonymous_readers_get_404(people) -> None:  # type: ignore[no-untyped-def]
    kuusi, gran, nobody = (
        people("member@kuusi.example"),
        people("member@gran.example"),
        people(None),
    )
    assert kuusi.upload("plan.pdf", PDF, "application/pdf").status_code == 303
    (file_id,) = file_ids(kuusi.fragment().text)
    download = f"/items/{PARTNERS_ITEM}/attachments/{file_id}"
    assert gran.fragment().status_code == 404
    assert gran.client.get(download).status_code == 404
    assert nobody.client.get(download).status_code == 404
    assert gran.upload("x.pdf", PDF, "application/pdf").status_code == 404


def test_a_public_item_s_file_downloads_without_signing_in(people) -> None:  # type: ignore[no-untyped-def]
    kuusi, nobody = people("member@kuusi.example"), people(None)
    assert kuusi.upload("call.pdf", PDF, "application/pdf", key=PUBLIC_ITEM).status_code == 303
    (file_id,) = file_ids(kuusi.fragment(PUBLIC_ITEM).text, PUBLIC_ITEM)
    download = nobody.client.get(f"/items/{PUBLIC_ITEM}/attachments/{file_id}")
    assert download.status_code == 200
    assert download.content == PDF


def test_an_upload_without_the_csrf_token_is_refused_and_stores_nothing(people) -> None:  # type: ignore[no-untyped-def]
    kuusi = people("member@kuusi.example")
    refused = kuusi.upload("plan.pdf", PDF, "application/pdf", csrf=False)
    assert refused.status_code == 403
    forged = kuusi.client.post(
        f"/items/{PARTNERS_ITEM}/attachments",
        data={"csrf_token": "0" * 64},
        files={"file": ("plan.pdf", PDF, "application/pdf")},
    )
    assert forged.status_code == 403
    assert file_ids(kuusi.fragment().text) == []


@pytest.mark.parametrize(
    ("name", "data", "content_type", "english", "finnish"),
    [
        (
            "logo.png",
            b"<svg/>",
            "image/png",
            "the file&#39;s content does not match its extension",
            "tiedoston sisältö ei vastaa sen päätettä",
        ),
        (
            "logo.svg",
            b"<svg/>",
            "image/svg+xml",
            "files of this kind are not accepted",
            "tämänlaisia tiedostoja ei hyväksytä",
        ),
        ("empty.txt", b"", "text/plain", "the file is empty", "tiedosto on tyhjä"),
    ],
)
def test_a_refused_upload_is_explained_beside_the_form_with_422(  # type: ignore[no-untyped-def]
    people, name: str, data: bytes, content_type: str, english: str, finnish: str
) -> None:
    for lang, text in (("en", english), ("fi", finnish)):
        kuusi = people("member@kuusi.example", lang)
        refused = kuusi.upload(name, data, content_type)
        assert refused.status_code == 422
        form = refused.text.split('id="attachments"')[1].split("</section>")[0]
        problems = form.split('id="attachment-problems"')[1]
        assert text in problems
        assert 'aria-describedby="attachment-hint attachment-problems"' in form
        assert file_ids(refused.text) == []
    assert file_ids(kuusi.fragment().text) == []


def test_the_owner_removes_a_file_with_the_button(people) -> None:  # type: ignore[no-untyped-def]
    kuusi, lab = people("member@kuusi.example"), people("member@lab.example")
    kuusi.upload("plan.pdf", PDF, "application/pdf")
    (file_id,) = file_ids(kuusi.fragment().text)
    path = f"/items/{PARTNERS_ITEM}/attachments/{file_id}/delete"
    assert lab.client.post(path, data={"csrf_token": lab.token()}).status_code == 403
    done = kuusi.client.post(path, data={"csrf_token": kuusi.token()}, follow_redirects=False)
    assert done.status_code == 303
    assert "done=detached" in done.headers["location"]
    assert file_ids(kuusi.fragment().text) == []
    assert lab.client.get(f"/items/{PARTNERS_ITEM}/attachments/{file_id}").status_code == 404


def test_a_reshare_offers_no_upload(people) -> None:  # type: ignore[no-untyped-def]
    lab = people("member@lab.example")
    page = lab.fragment("lab-reshare-dairy-case")
    assert page.status_code == 200
    assert 'type="file"' not in page.text
    assert "A reshare has no attachments of its own" in page.text


def test_a_body_over_the_limit_is_refused_before_the_csrf_check_reads_it(people) -> None:  # type: ignore[no-untyped-def]
    from winwin.attachments.api import BODY_LIMIT

    kuusi = people("member@kuusi.example")
    refused = kuusi.upload("big.txt", b"a" * BODY_LIMIT, "text/plain")
    assert refused.status_code == 413
    assert file_ids(kuusi.fragment().text) == []
