"""The home dashboard gathers each capability's panel for the organisation worked for."""

from __future__ import annotations

import re

from e2e.web.web_helpers import sign_in
from winwin.services import scoring
from winwin.services.demo import demo_document


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_dashboard_shows_relationships_feed_and_pairs_of_the_organisation(client) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, "admin@kuusi.example")
    page = client.get("/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    text = _text(page.text)
    names = {o["key"]: o["name"] for o in demo_document()["organizations"]}
    engine = client.app.state.engine  # type: ignore[attr-defined]
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        scored = [s for s in scoring.score_relationships(session) if "kuusi" in s.between]
    assert scored, "the demo gives kuusi assessed relationships"
    for relationship in scored:
        other = next(k for k in relationship.between if k != "kuusi")
        assert names[other] in text
    assert "No assessed relationships yet." not in text
    assert "Nothing shared with you yet." not in text
    assert "No pair suggestions yet." not in text
    assert 'href="/items/' in page.text


def test_the_dashboard_panels_speak_finnish(client) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, "admin@kuusi.example")
    page = client.get("/", headers={"Accept-Language": "fi"})
    text = _text(page.text)
    assert "ennustettu voitto" in text
    assert re.search(r"Kaikki \d+ suhde", text)
