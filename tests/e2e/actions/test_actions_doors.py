"""Joint action plans through each door on both databases: the ``winwin actions`` commands
as the contract states them, the REST API under /api/v1, and the pages (Finnish and
English); every refusal names its field and leaves the stored plan as it was."""

from __future__ import annotations

import re
from typing import Any

import pytest

from e2e.assessments.conftest import World
from winwin.accounts.access import operator

FULL = {f"{f}{n}": 4 for f in "aeit" for n in range(1, 6)}
DOC = {
    "format": "winwin/1",
    "organizations": [{"key": k, "name": f"{k.title()} Oy"} for k in ("kuusi", "pakkaus", "lab")],
    "ties": [{"kind": "supplies", "from": "pakkaus", "to": "kuusi"}],
}


# --- the command line -------------------------------------------------------------------
@pytest.fixture
def tied(cli: Any) -> Any:
    import json

    assert cli("import", "-", stdin=json.dumps(DOC)).code == 0
    return cli


def test_the_commands_keep_the_contract(tied: Any) -> None:
    made = tied(
        "actions",
        "add",
        "--relationship",
        "pakkaus:kuusi",
        "--by",
        "kuusi",
        "--factor",
        "energy",
        "--title",
        "Joint roadmap day",
        "--due",
        "2027-01-31",
        "--json",
    )
    assert made.code == 0, made.err
    doc = made.json()
    assert {k: doc[k] for k in ("relationship", "factor", "status", "title", "due")} == {
        "relationship": ["kuusi", "pakkaus"],
        "factor": "energy",
        "status": "planned",
        "title": "Joint roadmap day",
        "due": "2027-01-31",
    }
    assert isinstance(doc["id"], int)
    moved = tied("actions", "set", str(doc["id"]), "--status", "dropped", "--reason", "merged")
    assert moved.code == 0, moved.err
    listed = tied("actions", "list", "--relationship", "kuusi:pakkaus", "--json")
    assert listed.code == 0
    (only,) = listed.json()["actions"]
    assert (only["id"], only["status"], only["reason"]) == (doc["id"], "dropped", "merged")
    shown = tied("actions", "show", str(doc["id"]), "--json").json()
    assert [e["kind"] for e in shown["history"]] == ["created", "changed"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--factor", "speed"], "factor"),
        (["--due", "tomorrow"], "due"),
        (["--by", "lab"], "by"),
        (["--owner", "nobody@example.com"], "owner"),
    ],
)
def test_refused_commands_exit_2_name_the_field_and_store_nothing(
    tied: Any, args: list[str], field: str
) -> None:
    base = {
        "--relationship": "kuusi:pakkaus",
        "--by": "kuusi",
        "--factor": "energy",
        "--title": "T",
    }
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    flat = [x for pair in base.items() for x in pair]
    refused = tied("actions", "add", *flat)
    assert refused.code == 2
    assert f"error: {field}:" in refused.err
    assert tied("actions", "list", "--relationship", "kuusi:pakkaus", "--json").json() == {
        "actions": []
    }


def test_a_refused_status_exits_2_and_keeps_the_status(tied: Any) -> None:
    made = tied(
        "actions",
        "add",
        "--relationship",
        "kuusi:pakkaus",
        "--by",
        "pakkaus",
        "--factor",
        "impact",
        "--title",
        "T",
        "--json",
    ).json()
    for args, field in ((["--status", "dropped"], "reason"), (["--status", "later"], "status")):
        refused = tied("actions", "set", str(made["id"]), *args)
        assert refused.code == 2 and f"error: {field}:" in refused.err
    assert tied("actions", "show", str(made["id"]), "--json").json()["status"] == "planned"
    assert tied("actions", "set", "999", "--status", "done").code == 2


# --- REST -------------------------------------------------------------------------------
def test_the_api_adds_lists_and_changes_under_the_relationship_s_rules(world: World) -> None:
    made = world.call(
        "kadmin",
        "POST",
        "/api/v1/relationships/kuusi/pakkaus/actions",
        json={
            "by": "kuusi",
            "factor": "accessibility",
            "title": "Open the door",
            "due": "2027-02-01",
            "owners": ["kmember@example.com"],
        },
    )
    assert made.status_code == 201, made.text
    action = made.json()
    assert action["owners"]["kuusi"]["email"] == "kmember@example.com"
    assert action["owners"]["pakkaus"] is None
    # Both sides and the facilitator granted pakkaus read; lab's admin is told nothing exists.
    for who in ("kmember", "fac", "root"):
        listed = world.call(who, "GET", "/api/v1/relationships/pakkaus/kuusi/actions")
        assert [a["id"] for a in listed.json()["actions"]] == [action["id"]], who
    assert (
        world.call("labadmin", "GET", "/api/v1/relationships/kuusi/pakkaus/actions").status_code
        == 404
    )
    assert world.call("labadmin", "GET", f"/api/v1/actions/{action['id']}").status_code == 404
    # The owner moves it; a member who does not own it may not.
    moved = world.call(
        "kmember", "PATCH", f"/api/v1/actions/{action['id']}", json={"status": "doing"}
    )
    assert moved.status_code == 200, moved.text
    assert [e["kind"] for e in moved.json()["history"]] == ["created", "changed"]
    refused = world.call(
        "fac", "PATCH", f"/api/v1/actions/{action['id']}", json={"status": "dropped"}
    )
    assert refused.status_code == 400
    # Scripts read the English message; the code names the refusal whatever its words.
    assert refused.json()["problems"] == [
        {
            "path": "reason",
            "message": "say why the action is dropped",
            "code": "actions.say_why_dropped",
        }
    ]
    stored = world.call("kadmin", "GET", f"/api/v1/actions/{action['id']}").json()
    assert stored["status"] == "doing" and len(stored["history"]) == 2
    malformed = world.call(
        "kadmin",
        "POST",
        "/api/v1/relationships/kuusi/pakkaus/actions",
        json={"by": "kuusi", "factor": "speed", "title": "x"},
    )
    assert malformed.status_code == 422
    assert (
        len(
            world.call("kadmin", "GET", "/api/v1/relationships/kuusi/pakkaus/actions").json()[
                "actions"
            ]
        )
        == 1
    )


# --- pages ------------------------------------------------------------------------------
def _token(world: World, lang: str) -> str:
    match = re.search(
        r'name="csrf-token" content="([^"]+)"',
        world.client.get("/login", headers={"Accept-Language": lang}).text,
    )
    assert match
    return match.group(1)


def _post(world: World, who: str, path: str, data: dict[str, str], lang: str = "en") -> Any:
    headers = {"Accept-Language": lang, **world.headers(who)}
    return world.client.post(
        path,
        data={"csrf_token": _token(world, lang), **data},
        headers=headers,
        follow_redirects=False,
    )


def _get(world: World, who: str, path: str, lang: str = "en") -> Any:
    return world.client.get(path, headers={"Accept-Language": lang, **world.headers(who)})


@pytest.mark.parametrize(
    ("lang", "plan", "open_col"),
    [
        ("en", "Joint action plan", "Open actions"),
        ("fi", "Yhteinen toimenpidesuunnitelma", "Avoimet toimenpiteet"),
    ],
)
def test_the_relationship_page_shows_the_plan_beside_the_radar_and_each_open_action_by_its_factor(
    world: World, lang: str, plan: str, open_col: str
) -> None:
    added = _post(
        world,
        "fac",
        "/relationships/kuusi/pakkaus/actions",
        {
            "by": "pakkaus",
            "factor": "energy",
            "title": "Shared backlog",
            "due": "2020-01-01",
            "owner_b": "",
            "owner_a": "kmember@example.com",
            "description": "Weekly *sync*",
        },
        lang,
    )
    assert added.status_code == 303, added.text
    assert added.headers["location"].startswith("/relationships/kuusi/pakkaus#action-")
    page = _get(world, "kmember", "/relationships/kuusi/pakkaus", lang)
    assert page.status_code == 200
    assert plan in page.text and open_col in page.text
    beside = page.text.split('data-testid="plan-beside-radar"')[1].split("</section>")[0]
    energy = beside.split('data-factor="energy"')[1].split("</dd>")[0]
    assert "Shared backlog" in energy
    assert (
        "Shared backlog"
        in page.text.split('data-testid="open-actions-energy"')[1].split("</td>")[0]
    )
    assert (
        "Shared backlog"
        not in page.text.split('data-testid="open-actions-impact"')[1].split("</td>")[0]
    )
    # Overdue on both sides' dashboards.
    for who in ("kmember", "fac"):
        home = _get(world, who, "/" if who == "kmember" else "/?org=pakkaus", lang)
        assert 'data-testid="overdue-actions"' in home.text and "Shared backlog" in home.text, who
    # Once done, it leaves the open column.
    action_id = added.headers["location"].rsplit("-", 1)[1]
    done = _post(
        world,
        "kadmin",
        f"/actions/{action_id}/status",
        {"status": "done", "back": "relationship"},
        lang,
    )
    assert done.status_code == 303
    page = _get(world, "kmember", "/relationships/kuusi/pakkaus", lang)
    assert (
        "Shared backlog"
        not in page.text.split('data-testid="open-actions-energy"')[1].split("</td>")[0]
    )
    detail = _get(world, "kmember", f"/actions/{action_id}", lang)
    assert detail.status_code == 200 and "<em>sync</em>" in detail.text


def test_a_refused_form_names_the_field_and_stores_nothing(world: World) -> None:
    refused = _post(
        world,
        "kadmin",
        "/relationships/kuusi/pakkaus/actions",
        {"by": "kuusi", "factor": "energy", "title": " "},
    )
    assert refused.status_code == 422
    assert "title" in refused.text
    assert world.call("kadmin", "GET", "/api/v1/relationships/kuusi/pakkaus/actions").json() == {
        "actions": []
    }
    assert _get(world, "labadmin", "/relationships/kuusi/pakkaus").status_code == 404


def test_a_refusal_is_shown_in_finnish_with_the_field_s_label(world: World) -> None:
    refused = _post(
        world,
        "kadmin",
        "/relationships/kuusi/pakkaus/actions",
        {"by": "kuusi", "factor": "energy", "title": "T", "due": "huomenna"},
        "fi",
    )
    assert refused.status_code == 422
    assert "Määräpäivä</strong>: pitää olla päivämäärä muodossa VVVV-KK-PP" in refused.text
    made = world.call(
        "kadmin",
        "POST",
        "/api/v1/relationships/kuusi/pakkaus/actions",
        json={"by": "kuusi", "factor": "energy", "title": "T"},
    ).json()
    moved = _post(world, "kadmin", f"/actions/{made['id']}/status", {"status": "dropped"}, "fi")
    assert moved.status_code == 422
    assert "kerro, miksi toimenpide hylätään" in moved.text
    assert (
        world.call("kadmin", "GET", f"/api/v1/actions/{made['id']}").json()["status"] == "planned"
    )
    # A refused move says the statuses by their Finnish labels.
    again = _post(world, "kadmin", f"/actions/{made['id']}/status", {"status": "planned"}, "fi")
    assert again.status_code == 422
    assert "toimenpiteen tila on jo suunniteltu" in again.text
    done = _post(world, "kadmin", f"/actions/{made['id']}/status", {"status": "done"}, "fi")
    assert done.status_code == 303
    reopened = _post(world, "kadmin", f"/actions/{made['id']}/status", {"status": "planned"}, "fi")
    assert reopened.status_code == 422
    assert "jonka tila on tehty, voi siirtyä vain tilaan käynnissä" in reopened.text
    assert world.call("kadmin", "GET", f"/api/v1/actions/{made['id']}").json()["status"] == "done"


def test_initiatives_are_read_through_the_api_only_by_their_parties(world: World) -> None:
    from winwin.db.engine import session_factory, unit_of_work
    from winwin.initiatives import service as initiatives

    with unit_of_work(session_factory(world.engine)) as session:
        made = initiatives.propose(
            session, by="kuusi", with_=["pakkaus"], title="Pool", actor=operator()
        ).id
    for who in ("kmember", "fac", "root"):
        assert world.call(who, "GET", f"/api/v1/initiatives/{made}").json()["id"] == made, who
        listed = world.call(who, "GET", "/api/v1/initiatives").json()["initiatives"]
        assert [i["id"] for i in listed] == [made], who
    assert world.call("labadmin", "GET", f"/api/v1/initiatives/{made}").status_code == 404
    assert world.call("labadmin", "GET", "/api/v1/initiatives").json() == {"initiatives": []}
