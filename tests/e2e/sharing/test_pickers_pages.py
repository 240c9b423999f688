# ruff: noqa: F811
"""Names, not keys: the organisation pickers, the composer's sentence with names and its
promise, refusals and warnings in one sentence with names (HTTP client, both databases).

Kuusi's partners in the demo network include Kotelo and Pakkaus-Aalto, who compete with
each other; Kuusi declared Gran Kartong and Tall Bruk its competitors; Klor Kemi is
neither a partner, a fellow circle member nor a competitor of Kuusi.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from e2e.sharing.test_sharing_pages import pages  # noqa: F401  (the signed-in web client)
from winwin.db.models import Item, ItemExclusion
from winwin.sharing.audience import Exclusion


def _options(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-key="([^"]+)" data-name="([^"]+)"', html))


def test_the_picker_suggests_by_name_only_organisations_kuusi_may_see(pages) -> None:  # type: ignore[no-untyped-def]
    kuusi = pages("member@kuusi.example")
    found = _options(kuusi.client.get("/pick/orgs", params={"q": "oy", "picker": "x"}).text)
    assert found and all(not name.islower() for name in found.values())
    assert "klorkemi" not in found
    gran = _options(kuusi.client.get("/pick/orgs", params={"q": "gran"}).text)
    assert gran == {"gran": "Gran Kartong AB"}
    # Named partners: only partners, never the competitor.
    assert (
        _options(kuusi.client.get("/pick/orgs", params={"q": "gran", "scope": "partners"}).text)
        == {}
    )
    nothing = kuusi.client.get("/pick/orgs", params={"q": "klor kemi"})
    assert "Klor" not in nothing.text and "No organisation you know" in nothing.text
    assert kuusi.client.get("/pick/orgs", params={"scope": "everyone"}).status_code == 422
    assert kuusi.client.get("/pick/orgs", params={"picker": "<x>"}).status_code == 422


def test_the_composer_offers_names_and_tick_boxes_and_stores_the_usual_exclusions(
    pages, engine
) -> None:  # type: ignore[no-untyped-def]
    kuusi = pages("member@kuusi.example", lang="fi")
    feed = kuusi.client.get("/feed").text
    assert 'role="combobox"' in feed
    assert '<option value="SE">Ruotsi</option>' in feed
    assert "ei kilpailijoille" in feed and "Gran Kartong AB ja Tall Bruk AB" in feed
    assert 'value="lab"> Kuitulaboratorio Oy' in feed
    done = kuusi.post(
        "/feed/items",
        {
            "title": "Kuitukoe",
            "level": "network",
            "exclude_competitors": "1",
            "exclude_country": ["SE", ""],
            "exclude_cluster": "food",
            "exclude_org": ["Gran Kartong AB", "kemiitti"],
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text[-3000:]
    key = done.headers["location"].split("/items/")[1].split("?")[0]
    page = kuusi.client.get(f"/items/{key}").text
    assert "ei heidän kumppaneilleen" not in page  # the whole network
    # Stored as the API and the network document write them.
    with engine.connect() as connection:
        rows = connection.execute(
            select(ItemExclusion.kind, ItemExclusion.value)
            .join(Item, Item.id == ItemExclusion.item_id)
            .where(Item.key == key)
            .order_by(ItemExclusion.position)
        ).all()
    assert [str(Exclusion(kind, value)) for kind, value in rows] == [
        "competitors",
        "org:gran",
        "org:kemiitti",
        "country:SE",
        "cluster:food",
    ]


def test_the_composer_names_whom_a_post_reaches_and_states_the_promise(pages) -> None:  # type: ignore[no-untyped-def]
    kuusi = pages("member@kuusi.example", lang="fi")
    answer = kuusi.post(
        "/feed/reach", {"title": "Kuitukoe", "level": "partners", "exclude_competitors": "1"}
    )
    sentence = re.search(r'data-testid="reach-sentence">(.*?)</p>', answer.text, re.S)
    assert sentence, answer.text
    text = sentence[1]
    assert "12 kumppania (" in text and "Kotelo Oy" in text and "Pakkaus-Aalto Oy" in text
    assert "ei heidän kumppaneilleen" in text
    assert "kilpailijat Gran Kartong AB ja Tall Bruk AB suljettu pois" in text
    assert "kotelo" not in text and "gran" not in text


def finnish_topics(pages) -> None:  # type: ignore[no-untyped-def]
    """The demo document names English topics only: add Finnish ones."""
    admin = pages("platform@winwin.example")
    saved = admin.post(
        "/settings/sensitive-topics?org=kuusi",
        {"topics": "hinnoittelu, hinta, hinnat, kapasiteetti, pricing, capacity, bids"},
    )
    assert saved.status_code == 200


def test_a_finnish_sensitive_word_in_the_title_warns_with_names(pages) -> None:  # type: ignore[no-untyped-def]
    finnish_topics(pages)
    kuusi = pages("member@kuusi.example", lang="fi")
    partners = kuusi.post(
        "/feed/reach", {"title": "Hinnoittelun periaatteet 2027", "level": "partners"}
    )
    warning = re.search(r'data-testid="reach-warning">(.*?)</div>', partners.text, re.S)
    assert warning, partners.text
    assert "”hinnoittelun”" in warning[1]
    assert "Kotelo Oy" in warning[1] and "Pakkaus-Aalto Oy" in warning[1]
    assert "kilpailevat keskenään" in warning[1]
    wide = kuusi.post("/feed/reach", {"title": "Hinnoittelun periaatteet", "level": "network"})
    warned = re.search(r'data-testid="reach-warning">(.*?)</div>', wide.text, re.S)
    assert warned and "kilpailijanne Gran Kartong AB ja Tall Bruk AB" in warned[1]
    kept = kuusi.post(
        "/feed/reach",
        {"title": "Hinnoittelun periaatteet", "level": "network", "exclude_competitors": "1"},
    )
    assert "kilpailijanne Gran" not in kept.text
    plain = kuusi.post(
        "/feed/reach", {"title": "Kuitukoe", "body": "Tulokset", "level": "partners"}
    )
    assert "reach-warning" not in plain.text
    # A sensitive *topic* is still refused, as before, now with names and a fix.
    topic = kuusi.post("/feed/reach", {"title": "x", "level": "network", "topics": "hinnoittelu"})
    assert "poista Gran Kartong AB ja Tall Bruk AB tai vaihda aihe" in topic.text
    # Publishing with the word shows the warning after publishing (never a refusal).
    done = kuusi.post(
        "/feed/items", {"title": "Hinnoittelun periaatteet 2027", "level": "partners"}
    )
    assert done.status_code == 200
    assert "Julkaistu." in done.text and "Kotelo Oy" in done.text


def test_a_refusal_is_one_finnish_sentence_with_names_and_a_fix(pages) -> None:  # type: ignore[no-untyped-def]
    kuusi = pages("member@kuusi.example", lang="fi")
    refused = kuusi.post("/feed/items", {"title": "Suora", "level": "direct", "orgs": "gran"})
    assert refused.status_code == 400
    assert "Gran Kartong AB ei ole kumppaninne" in refused.text
    assert "poista Gran Kartong AB tai valitse toinen yleisö" in refused.text
    assert "not a partner" not in refused.text and "audience.orgs" not in refused.text
    named = kuusi.post(
        "/feed/items",
        {"title": "Suora", "level": "direct", "orgs": ["Kuitulaboratorio Oy", "koivu"]},
        follow_redirects=False,
    )
    assert named.status_code == 303


def test_feed_item_and_reshare_restate_the_audience_with_names(pages) -> None:  # type: ignore[no-untyped-def]
    kuusi, lab = pages("member@kuusi.example", lang="fi"), pages("member@lab.example", lang="fi")
    done = kuusi.post(
        "/feed/items",
        {
            "title": "Kuitukoe",
            "level": "partners",
            "exclude_competitors": "1",
            "exclude_country": "SE",
        },
        follow_redirects=False,
    )
    key = done.headers["location"].split("/items/")[1].split("?")[0]
    own = kuusi.client.get(f"/items/{key}").text
    audience = re.search(r'data-testid="item-audience">(.*?)</p>', own, re.S)
    assert audience and "Kuitulaboratorio Oy" in audience[1]
    assert "ei heidän kumppaneilleen" in audience[1]
    seen = lab.client.get(f"/items/{key}").text
    theirs = re.search(r'data-testid="item-audience">(.*?)</p>', seen, re.S)
    assert theirs
    assert (
        "Julkaisijan kumppanit, ei heidän kumppaneitaan, paitsi kilpailijat ja "
        "organisaatiot maassa Ruotsi." in theirs[1]
    )
    assert "Kotelo" not in theirs[1]  # Kuusi's partners are not named to Lab
    assert "Kuusi Paper Oy" in seen and ">kuusi<" not in seen
    original = re.search(r'data-testid="reshare-original">(.*?)</div>', seen, re.S)
    assert original and "Kuitukoe" in original[1] and "Kuusi Paper Oy" in original[1]
    assert 'name="reshare_of"' in seen
    preview = lab.post("/feed/reach", {"reshare_of": key, "level": "partners"})
    assert 'data-testid="reach-sentence"' in preview.text and "Kuusi Paper Oy" in preview.text
    feed = lab.client.get("/feed").text
    assert "paitsi kilpailijat ja organisaatiot maassa Ruotsi" in feed


def test_rounds_circles_and_agreements_pick_the_other_organisation_by_name(pages) -> None:  # type: ignore[no-untyped-def]
    admin = pages("platform@winwin.example")
    relationships = admin.client.get("/relationships?org=kuusi").text
    assert 'id="open-round"' in relationships
    assert '<option value="lab">Kuitulaboratorio Oy</option>' in relationships
    assert '<option value="gran">' not in relationships
    opened = admin.post(
        "/relationships/rounds?org=kuusi",
        {"other": "Kuitulaboratorio Oy", "round": "2027-Q1", "min_respondents": "3"},
        follow_redirects=False,
    )
    assert opened.status_code == 303, opened.text[-2000:]
    kuusi = pages("member@kuusi.example")
    made = kuusi.post(
        "/circles", {"key": "kuusi-fibre", "name": "Fibre club"}, follow_redirects=False
    )
    assert made.status_code == 303
    circle = kuusi.client.get("/circles/kuusi-fibre").text
    assert '<option value="gran">Gran Kartong AB</option>' in circle
    assert "klorkemi" not in circle
    invited = kuusi.post(
        "/circles/kuusi-fibre/invite", {"invitee": "Kuitulaboratorio Oy"}, follow_redirects=False
    )
    assert invited.status_code == 303
    agreements = kuusi.client.get("/agreements").text
    assert '<option value="lab">Kuitulaboratorio Oy</option>' in agreements
    assert '<option value="gran">' not in agreements
    proposed = kuusi.post(
        "/agreements",
        {"partner": "Kuitulaboratorio Oy", "topics": "entsyymi"},
        follow_redirects=False,
    )
    assert proposed.status_code == 303
    assert "with Kuitulaboratorio Oy" in kuusi.client.get("/agreements").text


def test_the_innovation_composer_has_the_same_pickers_and_tick_boxes(pages, engine) -> None:  # type: ignore[no-untyped-def]
    kuusi = pages("member@kuusi.example", lang="fi")
    board = kuusi.client.get("/innovation").text
    assert 'id="n-orgs-q"' in board and 'role="combobox"' in board
    assert "ei kilpailijoille" in board and '<option value="SE">Ruotsi</option>' in board
    assert "Organisation keys" not in board
    done = kuusi.post(
        "/innovation",
        {
            "kind": "challenge",
            "title": "Kevyempi kartonki",
            "level": "network",
            "exclude_competitors": "1",
            "exclude_org": "Gran Kartong AB",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text[-2000:]
    key = done.headers["location"].split("/innovation/")[1].split("?")[0]
    with engine.connect() as connection:
        rows = connection.execute(
            select(ItemExclusion.kind, ItemExclusion.value)
            .join(Item, Item.id == ItemExclusion.item_id)
            .where(Item.key == key)
            .order_by(ItemExclusion.position)
        ).all()
    assert [str(Exclusion(kind, value)) for kind, value in rows] == ["competitors", "org:gran"]


def _plain(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_the_feed_restates_our_own_items_as_the_composer_and_item_page_do(pages) -> None:  # type: ignore[no-untyped-def]
    kuusi, lab = pages("member@kuusi.example", lang="fi"), pages("member@lab.example", lang="fi")
    keys = []
    for title, form in [
        ("Omille kumppaneille", {"level": "partners", "exclude_competitors": "1"}),
        ("Koko verkostolle", {"level": "network", "exclude_country": "SE"}),
        ("Nimetyille", {"level": "direct", "orgs": ["Kuitulaboratorio Oy"]}),
    ]:
        done = kuusi.post("/feed/items", {"title": title, **form}, follow_redirects=False)
        assert done.status_code == 303, done.text[:2000]
        keys.append(done.headers["location"].split("/items/")[1].split("?")[0])
    feed = kuusi.client.get("/feed").text
    for key in keys:
        line = re.search(rf'data-item="{key}">.*?audience-line">(.*?)</p>', feed, re.S)
        page = re.search(
            r'data-testid="item-audience">(.*?)</p>', kuusi.client.get(f"/items/{key}").text, re.S
        )
        assert line and page
        said = _plain(line[1]).removeprefix("Kuka sen näkee: ")
        assert said and said in _plain(page[1]), (said, _plain(page[1]))
    partners = re.search(rf'data-item="{keys[0]}">.*?audience-line">(.*?)</p>', feed, re.S)
    assert partners and "Kuitulaboratorio Oy" in partners[1]
    assert "kilpailijat Gran Kartong AB ja Tall Bruk AB suljettu pois" in partners[1]
    # Others still read the audience as declared, without Kuusi's partners named.
    seen = re.search(
        rf'data-item="{keys[0]}">.*?audience-line">(.*?)</p>', lab.client.get("/feed").text, re.S
    )
    assert seen and "Julkaisijan kumppanit" in seen[1] and "Kotelo" not in seen[1]
