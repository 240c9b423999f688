"""Learning initiatives on both databases: the kind through the form, REST and the command
line; learning goals (joint actions between the proposer and each party) and learning
rounds with the ``learning-partnership`` instrument on the page, in Finnish; who sees
which goals and results."""

from __future__ import annotations

import json
from typing import Any

from e2e.actions.test_actions_doors import _get, _post
from e2e.assessments.conftest import World
from winwin.accounts.access import operator
from winwin.actions import service as actions
from winwin.assessments import service as rounds
from winwin.db.engine import session_factory, unit_of_work
from winwin.network import io as network_io
from winwin.network.document import parse_document

REVERSE = {"a5", "e5", "i5", "t5"}


def _answers(high: int) -> dict[str, int]:
    low = 6 - high
    return {f"{f}{n}": (low if f"{f}{n}" in REVERSE else high) for f in "aeit" for n in range(1, 6)}


def _import(world: World, doc: dict[str, Any]) -> None:
    with unit_of_work(session_factory(world.engine)) as session:
        full = {"format": "winwin/1", "organizations": [], **doc}
        network_io.import_network(session, parse_document(json.dumps(full).encode()))


def _propose(world: World, kind: str = "learning") -> str:
    # The school (lab) learns with the company (kuusi), and so does its customer (pakkaus).
    _import(world, {"ties": [{"kind": "partners", "from": "lab", "to": "kuusi"}]})
    made = _post(
        world,
        "kadmin",
        "/initiatives",
        {"by": "kuusi", "with": "lab,pakkaus", "title": "Kuituakatemia", "kind": kind},
        "fi",
    )
    assert made.status_code == 303, made.text
    path = str(made.headers["location"])
    for who, party in (("labadmin", "lab"), ("fac", "pakkaus")):
        answered = _post(world, who, f"{path}/step", {"step": "accept", "by": party})
        assert answered.status_code == 303, answered.text
    return path


def test_a_learning_initiative_sets_goals_and_opens_learning_rounds_on_its_page(
    world: World,
) -> None:
    path = _propose(world)
    page = _get(world, "kmember", path, "fi")
    assert "Oppimistavoitteet" in page.text and "Oppimistavoitteita ei ole vielä." in page.text
    assert 'data-testid="add-goal"' not in page.text  # a member acts for nobody

    goal = {"by": "lab", "with": "kuusi", "factor": "energy", "title": "Opiskelijoiden projektit"}
    assert _post(world, "labadmin", f"{path}/goals", goal, "fi").status_code == 303
    # Two invitees share no goal: goals are set with the proposer.
    between_invitees = {**goal, "with": "pakkaus", "title": "Toinen"}
    refused = _post(world, "labadmin", f"{path}/goals", between_invitees, "fi")
    assert refused.status_code == 422
    assert "oppimistavoite asetetaan ehdottajan ja aloitteen hyväksyneen" in refused.text
    assert (
        _post(
            world, "labadmin", f"{path}/goals", {**goal, "by": "kuusi", "with": "lab"}
        ).status_code
        == 403
    )

    # The proposer's side opens one learning round on each relationship; lab's may not.
    opened = {"round": "2027-syksy", "min_respondents": "1"}
    assert _post(world, "labadmin", f"{path}/learning-rounds", opened).status_code == 403
    assert _post(world, "kadmin", f"{path}/learning-rounds", opened).status_code == 303
    again = _post(world, "kadmin", f"{path}/learning-rounds", opened, "fi")
    assert again.status_code == 422 and "2027-syksy" in again.text
    with unit_of_work(session_factory(world.engine)) as session:
        opened_rounds = rounds.list_rounds(session, actor=operator())
        made = sorted((r.between, r.instrument) for r in opened_rounds if r.round == "2027-syksy")
        plan = actions.list_actions(session, actor=operator(), between=["kuusi", "lab"])
    assert made == [
        (("kuusi", "lab"), "learning-partnership"),
        (("kuusi", "pakkaus"), "learning-partnership"),
    ]
    assert [(a.title, a.factor, a.by) for a in plan] == [
        ("Opiskelijoiden projektit", "energy", "lab")
    ]

    # A scored learning round shows its R and each side's S and lever.
    _import(
        world,
        {
            "assessments": [
                {
                    "round": "2027-kevät",
                    "instrument": "learning-partnership",
                    "min_respondents": 1,
                    "between": ["kuusi", "lab"],
                    "responses": [
                        {"side": "kuusi", "respondent": "k1", "answers": _answers(4)},
                        {"side": "lab", "respondent": "l1", "answers": _answers(5)},
                    ],
                }
            ]
        },
    )
    seen = _get(world, "kadmin", path, "fi").text
    learning = seen.split('data-testid="learning-rounds"')[1].split("</section>")[0]
    assert 'data-between="kuusi:lab"' in learning and 'data-between="kuusi:pakkaus"' in learning
    assert 'data-testid="learning-score">75,0' in learning
    assert "Kuusi Oy: 56,2" in learning and "Lab Oy: 100,0" in learning
    assert 'data-testid="open-learning-round"' in seen
    assert "Opiskelijoiden projektit" in seen.split('data-testid="learning-goals"')[1]

    # lab's people see their own relationship with the proposer, not kuusi's with pakkaus.
    theirs = _get(world, "labadmin", path, "fi").text
    assert 'data-between="kuusi:lab"' in theirs
    assert 'data-between="kuusi:pakkaus"' not in theirs
    assert 'data-testid="open-learning-round"' not in theirs
    assert "Opiskelijoiden projektit" in theirs


def test_a_joint_initiative_has_no_learning_goals(world: World) -> None:
    path = _propose(world, kind="joint")
    page = _get(world, "kadmin", path, "fi")
    assert 'data-testid="learning-goals"' not in page.text
    goal = {"by": "kuusi", "with": "lab", "factor": "energy", "title": "T"}
    refused = _post(world, "kadmin", f"{path}/goals", goal, "fi")
    assert refused.status_code == 422 and "vain oppimisaloitteella" in refused.text


def test_rest_and_the_form_say_the_kind(world: World) -> None:
    body = {"by": "kuusi", "with": ["pakkaus"], "title": "Oppimispolku", "kind": "learning"}
    made = world.call("kadmin", "POST", "/api/v1/initiatives", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["kind"] == "learning"
    n = made.json()["id"]
    assert world.call("kadmin", "GET", f"/api/v1/initiatives/{n}").json()["kind"] == "learning"
    plain = world.call("kadmin", "POST", "/api/v1/initiatives", json={**body, "kind": "joint"})
    assert plain.json()["kind"] == "joint"
    del body["kind"]
    assert world.call("kadmin", "POST", "/api/v1/initiatives", json=body).json()["kind"] == "joint"
    bad = world.call("kadmin", "POST", "/api/v1/initiatives", json={**body, "kind": "school"})
    assert bad.status_code == 422
    form = _get(world, "kadmin", "/initiatives", "fi").text
    assert "Aloitteen laji" in form and 'value="learning"' in form


def test_the_command_line_proposes_a_learning_initiative(cli: Any) -> None:
    doc = {"format": "winwin/1", "organizations": [{"key": k, "name": k} for k in ("a", "b")]}
    assert cli("import", "-", stdin=json.dumps(doc)).code == 0
    made = cli(
        "initiative",
        "propose",
        "--by",
        "a",
        "--with",
        "b",
        "--title",
        "T",
        "--kind",
        "learning",
        "--json",
    )
    assert made.code == 0, made.err
    assert made.json()["kind"] == "learning"
    shown = cli("initiative", "show", str(made.json()["id"]), "--json")
    assert shown.json()["kind"] == "learning"
    joint = cli("initiative", "propose", "--by", "a", "--with", "b", "--title", "U", "--json")
    assert joint.json()["kind"] == "joint"
    refused = cli(
        "initiative", "propose", "--by", "a", "--with", "b", "--title", "V", "--kind", "x"
    )
    assert refused.code == 2 and "kind" in refused.err
