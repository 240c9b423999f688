"""The REST routes that change an initiative match the command line, on both databases:
only who acts for ``by`` may change it (403), whoever may not read it gets 404, a change
after the agreement reopens acceptance and leaves the frozen agreement as it was, and a
refused change leaves the initiative exactly as it was."""

from __future__ import annotations

from typing import Any

GAME = {
    "type": "table",
    "players": ["kuusi", "pakkaus"],
    "values": {"": 0, "kuusi": 10, "pakkaus": 20, "kuusi,pakkaus": 50},
}


def _show(world: Any, n: int) -> dict[str, Any]:
    response = world.call("root", "GET", f"/api/v1/initiatives/{n}")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_the_loop_through_rest_and_who_may_take_each_step(world: Any) -> None:
    proposal = {"by": "kuusi", "with": ["pakkaus"], "title": "Shared depot", "goal": "Less stock"}
    assert (
        world.call(
            "kadmin", "POST", "/api/v1/initiatives", json={**proposal, "by": "pakkaus"}
        ).status_code
        == 403
    )
    assert world.call("kmember", "POST", "/api/v1/initiatives", json=proposal).status_code == 403
    made = world.call("kadmin", "POST", "/api/v1/initiatives", json=proposal)
    assert made.status_code == 201, made.text
    n = made.json()["id"]
    assert made.json()["parties"] == {"kuusi": "accepted", "pakkaus": "invited"}
    base = f"/api/v1/initiatives/{n}"

    before = _show(world, n)
    assert (
        world.call("labadmin", "POST", f"{base}/accept", json={"by": "pakkaus"}).status_code == 404
    )
    assert (
        world.call("kmember", "POST", f"{base}/accept", json={"by": "pakkaus"}).status_code == 403
    )
    assert world.call("kadmin", "POST", f"{base}/accept", json={"by": "pakkaus"}).status_code == 403
    early = world.call("kadmin", "PUT", f"{base}/model", json={"game": GAME, "method": "shapley"})
    assert early.status_code == 400 and _show(world, n) == before

    accepted = world.call("fac", "POST", f"{base}/accept", json={"by": "pakkaus"})
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    bad = world.call("kadmin", "POST", f"{base}/contributions", json={"by": "kuusi", "amount": -5})
    assert bad.status_code == 422 and "amount" in bad.text
    assert _show(world, n)["version"] == 1
    given = world.call(
        "kadmin",
        "POST",
        f"{base}/contributions",
        json={"by": "kuusi", "amount": 100, "currency": "eur"},
    )
    assert given.status_code == 200 and given.json()["version"] == 2
    modelled = world.call(
        "kadmin", "PUT", f"{base}/model", json={"game": GAME, "method": "shapley"}
    )
    assert modelled.status_code == 200
    shares = modelled.json()["shares"]
    assert shares == {"kuusi": 20.0, "pakkaus": 30.0} and modelled.json()["in_core"] is True

    assert world.call("kadmin", "POST", f"{base}/agree", json={"by": "kuusi"}).status_code == 200
    agreed = world.call("fac", "POST", f"{base}/agree", json={"by": "pakkaus"}).json()
    assert agreed["state"] == "agreed" and agreed["agreed_version"] == agreed["version"] == 3
    frozen = agreed["agreement"]

    # A change after the agreement makes a new version that awaits everyone again.
    again = world.call(
        "fac", "POST", f"{base}/contributions", json={"by": "pakkaus", "amount": 50}
    ).json()
    assert again["version"] == 4 and again["state"] == "modelled"
    assert again["agreed_version"] == 3 and again["agreement"] == frozen
    assert world.call(None, "POST", f"{base}/agree", json={"by": "kuusi"}).status_code == 401
