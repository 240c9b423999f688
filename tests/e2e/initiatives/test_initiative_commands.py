"""``winwin initiative …`` as the contract states it, on both databases; refusals exit 2,
name the field and leave the stored initiative exactly as it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DOC = {
    "format": "winwin/1",
    "organizations": [{"key": k, "name": k} for k in ("kuusi", "pakkaus", "meijeri")],
}
GAME = {
    "type": "table",
    "players": ["kuusi", "meijeri", "pakkaus"],
    "values": {
        "": 0,
        "kuusi": 10,
        "meijeri": 10,
        "pakkaus": 20,
        "kuusi,meijeri": 30,
        "kuusi,pakkaus": 40,
        "meijeri,pakkaus": 40,
        "kuusi,meijeri,pakkaus": 90,
    },
}


@pytest.fixture
def run(cli: Any) -> Any:
    assert cli("import", "-", stdin=json.dumps(DOC)).code == 0
    return cli


def _show(run: Any, n: int) -> dict[str, Any]:
    shown = run("initiative", "show", str(n), "--json")
    assert shown.code == 0, shown.err
    return shown.json()  # type: ignore[no-any-return]


def test_from_proposal_to_a_frozen_agreement(run: Any, tmp_path: Path) -> None:
    game = tmp_path / "game.json"
    game.write_text(json.dumps(GAME))
    proposed = run(
        "initiative",
        "propose",
        "--by",
        "kuusi",
        "--with",
        "pakkaus,meijeri",
        "--title",
        "Pallet pool",
        "--json",
    )
    assert proposed.code == 0, proposed.err
    doc = proposed.json()
    n = doc["id"]
    assert {
        k: doc[k]
        for k in ("title", "state", "parties", "method", "shares", "version", "agreed_version")
    } == {
        "title": "Pallet pool",
        "state": "proposed",
        "parties": {"kuusi": "accepted", "meijeri": "invited", "pakkaus": "invited"},
        "method": None,
        "shares": None,
        "version": 1,
        "agreed_version": None,
    }
    assert doc["contributions"] == {"kuusi": [], "meijeri": [], "pakkaus": []}

    before = _show(run, n)
    refused = run("initiative", "model", str(n), str(game), "--method", "shapley")
    assert refused.code == 2 and "error: ID:" in refused.err  # not everyone has accepted
    assert _show(run, n) == before

    assert run("initiative", "accept", "--by", "pakkaus", str(n)).code == 0
    assert run("initiative", "accept", "--by", "meijeri", str(n)).code == 0
    assert (
        run(
            "initiative",
            "contribute",
            "--by",
            "pakkaus",
            str(n),
            "--amount",
            "5000",
            "--currency",
            "EUR",
        ).code
        == 0
    )
    modelled = run("initiative", "model", str(n), str(game), "--method", "shapley", "--json").json()
    assert modelled["state"] == "modelled" and modelled["version"] == 3
    assert sum(modelled["shares"].values()) == pytest.approx(90)
    assert modelled["shares"]["pakkaus"] == pytest.approx(110 / 3)
    for org in ("kuusi", "pakkaus", "meijeri"):
        assert run("initiative", "agree", "--by", org, str(n)).code == 0
    agreed = _show(run, n)
    assert (agreed["state"], agreed["agreed_version"]) == ("agreed", 3)
    assert agreed["agreement"]["shares"] == agreed["shares"]
    assert agreed["contributions"]["pakkaus"] == [{"amount": 5000.0, "currency": "EUR"}]

    # A change reopens acceptance; the frozen agreement stays as it was.
    assert run("initiative", "model", str(n), str(game), "--method", "nucleolus").code == 0
    changed = _show(run, n)
    assert (changed["state"], changed["version"], changed["agreed_version"]) == ("modelled", 4, 3)
    assert changed["agreement"] == agreed["agreement"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["accept", "--by", "kuusi"], "by"),  # the proposer has accepted already
        (["accept", "--by", "ghost"], "by"),
        (["contribute", "--by", "pakkaus", "--amount", "5"], "by"),  # not accepted yet
        (["contribute", "--by", "kuusi", "--amount", "-5"], "amount"),
        (["contribute", "--by", "kuusi", "--amount", "5", "--currency", "EURO"], "currency"),
        (["agree", "--by", "kuusi"], "ID"),  # no model yet
    ],
)
def test_refusals_exit_2_name_the_field_and_change_nothing(
    run: Any, args: list[str], field: str
) -> None:
    n = run(
        "initiative", "propose", "--by", "kuusi", "--with", "pakkaus", "--title", "T", "--json"
    ).json()["id"]
    before = _show(run, n)
    refused = run("initiative", *args, str(n))
    assert refused.code == 2, refused.err
    assert f"error: {field}:" in refused.err
    assert _show(run, n) == before
    assert run("initiative", "show", "999").code == 2
