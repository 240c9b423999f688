"""The open innovation pages through the HTTP client, on SQLite and PostgreSQL.

Kuusi, Pakkaus-Aalto (Kuusi's customer), the Lab (Kuusi's partner) and Gran (Kuusi's
competitor, no tie to it) use the board, the composer and the entry page: the board shows
exactly what the checkpoint admits, refusals are shown beside their field and store
nothing, comments render scripts inert, votes toggle with and without htmx, stage moves
follow the rules, and both languages render.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from e2e.innovation.web_world import (
    EMAILS,
    NAMES,
    Person,
    cards,
    co_creation_total,
    item_count,
    seed_people,
    visible_keys,
)
from support.secrets import TEST_SECRET
from winwin.http import i18n
from winwin.http.app import create_app
from winwin.innovation import stages as rules
from winwin.innovation.wording import PAGE_WORDING, translate_problem
from winwin.kernel.errors import InvalidInput
from winwin.settings import Settings

Sign = Callable[..., Person]


@pytest.fixture
def people(engine: Engine, db_url: str) -> Iterator[Sign]:
    """``people("lab")`` is the Lab's member signed in (``lang`` the browser's language)."""
    seed_people(engine)
    app = create_app(Settings(database_url=db_url, secret_key=TEST_SECRET))
    clients: list[TestClient] = []

    def sign_in(who: str | None, lang: str = "en") -> Person:
        client = TestClient(app, headers={"Accept-Language": lang})
        client.__enter__()
        clients.append(client)
        person = Person(client)
        if who is not None:
            person.login(EMAILS[who])
        return person

    yield sign_in
    for client in clients:
        client.__exit__(None, None, None)
    app.state.engine.dispose()


def text_of(page: str) -> str:
    main = re.search(r"<main.*?</main>", page, re.S)
    assert main, page[:500]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main.group(0))))


def column_of(page: str, key: str) -> str:
    """The stage of the board column that holds the card of ``key``."""
    columns = re.findall(r'data-stage="([^"]+)">(.*?)(?=data-stage="|</section>)', page, re.S)
    found = [stage for stage, body in columns if f'data-entry="{key}"' in body]
    assert len(found) == 1, found
    return found[0]


def current_stage(page: str) -> str:
    found = re.search(r'data-testid="stage">([^<]+)<', page)
    assert found
    return found.group(1)


def test_the_board_shows_exactly_what_the_organisation_may_see(people: Sign, engine) -> None:
    kuusi, lab, gran = people("kuusi"), people("lab"), people("gran")
    idea = kuusi.create(kind="idea", title="Partners-only pulp idea", level="partners")
    challenge = kuusi.create(kind="challenge", title="Network-wide question", level="network")
    board = {
        who: p.get("/innovation") for who, p in (("kuusi", kuusi), ("lab", lab), ("gran", gran))
    }
    for who, page in board.items():
        assert page.status_code == 200
        assert cards(page.text) == visible_keys(engine, who), who
    assert {idea, challenge} <= cards(board["lab"].text)
    assert challenge in cards(board["gran"].text)
    assert idea not in cards(board["gran"].text)
    assert "Partners-only pulp idea" not in board["gran"].text
    # Grouped by stage, with the filters by kind.
    assert column_of(board["lab"].text, idea) == "proposed"
    assert column_of(board["lab"].text, challenge) == "open"
    ideas_only = cards(lab.get("/innovation?kind=idea").text)
    assert idea in ideas_only and challenge not in ideas_only
    challenges_only = cards(lab.get("/innovation?kind=challenge").text)
    assert challenge in challenges_only and idea not in challenges_only
    # The public board shows only public entries, to anyone.
    anonymous = people(None)
    public = anonymous.get("/public/innovation")
    assert public.status_code == 200
    assert cards(public.text) == visible_keys(engine, None)
    assert not {idea, challenge} & cards(public.text)


def test_a_partners_only_idea_is_not_found_for_a_non_partner(people: Sign, engine) -> None:
    kuusi, lab, gran = people("kuusi"), people("lab"), people("gran")
    idea = kuusi.create(kind="idea", title="Secret-ish recipe talk", level="partners")
    assert lab.get(f"/innovation/{idea}").status_code == 200
    page = gran.get(f"/innovation/{idea}")
    assert page.status_code == 404
    assert "Secret-ish recipe talk" not in page.text
    assert people(None).get(f"/innovation/{idea}").status_code == 404
    before = item_count(engine)
    assert gran.post(f"/innovation/{idea}/comments", {"body": "hello"}).status_code == 404
    assert gran.post(f"/innovation/{idea}/vote", {"vote": "1"}).status_code == 404
    assert gran.post(f"/innovation/{idea}/stage", {"stage": "discussed"}).status_code == 404
    untouched = lab.get(f"/innovation/{idea}").text
    assert "No comments yet." in untouched
    assert 'data-testid="vote-count">0 votes<' in untouched
    assert 'data-testid="stage">Proposed<' in untouched
    assert item_count(engine) == before


def test_a_refused_audience_is_shown_beside_its_field_and_nothing_is_stored(
    people: Sign, engine
) -> None:
    kuusi = people("kuusi")
    before = item_count(engine)
    refused = kuusi.post(
        "/innovation",
        {
            "kind": "challenge",
            "title": "Public but exclusive",
            "body": "Typed *text*",
            "level": "public",
            "exclude_competitors": "1",
        },
    )
    assert refused.status_code == 422
    error = re.search(r'<p class="field-error" id="n-exclude-error">([^<]+)</p>', refused.text)
    assert error and error.group(1) == "a public item may have no exclusions"
    assert 'name="exclude_competitors" value="1" checked' in refused.text
    assert 'aria-describedby="n-exclude-hint n-exclude-error"' in refused.text
    assert 'value="Public but exclusive"' in refused.text
    assert "Typed *text*</textarea>" in refused.text
    assert re.search(r'value="public" selected', refused.text)
    # A topic that Kuusi and Pakkaus keep secret cannot go to all of Kuusi's partners.
    secret = kuusi.post("/innovation", {"kind": "idea", "title": "Recipe idea", "topics": "recipe"})
    assert secret.status_code == 422
    topics_error = re.search(r'id="n-topics-error">([^<]+)<', html.unescape(secret.text))
    assert topics_error and "secret between kuusi and pakkaus" in topics_error.group(1)
    # A challenge does not answer a challenge: the message stands beside that field.
    wrong = kuusi.post(
        "/innovation",
        {"kind": "challenge", "title": "Answering", "challenge": "kuusi-open-challenge"},
    )
    assert wrong.status_code == 422
    assert 'id="n-challenge-error">only an idea answers a challenge<' in wrong.text
    assert item_count(engine) == before
    assert "Public but exclusive" not in kuusi.get("/innovation").text


def test_an_idea_answers_an_open_challenge_only(people: Sign, engine) -> None:
    kuusi, pakkaus = people("kuusi"), people("pakkaus")
    challenge = kuusi.create(kind="challenge", title="Butter wrap without aluminium")
    composer = pakkaus.get(f"/innovation?kind=idea&challenge={challenge}").text
    assert re.search(rf'<option value="{challenge}" selected>', composer)
    idea = pakkaus.create(kind="idea", title="Fibre wrap with a bio barrier", challenge=challenge)
    page = kuusi.get(f"/innovation/{challenge}").text
    ideas = page.split('id="ideas-title"')[1].split("</section>")[0]
    assert f'data-entry="{idea}"' in ideas
    answered = pakkaus.get(f"/innovation/{idea}").text
    link = re.search(
        rf'data-testid="answers">.*href="/innovation/{challenge}[^"]*">([^<]+)<', answered
    )
    assert link and link.group(1) == "Butter wrap without aluminium"
    assert kuusi.post(f"/innovation/{challenge}/stage", {"stage": "reviewing"}).status_code == 303
    before = item_count(engine)
    late = pakkaus.post(
        "/innovation", {"kind": "idea", "title": "Too late", "challenge": challenge}
    )
    assert late.status_code == 422
    assert "the challenge is reviewing: it takes no new ideas" in late.text
    assert item_count(engine) == before


def test_comments_render_scripts_inert_and_are_removed_by_their_author_or_the_owner(
    people: Sign,
) -> None:
    kuusi, lab = people("kuusi"), people("lab")
    idea = kuusi.create(kind="idea", title="Comment target")
    done = lab.post(
        f"/innovation/{idea}/comments",
        {"body": "<script>alert('x')</script> and **bold** <img src=x onerror=alert(1)>"},
    )
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"/innovation/{idea}?")
    page = kuusi.get(f"/innovation/{idea}").text
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(" in page
    assert "<strong>bold</strong>" in page
    assert "<img" not in page.split('id="comments-title"')[1]
    comment_id = re.findall(r'data-comment="(\d+)"', page)
    assert len(comment_id) == 1
    # An empty comment is refused beside the field.
    empty = lab.post(f"/innovation/{idea}/comments", {"body": "   "})
    assert empty.status_code == 422
    assert 'id="comment-body-error"' in empty.text
    # The owner organisation removes another's comment.
    removed = kuusi.post(f"/innovation/{idea}/comments/{comment_id[0]}/delete", {})
    assert removed.status_code == 303
    assert 'data-comment="' not in kuusi.get(f"/innovation/{idea}").text
    # The author removes their own, and nobody else may.
    lab.post(f"/innovation/{idea}/comments", {"body": "second thought"})
    mine = re.findall(r'data-comment="(\d+)"', lab.get(f"/innovation/{idea}").text)
    assert len(mine) == 1
    pakkaus = people("pakkaus")
    refused = pakkaus.post(f"/innovation/{idea}/comments/{mine[0]}/delete", {})
    assert refused.status_code == 403
    assert "only its author or the owner organisation removes a comment" in refused.text
    assert lab.post(f"/innovation/{idea}/comments/{mine[0]}/delete", {}).status_code == 303
    assert 'data-comment="' not in lab.get(f"/innovation/{idea}").text


def test_a_vote_toggles_with_a_plain_form_and_with_htmx(people: Sign) -> None:
    kuusi, lab = people("kuusi"), people("lab")
    idea = kuusi.create(kind="idea", title="Vote target")
    page = lab.get(f"/innovation/{idea}").text
    assert re.search(r'data-testid="vote-count">0 votes<', page)
    assert 'name="vote" value="1"' in page
    voted = lab.post(f"/innovation/{idea}/vote", {"vote": "1"})
    assert voted.status_code == 303
    page = lab.get(voted.headers["location"]).text
    assert re.search(r'data-testid="vote-count">1 vote<', page)
    assert "Take back my vote" in page and 'name="vote" value="0"' in page
    # Voting again changes nothing; another person's vote counts.
    lab.post(f"/innovation/{idea}/vote", {"vote": "1"})
    kuusi.post(f"/innovation/{idea}/vote", {"vote": "1"})
    assert re.search(r'data-testid="vote-count">2 votes<', kuusi.get(f"/innovation/{idea}").text)
    # htmx takes the vote back and gets the fragment to swap in.
    fragment = lab.post(f"/innovation/{idea}/vote", {"vote": "0"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert re.search(r'data-testid="vote-count">1 vote<', fragment.text)
    assert "Vote for this" in fragment.text and 'name="vote" value="1"' in fragment.text
    assert re.search(r'data-testid="vote-count">1 vote<', lab.get(f"/innovation/{idea}").text)


def test_stage_moves_are_offered_and_refused_by_the_rules(people: Sign) -> None:
    kuusi, lab = people("kuusi"), people("lab")
    idea = kuusi.create(kind="idea", title="Stage target")
    page = kuusi.get(f"/innovation/{idea}").text
    offered = re.findall(r'<button type="submit" class="button-small" data-stage="(\w+)">', page)
    assert offered == ["discussed", "archived"]
    moved = kuusi.post(f"/innovation/{idea}/stage", {"stage": "discussed"})
    assert moved.status_code == 303
    page = kuusi.get(moved.headers["location"]).text
    assert current_stage(page) == "Discussed"
    assert re.search(r'<li class="current" aria-current="step">Discussed</li>', page)
    assert re.search(r"<td>Proposed</td><td>Discussed</td><td>Mikko Mänty</td>", page)
    # A move the rules do not allow: named beside the stage buttons, nothing changes.
    skip = kuusi.post(f"/innovation/{idea}/stage", {"stage": "adopted"})
    assert skip.status_code == 422
    problem = re.search(r'id="stage-error"><p>([^<]+)</p>', skip.text)
    assert problem and problem.group(1) == (
        "an idea cannot move from discussed to adopted; allowed: proposed, developing, archived"
    )
    assert current_stage(kuusi.get(f"/innovation/{idea}").text) == "Discussed"
    # Someone who may see the idea but is neither its owner nor a co-author.
    assert 'data-stage="developing"' not in lab.get(f"/innovation/{idea}").text
    refused = lab.post(f"/innovation/{idea}/stage", {"stage": "developing"})
    assert refused.status_code == 403
    assert "only the owner organisation (and an idea's co-authors) move its stage" in (
        html.unescape(refused.text)
    )
    assert current_stage(lab.get(f"/innovation/{idea}").text) == "Discussed"
    # Named a co-author, the Lab's member may move it.
    added = kuusi.post(f"/innovation/{idea}/coauthors", {"email": EMAILS["lab"]})
    assert added.status_code == 303
    assert "Lab Member" in kuusi.get(f"/innovation/{idea}").text
    assert lab.post(f"/innovation/{idea}/stage", {"stage": "developing"}).status_code == 303
    assert current_stage(lab.get(f"/innovation/{idea}").text) == "Developing"


def test_co_authors_are_added_by_email_only_when_their_organisation_may_see(
    people: Sign,
) -> None:
    kuusi = people("kuusi")
    idea = kuusi.create(kind="idea", title="Co-author target")
    hidden = kuusi.post(f"/innovation/{idea}/coauthors", {"email": EMAILS["gran"]})
    assert hidden.status_code == 422
    assert re.search(
        r'id="coauthor-email-error">no one who can see this idea signs in as '
        r"&#39;member@gran.example&#39;<",
        hidden.text,
    )
    assert f'value="{EMAILS["gran"]}"' in hidden.text
    unknown = kuusi.post(f"/innovation/{idea}/coauthors", {"email": "nobody@example.com"})
    # Gran's member and an address nobody signs in with get the very same page.
    assert (unknown.status_code, unknown.text.replace("nobody@example.com", "ADDRESS")) == (
        hidden.status_code,
        hidden.text.replace(EMAILS["gran"], "ADDRESS"),
    )
    assert "No co-authors yet." in kuusi.get(f"/innovation/{idea}").text
    kuusi.post(f"/innovation/{idea}/coauthors", {"email": EMAILS["pakkaus"]})
    assert "Pakkaus Member" in kuusi.get(f"/innovation/{idea}").text
    not_one = kuusi.post(f"/innovation/{idea}/coauthors/remove", {"email": EMAILS["lab"]})
    assert not_one.status_code == 422
    assert "is not a co-author of this entry" in not_one.text
    gone = kuusi.post(f"/innovation/{idea}/coauthors/remove", {"email": EMAILS["pakkaus"]})
    assert gone.status_code == 303
    assert "Pakkaus Member" not in kuusi.get(f"/innovation/{idea}").text


def test_each_co_author_has_a_remove_button_for_the_owner_and_themselves(people: Sign) -> None:
    kuusi, lab = people("kuusi"), people("lab")
    idea = kuusi.create(kind="idea", title="Buttons")
    kuusi.post(f"/innovation/{idea}/coauthors", {"email": EMAILS["lab"]})
    owner_page = kuusi.get(f"/innovation/{idea}").text
    person = re.search(r'name="person" value="(\d+)"', owner_page)
    assert person, "the owner sees a remove button beside the co-author"
    assert "Stop being a co-author" in lab.get(f"/innovation/{idea}").text
    for hostile in ("0", "x", str(2**31), "999999"):
        refused = kuusi.post(f"/innovation/{idea}/coauthors/remove", {"person": hostile})
        assert refused.status_code == 422, hostile
        assert "Lab Member" in kuusi.get(f"/innovation/{idea}").text
    left = lab.post(f"/innovation/{idea}/coauthors/remove", {"person": person.group(1)})
    assert left.status_code == 303
    assert "Lab Member" not in kuusi.get(f"/innovation/{idea}").text


def test_an_anonymous_reader_opens_public_entries_read_only(people: Sign, engine) -> None:
    kuusi, anonymous = people("kuusi"), people(None)
    challenge = kuusi.create(kind="challenge", title="Open to everyone", level="public")
    assert challenge in cards(anonymous.get("/public/innovation").text)
    page = anonymous.get(f"/innovation/{challenge}")
    assert page.status_code == 200
    assert "Open to everyone" in page.text
    assert 'id="comment-form"' not in page.text
    assert 'name="vote"' not in page.text
    assert "Sign in to take part" in page.text
    board = anonymous.get("/innovation", follow_redirects=False)
    assert board.status_code == 303 and board.headers["location"].startswith("/login")
    before = item_count(engine)
    tried = anonymous.post(f"/innovation/{challenge}/comments", {"body": "anonymous words"})
    assert tried.status_code == 303 and tried.headers["location"].startswith("/login")
    assert "anonymous words" not in kuusi.get(f"/innovation/{challenge}").text
    assert item_count(engine) == before


def test_finnish_and_english_pages_render(people: Sign) -> None:
    english, finnish = people("kuusi", "en"), people("lab", "fi")
    idea = english.create(kind="idea", title="Two languages")
    board = finnish.get("/innovation")
    assert board.status_code == 200
    assert '<html lang="fi">' in board.text
    assert "<h1>Avoin innovaatio</h1>" in board.text
    assert ">Innovaatiot</a>" in board.text
    assert "Aloita haaste tai idea" in board.text
    entry = finnish.get(f"/innovation/{idea}")
    assert '<h2 id="stage-title">Vaihe ja historia</h2>' in entry.text
    assert 'data-testid="stage">Ehdotettu<' in entry.text
    assert "<h1>Open innovation</h1>" in english.get("/innovation").text
    assert '<h2 id="stage-title">Stage and history</h2>' in english.get(f"/innovation/{idea}").text
    # A refusal from the rules, in Finnish beside its field.
    refused = finnish.post(f"/innovation/{idea}/stage", {"stage": "developing"})
    assert refused.status_code == 403
    assert "vain omistajaorganisaatio" in refused.text
    public = people(None, "fi").get("/public/innovation")
    assert "<h1>Julkiset haasteet ja ideat</h1>" in public.text


def test_the_sharing_rules_refuse_on_a_finnish_composer_by_their_codes(people: Sign) -> None:
    kuusi = people("kuusi", "fi")
    public = kuusi.post(
        "/innovation",
        {"kind": "idea", "title": "Julkinen", "level": "public", "exclude_competitors": "1"},
    )
    assert public.status_code == 422
    error = re.search(r'id="n-exclude-error">([^<]+)<', html.unescape(public.text))
    assert error and error.group(1) == "julkisella julkaisulla ei voi olla poissulkuja"
    circle = kuusi.post("/innovation", {"kind": "idea", "title": "Piiri", "level": "circle"})
    assert circle.status_code == 422
    error = re.search(r'id="n-circle-error">([^<]+)<', html.unescape(circle.text))
    assert error and error.group(1) == "piirin yleisölle on nimettävä piiri"
    untitled = kuusi.post("/innovation", {"kind": "idea", "title": " ", "level": "network"})
    assert untitled.status_code == 422
    error = re.search(r'id="n-title-error">([^<]+)<', html.unescape(untitled.text))
    assert error and error.group(1) == "on pakollinen"
    # Gran competes with Kuusi: the page names the rivals as competing with the owner.
    rivals = kuusi.post(
        "/innovation", {"kind": "idea", "title": "Hinnat", "topics": "pricing", "level": "network"}
    )
    assert rivals.status_code == 422
    error = re.search(r'id="n-topics-error">([^<]+)<', html.unescape(rivals.text))
    assert error and error.group(1).startswith(
        "aihe 'pricing' on kilpailuoikeudellisesti herkkä, ja yleisö tavoittaa organisaation "
        "kuusi kilpailijat: "
    ), error
    assert "gran" in error.group(1)


def test_the_relationship_page_counts_co_creation_both_ways(people: Sign, engine) -> None:
    kuusi, pakkaus = people("kuusi"), people("pakkaus")
    before = co_creation_total(engine, "pakkaus", "kuusi")
    challenge = kuusi.create(kind="challenge", title="Co-creation target")
    pakkaus.post(f"/innovation/{challenge}/comments", {"body": "We can help."})
    pakkaus.post(f"/innovation/{challenge}/vote", {"vote": "1"})
    after = co_creation_total(engine, "pakkaus", "kuusi")
    assert after == before + 2
    page = kuusi.get("/relationships/kuusi/pakkaus")
    assert page.status_code == 200
    block = page.text.split('data-testid="co-creation"')[1].split("</section>")[0]
    sentence = (
        f"{NAMES['pakkaus']} took part {after} times in {NAMES['kuusi']}'s challenges and ideas."
    )
    assert sentence in text_of(page.text)
    back = co_creation_total(engine, "kuusi", "pakkaus")
    assert f"{NAMES['kuusi']} took part {back} time" in html.unescape(block)
    mutual = re.search(r'data-mutual="([a-z-]+)"', page.text)
    assert mutual and mutual.group(1) == ("both" if back else "one-way")


def test_every_wording_of_its_own_the_page_gives_a_refusal_has_a_finnish_text() -> None:
    missing = [m for m, _ in PAGE_WORDING.values() if i18n.translate("fi", m) == m]
    assert missing == []


@pytest.mark.parametrize("kind", rules.KINDS)
def test_every_refused_stage_move_is_shown_in_finnish(kind: rules.Kind) -> None:
    stages = rules.STAGES[kind]
    refused = 0
    for current in stages:
        for target in stages:
            try:
                rules.check_move(kind, current, target)
            except InvalidInput as exc:
                refused += 1
                token = i18n.current_locale.set("fi")
                try:
                    shown = translate_problem(exc.problems[0])
                finally:
                    i18n.current_locale.reset(token)
                assert shown != exc.problems[0].message
                assert "ei voi siirtyä" in shown, shown
    assert refused > 0
