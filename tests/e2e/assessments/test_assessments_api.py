"""The assessment REST API through the HTTP client, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import math

from winwin.assessments.schemas import ScoresRead

FULL = {f"{f}{n}": 4 for f in "aeit" for n in range(1, 6)}


def open_and_invite(world, who: str = "fac", minimum: int = 1) -> tuple[int, dict[str, str]]:
    # A named round (minimum 1) unless told otherwise: these tests are about answering
    # and scoring with one respondent per side, not about the anonymity rule.
    made = world.call(
        who,
        "POST",
        "/api/v1/rounds",
        json={"between": ["pakkaus", "kuusi"], "round": "2026-Q1", "min_respondents": minimum},
    )
    assert made.status_code == 201, made.text
    round_id = made.json()["id"]
    issued = world.call(
        who,
        "POST",
        f"/api/v1/rounds/{round_id}/invitations",
        json={
            "invitees": [
                {"side": "kuusi", "name": "Anna", "email": "anna@kuusi.fi"},
                {"side": "pakkaus", "name": "Pekka", "locale": "fi"},
                {"side": "third-party", "respondent": "their-customer"},
            ]
        },
    )
    assert issued.status_code == 201, issued.text
    links = {i["invitation"]["side"]: i["token"] for i in issued.json()}
    assert all("/answer/" + i["token"] in i["link"] for i in issued.json())
    assert [i["link"].endswith("?lang=fi") for i in issued.json()] == [False, True, False]
    return round_id, links


def test_a_round_is_opened_answered_by_link_and_scored(world):
    round_id, links = open_and_invite(world)
    form = world.call(None, "GET", f"/api/v1/responses/{links['third-party']}").json()
    assert {i["factor"] for i in form["items"]} == {"impact", "attraction"}
    assert form["side"] == "third-party" and form["status"] == "open"

    for side, answers in (
        ("kuusi", FULL),
        ("pakkaus", {**FULL, "a1": 1, "a2": 1}),
        ("third-party", {"i1": 5, "t1": 2}),
    ):
        answered = world.call(
            None, "PUT", f"/api/v1/responses/{links[side]}", json={"answers": answers}
        )
        assert answered.status_code == 200, answered.text
        assert answered.json()["created"] is True

    document = world.call("kadmin", "GET", "/api/v1/scores").json()
    ScoresRead.model_validate(document)  # the documented response model describes it
    (score,) = document["relationships"]
    assert score["between"] == ["kuusi", "pakkaus"]
    kuusi = score["sides"]["kuusi"]
    assert kuusi["accessibility"] == 0.65
    assert kuusi["score"] == 50 * (0.65 * 0.65 + 0.65 * 0.65)
    pakkaus = score["sides"]["pakkaus"]
    a = (0 + 0 + 0.75 + 0.75 + 0.25) / 5
    assert pakkaus["accessibility"] == a
    assert pakkaus["lever"] == "accessibility"
    assert math.isclose(score["score"], math.sqrt(kuusi["score"] * pakkaus["score"]))
    assert score["outside_view"] == {"impact": 1.0, "attraction": 0.25}
    assert score["respondents"] == {"kuusi": 1, "pakkaus": 1, "third-party": 1}

    detail = world.call("fac", "GET", "/api/v1/relationships/pakkaus/kuusi").json()
    assert [h["round"] for h in detail["history"]] == ["2026-Q1"]
    assert detail["names"] == {"kuusi": "Kuusi Oy", "pakkaus": "Pakkaus Oy"}

    closed = world.call("kadmin", "POST", f"/api/v1/rounds/{round_id}/close")
    assert closed.json()["status"] == "closed"
    again = world.call(
        None, "PUT", f"/api/v1/responses/{links['kuusi']}", json={"answers": {"a1": 1}}
    )
    assert again.status_code == 409
    assert "closed" in again.json()["detail"]


def test_results_export_as_csv_with_a_row_per_side_and_the_outside_view(world):
    _, links = open_and_invite(world)
    world.call(None, "PUT", f"/api/v1/responses/{links['kuusi']}", json={"answers": FULL})
    world.call(
        None, "PUT", f"/api/v1/responses/{links['third-party']}", json={"answers": {"t2": 3}}
    )
    response = world.call("kadmin", "GET", "/api/v1/scores.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["side"] for r in rows] == ["kuusi", "pakkaus", "third-party"]
    assert float(rows[0]["accessibility"]) == 0.65
    assert rows[0]["score"] == ""  # pakkaus has not answered, so R does not exist
    assert rows[1]["side_score"] == ""
    assert float(rows[2]["attraction"]) == 0.5 and rows[2]["impact"] == ""
    per_pair = world.call("fac", "GET", "/api/v1/relationships/kuusi/pakkaus/results.csv")
    assert per_pair.text == response.text


def test_bad_answers_are_refused_with_their_json_path_and_nothing_changes(world):
    _, links = open_and_invite(world)
    url = f"/api/v1/responses/{links['kuusi']}"
    assert world.call(None, "PUT", url, json={"answers": {"a1": 2}}).status_code == 200
    for answers, path in (
        ({"a1": 9}, "answers.a1"),
        ({"a1": 2.5}, "answers.a1"),
        ({"a1": "4"}, "answers.a1"),
        ({"nope": 3}, "answers.nope"),
    ):
        refused = world.call(None, "PUT", url, json={"answers": answers})
        assert refused.status_code == 422
        assert refused.json()["problems"][0]["path"] == path
    third = world.call(
        None, "PUT", f"/api/v1/responses/{links['third-party']}", json={"answers": {"e1": 3}}
    )
    assert third.status_code == 422
    assert "only impact and attraction" in third.json()["problems"][0]["message"]
    assert world.call(None, "GET", url).json()["answers"] == {"a1": 2}
    assert world.call(None, "GET", "/api/v1/responses/not-a-real-token-at-all").status_code == 404


def test_round_refusals_name_their_field(world):
    unknown = world.call(
        "fac",
        "POST",
        "/api/v1/rounds",
        json={"between": ["pakkaus", "kuusi"], "round": "r", "instrument": "ghost"},
    )
    assert unknown.status_code == 422
    assert unknown.json()["problems"] == [
        {
            "path": "instrument",
            "message": "unknown instrument 'ghost'",
            "code": "assessments.unknown_instrument",
        }
    ]
    round_id, _ = open_and_invite(world)
    outsider = world.call(
        "fac",
        "POST",
        f"/api/v1/rounds/{round_id}/invitations",
        json={"invitees": [{"side": "lab"}]},
    )
    assert outsider.status_code == 422
    assert outsider.json()["problems"][0]["path"] == "invitees[0].side"
    dup = world.call(
        "kadmin",
        "POST",
        "/api/v1/rounds",
        json={"between": ["kuusi", "pakkaus"], "round": "2026-Q1"},
    )
    assert dup.status_code == 409
    # The message stays word for word what scripts read; the code says which refusal it is.
    assert dup.json()["problems"] == [
        {
            "path": "",
            "message": "round '2026-Q1' of kuusi and pakkaus is already open",
            "code": "assessments.already_open",
        }
    ]


def test_who_may_do_what(world):
    body = {"between": ["pakkaus", "kuusi"], "round": "x"}
    assert world.call(None, "POST", "/api/v1/rounds", json=body).status_code == 401
    assert world.call("kmember", "POST", "/api/v1/rounds", json=body).status_code == 403
    assert world.call("labadmin", "POST", "/api/v1/rounds", json=body).status_code == 403
    made = world.call("kadmin", "POST", "/api/v1/rounds", json=body)
    assert made.status_code == 201, made.text
    round_id = made.json()["id"]
    issued = world.call(
        "kadmin",
        "POST",
        f"/api/v1/rounds/{round_id}/invitations",
        json={"invitees": [{"side": "kuusi", "name": "Anna"}]},
    )
    token = issued.json()[0]["token"]
    world.call(None, "PUT", f"/api/v1/responses/{token}", json={"answers": FULL})
    assert world.call("labadmin", "GET", f"/api/v1/rounds/{round_id}").status_code == 404
    assert world.call("labadmin", "GET", "/api/v1/scores").json() == {"relationships": []}
    assert world.call("labadmin", "GET", "/api/v1/relationships/kuusi/pakkaus").status_code == 404
    assert len(world.call("kmember", "GET", "/api/v1/scores").json()["relationships"]) == 1
    assert len(world.call("root", "GET", "/api/v1/scores").json()["relationships"]) == 1
    assert [r["id"] for r in world.call("fac", "GET", "/api/v1/rounds").json()] == [round_id]


def test_an_organisation_adds_an_instrument_and_opens_a_round_with_it(world):
    items = [
        {"id": code, "factor": factor, "text": {"en": f"{factor}?", "fi": f"{factor}?"}}
        for code, factor in (
            ("a", "accessibility"),
            ("e", "energy"),
            ("i", "impact"),
            ("t", "attraction"),
        )
    ]
    body = {"org": "kuusi", "key": "pulse", "name": {"en": "Pulse", "fi": "Pulssi"}, "items": items}
    assert world.call("kmember", "POST", "/api/v1/instruments", json=body).status_code == 403
    made = world.call("kadmin", "POST", "/api/v1/instruments", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["owner"] == "kuusi"
    keys = {i["key"] for i in world.call("kadmin", "GET", "/api/v1/instruments").json()}
    assert {"pulse", "customer-relationship", "learning-partnership"} <= keys
    assert "pulse" not in {
        i["key"] for i in world.call("labadmin", "GET", "/api/v1/instruments").json()
    }
    bad = world.call("kadmin", "POST", "/api/v1/instruments", json={**body, "key": "Bad Key"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["path"] == "key"
    opened = world.call(
        "kadmin",
        "POST",
        "/api/v1/rounds",
        json={"between": ["kuusi", "pakkaus"], "round": "p1", "instrument": "pulse"},
    )
    assert opened.status_code == 201 and opened.json()["instrument"] == "pulse"


def test_the_openapi_description_lists_the_assessment_routes(world):
    paths = world.client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/rounds",
        "/api/v1/responses/{token}",
        "/api/v1/scores",
        "/api/v1/scores.csv",
    ):
        assert path in paths


def test_ids_and_keys_the_database_cannot_hold_are_simply_not_found(world):
    assert world.call("fac", "GET", "/api/v1/rounds/2147483648").status_code == 404
    nul = world.call("fac", "GET", "/api/v1/relationships/ku%00usi/pakkaus")
    assert nul.status_code in (400, 404)
    refused = world.call("fac", "GET", "/api/v1/scores", params={"round": "a\x00b"})
    assert refused.status_code in (400, 422)  # the app's own NUL guard may answer first


def test_scores_carry_respondents_alpha_intervals_and_on_request_items(world):
    _, links = open_and_invite(world)
    world.call(None, "PUT", f"/api/v1/responses/{links['kuusi']}", json={"answers": FULL})
    document = world.call("kadmin", "GET", "/api/v1/scores").json()
    ScoresRead.model_validate(document)
    (score,) = document["relationships"]
    kuusi = score["sides"]["kuusi"]
    assert kuusi["respondents"] == 1
    assert kuusi["ci"] is None and score["ci"] is None  # below 3 respondents
    assert set(kuusi["alpha"]) == {"accessibility", "energy", "impact", "attraction"}
    assert "items" not in kuusi
    with_items = world.call("kadmin", "GET", "/api/v1/scores?items=true").json()
    ScoresRead.model_validate(with_items)
    items = with_items["relationships"][0]["sides"]["kuusi"]["items"]
    assert len(items) == 20 and {i["flag"] for i in items} == {None}
    detail = world.call("kadmin", "GET", "/api/v1/relationships/kuusi/pakkaus").json()
    assert detail["history"][0]["sides"]["kuusi"]["respondents"] == 1
    assert "ci" in detail["history"][0]


def test_research_export_is_for_facilitators_and_platform_admins(world):
    import io
    import zipfile

    _, links = open_and_invite(world)
    world.call(None, "PUT", f"/api/v1/responses/{links['kuusi']}", json={"answers": FULL})
    refused = world.call("kadmin", "GET", "/api/v1/research-export?round=2026-Q1")
    assert refused.status_code == 403
    got = world.call("fac", "GET", "/api/v1/research-export?round=2026-Q1&format=parquet")
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(got.content)) as archive:
        assert sorted(archive.namelist()) == ["answers.parquet", "codebook.json"]
    bad = world.call("root", "GET", "/api/v1/research-export?round=2026-Q1&format=xlsx")
    assert bad.status_code == 422


def test_a_hostile_round_name_is_not_a_formula_in_the_csv(world):
    hostile = '=HYPERLINK("http://evil.example","open")'
    made = world.call(
        "fac", "POST", "/api/v1/rounds", json={"between": ["pakkaus", "kuusi"], "round": hostile}
    )
    assert made.status_code == 201, made.text
    for path in ("/api/v1/scores.csv", "/api/v1/relationships/kuusi/pakkaus/results.csv"):
        response = world.call("fac", "GET", path, params={"round": hostile})
        assert response.status_code == 200, response.text
        for row in csv.reader(io.StringIO(response.text)):
            assert not any(cell.startswith(("=", "+", "@")) for cell in row), row
        assert hostile not in [c for r in csv.reader(io.StringIO(response.text)) for c in r]
