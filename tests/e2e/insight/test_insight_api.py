"""`/api/v1/pairs`, `/api/v1/share` and `/api/v1/clusters` over HTTP, on both databases."""

from __future__ import annotations

import copy

import pytest

from e2e.insight.documents import AIRPORT, CROSSED_GAME


def _as(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


def test_network_pairs_answer_as_the_command_does(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    response = client.get("/api/v1/pairs", headers=_as(tokens, "admin"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["pairs"] == [["kemi", "kuusi"], ["pinta", "gran"]]
    assert body["stable"] is True


def test_a_member_sees_only_the_pairs_of_its_own_organisation(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    body = client.get("/api/v1/pairs?explain=true", headers=_as(tokens, "pinta")).json()
    assert body["pairs"] == [["pinta", "gran"]]
    assert body["why"][0]["meets_customer"] == ["barrier coatings"]
    assert body["stable"] is True  # the whole matching is stable, not only the shown part


def test_insight_needs_a_signed_in_person(api) -> None:  # type: ignore[no-untyped-def]
    client, _ = api
    assert client.get("/api/v1/pairs").status_code == 401
    assert client.get("/api/v1/clusters").status_code == 401
    assert client.post("/api/v1/share", json=AIRPORT).status_code == 401


def test_a_posted_matching_game_is_solved_for_the_side_asked(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    response = client.post(
        "/api/v1/pairs?optimal=customers", json=CROSSED_GAME, headers=_as(tokens, "pinta")
    )
    assert response.status_code == 200, response.text
    assert response.json()["pairs"] == [["a", "y"], ["b", "x"]]


def test_a_bad_matching_game_is_422_naming_the_path(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    game = copy.deepcopy(CROSSED_GAME)
    game["suppliers"]["a"]["capacity"] = -1
    response = client.post("/api/v1/pairs", json=game, headers=_as(tokens, "pinta"))
    assert response.status_code == 422
    assert "suppliers.a.capacity" in response.text


def test_a_posted_game_is_shared_by_the_method_asked(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    response = client.post(
        "/api/v1/share?method=nucleolus", json=AIRPORT, headers=_as(tokens, "pinta")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["allocation"] == pytest.approx({"small": 0.5, "medium": 0.75, "large": 2.75})
    assert body["in_core"] is True and body["kind"] == "cost"


def test_a_bad_game_is_422_and_an_unknown_method_too(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    bad = client.post(
        "/api/v1/share", json={"type": "airport", "costs": {"a": -3}}, headers=_as(tokens, "admin")
    )
    assert bad.status_code == 422 and "costs.a" in bad.text
    unknown = client.post("/api/v1/share?method=dice", json=AIRPORT, headers=_as(tokens, "admin"))
    assert unknown.status_code == 422


def test_clusters_show_outside_reach_only_for_ones_own_organisation(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    admin = client.get("/api/v1/clusters?seed=4", headers=_as(tokens, "admin")).json()
    member = client.get("/api/v1/clusters?seed=4", headers=_as(tokens, "pinta")).json()
    assert admin["outside_reach"] == {"pinta": 0.5, "kuusi": 1.0}
    assert member["outside_reach"] == {"pinta": 0.5}
    assert admin["brokers"] and admin["brokers"][0]["org"] == "kuusi"
    # pinta may learn of its partner kemi and its customer kuusi, nothing beyond them.
    assert (admin["scope"], member["scope"]) == ("everything", "own")
    assert member["sizes"] == admin["sizes"] == [len(c) for c in admin["communities"]]
    own = admin["communities"][member["own_community"]]
    assert member["communities"] == [[k for k in own if k in {"kemi", "kuusi", "pinta"}]]
    assert member["unnamed"] == len(own) - len(member["communities"][0])
    assert {b["org"] for b in member["brokers"]} <= {"kemi", "kuusi", "pinta"}
    named = {k for members in member["declared"].values() for k in members}
    assert named <= {"kemi", "kuusi", "pinta"}
    assert member["declared_sizes"] == {c: len(m) for c, m in admin["declared"].items()}


def test_a_sampled_share_too_big_for_one_request_is_refused(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    game = {"type": "synergy", "standalone": {f"p{i}": 1 for i in range(400)}, "synergy": []}
    response = client.post("/api/v1/share?samples=100000", json=game, headers=_as(tokens, "admin"))
    assert response.status_code == 400
    assert "samples" in response.text


def test_recommendations_rank_partners_on_both_sides(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    response = client.get("/api/v1/pairs/recommendations?org=kuusi", headers=_as(tokens, "admin"))
    assert response.status_code == 200, response.text
    body = response.json()
    # kuusi buys from kemi (pinta is tied already); it supplies nobody it is not tied to.
    assert [r["partner"] for r in body["recommendations"]] == ["kemi"]
    assert body["recommendations"][0]["pair"] == ["kemi", "kuusi"]


def test_recommendations_for_another_organisation_are_forbidden(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    headers = _as(tokens, "pinta")
    assert client.get("/api/v1/pairs/recommendations?org=kuusi", headers=headers).status_code == 403
    assert client.get("/api/v1/pairs/recommendations?org=nope", headers=headers).status_code == 404


def test_a_seed_out_of_range_is_422(api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    response = client.get(f"/api/v1/clusters?seed={2**64}", headers=_as(tokens, "admin"))
    assert response.status_code == 422
