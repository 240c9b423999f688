"""The co-author picker through the HTTP client, on SQLite and PostgreSQL.

``GET /pick/people?for=KEY&q=TEXT`` suggests, by name, the people whom naming a co-author
of the entry would accept, among the organisations the acting one knows; hostile input is
answered without a 5xx and never echoed unescaped; the e-mail field stays the way in
without scripts, and a suggestion's id is what the form posts with them.
"""

from __future__ import annotations

import html
import re

import pytest

from e2e.innovation import test_innovation_pages as pages
from e2e.innovation.test_innovation_pages import Sign, text_of
from e2e.innovation.web_world import EMAILS

people = pages.people  # the signed-in people of the page tests


def suggested(page: str) -> dict[str, str]:
    """Name -> id of the suggestions in a /pick/people fragment."""
    return {
        html.unescape(name): key
        for key, name in re.findall(r'data-key="(\d+)" data-name="([^"]*)"', page)
    }


def error_of(page: str) -> str:
    found = re.search(r'id="coauthor-email-error">(.*?)</', page, re.S)
    assert found, page[:2000]
    return found.group(1)


def test_the_picker_suggests_only_people_who_may_see_the_entry(people: Sign) -> None:
    kuusi = people("kuusi")
    idea = kuusi.create(kind="idea", title="Picked together")
    found = kuusi.get(f"/pick/people?for={idea}&q=member")
    assert found.status_code == 200
    names = suggested(found.text)
    assert {"Lab Member", "Pakkaus Member"} <= set(names)
    assert "Gran Member" not in names  # Gran cannot see a partners' idea
    assert "Pakkaus-Aalto Oy" in found.text  # the organisation by name, never by key
    # A suggestion is what the form posts with scripts: the person's id.
    added = kuusi.post(f"/innovation/{idea}/coauthors", {"person": names["Lab Member"]})
    assert added.status_code == 303
    page = kuusi.get(f"/innovation/{idea}").text
    assert "Lab Member" in page
    assert "Lab Member" not in suggested(kuusi.get(f"/pick/people?for={idea}&q=member").text)


def test_a_person_out_of_sight_is_refused_by_id_as_by_email(people: Sign, engine) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from winwin.accounts.models import User
    from winwin.db.engine import session_factory

    with session_factory(engine)() as session:
        gran = session.scalar(select(User.id).where(User.email == EMAILS["gran"]))
    kuusi = people("kuusi")
    idea = kuusi.create(kind="idea", title="Not for Gran")
    refused = kuusi.post(f"/innovation/{idea}/coauthors", {"person": str(gran)})
    assert refused.status_code == 422
    assert "the person chosen cannot see this idea or signs in no more" in html.unescape(
        refused.text
    )
    for hostile in ("999999", str(2**31 - 1)):
        again = kuusi.post(f"/innovation/{idea}/coauthors", {"person": hostile})
        assert again.status_code == 422
        assert error_of(again.text) == error_of(refused.text)
    empty = kuusi.post(f"/innovation/{idea}/coauthors", {"email": "  "})
    assert empty.status_code == 422
    assert "Choose a person from the list or type their e-mail" in empty.text
    assert "No co-authors yet." in kuusi.get(f"/innovation/{idea}").text


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("q=%3Cscript%3Ealert(1)%3C/script%3E", 200),
        ("q=%00", 400),  # refused at the door, as every NUL is
        ("q=" + "x" * 201, 422),
        ("q=%25&picker=a", 200),
        ("q=a&picker=X%22%3E", 422),
        ("q=a&picker=" + "a" * 42, 422),
    ],
)
def test_hostile_queries_are_answered_without_harm(people: Sign, query: str, status: int) -> None:
    kuusi = people("kuusi")
    idea = kuusi.create(kind="idea", title="Hostile")
    answer = kuusi.get(f"/pick/people?for={idea}&{query}")
    assert answer.status_code == status
    assert "<script>" not in answer.text


def test_who_may_not_add_co_authors_gets_no_suggestions(people: Sign) -> None:
    kuusi, lab, gran, anonymous = people("kuusi"), people("lab"), people("gran"), people(None)
    idea = kuusi.create(kind="idea", title="Only the owner picks")
    assert lab.get(f"/pick/people?for={idea}&q=m").status_code == 403
    assert gran.get(f"/pick/people?for={idea}&q=m").status_code == 404
    for key in ("nope", "../../etc/passwd", "", "x" * 200):
        assert kuusi.get(f"/pick/people?for={key}&q=m").status_code == 404, key
    out = anonymous.get(f"/pick/people?for={idea}&q=m", follow_redirects=False)
    assert out.status_code in (302, 303, 401)
    assert "Member" not in out.text


def test_the_picker_speaks_finnish_and_the_email_field_remains(people: Sign) -> None:
    kuusi = people("kuusi", lang="fi")
    idea = kuusi.create(kind="idea", title="Suomeksi")
    none = kuusi.get(f"/pick/people?for={idea}&q=zzzz")
    assert "Tätä kohdetta näkevistä kukaan ei ole sen niminen" in none.text
    page = kuusi.get(f"/innovation/{idea}").text
    assert "Uuden tekijän nimi" in page
    assert "Uuden tekijän sähköposti" in text_of(page)
    # Without scripts the picker's field is hidden and the e-mail field is required.
    assert re.search(r'id="coauthor-person-q"[^>]*\bhidden\b', page, re.S)
    assert re.search(r'id="coauthor-email"[^>]*\brequired\b', page)
