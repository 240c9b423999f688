"""Agreements between partners: the partner is told of a proposal, either side proposes
to revise or end one, the other side decides, and the pair's page keeps the history
(both databases, REST and pages in Finnish)."""

from __future__ import annotations

from typing import Any

from e2e.sharing.test_sharing_pages import pages  # noqa: F401 (the fixture)


def propose(world: Any, who: str, partner: str, topics: list[str]) -> int:
    made = world.call(
        who, "POST", "/api/v1/agreements/proposals", json={"partner": partner, "topics": topics}
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def answer(world: Any, who: str, pid: int, verb: str = "accept") -> int:
    return int(world.call(who, "POST", f"/api/v1/agreements/proposals/{pid}/{verb}").status_code)


def told(world: Any, who: str) -> list[dict[str, Any]]:
    inbox = world.call(who, "GET", "/api/v1/notifications").json()
    return [n for n in inbox["notifications"] if n["kind"].startswith("agreement")]


def test_the_partner_is_told_of_a_proposal_and_the_proposer_of_the_answer(app_world) -> None:  # type: ignore[no-untyped-def]
    pid = propose(app_world, "kuusi", "lab", ["enzyme"])
    (note,) = told(app_world, "lab")
    assert (note["kind"], note["agreement"], note["detail"]) == ("agreement", "kuusi", "add")
    assert note["title"] == "Kuusi Paper Oy"
    # The proposer is not told of its own proposal.
    assert told(app_world, "kuusi") == []
    assert answer(app_world, "lab", pid) == 204
    # Gran is no side: it learns nothing.
    assert told(app_world, "gran") == []


def test_either_side_revises_and_ends_with_the_other_s_consent_and_the_history_stays(
    app_world,
) -> None:  # type: ignore[no-untyped-def]
    call = app_world.call
    assert answer(app_world, "lab", propose(app_world, "kuusi", "lab", ["enzyme"])) == 204
    revised = call("lab", "POST", "/api/v1/agreements/kuusi/revisions", json={"topics": ["recipe"]})
    assert revised.status_code == 201, revised.text
    # Nothing changes before Kuusi accepts.
    assert call("kuusi", "GET", "/api/v1/agreements/lab").json()["secret_topics"] == ["enzyme"]
    assert answer(app_world, "lab", revised.json()["id"]) == 403
    assert answer(app_world, "kuusi", revised.json()["id"]) == 204
    now = call("kuusi", "GET", "/api/v1/agreements/lab").json()
    assert now["active"] and now["secret_topics"] == ["recipe"]
    ending = call("kuusi", "POST", "/api/v1/agreements/lab/ending")
    assert ending.status_code == 201
    assert answer(app_world, "lab", ending.json()["id"]) == 204
    after = call("lab", "GET", "/api/v1/agreements/kuusi").json()
    assert after["active"] is False and after["secret_topics"] == []
    history = [(h["kind"], h["proposed_by"], h["status"], h["topics"]) for h in after["history"]]
    assert history == [
        ("end", "kuusi", "accepted", ["recipe"]),
        ("revise", "lab", "accepted", ["recipe"]),
        ("add", "kuusi", "accepted", ["enzyme"]),
    ]
    assert all(h["proposed_at"] and h["decided_at"] for h in after["history"])
    assert after["history"][1]["proposed_by_person"] == "Lab Member"
    # Once ended, there is nothing left to revise or end.
    assert call("lab", "POST", "/api/v1/agreements/kuusi/ending").status_code == 404
    # A third organisation reads nothing of the pair.
    assert call("gran", "GET", "/api/v1/agreements/kuusi").status_code == 404


def test_a_revision_must_change_the_topics(app_world) -> None:  # type: ignore[no-untyped-def]
    assert answer(app_world, "lab", propose(app_world, "kuusi", "lab", ["enzyme"])) == 204
    same = app_world.call(
        "kuusi", "POST", "/api/v1/agreements/lab/revisions", json={"topics": ["Enzyme"]}
    )
    assert same.status_code == 422
    (problem,) = same.json()["problems"]
    assert problem == {
        "path": "topics",
        "message": "these are the agreement's topics already",
        "code": "sharing.same_topics",
    }


def test_agreements_are_in_the_main_menu_and_the_page_shows_the_history_in_finnish(
    pages,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    kuusi = pages("member@kuusi.example", "fi")
    home = kuusi.client.get("/feed")
    assert '<a href="/agreements">Sopimukset</a>' in home.text
    page = kuusi.client.get("/agreements/with/pakkaus")
    assert page.status_code == 200
    assert "Nyt voimassa" in page.text and "recipe" in page.text
    done = kuusi.post(
        "/agreements/with/pakkaus/revise",
        {"topics": "recipe, barrier-formula, hinnoittelu"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = kuusi.client.get(done.headers["location"])
    assert "Muutosta ehdotettiin" in page.text
    assert "Odottaa vastausta" in page.text
    assert "Mikko Mänty" in page.text
    refused = kuusi.post("/agreements/with/pakkaus/revise", {"topics": "  "})
    assert refused.status_code == 422
