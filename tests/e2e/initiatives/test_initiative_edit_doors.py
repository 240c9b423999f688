"""Editing an initiative through each door on both databases: the page's form (Finnish
and English, no scripts), ``PATCH /api/v1/initiatives/{id}`` and ``winwin initiative
edit``. A change is a new version with its history entry (who, what, when), a withdrawn
party no longer sees the initiative, and a refusal names its field and changes nothing."""

from __future__ import annotations

import json
from typing import Any

from e2e.actions.test_actions_doors import _get, _post


def _show(world: Any, n: int) -> dict[str, Any]:
    response = world.call("root", "GET", f"/api/v1/initiatives/{n}")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def _propose(world: Any) -> int:
    made = world.call(
        "kadmin",
        "POST",
        "/api/v1/initiatives",
        json={"by": "kuusi", "with": ["pakkaus", "lab"], "title": "Shared depot"},
    )
    assert made.status_code == 201, made.text
    return made.json()["id"]  # type: ignore[no-any-return]


def test_editing_through_rest(world: Any) -> None:
    n = _propose(world)
    base = f"/api/v1/initiatives/{n}"
    before = _show(world, n)
    assert [h["change"] for h in before["history"]] == ["proposed"]
    assert before["history"][0]["details"]["parties"] == ["kuusi", "lab", "pakkaus"]
    for who, body, status in (
        ("kmember", {"by": "kuusi", "title": "X"}, 403),  # a member acts for nobody
        ("labadmin", {"by": "lab", "title": "X"}, 400),  # lab has not accepted
        ("kadmin", {"by": "kuusi", "colour": "red"}, 422),  # an unknown key
        ("kadmin", {"by": "kuusi", "add": ["nobody"]}, 422),
        ("kadmin", {"by": "kuusi", "remove": ["kuusi"]}, 400),
        ("kadmin", {"by": "kuusi"}, 422),  # nothing to change
        (None, {"by": "kuusi", "title": "X"}, 401),
    ):
        refused = world.call(who, "PATCH", base, json=body)
        assert refused.status_code == status, (who, body, refused.text)
        assert _show(world, n) == before
    edited = world.call(
        "kadmin",
        "PATCH",
        base,
        json={
            "by": "kuusi",
            "title": "Shared depot 2027",
            "expected_value": 1000,
            "remove": ["lab"],
        },
    )
    assert edited.status_code == 200, edited.text
    doc = edited.json()
    assert doc["version"] == 2 and set(doc["parties"]) == {"kuusi", "pakkaus"}
    last = doc["history"][-1]
    assert last["by"] == "kuusi" and last["person"] == "Kadmin" and last["change"] == "edited"
    assert last["details"] == {
        "title": {"old": "Shared depot", "new": "Shared depot 2027"},
        "expected_value": {"old": None, "new": 1000.0},
        "removed": ["lab"],
    }
    assert world.call("labadmin", "GET", base).status_code == 404
    cleared = world.call("kadmin", "PATCH", base, json={"by": "kuusi", "expected_value": None})
    assert cleared.json()["expected_value"] is None and cleared.json()["version"] == 3
    kept = world.call("kadmin", "PATCH", base, json={"by": "kuusi", "goal": ""})
    assert kept.json()["version"] == 3  # the goal was already empty: nothing changed


def test_editing_on_the_page_in_finnish_and_english(world: Any) -> None:
    n = _propose(world)
    path = f"/initiatives/{n}"
    page = _get(world, "kadmin", path, "fi")
    assert "Muokkaa hanketta" in page.text and "Ehdotti hanketta ”Shared depot”" in page.text
    assert 'data-testid="edit"' not in _get(world, "kmember", path, "fi").text
    form = {"by": "kuusi", "title": "Yhteinen varasto", "goal": "", "value": "2 000,5"}
    refused = _post(world, "kadmin", f"{path}/edit", {**form, "title": " "}, "fi")
    assert refused.status_code == 422 and "Otsikko" in refused.text
    assert _show(world, n)["version"] == 1
    done = _post(world, "kadmin", f"{path}/edit", {**form, "remove": "lab"}, "fi")
    assert done.status_code == 303 and done.headers["location"] == f"{path}#history"
    shown = _show(world, n)
    assert shown["title"] == "Yhteinen varasto" and shown["expected_value"] == 2000.5
    assert "lab" not in shown["parties"]
    assert _get(world, "labadmin", path).status_code == 404
    fi = _get(world, "kadmin", path, "fi").text
    assert "Otsikko muuttui: ”Shared depot” → ”Yhteinen varasto”" in fi
    assert "Perui kutsun: Lab Oy" in fi and "(Kadmin)" in fi
    en = _get(world, "kadmin", path, "en").text
    assert "Title changed from “Shared depot” to “Yhteinen varasto”" in en
    assert "Withdrew the invitation of Lab Oy" in en
    # The same form sent again changes nothing: no new version.
    assert _post(world, "kadmin", f"{path}/edit", form, "fi").status_code == 303
    assert _show(world, n)["version"] == 2
    # A party that accepted edits the goal; only the proposer changes who is invited.
    assert (
        _post(world, "fac", f"{path}/step", {"step": "accept", "by": "pakkaus"}).status_code == 303
    )
    goal = {"by": "pakkaus", "title": "Yhteinen varasto", "goal": "Puolet varastosta", "value": ""}
    assert _post(world, "fac", f"{path}/edit", goal).status_code == 303
    assert _show(world, n)["history"][-1]["by"] == "pakkaus"
    invite = {**goal, "add": "lab"}
    assert _post(world, "fac", f"{path}/edit", invite).status_code == 422


def test_editing_on_the_command_line(cli: Any) -> None:
    doc = {
        "format": "winwin/1",
        "organizations": [{"key": k, "name": k} for k in ("kuusi", "pakkaus", "meijeri")],
    }
    assert cli("import", "-", stdin=json.dumps(doc)).code == 0
    made = cli("initiative", "propose", "--by", "kuusi", "--with", "pakkaus", "--title", "Pool")
    assert made.code == 0, made.err
    edited = cli(
        "initiative",
        "edit",
        "1",
        "--by",
        "kuusi",
        "--title",
        "Pallet pool",
        "--expected-value",
        "500",
        "--add",
        "meijeri",
        "--json",
    )
    assert edited.code == 0, edited.err
    shown = edited.json()
    assert shown["version"] == 2 and shown["parties"]["meijeri"] == "invited"
    assert [h["change"] for h in shown["history"]] == ["proposed", "edited"]
    assert shown["history"][1]["by"] == "kuusi" and shown["history"][1]["person"] is None
    for args, field in (
        (["--remove", "kuusi"], "remove"),
        (["--add", "pakkaus"], "add"),
        (["--title", ""], "title"),
        ([], "by"),
        (["--expected-value", "nan"], "expected_value"),
    ):
        refused = cli("initiative", "edit", "1", "--by", "kuusi", *args, "--json")
        assert refused.code == 2 and field in refused.err, (args, refused.err)
        assert refused.out == ""
        assert cli("initiative", "show", "1", "--json").json() == shown
    assert cli("initiative", "edit", "1", "--by", "pakkaus", "--goal", "x").code == 2
    removed = cli("initiative", "edit", "1", "--by", "kuusi", "--remove", "meijeri", "--json")
    assert removed.code == 0 and set(removed.json()["parties"]) == {"kuusi", "pakkaus"}
    assert removed.json()["history"][-1]["details"] == {"removed": ["meijeri"]}
