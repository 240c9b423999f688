"""A round's minimum of respondents per side, through every door, on both databases.

Below the minimum only the facilitators granted a side, platform admins and the command
line see that side's factors; everyone else reads "too few respondents to show without
identifying them". The consistency test draws respondents, minimums and readers and
checks that the REST reads, the CSV, the research export, the relationship page (its
results per statement too), its presentation view, its Excel download and the command
line all agree with ``winwin.assessments.anonymity.may_show_side``.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import zipfile
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select

from e2e.assessments.conftest import PASSWORD, World
from winwin.accounts import service as accounts
from winwin.accounts.access import operator
from winwin.accounts.models import FacilitatorGrant, User
from winwin.assessments import service as rounds
from winwin.assessments.anonymity import NOBODY, Reader, may_show_side
from winwin.assessments.models import Assessment
from winwin.db.engine import session_factory, unit_of_work
from winwin.network.repository import NetworkRepository

FULL = {f"{f}{n}": 4 for f in "aeit" for n in range(1, 6)}
SIDES = ("kuusi", "pakkaus")
WITHHELD_EN = "Too few respondents to show without identifying them."
WITHHELD_FI = "Liian vähän vastaajia näytettäväksi ilman, että heidät voisi tunnistaa."
NAMES = itertools.count(1)


def add_people(world: World) -> dict[str, int]:
    """A facilitator granted kuusi only and a member of pakkaus, beside the seeded people."""
    with unit_of_work(session_factory(world.engine)) as session:
        ids = NetworkRepository(session).org_ids()
        for name, org, role in (
            ("kfac", "consult", "facilitator"),
            ("pmember", "pakkaus", "member"),
        ):
            user = User(
                email=f"{name}@example.com",
                name=name.title(),
                org_id=ids[org],
                role=role,
                password_hash=accounts.hash_password(PASSWORD),
            )
            session.add(user)
            session.flush()
            world.tokens[name] = accounts.create_api_token(session, user_id=user.id, name="t").token
            if role == "facilitator":
                session.add(FacilitatorGrant(user_id=user.id, org_id=ids["kuusi"]))
        return dict(ids)


def make_round(world: World, name: str, minimum: int | None, counts: dict[str, int]) -> int:
    """A round of kuusi and pakkaus with ``counts`` respondents per side, every one answering."""
    with unit_of_work(session_factory(world.engine)) as session:
        opened = rounds.open_round(
            session,
            actor=operator(),
            between=list(SIDES),
            round=name,
            instrument="customer-relationship",
            min_respondents=minimum,
        )
        invitees = [
            rounds.Invitee(side=side, name=f"{side} {i}")
            for side in SIDES
            for i in range(counts.get(side, 0))
        ]
        issued = (
            rounds.invite_respondents(
                session, actor=operator(), round_id=opened.id, invitees=invitees
            )
            if invitees
            else []
        )
        for invitation in issued:
            rounds.submit_response(session, token=invitation.token, answers=FULL)
        return opened.id


def page(world: World, who: str | None, path: str, lang: str = "en") -> Any:
    headers = {"Accept-Language": lang, **(world.headers(who) if who else {})}
    return world.client.get(path, headers=headers)


def csrf(text: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', text)
    assert match
    return match.group(1)


def post(world: World, who: str, path: str, data: dict[str, str], lang: str = "en") -> Any:
    headers = {"Accept-Language": lang, **world.headers(who)}
    token = csrf(world.client.get("/login", headers={"Accept-Language": lang}).text)
    return world.client.post(
        path, data={"csrf_token": token, **data}, headers=headers, follow_redirects=False
    )


def readers(ids: dict[str, int]) -> dict[str, Reader]:
    """How the rule sees each signed-in person of the world (built here, not by the code)."""
    return {
        "kmember": NOBODY,
        "pmember": NOBODY,
        "kadmin": Reader(administered=frozenset({ids["kuusi"]})),
        "kfac": Reader(facilitated=frozenset({ids["kuusi"]})),
        "fac": Reader(facilitated=frozenset({ids["kuusi"], ids["pakkaus"]})),
        "root": Reader(platform_admin=True),
    }


@pytest.fixture
def ids(world: World) -> dict[str, int]:
    return add_people(world)


@settings(
    max_examples=10,
    deadline=None,
    # Each example is a round on a real database: no shrinking, the failing case is printed.
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    n_kuusi=st.integers(0, 4),
    n_pakkaus=st.integers(0, 4),
    minimum=st.integers(1, 5),
)
def test_every_door_agrees_with_the_rule(
    world: World, ids: dict[str, int], n_kuusi: int, n_pakkaus: int, minimum: int
) -> None:
    name = f"r{next(NAMES):04d}"
    counts = {"kuusi": n_kuusi, "pakkaus": n_pakkaus}
    make_round(world, name, minimum, counts)
    for who, reader in readers(ids).items():
        shown = {
            side: counts[side] > 0
            and may_show_side(
                respondents=counts[side], minimum=minimum, side_org_id=ids[side], reader=reader
            )
            for side in SIDES
        }
        withheld = {side: counts[side] > 0 and not shown[side] for side in SIDES}
        where = f"{who} reading {counts} with minimum {minimum}"

        (scored,) = world.call(who, "GET", f"/api/v1/scores?round={name}").json()["relationships"]
        history = world.call(who, "GET", "/api/v1/relationships/kuusi/pakkaus").json()["history"]
        (in_history,) = [h for h in history if h["round"] == name]
        for read in (scored, in_history):
            assert {s: read["sides"][s] is not None for s in SIDES} == shown, where
            assert set(read["withheld"]) == {s for s in SIDES if withheld[s]}, where
            assert (read["score"] is not None) == all(shown.values()), where
            assert read["min_respondents"] == minimum
            assert read["respondents"]["kuusi"] == n_kuusi  # counts are never hidden

        text = world.call(who, "GET", f"/api/v1/scores.csv?round={name}").text
        rows = {row["side"]: row for row in csv.DictReader(io.StringIO(text))}
        for side in SIDES:
            assert (rows[side]["accessibility"] != "") == shown[side], where
            assert (rows[side]["withheld"] != "") == withheld[side], where

        html = page(world, who, f"/relationships/kuusi/pakkaus?round={name}").text
        statements = html[html.index('data-testid="statements"') :]
        for side in SIDES:
            assert (f'data-testid="lever-{side}"' in html) == shown[side], where
            assert (f'data-testid="withheld-{side}"' in html) == withheld[side], where
            means = f'data-side="{side}"><span data-mean>'
            assert (means in statements) == shown[side], where

        present = page(world, who, f"/relationships/kuusi/pakkaus/present?round={name}").text
        for side in SIDES:
            assert (f'data-testid="score-{side}"' in present) == shown[side], where
            assert (f'data-testid="withheld-{side}"' in present) == withheld[side], where

        workbook = load_workbook(
            io.BytesIO(page(world, who, "/relationships/kuusi/pakkaus/results.xlsx").content)
        )
        results, per_statement = workbook.worksheets
        names = {"Kuusi Oy": "kuusi", "Pakkaus Oy": "pakkaus"}
        rows = {names[r[4]]: r for r in results.iter_rows(values_only=True) if r[0] == name}
        listed = {names[r[1]] for r in per_statement.iter_rows(values_only=True) if r[0] == name}
        for side in SIDES:
            assert (rows[side][6] is not None) == shown[side], where
            assert (rows[side][14] is not None) == withheld[side], where
            assert (side in listed) == shown[side], where

        if who in ("kfac", "fac", "root"):
            export = world.call(who, "GET", f"/api/v1/research-export?round={name}")
            assert export.status_code == 200, export.text
            with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
                answers = archive.read("answers.csv").decode()
            exported = {row["side"] for row in csv.DictReader(io.StringIO(answers))}
            assert exported == {s for s in SIDES if shown[s]}, where


def test_members_read_the_message_in_their_language_on_pages_and_the_report(
    world: World, ids: dict[str, int]
) -> None:
    make_round(world, "2026-Q1", None, {"kuusi": 3, "pakkaus": 2})
    for lang, words in (("en", WITHHELD_EN), ("fi", WITHHELD_FI)):
        relationship = page(world, "kmember", "/relationships/kuusi/pakkaus", lang).text
        assert words in relationship and 'data-testid="withheld-pakkaus"' in relationship
        assert 'data-testid="lever-kuusi"' in relationship  # three answered for kuusi
        assert 'data-testid="relationship-score">–' in relationship
        listed = page(world, "kmember", "/relationships?org=kuusi", lang).text
        assert words in listed
        home = page(world, "kmember", "/?org=kuusi", lang).text
        assert words in home
    # The facilitator granted pakkaus sees its factors.
    facilitated = page(world, "fac", "/relationships/kuusi/pakkaus").text
    assert 'data-testid="lever-pakkaus"' in facilitated and WITHHELD_EN not in facilitated

    from winwin.reports import service as reports

    with unit_of_work(session_factory(world.engine)) as session:
        member = rounds_actor(session, "kmember")
        data, _charts = reports.workshop_data(
            session, actor=member, between=["kuusi", "pakkaus"], locale="fi"
        )
        as_operator, _ = reports.workshop_data(
            session, actor=operator(), between=["kuusi", "pakkaus"], locale="fi"
        )
    assert WITHHELD_FI.rstrip(".") in json.dumps(data, ensure_ascii=False)
    assert WITHHELD_FI.rstrip(".") not in json.dumps(as_operator, ensure_ascii=False)


def rounds_actor(session: Any, who: str) -> Any:
    from winwin.accounts.access import actor_for

    user = session.scalar(select(User).where(User.email == f"{who}@example.com"))
    return actor_for(session, user)


def test_who_answered_is_seen_only_by_the_side_s_admins_and_facilitators(
    world: World, ids: dict[str, int]
) -> None:
    round_id = make_round(world, "2026-Q1", None, {"kuusi": 2, "pakkaus": 1})

    def invited(who: str) -> list[str]:
        read = world.call(who, "GET", f"/api/v1/rounds/{round_id}")
        assert read.status_code == 200, read.text
        assert read.json()["respondents_by_side"] == {"kuusi": 2, "pakkaus": 1, "third-party": 0}
        return sorted(i["side"] for i in read.json()["invitations"])

    assert invited("kmember") == []
    assert invited("pmember") == []
    assert invited("kadmin") == ["kuusi", "kuusi"]
    assert invited("kfac") == ["kuusi", "kuusi"]
    assert invited("fac") == ["kuusi", "kuusi", "pakkaus"]
    assert invited("root") == ["kuusi", "kuusi", "pakkaus"]
    member_page = page(world, "kmember", f"/rounds/{round_id}", "fi").text
    assert "kuusi 0" not in member_page and 'data-testid="invitations-hidden"' in member_page
    assert "kuusi 0" in page(world, "kadmin", f"/rounds/{round_id}").text


def test_the_answer_form_states_the_rule_before_anyone_answers(world: World) -> None:
    with unit_of_work(session_factory(world.engine)) as session:
        tokens = {}
        for name, minimum in (("anonymous", None), ("named", 1)):
            opened = rounds.open_round(
                session,
                actor=operator(),
                between=list(SIDES),
                round=name,
                instrument="customer-relationship",
                min_respondents=minimum,
            )
            (issued,) = rounds.invite_respondents(
                session,
                actor=operator(),
                round_id=opened.id,
                invitees=[rounds.Invitee(side="kuusi")],
            )
            tokens[name] = issued.token
    anonymous_en = page(world, None, f"/answer/{tokens['anonymous']}", "en").text
    assert "shown only once at least 3 people of your side have answered" in anonymous_en
    anonymous_fi = page(world, None, f"/answer/{tokens['anonymous']}", "fi").text
    assert "vasta, kun vähintään 3 osapuolesi ihmistä on vastannut" in anonymous_fi
    named_en = page(world, None, f"/answer/{tokens['named']}", "en").text
    assert "This is a named round" in named_en
    named_fi = page(world, None, f"/answer/{tokens['named']}", "fi").text
    assert "Tämä on nimetty kierros" in named_fi
    assert "organisaatiosi ylläpitäjät ja fasilitaattorit" in named_fi


def _rounds_stored(world: World) -> int:
    with unit_of_work(session_factory(world.engine)) as session:
        return session.scalar(select(func.count()).select_from(Assessment)) or 0


@pytest.mark.parametrize("hostile", [0, -1, 1001, 10**12, "abc", "2.5", True])
def test_a_hostile_minimum_is_refused_by_rest_and_pages_and_changes_nothing(
    world: World, hostile: Any
) -> None:
    body = {"between": list(SIDES), "round": "2026-Q1", "min_respondents": hostile}
    refused = world.call("fac", "POST", "/api/v1/rounds", json=body)
    assert refused.status_code == 422, refused.text
    assert "min_respondents" in refused.text
    for lang, label in (("en", "Fewest respondents per side"), ("fi", "Vastaajia vähintään")):
        form = post(
            world,
            "fac",
            "/relationships/rounds?org=kuusi",
            {"other": "pakkaus", "round": "2026-Q1", "min_respondents": str(hostile)},
            lang,
        )
        assert form.status_code == 422 and label in form.text
    assert _rounds_stored(world) == 0


def test_rest_and_pages_open_a_round_with_its_minimum(world: World) -> None:
    made = world.call(
        "fac", "POST", "/api/v1/rounds", json={"between": list(SIDES), "round": "rest"}
    )
    assert made.status_code == 201 and made.json()["min_respondents"] == 3
    named = world.call(
        "fac",
        "POST",
        "/api/v1/rounds",
        json={"between": list(SIDES), "round": "rest-named", "min_respondents": 1},
    )
    assert named.status_code == 201 and named.json()["min_respondents"] == 1
    by_page = post(
        world,
        "fac",
        "/relationships/rounds?org=kuusi",
        {"other": "pakkaus", "round": "page", "min_respondents": "5"},
        "fi",
    )
    assert by_page.status_code == 303
    shown = page(world, "fac", by_page.headers["location"], "fi").text
    assert "kun vähintään 5 sen ihmistä on vastannut" in shown


DOC = {
    "format": "winwin/1",
    "organizations": [{"key": k, "name": k.title()} for k in SIDES],
    "ties": [{"kind": "supplies", "from": "kuusi", "to": "pakkaus"}],
    "assessments": [
        {
            "round": "2026-Q1",
            "instrument": "customer-relationship",
            "between": list(SIDES),
            "responses": [
                {"side": "kuusi", "respondent": "k1", "answers": FULL},
                {"side": "pakkaus", "respondent": "p1", "answers": FULL},
            ],
        }
    ],
}


def test_the_command_line_prints_every_side_and_opens_rounds_with_the_option(cli: Any) -> None:
    assert cli("import", "-", stdin=json.dumps(DOC)).code == 0
    # One respondent per side in a round of minimum 3: the operator still sees both
    # sides, in the contract's shape.
    (printed,) = cli("score", "--json").json()["relationships"]
    assert printed["sides"]["kuusi"] is not None and printed["sides"]["pakkaus"] is not None
    assert printed["score"] is not None
    assert set(printed) == {"between", "round", "score", "sides", "outside_view", "ci"}
    assert "withheld" not in json.dumps(printed)
    # The command keeps its shape without the option, and takes it when given.
    plain = cli("round", "open", "kuusi", "pakkaus", "--round", "cli", "--json")
    assert plain.code == 0 and plain.json()["min_respondents"] == 3
    option = cli(
        "round", "open", "kuusi", "pakkaus", "--round", "cli-2", "--min-respondents", "1", "--json"
    )
    assert option.code == 0 and option.json()["min_respondents"] == 1
    before = cli("export").out
    for hostile in ("0", "-1", "1001", "1000000000000", "abc", "2.5"):
        command = cli(
            "round", "open", "kuusi", "pakkaus", "--round", "bad", "--min-respondents", hostile
        )
        assert command.code == 2 and "--min-respondents" in command.err, command.err
    assert cli("export").out == before


def test_the_document_carries_the_minimum_only_when_it_is_not_three(cli: Any) -> None:
    doc = json.loads(json.dumps(DOC))
    doc["assessments"].append({**doc["assessments"][0], "round": "2026-Q2", "min_respondents": 1})
    doc["assessments"].append({**doc["assessments"][0], "round": "2026-Q3", "min_respondents": 3})
    assert cli("import", "-", stdin=json.dumps(doc)).code == 0
    exported = cli("export").json()
    minimums = {a["round"]: a.get("min_respondents") for a in exported["assessments"]}
    assert minimums == {"2026-Q1": None, "2026-Q2": 1, "2026-Q3": None}
    # It round-trips: the export imported again exports the same document.
    assert cli("import", "-", stdin=json.dumps(exported)).code == 0
    assert cli("export").json() == exported
    before = cli("export").out
    for hostile in (0, -2, 1001, "3", 2.5, True):
        bad = json.loads(json.dumps(DOC))
        bad["assessments"][0]["min_respondents"] = hostile
        refused = cli("import", "-", stdin=json.dumps(bad))
        assert refused.code == 2 and "assessments[0].min_respondents" in refused.err, refused.err
    assert cli("export").out == before
