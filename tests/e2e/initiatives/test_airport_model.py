"""The airport rule as an initiative's sharing model through every door, on both
databases: each party's own cost of the infrastructure it alone would need, shares by
the airport rule, explained on the page in Finnish and English with whether they lie in
the core; the agreement freezes it, and it travels in the network document. A refused
step names the field and changes nothing."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from e2e.actions.test_actions_doors import _get, _post
from support.cli import run as run_at
from support.document_model import canonical
from winwin.accounts.access import operator
from winwin.db.engine import session_factory
from winwin.reports import service as reports

ORGS = ("kuusi", "meijeri", "pakkaus")
# Alone: meijeri needs 60, pakkaus 120, kuusi 300. The first 60 is split by three (20
# each), the next 60 by two (30 each), the last 180 is kuusi's alone.
COSTS = {"kuusi": 300.0, "meijeri": 60.0, "pakkaus": 120.0}
SHARES = {"kuusi": 230.0, "meijeri": 20.0, "pakkaus": 50.0}
AIRPORT = {"type": "airport", "costs": COSTS}
TABLE = {
    "type": "table",
    "players": list(ORGS),
    "values": {
        "": 0,
        **dict.fromkeys(ORGS, 1),
        **dict.fromkeys(("kuusi,meijeri", "kuusi,pakkaus", "meijeri,pakkaus"), 2),
        "kuusi,meijeri,pakkaus": 3,
    },
}


def _show(cli: Any, n: int) -> dict[str, Any]:
    shown = cli("initiative", "show", str(n), "--json")
    assert shown.code == 0, shown.err
    return shown.json()  # type: ignore[no-any-return]


def _accepted(cli: Any) -> int:
    doc = {"format": "winwin/1", "organizations": [{"key": k, "name": k} for k in ORGS]}
    assert cli("import", "-", stdin=json.dumps(doc)).code == 0
    made = cli(
        "initiative", "propose", "--by", "kuusi", "--with", "pakkaus,meijeri",
        "--title", "Shared runway", "--json",
    )  # fmt: skip
    assert made.code == 0, made.err
    n = int(made.json()["id"])
    for org in ("pakkaus", "meijeri"):
        assert cli("initiative", "accept", "--by", org, str(n)).code == 0
    return n


@pytest.mark.parametrize(
    ("game", "field"),
    [
        (TABLE, "error: method:"),  # the airport rule shares a cost
        ({"type": "airport", "costs": {**COSTS, "kuusi": -1.0}}, "costs.kuusi"),
        ({"type": "airport", "costs": {"kuusi": 1.0, "pakkaus": 2.0}}, "error: GAME:"),
    ],
)
def test_a_refused_airport_model_names_the_field_and_changes_nothing(
    cli: Any, tmp_path: Path, game: dict[str, Any], field: str
) -> None:
    n = _accepted(cli)
    before = _show(cli, n)
    path = tmp_path / "game.json"
    path.write_text(json.dumps(game))
    refused = cli("initiative", "model", str(n), str(path), "--method", "airport")
    assert refused.code == 2, refused.err
    assert field in refused.err
    assert _show(cli, n) == before


def test_the_airport_rule_from_the_command_line_to_the_frozen_agreement_and_the_document(
    cli: Any, tmp_path: Path
) -> None:
    n = _accepted(cli)
    modelled = cli("initiative", "model", str(n), "-", "--method", "airport", "--json",
                   stdin=json.dumps(AIRPORT))  # fmt: skip
    assert modelled.code == 0, modelled.err
    doc = modelled.json()
    assert (doc["method"], doc["in_core"], doc["state"]) == ("airport", True, "modelled")
    assert doc["shares"] == pytest.approx(SHARES)
    for org in ORGS:
        assert cli("initiative", "agree", "--by", org, str(n)).code == 0
    agreed = _show(cli, n)
    frozen = agreed["agreement"]
    assert (frozen["method"], frozen["game"], frozen["in_core"]) == ("airport", AIRPORT, True)
    assert frozen["shares"] == pytest.approx(SHARES)

    exported = cli("export").json()
    entry = exported["initiatives"][0]
    assert (entry["method"], entry["game"]) == ("airport", AIRPORT)
    again = cli("import", "-", "--json", stdin=json.dumps(exported))
    assert again.code == 0, again.err
    assert again.json()["updated"]["initiatives"] == 0
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert run_at(other, "import", "-", stdin=json.dumps(exported)).code == 0
    assert canonical(run_at(other, "export").json()) == canonical(exported)
    assert run_at(other, "initiative", "show", "1", "--json").json()["method"] == "airport"

    # A document that pairs the airport rule with a value game, or whose costs are
    # hostile, is refused naming the field, and nothing is imported.
    at = "initiatives[0]"
    hostile = [
        ("game", TABLE, f"{at}.method"),
        ("game", {"type": "airport", "costs": {**COSTS, "kuusi": "300"}}, f"{at}.game.costs.kuusi"),
        (
            "game",
            {"type": "airport", "costs": {**COSTS, "pakkaus": -5}},
            f"{at}.game.costs.pakkaus",
        ),
        ("game", {"type": "airport", "costs": {**COSTS, "kuusi": 1e300}}, f"{at}.game.costs.kuusi"),
        ("game", {"type": "airport", "costs": {**COSTS, "ghost": 1}}, f"{at}.game"),
        ("method", "runway", f"{at}.method"),
    ]
    for name, value, place in hostile:
        changed = copy.deepcopy(exported)
        changed["initiatives"][0]["key"] = "other"
        changed["initiatives"][0].pop("agreements")
        changed["initiatives"][0].pop("agreed_version")
        for party in changed["initiatives"][0]["parties"]:
            party.pop("agreed_version", None)
        changed["initiatives"][0][name] = value
        refused = cli("import", "-", stdin=json.dumps(changed))
        assert refused.code == 2, (name, value, refused.err)
        assert place in refused.err, refused.err
    assert cli("export").json() == exported


def test_the_airport_rule_on_the_pages_over_rest_and_in_the_agreement(world: Any) -> None:
    made = world.call(
        "kadmin", "POST", "/api/v1/initiatives",
        json={"by": "kuusi", "with": ["pakkaus"], "title": "Yhteinen kiitotie"},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    n = made.json()["id"]
    path = f"/initiatives/{n}"
    assert world.call("fac", "POST", f"/api/v1{path}/accept", json={"by": "pakkaus"}).is_success

    # REST: a value game for the airport rule is refused naming the method.
    synergy = {"type": "synergy", "standalone": {"kuusi": 1.0, "pakkaus": 1.0}}
    refused = world.call(
        "kadmin", "PUT", f"/api/v1{path}/model", json={"game": synergy, "method": "airport"}
    )
    assert refused.status_code == 422 and "method" in refused.text
    airport = {"type": "airport", "costs": {"kuusi": 100, "pakkaus": 40}}
    rest = world.call(
        "kadmin", "PUT", f"/api/v1{path}/model", json={"game": airport, "method": "airport"}
    )
    assert rest.status_code == 200, rest.text
    assert rest.json()["shares"] == {"kuusi": 80.0, "pakkaus": 20.0}

    # The page: each party's own cost in a form; a bad amount names its field.
    page = _get(world, "kadmin", path, "fi")
    assert 'data-testid="set-airport"' in page.text and 'name="cost-pakkaus"' in page.text
    costs = {"cost-kuusi": "1 000", "cost-pakkaus": "paljon"}
    bad = _post(world, "kadmin", f"{path}/step", {"step": "airport", **costs}, "fi")
    assert bad.status_code == 422 and "costs.pakkaus" in bad.text
    assert world.call("root", "GET", f"/api/v1{path}").json()["shares"] == {
        "kuusi": 80.0,
        "pakkaus": 20.0,
    }
    set_ = _post(world, "kadmin", f"{path}/step",
                 {"step": "airport", "cost-kuusi": "1 000,50", "cost-pakkaus": "400"})  # fmt: skip
    assert set_.status_code == 303, set_.text
    for lang, words, core, share in (
        ("en", "Airport rule:", "The cost shares are in the core", "Share of the cost"),
        ("fi", "Lentokenttäsääntö:", "Kustannusosuudet ovat ytimessä", "Osuus kustannuksesta"),
    ):
        page = _get(world, "kmember", path, lang)
        assert words in page.text and core in page.text and share in page.text
        assert 'data-testid="airport-layers"' in page.text
        # 400 split by two (200 each), the remaining 600.50 is kuusi's alone.
        assert 'data-testid="share-kuusi">800' in page.text
        assert 'data-testid="share-pakkaus">200' in page.text
        assert 'data-testid="alone-kuusi">1' in page.text

    for who, by in (("kadmin", "kuusi"), ("fac", "pakkaus")):
        agreed = _post(world, who, f"{path}/step", {"step": "agree", "by": by})
        assert agreed.status_code == 303
    shown = world.call("kmember", "GET", f"/api/v1{path}").json()
    assert shown["state"] == "agreed" and shown["agreement"]["method"] == "airport"
    assert shown["agreement"]["game"] == {
        "type": "airport",
        "costs": {"kuusi": 1000.5, "pakkaus": 400.0},
    }
    page = _get(world, "kmember", path, "fi")
    agreement = page.text.split('data-testid="agreement"', 1)[1]
    assert "Lentokenttäsääntö:" in agreement and 'data-testid="airport-layers"' in agreement
    with session_factory(world.engine)() as session:
        words = reports.agreement_data(session, actor=operator(), initiative_id=n, locale="fi")
    assert words["method"].startswith("Lentokenttäsääntö:")
    assert "Osuus kustannuksesta" in words["header"]
    assert words["core"].startswith("Kustannusosuudet ovat ytimessä")
