"""Realised results by command, REST and page on both databases: only once agreed, split
in the agreed proportions, shown against the agreed shares; the agreement stays as it was,
and a refused result stores nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from e2e.actions.test_actions_doors import _get, _post
from e2e.initiatives.test_initiative_commands import DOC, GAME


def _agreed(cli: Any, tmp_path: Path) -> int:
    assert cli("import", "-", stdin=json.dumps(DOC)).code == 0
    game = tmp_path / "game.json"
    game.write_text(json.dumps(GAME))
    n = cli(
        "initiative",
        "propose",
        "--by",
        "kuusi",
        "--with",
        "pakkaus,meijeri",
        "--title",
        "Pool",
        "--json",
    ).json()["id"]
    for org in ("pakkaus", "meijeri"):
        assert cli("initiative", "accept", str(n), "--by", org).code == 0
    assert cli("initiative", "model", str(n), str(game), "--method", "shapley").code == 0
    early = cli("initiative", "result", str(n), "--by", "kuusi", "--amount", "10", "--json")
    assert early.code == 2 and "ID" in early.err
    for org in ("kuusi", "pakkaus", "meijeri"):
        assert cli("initiative", "agree", str(n), "--by", org).code == 0
    return int(n)


def test_the_command_records_a_result_split_as_agreed(cli: Any, tmp_path: Path) -> None:
    n = _agreed(cli, tmp_path)
    before = cli("initiative", "show", str(n), "--json").json()
    assert before["result"] is None
    bad = cli("initiative", "result", str(n), "--by", "kuusi", "--amount", "-1", "--json")
    assert bad.code == 2 and "amount" in bad.err
    assert cli("initiative", "show", str(n), "--json").json() == before
    done = cli("initiative", "result", str(n), "--by", "pakkaus", "--amount", "45", "--json")
    assert done.code == 0, done.err
    after = done.json()
    result = after["result"]
    shares = before["shares"]
    assert result["realised"] == 45 and result["by"] == "pakkaus" and result["agreed"] == shares
    total = sum(shares.values())
    for key, share in shares.items():
        assert abs(result["final"][key] - share / total * 45) < 1e-9
    assert abs(sum(result["final"].values()) - 45) < 1e-9
    # The agreement itself never changes.
    assert after["agreement"] == before["agreement"]
    assert after["version"] == before["version"] == after["agreed_version"]


GAME2 = {
    "type": "table",
    "players": ["kuusi", "pakkaus"],
    "values": {"": 0, "kuusi": 10, "pakkaus": 20, "kuusi,pakkaus": 50},
}


def test_rest_and_the_page_record_and_show_the_result(world: Any) -> None:
    from winwin.accounts.access import operator
    from winwin.db.engine import session_factory, unit_of_work
    from winwin.initiatives import service as initiatives

    with unit_of_work(session_factory(world.engine)) as session:
        n = initiatives.propose(
            session, by="kuusi", with_=["pakkaus"], title="Depot", actor=operator()
        ).id
        initiatives.answer(session, initiative_id=n, by="pakkaus", accept=True, actor=operator())
        initiatives.set_model(
            session, initiative_id=n, game=GAME2, method="shapley", actor=operator()
        )
        for org in ("kuusi", "pakkaus"):
            initiatives.agree(session, initiative_id=n, by=org, actor=operator())
    base = f"/api/v1/initiatives/{n}/results"
    assert (
        world.call("labadmin", "POST", base, json={"by": "kuusi", "amount": 40}).status_code == 404
    )
    assert (
        world.call("kmember", "POST", base, json={"by": "kuusi", "amount": 40}).status_code == 403
    )
    done = world.call("kadmin", "POST", base, json={"by": "kuusi", "amount": 40})
    assert done.status_code == 200 and done.json()["result"]["final"] == {
        "kuusi": 16.0,
        "pakkaus": 24.0,
    }
    posted = _post(
        world, "fac", f"/initiatives/{n}/step", {"step": "result", "by": "pakkaus", "amount": "60"}
    )
    assert posted.status_code == 303
    for lang, heading in (("en", "Realised result"), ("fi", "Toteutunut tulos")):
        page = _get(world, "kmember", f"/initiatives/{n}", lang)
        assert heading in page.text
        assert 'data-testid="final-kuusi">24' in page.text
        assert 'data-testid="final-pakkaus">36' in page.text
