"""The open innovation REST API on both databases: Kuusi asks, its partner Lab answers.

Far (no tie) and Gran (Kuusi's competitor) stand outside a partners-only entry: for them
it does not exist, to read or to take part in.
"""

from __future__ import annotations

from typing import Any

from e2e.innovation.conftest import email_of

API = "/api/v1/innovation"


def create(world: Any, who: str, kind: str, key: str, **fields: Any) -> Any:
    body = {
        "kind": kind,
        "key": key,
        "title": f"{kind.title()} {key}",
        "body": "What can **fibre** do?",
        "audience": {"level": "partners"},
        **fields,
    }
    return world.call(who, "POST", API, json=body)


def listed(world: Any, who: str | None, **params: Any) -> list[str]:
    path = API if who else "/api/v1/public/innovation"
    response = world.call(who, "GET", path, params=params)
    assert response.status_code == 200, response.text
    return [e["key"] for e in response.json()["entries"]]


def entry(world: Any, who: str, key: str) -> dict[str, Any]:
    response = world.call(who, "GET", f"{API}/{key}")
    assert response.status_code == 200, response.text
    return response.json()


def problem(response: Any, status: int) -> dict[str, str]:
    assert response.status_code == status, response.text
    (first,) = response.json()["problems"]
    return first


def test_a_partner_answers_a_challenge_with_an_idea(world) -> None:  # type: ignore[no-untyped-def]
    made = create(world, "kuusi", "challenge", "kuusi-wrap", topics=["packaging"])
    assert made.status_code == 201, made.text
    assert made.json() == {
        "key": "kuusi-wrap",
        "kind": "challenge",
        "stage": "open",
        "warnings": [],
    }

    idea = create(world, "lab", "idea", "lab-fibre-wrap", challenge="kuusi-wrap")
    assert idea.status_code == 201, idea.text
    assert idea.json()["stage"] == "proposed"
    on_its_own = create(world, "lab", "idea", "lab-loose")
    assert on_its_own.status_code == 201

    challenge = entry(world, "kuusi", "kuusi-wrap")
    assert challenge["summary"]["kind"] == "challenge"
    assert challenge["summary"]["owner"] == "kuusi"
    assert challenge["summary"]["owner_name"] == "Kuusi Paper Oy"
    assert challenge["body_html"] == "<p>What can <strong>fibre</strong> do?</p>\n"
    assert challenge["topics"] == ["packaging"]
    assert [i["key"] for i in challenge["ideas"]] == ["lab-fibre-wrap"]
    assert challenge["history"][0]["from_stage"] is None
    assert challenge["history"][0]["to_stage"] == "open"
    assert challenge["next_stages"] == ["reviewing", "closed"]
    assert challenge["can_manage"] is True

    answering = entry(world, "kuusi", "lab-fibre-wrap")["summary"]
    assert answering["challenge"] == "kuusi-wrap"
    assert answering["owner"] == "lab"
    assert listed(world, "kuusi", challenge="kuusi-wrap") == ["lab-fibre-wrap"]
    assert listed(world, "kuusi", kind="idea") == ["lab-loose", "lab-fibre-wrap"]
    assert listed(world, "kuusi", kind="challenge") == ["kuusi-wrap"]
    assert listed(world, "lab", owner="kuusi") == ["kuusi-wrap"]


def test_creation_refusals_name_their_field_and_store_nothing(world) -> None:  # type: ignore[no-untyped-def]
    create(world, "kuusi", "idea", "kuusi-an-idea")
    cases = [
        ({"challenge": "nowhere"}, "idea", 422, "challenge"),
        ({"challenge": "kuusi-an-idea"}, "idea", 422, "challenge"),
        ({"challenge": "kuusi-an-idea"}, "challenge", 422, "challenge"),
        ({"audience": {"level": "direct", "orgs": ["far"]}}, "idea", 400, "audience.orgs"),
    ]
    for n, (fields, kind, status, path) in enumerate(cases):
        refused = create(world, "kuusi", kind, f"kuusi-refused-{n}", **fields)
        assert problem(refused, status)["path"] == path, fields
    malformed = world.call("kuusi", "POST", API, json={"kind": "wish", "title": "x"})
    assert malformed.status_code == 422
    extra = create(world, "kuusi", "idea", "kuusi-extra", reshare_of="kuusi-an-idea")
    assert extra.status_code == 422
    assert listed(world, "kuusi") == ["kuusi-an-idea"]


def test_outsiders_cannot_see_or_take_part_in_a_partners_only_idea(world) -> None:  # type: ignore[no-untyped-def]
    create(world, "kuusi", "idea", "kuusi-secret-ish")
    assert "kuusi-secret-ish" in listed(world, "lab")
    for outsider in ("far", "gran"):
        assert "kuusi-secret-ish" not in listed(world, outsider)
        assert world.call(outsider, "GET", f"{API}/kuusi-secret-ish").status_code == 404
        comment = world.call(
            outsider, "POST", f"{API}/kuusi-secret-ish/comments", json={"body": "hi"}
        )
        assert comment.status_code == 404
        assert world.call(outsider, "PUT", f"{API}/kuusi-secret-ish/vote").status_code == 404
        assert world.call(outsider, "DELETE", f"{API}/kuusi-secret-ish/vote").status_code == 404
        moved = world.call(
            outsider, "POST", f"{API}/kuusi-secret-ish/stage", json={"stage": "discussed"}
        )
        assert moved.status_code == 404
    # A 404 also for a key that does not exist at all: the two look the same.
    assert world.call("far", "GET", f"{API}/no-such-key").status_code == 404
    seen = entry(world, "kuusi", "kuusi-secret-ish")["summary"]
    assert (seen["votes"], seen["comments"], seen["stage"]) == (0, 0, "proposed")


def test_anonymous_readers_see_only_public_entries(world) -> None:  # type: ignore[no-untyped-def]
    create(world, "kuusi", "challenge", "kuusi-open-call", audience={"level": "public"})
    create(world, "kuusi", "idea", "kuusi-net-idea", audience={"level": "network"})
    create(world, "kuusi", "idea", "kuusi-partner-idea")
    assert listed(world, None) == ["kuusi-open-call"]
    assert listed(world, None, kind="idea") == []
    assert set(listed(world, "far")) == {"kuusi-open-call", "kuusi-net-idea"}
    assert world.call(None, "GET", API).status_code == 401
    assert world.call(None, "GET", f"{API}/kuusi-open-call").status_code == 401


def test_comments_render_inert_and_are_removed_by_author_or_owner(world) -> None:  # type: ignore[no-untyped-def]
    create(world, "kuusi", "idea", "kuusi-talk")
    text = "<script>alert(1)</script> <img src=x onerror=alert(2)> **good**"
    posted = world.call("lab", "POST", f"{API}/kuusi-talk/comments", json={"body": text})
    assert posted.status_code == 201, posted.text
    comment = posted.json()
    assert comment["author"] == "Lab Person"
    assert comment["org"] == "lab"
    assert comment["mine"] is True and comment["can_delete"] is True
    assert "<script" not in comment["body_html"]
    assert "<img" not in comment["body_html"]
    assert "&lt;script&gt;" in comment["body_html"]
    assert "<strong>good</strong>" in comment["body_html"]

    as_owner = entry(world, "kuusi", "kuusi-talk")
    (shown,) = as_owner["comments"]
    assert shown["id"] == comment["id"]
    assert shown["body_html"] == comment["body_html"]
    assert (shown["mine"], shown["can_delete"]) == (False, True)
    assert as_owner["summary"]["comments"] == 1
    (by_colleague,) = entry(world, "lab2", "kuusi-talk")["comments"]
    assert (by_colleague["mine"], by_colleague["can_delete"]) == (False, False)

    # A colleague of the author is neither its author nor the owner organisation.
    path = f"{API}/kuusi-talk/comments/{comment['id']}"
    assert world.call("lab2", "DELETE", path).status_code == 403
    assert world.call("far", "DELETE", path).status_code == 404
    assert world.call("lab", "DELETE", path).status_code == 204
    assert world.call("lab", "DELETE", path).status_code == 404

    second = world.call("lab", "POST", f"{API}/kuusi-talk/comments", json={"body": "again"}).json()
    assert (
        world.call("kuusi", "DELETE", f"{API}/kuusi-talk/comments/{second['id']}").status_code
        == 204
    )
    assert entry(world, "kuusi", "kuusi-talk")["comments"] == []


def test_an_empty_or_too_long_comment_is_refused_naming_body(world) -> None:  # type: ignore[no-untyped-def]
    create(world, "kuusi", "idea", "kuusi-quiet")
    for body in ("", "   \n ", "x" * 10_001, "a\x00b"):
        refused = world.call("lab", "POST", f"{API}/kuusi-quiet/comments", json={"body": body})
        assert problem(refused, 422)["path"] == "body"
    longest = world.call("lab", "POST", f"{API}/kuusi-quiet/comments", json={"body": "y" * 10_000})
    assert longest.status_code == 201
    assert (
        world.call("lab", "POST", f"{API}/kuusi-quiet/comments", json={"text": "x"}).status_code
        == 422
    )
    assert entry(world, "kuusi", "kuusi-quiet")["summary"]["comments"] == 1


def test_one_vote_per_person_and_it_can_be_taken_back(world) -> None:  # type: ignore[no-untyped-def]
    create(world, "kuusi", "idea", "kuusi-popular")
    assert world.call("lab", "PUT", f"{API}/kuusi-popular/vote").json() == {
        "votes": 1,
        "voted": True,
    }
    assert world.call("lab", "PUT", f"{API}/kuusi-popular/vote").json() == {
        "votes": 1,
        "voted": True,
    }
    assert world.call("lab2", "PUT", f"{API}/kuusi-popular/vote").json() == {
        "votes": 2,
        "voted": True,
    }

    def voted(who: str) -> bool:
        (found,) = [
            e for e in world.call(who, "GET", API).json()["entries"] if e["key"] == "kuusi-popular"
        ]
        assert found["votes"] == entry(world, who, "kuusi-popular")["summary"]["votes"]
        return bool(found["voted"])

    assert voted("lab") is True
    assert voted("kuusi") is False
    taken = world.call("lab", "DELETE", f"{API}/kuusi-popular/vote")
    assert taken.json() == {"votes": 1, "voted": False}
    assert world.call("kuusi", "DELETE", f"{API}/kuusi-popular/vote").json() == {
        "votes": 1,
        "voted": False,
    }
    assert voted("lab") is False


def test_co_authors_must_see_the_idea_and_may_move_it(world) -> None:  # type: ignore[no-untyped-def]
    create(world, "kuusi", "idea", "kuusi-joint")
    path = f"{API}/kuusi-joint/coauthors"

    assert world.call("lab", "POST", path, json={"email": email_of("lab")}).status_code == 403
    added = world.call("kuusi", "POST", path, json={"email": email_of("lab").upper()})
    assert added.status_code == 201, added.text
    assert added.json() == [{"name": "Lab Person", "org": "lab"}]
    again = world.call("kuusi", "POST", path, json={"email": email_of("lab")})
    assert again.json() == [{"name": "Lab Person", "org": "lab"}]

    far = problem(world.call("kuusi", "POST", path, json={"email": email_of("far")}), 422)
    assert far["path"] == "email"
    assert far["message"] == f"no one who can see this idea signs in as '{email_of('far')}'"
    nobody = problem(
        world.call("kuusi", "POST", path, json={"email": "ghost@nowhere.example"}), 422
    )
    assert nobody["path"] == "email"
    assert world.call("kuusi", "POST", path, json={"mail": "x"}).status_code == 422

    # The co-author may move the idea and name another co-author; a colleague may not.
    detail = entry(world, "lab", "kuusi-joint")
    assert detail["coauthors"] == [{"name": "Lab Person", "org": "lab"}]
    assert detail["can_manage"] is True
    assert detail["next_stages"] == ["discussed", "archived"]
    assert entry(world, "lab2", "kuusi-joint")["next_stages"] == []
    refused = world.call("lab2", "POST", f"{API}/kuusi-joint/stage", json={"stage": "discussed"})
    assert refused.status_code == 403
    moved = world.call("lab", "POST", f"{API}/kuusi-joint/stage", json={"stage": "discussed"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["stage"] == "discussed"
    assert entry(world, "kuusi", "kuusi-joint")["history"][-1]["by"] == "Lab Person"

    removed = world.call("kuusi", "DELETE", f"{path}/{email_of('lab')}")
    assert removed.status_code == 200
    assert removed.json() == []
    assert world.call("kuusi", "DELETE", f"{path}/{email_of('lab')}").status_code == 404
    after = world.call("lab", "POST", f"{API}/kuusi-joint/stage", json={"stage": "developing"})
    assert after.status_code == 403


def test_stage_moves_follow_the_rules_and_only_the_owner_moves(world) -> None:  # type: ignore[no-untyped-def]
    create(world, "kuusi", "idea", "kuusi-step")
    stage = f"{API}/kuusi-step/stage"

    unknown = problem(world.call("kuusi", "POST", stage, json={"stage": "finished"}), 422)
    assert unknown["path"] == "stage"
    assert "'finished' is not a stage" in unknown["message"]
    jump = problem(world.call("kuusi", "POST", stage, json={"stage": "adopted"}), 400)
    assert jump["path"] == "stage"
    assert "allowed: discussed, archived" in jump["message"]
    assert jump["code"] == "innovation.idea_move"
    assert world.call("lab", "POST", stage, json={"stage": "discussed"}).status_code == 403
    assert world.call("kuusi", "POST", stage, json={"stage": ""}).status_code == 422
    assert world.call("kuusi", "POST", stage, json={}).status_code == 422

    for target in ("discussed", "developing", "piloting", "developing"):
        moved = world.call("kuusi", "POST", stage, json={"stage": target})
        assert moved.status_code == 200, moved.text
        assert moved.json()["stage"] == target
        assert moved.json()["key"] == "kuusi-step"
    detail = entry(world, "kuusi", "kuusi-step")
    assert [(h["from_stage"], h["to_stage"]) for h in detail["history"]] == [
        (None, "proposed"),
        ("proposed", "discussed"),
        ("discussed", "developing"),
        ("developing", "piloting"),
        ("piloting", "developing"),
    ]
    assert detail["history"][1]["by"] == "Kuusi Person"
    assert listed(world, "lab", stage="developing") == ["kuusi-step"]
    assert listed(world, "lab", stage="proposed") == []
    assert world.call("lab", "GET", API, params={"stage": "done"}).status_code == 422


def test_a_challenge_under_review_or_closed_takes_no_new_ideas(world) -> None:  # type: ignore[no-untyped-def]
    create(world, "kuusi", "challenge", "kuusi-ask")
    assert create(world, "lab", "idea", "lab-early", challenge="kuusi-ask").status_code == 201
    for target in ("reviewing", "closed"):
        moved = world.call("kuusi", "POST", f"{API}/kuusi-ask/stage", json={"stage": target})
        assert moved.status_code == 200, moved.text
        late = create(world, "lab", "idea", f"lab-late-{target}", challenge="kuusi-ask")
        refused = problem(late, 400)
        assert refused["path"] == "challenge"
        assert f"the challenge is {target}" in refused["message"]
        assert refused["code"] == "innovation.takes_no_ideas"
    assert listed(world, "lab", kind="idea") == ["lab-early"]
    reopened = world.call("kuusi", "POST", f"{API}/kuusi-ask/stage", json={"stage": "open"})
    assert reopened.json()["stage"] == "open"
    assert create(world, "lab", "idea", "lab-late", challenge="kuusi-ask").status_code == 201


def test_participation_counts_both_ways_for_those_with_access(world) -> None:  # type: ignore[no-untyped-def]
    create(world, "kuusi", "idea", "kuusi-idea")
    create(world, "lab", "idea", "lab-idea")
    params = {"a": "lab", "b": "kuusi"}

    def read(who: str) -> Any:
        return world.call(who, "GET", "/api/v1/co-creation", params=params)

    nothing = read("kuusi").json()
    assert nothing["mutual"] == "none"
    assert nothing["a_on_b"] == {"comments": 0, "votes": 0, "coauthored": 0, "total": 0}

    world.call("lab", "POST", f"{API}/kuusi-idea/comments", json={"body": "Nice"})
    world.call("lab2", "PUT", f"{API}/kuusi-idea/vote")
    world.call("kuusi", "POST", f"{API}/kuusi-idea/coauthors", json={"email": email_of("lab")})
    one_way = read("lab").json()
    assert (one_way["a"], one_way["b"], one_way["days"]) == ("lab", "kuusi", 365)
    assert one_way["a_on_b"] == {"comments": 1, "votes": 1, "coauthored": 1, "total": 3}
    assert one_way["b_on_a"]["total"] == 0
    assert one_way["mutual"] == "one-way"

    world.call("kuusi2", "PUT", f"{API}/lab-idea/vote")
    both = read("root").json()
    assert both["b_on_a"] == {"comments": 0, "votes": 1, "coauthored": 0, "total": 1}
    assert both["mutual"] == "both"

    assert read("far").status_code == 403
    unknown = world.call("kuusi", "GET", "/api/v1/co-creation", params={"a": "nope", "b": "lab"})
    assert unknown.status_code == 404
    too_long = world.call("kuusi", "GET", "/api/v1/co-creation", params={**params, "days": 0})
    assert too_long.status_code == 422
    assert world.call(None, "GET", "/api/v1/co-creation", params=params).status_code == 401


def test_acting_for_another_organisation_needs_access_to_it(world) -> None:  # type: ignore[no-untyped-def]
    create(world, "kuusi", "idea", "kuusi-mine")
    assert world.call("lab", "GET", API, params={"org": "kuusi"}).status_code == 403
    as_kuusi = world.call(
        "lab",
        "POST",
        API,
        params={"org": "kuusi"},
        json={"kind": "idea", "title": "Forged", "audience": {"level": "network"}},
    )
    assert as_kuusi.status_code == 403
    # The platform admin reads for any organisation, and has none of its own.
    assert world.call("root", "GET", API).status_code == 404
    assert "kuusi-mine" in [
        e["key"] for e in world.call("root", "GET", API, params={"org": "lab"}).json()["entries"]
    ]
    assert listed(world, "kuusi") == ["kuusi-mine"]
