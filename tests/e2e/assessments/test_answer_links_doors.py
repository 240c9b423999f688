"""Answer links for many, resend and revoke, "I can't say" and partial answers: through
the pages (in Finnish), REST and the command line, on both databases."""

from __future__ import annotations

import html
import json
import re

from sqlalchemy import text

from .test_assessment_pages import (
    FULL,
    answer_by_page,
    open_round_by_page,
    page,
    post,
    round_links,
)


def _post_file(world, who, path, data, filename, content, lang="fi"):
    from .test_assessment_pages import csrf

    token = csrf(world.client.get("/login", headers={"Accept-Language": lang}).text)
    return world.client.post(
        path,
        data={"csrf_token": token, **data},
        files={"file": (filename, content, "text/csv")},
        headers={"Accept-Language": lang, **world.headers(who)},
        follow_redirects=False,
    )


def test_pasted_addresses_invite_all_or_nobody_and_bad_lines_are_named_in_finnish(world):
    round_id = open_round_by_page(world)
    pasted = "pekka@pakkaus.fi\nliisa.pakkaus.fi\nPertti <pertti@pakkaus.fi>, pekka@pakkaus.fi"
    refused = post(
        world,
        "fac",
        f"/rounds/{round_id}/invitations",
        {"side": "pakkaus", "addresses": pasted, "locale": "fi"},
        lang="fi",
    )
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert "Ketään ei kutsuttu." in text
    assert "Rivi 2 (<code>liisa.pakkaus.fi</code>): ei ole kelvollinen sähköpostiosoite" in text
    assert "Rivi 3 (<code>pekka@pakkaus.fi</code>): sama osoite on luettelossa jo aiemmin" in text
    assert pasted in text  # the list comes back to be fixed
    assert round_links(world, round_id) == []

    fixed = pasted.replace("liisa.pakkaus.fi", "liisa@pakkaus.fi").rsplit(",", 1)[0]
    made = post(
        world,
        "fac",
        f"/rounds/{round_id}/invitations",
        {"side": "pakkaus", "addresses": fixed, "locale": "fi"},
        lang="fi",
    )
    assert made.status_code == 303
    shown = page(world, "fac", made.headers["location"], lang="fi")
    assert "3 henkilökohtaista linkkiä luotiin." in shown.text
    links = round_links(world, round_id)
    assert [who for who, _, _ in links] == [
        "pekka@pakkaus.fi",
        "liisa@pakkaus.fi",
        "pertti@pakkaus.fi",
    ]
    assert "Pertti" in shown.text
    # The same addresses again are refused by line: already invited.
    again = post(
        world,
        "fac",
        f"/rounds/{round_id}/invitations",
        {"side": "pakkaus", "addresses": "uusi@pakkaus.fi\npekka@pakkaus.fi"},
        lang="fi",
    )
    assert again.status_code == 422
    assert "Rivi 2" in again.text and "on jo kutsuttu tälle kierrokselle" in again.text
    assert len(round_links(world, round_id)) == 3


def test_a_csv_file_invites_its_email_column(world):
    round_id = open_round_by_page(world)
    content = "Nimi;Sähköposti\nPekka;pekka@pakkaus.fi\nPia;pia@pakkaus.fi\n".encode()
    made = _post_file(
        world, "fac", f"/rounds/{round_id}/invitations", {"side": "pakkaus"}, "v.csv", content
    )
    assert made.status_code == 303, made.text
    assert [who for who, _, _ in round_links(world, round_id)] == [
        "pekka@pakkaus.fi",
        "pia@pakkaus.fi",
    ]
    bad = _post_file(
        world, "fac", f"/rounds/{round_id}/invitations", {"side": "pakkaus"}, "v.csv", b"a,b\n1,2\n"
    )
    assert bad.status_code == 422 and "tiedostossa ei ole sähköpostisaraketta" in bad.text


def test_the_copy_link_shows_a_link_the_database_keeps_only_sealed(world):
    round_id = open_round_by_page(world)
    post(
        world,
        "fac",
        f"/rounds/{round_id}/invitations",
        {"side": "pakkaus", "addresses": "a@p.fi\nb@p.fi"},
    )
    links = [link for _, _, link in round_links(world, round_id)]
    tokens = [link.split("/answer/", 1)[1].split("?", 1)[0] for link in links]
    assert len(tokens) == 2 and all(len(token) >= 40 for token in tokens)
    with world.engine.connect() as conn:
        rows = conn.execute(text("SELECT link_token, token_hash FROM assessment_invitations")).all()
    stored = json.dumps([list(row) for row in rows])
    assert len(rows) == 2 and all(sealed for sealed, _ in rows)
    assert not any(token in stored for token in tokens)
    # The copied link opens the respondent's form.
    for link in links:
        assert page(world, None, "/" + link.split("://", 1)[1].split("/", 1)[1]).status_code == 200


def test_a_resend_and_a_revoke_on_the_round_page_end_the_old_link(world):
    round_id = open_round_by_page(world)
    post(
        world,
        "fac",
        f"/rounds/{round_id}/invitations",
        {"side": "pakkaus", "addresses": "a@p.fi\nb@p.fi"},
    )
    (first, old_a), (_, old_b) = [(who, link) for who, _, link in round_links(world, round_id)]
    path_a = "/" + old_a.split("://", 1)[1].split("/", 1)[1]
    assert page(world, None, path_a).status_code == 200
    inv_a, inv_b = re.findall(
        r'<tr id="invitation-(\d+)"', page(world, "fac", f"/rounds/{round_id}").text
    )

    resent = post(world, "fac", f"/rounds/{round_id}/invitations/{inv_a}/resend", {}, lang="fi")
    assert resent.status_code == 303
    after = page(world, "fac", resent.headers["location"], lang="fi")
    assert "Uusi linkki luotiin; vanha linkki ei enää toimi." in after.text
    assert page(world, None, path_a).status_code == 404
    new_a = dict((who, link) for who, _, link in round_links(world, round_id))[first]
    assert (
        new_a != old_a
        and page(world, None, "/" + new_a.split("://", 1)[1].split("/", 1)[1]).status_code == 200
    )

    revoked = post(world, "fac", f"/rounds/{round_id}/invitations/{inv_b}/revoke", {}, lang="fi")
    assert revoked.status_code == 303
    assert page(world, None, "/" + old_b.split("://", 1)[1].split("/", 1)[1]).status_code == 404
    listing = page(world, "fac", f"/rounds/{round_id}", lang="fi").text
    assert "peruttu" in listing
    # kuusi's member may neither resend nor revoke, and learns nothing of pakkaus' people.
    assert post(
        world, "kmember", f"/rounds/{round_id}/invitations/{inv_a}/resend", {}
    ).status_code in (403, 404)
    assert "a@p.fi" not in page(world, "kmember", f"/rounds/{round_id}").text


def test_a_partial_answer_is_asked_about_before_it_is_saved(world):
    round_id = open_round_by_page(world)
    post(world, "fac", f"/rounds/{round_id}/invitations", {"side": "pakkaus", "name": "Pekka"})
    ((_, _, link),) = round_links(world, round_id)
    token = link.split("/answer/", 1)[1].split("?", 1)[0]
    partial = {k: v for k, v in FULL.items() if k not in ("e2", "t5", "i3")}
    data = {f"item-{k}": str(v) for k, v in partial.items()} | {"item-i3": "cant-say"}
    asked = post(world, None, f"/answer/{token}", data, lang="fi")
    assert asked.status_code == 200
    text = html.unescape(asked.text)
    assert "2 väittämää on vastaamatta." in text and "Mitään ei ole vielä tallennettu." in text
    assert text.count("is-unanswered") == 2
    assert 'id="item-e2"' in re.search(
        r'class="answer-item is-unanswered" id="item-e2"', text
    ).group(0)
    assert re.search(r'name="item-i3" value="cant-say" checked', text)
    assert re.search(r'name="item-a1" value="4" checked', text)
    assert "Tallenna, vaikka 2 väittämää on vastaamatta" in text
    assert world.call(None, "GET", f"/api/v1/responses/{token}").json()["answers"] == {}

    saved = post(world, None, f"/answer/{token}", {**data, "confirm_partial": "1"}, lang="fi")
    assert saved.status_code == 303 and saved.headers["location"] == f"/answer/{token}?saved=1"
    thanks = page(world, None, saved.headers["location"], lang="fi")
    assert "Kiitos!" in thanks.text and "2 väittämää jäi vastaamatta." in thanks.text
    stored = world.call(None, "GET", f"/api/v1/responses/{token}").json()
    assert stored["cant_say"] == ["i3"] and stored["answers"] == partial
    # A whole set needs no question.
    full = answer_by_page(world, token, FULL, lang="fi", confirm=False)
    assert full.status_code == 200 and "Kiitos!" in full.text


def test_an_answer_out_of_range_is_named_before_the_unanswered_statements(world):
    round_id = open_round_by_page(world)
    post(world, "fac", f"/rounds/{round_id}/invitations", {"side": "pakkaus", "name": "Pekka"})
    ((_, _, link),) = round_links(world, round_id)
    token = link.split("/answer/", 1)[1].split("?", 1)[0]
    partial = {k: v for k, v in FULL.items() if k not in ("e2", "t5")}
    data = {f"item-{k}": str(v) for k, v in partial.items()} | {"item-a1": "9"}
    for lang, fixing, asked in (
        ("fi", "1 vastaus täytyy korjata.", "väittämää on vastaamatta"),
        ("en", "1 answer needs fixing.", "statements are unanswered"),
    ):
        named = post(world, None, f"/answer/{token}", data, lang=lang)
        assert named.status_code == 422
        text = html.unescape(named.text)
        assert fixing in text and asked not in text
        assert re.search(r'class="answer-item has-error" id="item-a1"', text)
        assert "is-unanswered" not in text and 'name="confirm_partial"' not in text
        assert world.call(None, "GET", f"/api/v1/responses/{token}").json()["answers"] == {}
    # Fixed, the same partial set is asked about, then saved.
    fixed = post(world, None, f"/answer/{token}", {**data, "item-a1": "4"}, lang="fi")
    assert fixed.status_code == 200 and "2 väittämää on vastaamatta." in html.unescape(fixed.text)


def test_rest_resends_revokes_and_takes_cant_say(world):
    opened = world.call(
        "fac", "POST", "/api/v1/rounds", json={"between": ["kuusi", "pakkaus"], "round": "r9"}
    )
    round_id = opened.json()["id"]
    issued = world.call(
        "fac",
        "POST",
        f"/api/v1/rounds/{round_id}/invitations",
        json={"invitees": [{"side": "pakkaus", "email": f"p{n}@p.fi"} for n in range(3)]},
    ).json()
    first = issued[0]
    listed = world.call("fac", "GET", f"/api/v1/rounds/{round_id}").json()["invitations"]
    assert [i["token"] for i in listed] == [i["token"] for i in issued]
    assert all(i["invitation"]["token"] == i["token"] for i in issued)

    again = world.call(
        "fac", "POST", f"/api/v1/rounds/{round_id}/invitations/{first['invitation']['id']}/resend"
    )
    assert again.status_code == 200 and again.json()["token"] != first["token"]
    assert world.call(None, "GET", f"/api/v1/responses/{first['token']}").status_code == 404
    new = again.json()["token"]
    put = world.call(
        None, "PUT", f"/api/v1/responses/{new}", json={"answers": {"a1": 4}, "cant_say": ["a2"]}
    )
    assert put.status_code == 200 and put.json()["cant_say"] == ["a2"]
    both = world.call(
        None, "PUT", f"/api/v1/responses/{new}", json={"answers": {"a1": 4}, "cant_say": ["a1"]}
    )
    assert both.status_code == 422 and "cant_say[0]" in both.text

    gone = world.call(
        "fac",
        "POST",
        f"/api/v1/rounds/{round_id}/invitations/{issued[1]['invitation']['id']}/revoke",
    )
    assert gone.status_code == 200 and gone.json()["revoked"] and gone.json()["token"] is None
    assert world.call(None, "GET", f"/api/v1/responses/{issued[1]['token']}").status_code == 404
    twice = world.call(
        "fac",
        "POST",
        f"/api/v1/rounds/{round_id}/invitations/{issued[1]['invitation']['id']}/revoke",
    )
    assert twice.status_code == 409
    # kuusi's admin sees none of pakkaus' links and may not touch them.
    theirs = world.call("kadmin", "GET", f"/api/v1/rounds/{round_id}").json()["invitations"]
    assert theirs == []
    refused = world.call(
        "kadmin",
        "POST",
        f"/api/v1/rounds/{round_id}/invitations/{issued[2]['invitation']['id']}/resend",
    )
    assert refused.status_code == 404


DOC = {
    "format": "winwin/1",
    "organizations": [{"key": k, "name": k.title()} for k in ("kuusi", "pakkaus")],
}


def test_the_command_line_invites_many_resends_revokes_and_takes_cant_say(cli, tmp_path):
    assert cli("import", "-", stdin=json.dumps(DOC)).code == 0
    round_id = str(cli("round", "open", "kuusi", "pakkaus", "--round", "r", "--json").json()["id"])
    bad = cli(
        "round", "invite", round_id, "--side", "kuusi", "--emails", "-", stdin="a@k.fi\nnope\n"
    )
    assert bad.code == 2 and "--emails:2" in bad.err and "'nope' is not a valid email" in bad.err
    assert cli("round", "list", "--json").json()["rounds"][0]["invitations"] == []
    csv = tmp_path / "people.csv"
    csv.write_text("name,email\nAnna,anna@k.fi\nAku,aku@k.fi\n", encoding="utf-8")
    made = cli("round", "invite", round_id, "--side", "kuusi", "--emails", str(csv), "--json")
    assert made.code == 0, made.err
    invited = made.json()["invitations"]
    assert [i["respondent"] for i in invited] == ["anna@k.fi", "aku@k.fi"]
    listed = cli("round", "list", "--json").json()["rounds"][0]["invitations"]
    assert [i["token"] for i in listed] == [i["token"] for i in invited]  # shown again

    resent = cli("round", "resend", round_id, "anna@k.fi", "--json")
    assert resent.code == 0 and resent.json()["token"] != invited[0]["token"]
    assert cli("round", "answer", invited[0]["token"], '{"a1": 3}').code == 2
    answered = cli(
        "round", "answer", resent.json()["token"], '{"a1": 3}', "--cant-say", "a2", "--json"
    )
    assert answered.code == 0 and answered.json()["cant_say"] == ["a2"]
    revoked = cli("round", "revoke", round_id, "aku@k.fi", "--json")
    assert revoked.code == 0 and revoked.json() == {
        "respondent": "aku@k.fi",
        "side": "kuusi",
        "revoked": True,
    }
    assert cli("round", "answer", invited[1]["token"], '{"a1": 3}').code == 2
    unknown = cli("round", "revoke", round_id, "ghost@k.fi")
    assert unknown.code == 2 and "ghost@k.fi" in unknown.err
