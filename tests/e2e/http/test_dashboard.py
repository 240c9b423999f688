"""The home dashboard gathers each capability's panel for the organisation worked for."""

from __future__ import annotations

import re

from support.web import sign_in
from winwin.assessments import scoring
from winwin.assessments.anonymity import OPERATOR
from winwin.network.demo import demo_document


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
        scored = [
            s for s in scoring.score_relationships(session, reader=OPERATOR) if "kuusi" in s.between
        ]
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


def test_the_dashboard_shows_open_challenges_and_the_organisation_s_ideas_under_way(client) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.orm import Session

    from winwin.innovation import service as innovation
    from winwin.sharing.items import ItemRepository

    sign_in(client, "admin@kuusi.example")
    page = client.get("/", headers={"Accept-Language": "en"})
    section = page.text.split('id="dash-innovation"', 1)[1].split("</section>", 1)[0]
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        kuusi = ItemRepository(session).viewer("kuusi")
        open_challenges = innovation.list_entries(
            session, viewer=kuusi, kind="challenge", stage="open", limit=4
        )
        under_way = [
            e
            for e in innovation.list_entries(session, viewer=kuusi, kind="idea", owner="kuusi")
            if e.stage in ("discussed", "developing", "piloting")
        ]
    assert open_challenges and under_way, "the demo gives Kuusi both"
    for entry in [*open_challenges, *under_way[:4]]:
        assert f'href="/innovation/{entry.key}"' in section
    finnish = client.get("/", headers={"Accept-Language": "fi"}).text
    assert "Avoimet haasteet" in finnish and "Meidän ideamme työn alla" in finnish
