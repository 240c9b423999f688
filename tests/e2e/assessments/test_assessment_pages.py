"""The assessment pages through the HTTP client, in Finnish and English, on both databases."""

from __future__ import annotations

import html
import json
import math
import re

FULL = {f"{f}{n}": 4 for f in "aeit" for n in range(1, 6)}


def csrf(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match
    return match.group(1)


def page(world, who, path, lang="en", **kwargs):
    headers = {"Accept-Language": lang}
    if who:
        headers.update(world.headers(who))
    return world.client.get(path, headers=headers, **kwargs)


def post(world, who, path, data, lang="en"):
    headers = {"Accept-Language": lang}
    if who:
        headers.update(world.headers(who))
    token = csrf(world.client.get("/login", headers={"Accept-Language": lang}).text)
    return world.client.post(
        path, data={"csrf_token": token, **data}, headers=headers, follow_redirects=False
    )


def open_round_by_page(world) -> int:
    opened = post(
        world,
        "fac",
        "/relationships/rounds?org=pakkaus",
        {"other": "kuusi", "round": "2026-Q1", "instrument": "customer-relationship"},
    )
    assert opened.status_code == 303, opened.text
    return int(opened.headers["location"].rsplit("/", 1)[1])


def round_links(world, round_id: int, who="fac") -> list[tuple[str, str, str]]:
    """(respondent, side, link) of every row of the round page whose link is shown."""
    text = page(world, who, f"/rounds/{round_id}").text
    rows = re.findall(
        r'<tr id="invitation-\d+" data-respondent="([^"]+)">.*?</tr>', text, flags=re.S
    )
    found = []
    for row in re.finditer(
        r'<tr id="invitation-\d+" data-respondent="([^"]+)">(.*?)</tr>', text, flags=re.S
    ):
        link = re.search(
            r'class="answer-link" readonly value="([^"]+)" data-side="([^"]+)"', row[2]
        )
        if link:
            found.append((html.unescape(row[1]), link[2], html.unescape(link[1])))
    assert len(rows) >= len(found)
    return found


def invite_by_page(world, round_id: int, side: str, name: str) -> str:
    made = post(world, "fac", f"/rounds/{round_id}/invitations", {"side": side, "name": name})
    assert made.status_code == 303, made.text
    assert made.headers["location"].startswith(f"/rounds/{round_id}?done=invited&count=1")
    assert "opened by Fac on" in page(world, "fac", f"/rounds/{round_id}").text
    links = [link for who, at, link in round_links(world, round_id) if who.startswith(name)]
    assert links and links[-1]
    return links[-1].split("/answer/", 1)[1].split("?", 1)[0]


def answer_by_page(world, token: str, answers: dict[str, int], lang="en", confirm=True):
    """Answer on the form; a partial set is confirmed (unless ``confirm`` is false) and
    the redirect after saving is followed, as a browser does."""
    data = {f"item-{k}": str(v) for k, v in answers.items()}
    if confirm:
        data["confirm_partial"] = "1"
    sent = post(world, None, f"/answer/{token}", data, lang=lang)
    if sent.status_code == 303:
        assert sent.headers["location"] == f"/answer/{token}?saved=1"
        return page(world, None, sent.headers["location"], lang=lang)
    return sent


def test_a_facilitator_runs_a_round_through_the_pages_and_sees_scores_and_lever(world):
    round_id = open_round_by_page(world)
    tokens = {
        side: invite_by_page(world, round_id, side, name)
        for side, name in (("kuusi", "Anna"), ("pakkaus", "Pekka"), ("third-party", "Outi"))
    }
    form = page(world, None, f"/answer/{tokens['third-party']}", lang="fi")
    assert form.status_code == 200
    assert '<html lang="fi">' in form.text
    assert form.text.count('class="answer-item') == 10  # impact and attraction only
    english = page(world, None, f"/answer/{tokens['kuusi']}")
    assert english.text.count('class="answer-item') == 20
    assert "Our partner's values and aims meet ours on many levels." in html.unescape(english.text)

    saved = answer_by_page(world, tokens["kuusi"], FULL)
    assert saved.status_code == 200 and "Your answers are saved" in saved.text
    low_energy = {**FULL, **{f"e{n}": 2 for n in range(1, 5)}, "e5": 4}
    assert answer_by_page(world, tokens["pakkaus"], low_energy, lang="fi").status_code == 200
    assert answer_by_page(world, tokens["third-party"], {"i1": 5}).status_code == 200

    rel = page(world, "fac", "/relationships/kuusi/pakkaus")
    assert rel.status_code == 200
    # pakkaus: A = 0.65, E = (4 * 0.25 + 0.25) / 5 = 0.25; the lever is energy,
    # gain 50 * A * (1 - E) = 24.375.
    assert '"type": "radar"' in html.unescape(rel.text)
    r = math.sqrt(42.25 * 29.25)
    rise = math.sqrt(42.25 * (29.25 + 24.375)) - r  # pakkaus' lever beats kuusi's
    sentence = (
        "If Pakkaus Oy raised energy to the top, its own S would rise by 24.4 points"
        f" and R by {rise:.1f} points"
    )
    # One number per lever: the biggest step and the side's card say the same.
    assert rel.text.count(sentence) == 2
    fi = page(world, "fac", "/relationships/kuusi/pakkaus", lang="fi")
    finnish = (
        "Jos Pakkaus Oy nostaisi energian huipulle, sen oma S nousisi 24,4 pistettä"
        f" ja R {rise:.1f} pistettä".replace(".", ",")
    )
    assert fi.text.count(finnish) == 2

    dashboard = page(world, "kadmin", "/relationships")
    assert dashboard.status_code == 200
    assert "Pakkaus Oy" in dashboard.text
    # The dashboards name the same lever with the same two numbers, labelled (the
    # facilitator is trusted with both sides of this one-respondent round).
    listed = page(world, "fac", "/relationships?org=pakkaus")
    assert f"Energy, Pakkaus Oy (S +24.4 · R +{rise:.1f})" in listed.text
    assert "Lever (largest gain)" in listed.text and "Weakest" not in listed.text
    home = page(world, "fac", "/?org=pakkaus", lang="fi")
    assert f"Energia, Pakkaus Oy (S +24,4 · R +{rise:.1f})".replace(".", ",") in home.text
    clients = page(world, "fac", "/relationships/clients")
    assert clients.status_code == 200 and "Pakkaus Oy" in clients.text


def test_a_link_made_for_a_language_opens_the_form_in_it(world):
    round_id = open_round_by_page(world)
    made = post(world, "fac", f"/rounds/{round_id}/invitations", {"side": "kuusi", "locale": "en"})
    assert made.status_code == 303
    ((_, _, link),) = round_links(world, round_id)
    assert link.endswith("?lang=en")
    path = link.split("://", 1)[1].split("/", 1)[1]
    opened = world.client.get("/" + path, headers={"Accept-Language": "fi"}, follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"] == "/" + path.split("?")[0]
    form = world.client.get(opened.headers["location"], headers={"Accept-Language": "fi"})
    assert '<html lang="en">' in form.text


def test_a_bad_answer_on_the_form_is_shown_beside_its_item_and_not_stored(world):
    round_id = open_round_by_page(world)
    token = invite_by_page(world, round_id, "third-party", "Outi")
    refused = answer_by_page(world, token, {"i1": 9, "t1": 3})
    assert refused.status_code == 422
    assert 'id="error-i1"' in refused.text
    assert "Choose a whole number from 1 to 5." in refused.text
    sneaky = post(
        world, None, f"/answer/{token}", {"item-a1": "3", "item-i1": "2", "confirm_partial": "1"}
    )
    assert sneaky.status_code == 303  # items a third party does not see are not read
    form = world.call(None, "GET", f"/api/v1/responses/{token}").json()
    assert form["answers"] == {"i1": 2}
    nothing = post(world, None, f"/answer/{token}", {})
    assert nothing.status_code == 422


def test_after_the_round_closes_the_form_says_so_and_refuses_changes(world):
    round_id = open_round_by_page(world)
    token = invite_by_page(world, round_id, "kuusi", "Anna")
    assert answer_by_page(world, token, {"a1": 2}).status_code == 200
    closed = post(world, "fac", f"/rounds/{round_id}/close", {})
    assert closed.status_code == 303
    refused = answer_by_page(world, token, {"a1": 5})
    assert refused.status_code == 409
    assert "This round is closed" in refused.text
    assert world.call(None, "GET", f"/api/v1/responses/{token}").json()["answers"] == {"a1": 2}


def test_opening_a_round_with_a_stranger_shows_the_problem_on_the_form(world):
    refused = post(
        world,
        "kadmin",
        "/relationships/rounds",
        {"other": "ghost", "round": "r1", "instrument": "customer-relationship"},
    )
    assert refused.status_code == 422
    assert "unknown organisation" in refused.text
    finnish = post(
        world,
        "kadmin",
        "/relationships/rounds",
        {"other": "ghost", "round": "r1", "instrument": "customer-relationship"},
        lang="fi",
    )
    assert "Kumppaniorganisaatio (tunnus)</strong>: tuntematon organisaatio" in html.unescape(
        finnish.text
    )
    assert page(world, "kmember", "/relationships").status_code == 200
    assert page(world, "kmember", "/relationships/clients").status_code == 404


def test_a_round_opened_twice_is_refused_in_finnish_by_its_code(world):
    open_round_by_page(world)
    again = post(
        world,
        "fac",
        "/relationships/rounds?org=pakkaus",
        {"other": "kuusi", "round": "2026-Q1", "instrument": "customer-relationship"},
        lang="fi",
    )
    assert again.status_code == 422
    shown = html.unescape(again.text)
    assert "kierros '2026-Q1' (kuusi and pakkaus) on jo avattu" in shown
    assert "is already open" not in shown


def test_an_organisation_adds_its_own_instrument_in_the_web_form(world):
    data = {"key": "pulse", "name_fi": "Pulssi", "name_en": "Pulse", "scale": "5"}
    for n, factor in enumerate(("accessibility", "energy", "impact", "attraction")):
        data |= {f"factor_{n}": factor, f"text_fi_{n}": f"{n} fi", f"text_en_{n}": f"{n} en"}
    made = post(world, "kadmin", "/instruments", data)
    assert made.status_code == 200, made.text
    assert "The instrument pulse was added." in made.text
    broken = post(world, "kadmin", "/instruments", {**data, "key": "pulse2", "text_fi_3": ""})
    assert broken.status_code == 422
    assert "Statement 4, in finnish</strong>: must not be empty" in broken.text
    keys = [i["key"] for i in world.call("kadmin", "GET", "/api/v1/instruments").json()]
    assert "pulse" in keys and "pulse2" not in keys
    assert json.loads(json.dumps(keys))  # listed as JSON by the API too


def _respondent(side: str, who: str, level: int, misread: bool = False) -> dict:
    """Answers on every statement at ``level``; the reverse-coded a5 read as plain when
    ``misread`` (answered like the others), else answered as meant (the mirror)."""
    answers = {f"{f}{n}": level for f in "aeit" for n in range(1, 5)}
    answers.update({f"{f}5": 6 - level for f in "eit"})
    answers["a5"] = level if misread else 6 - level
    return {"side": side, "respondent": who, "answers": answers}


def test_the_relationship_page_shows_intervals_alpha_flags_and_low_n_wording(world):
    from winwin.db.engine import session_factory, unit_of_work
    from winwin.network import io as network_io
    from winwin.network.document import parse_document

    doc = {
        "format": "winwin/1",
        "assessments": [
            {
                "round": "2026-Q1",
                "instrument": "customer-relationship",
                "between": ["kuusi", "pakkaus"],
                "responses": [_respondent("kuusi", "k1", 4), _respondent("pakkaus", "p1", 3)],
            },
            {
                "round": "2026-Q2",
                "instrument": "customer-relationship",
                "between": ["kuusi", "pakkaus"],
                "responses": [
                    *(
                        _respondent("kuusi", f"k{n}", level, misread=True)
                        for n, level in enumerate([1, 2, 4, 5])
                    ),
                    *(_respondent("pakkaus", f"p{n}", level) for n, level in enumerate([2, 3, 5])),
                ],
            },
        ],
    }
    with unit_of_work(session_factory(world.engine)) as session:
        network_io.import_network(session, parse_document(json.dumps(doc).encode()))

    latest = page(world, "fac", "/relationships/kuusi/pakkaus")
    text = html.unescape(latest.text)
    assert latest.status_code == 200
    assert 'data-low-n="few"' in text and "few respondents" in text
    assert "95 % interval" in text
    assert '"type": "bar"' in text and '"grouped": false' in text  # whiskers on S and R
    assert "R, 95 % interval" in text and '"fill": "-1"' in text  # the band on the trend
    flagged = re.search(r'<ul class="flagged".*?</ul>', text, re.S)
    assert flagged and 'data-flag="possibly misread"' in flagged.group(0)
    assert "possibly misread" in flagged.group(0)
    assert 'data-factor="accessibility"' in text
    fi = html.unescape(page(world, "fac", "/relationships/kuusi/pakkaus", lang="fi").text)
    assert "vähän vastaajia" in fi and "mahdollisesti väärin luettu" in fi
    assert "95 %:n väli" in fi

    first = html.unescape(page(world, "fac", "/relationships/kuusi/pakkaus?round=2026-Q1").text)
    assert 'data-low-n="indicative"' in first and "indicative only" in first
    assert 'data-testid="interval"' not in first  # no interval below 3 respondents
    fi_first = page(world, "fac", "/relationships/kuusi/pakkaus?round=2026-Q1", lang="fi")
    assert "vain suuntaa antava" in fi_first.text
    listing = page(world, "fac", "/relationships/clients")
    assert listing.status_code == 200 and 'data-low-n="few"' in listing.text


def test_a_facilitator_downloads_a_research_export_from_the_page(world):
    import io
    import zipfile

    round_id = open_round_by_page(world)
    token = invite_by_page(world, round_id, "kuusi", "Anna")
    assert answer_by_page(world, token, FULL).status_code == 200

    form = page(world, "fac", "/relationships/research-export")
    assert form.status_code == 200 and 'value="2026-Q1"' in form.text
    assert page(world, "kmember", "/relationships/research-export").status_code == 403
    got = post(
        world, "fac", "/relationships/research-export", {"round": "2026-Q1", "format": "csv"}
    )
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(got.content)) as archive:
        lines = archive.read("answers.csv").decode().splitlines()
    assert len(lines) == 21 and "Anna" not in "".join(lines)
    empty = post(world, "fac", "/relationships/research-export", {"format": "csv"}, lang="fi")
    assert empty.status_code == 422 and "valitse vähintään yksi kierros" in empty.text
    clients = page(world, "fac", "/relationships/clients")
    assert "/relationships/research-export" in clients.text
