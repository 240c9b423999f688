"""Ties and competitors through REST and the web pages, on SQLite and PostgreSQL.

The demo network: kuusi (org_admin, member) and lab (lab_admin, lab_member) are already
partners; kuusi does not yet supply lab.
"""

from __future__ import annotations

from support.api_world import EMAILS
from support.web import CSRF
from winwin.db.engine import session_factory
from winwin.network.demo import DEMO_PASSWORD
from winwin.network.io import export_network

TIES = "/api/v1/organizations/{org}/ties"


def _export(world) -> dict:  # type: ignore[no-untyped-def]
    with session_factory(world.engine)() as session:
        return export_network(session)


def _sign_in(world, who: str, locale: str = "fi") -> str:  # type: ignore[no-untyped-def]
    client = world.client
    client.cookies.clear()
    client.headers["Accept-Language"] = locale
    token = CSRF.search(client.get("/login").text).group(1)
    response = client.post(
        "/login",
        data={"email": EMAILS[who], "password": DEMO_PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return CSRF.search(client.get("/org/ties").text).group(1)


def test_rest_propose_accept_and_end_with_both_logs_and_notifications(world) -> None:  # type: ignore[no-untyped-def]
    body = {"with": "lab", "kind": "supplies"}
    for who in ("member", "lab_admin", "lab_member"):
        refused = world.call(who, "POST", TIES.format(org="kuusi"), json=body)
        assert refused.status_code == 403, who
    assert world.call("org_admin", "GET", TIES.format(org="lab")).status_code == 403
    before = _export(world)
    assert before["tie_proposals"] == []
    made = world.call("org_admin", "POST", TIES.format(org="kuusi"), json=body)
    assert made.status_code == 201
    assert made.json() == {"by": "kuusi", "with": "lab", "kind": "supplies", "state": "proposed"}
    assert _export(world)["ties"] == before["ties"]
    listed = world.call("lab_member", "GET", TIES.format(org="lab")).json()
    assert {"with": "kuusi", "kind": "buys", "state": "proposed", "proposed_by": "kuusi"} in (
        listed["ties"]
    )
    inbox = world.call("lab_admin", "GET", "/api/v1/notifications").json()
    told = [n for n in inbox["notifications"] if n["kind"] == "tie_proposed"]
    assert [(n["tie"], n["detail"], n["actor_org"]) for n in told] == [("kuusi", "buys", "kuusi")]
    assert inbox["unread"] >= 1
    quiet = world.call("lab_member", "GET", "/api/v1/notifications").json()["notifications"]
    assert not [n for n in quiet if n["kind"].startswith("tie_")]
    # Only lab's admins answer.
    path = TIES.format(org="lab") + "/kuusi/accept"
    assert world.call("lab_member", "POST", path).status_code == 403
    assert (
        world.call("org_admin", "POST", TIES.format(org="kuusi") + "/lab/accept").status_code == 400
    )
    assert _export(world)["ties"] == before["ties"]
    accepted = world.call("lab_admin", "POST", path)
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert {"kind": "supplies", "from": "kuusi", "to": "lab"} in _export(world)["ties"]
    kuusi_told = world.call("org_admin", "GET", "/api/v1/notifications").json()["notifications"]
    assert "tie_accepted" in {n["kind"] for n in kuusi_told}
    # Two ties now: ending needs the kind.
    end = TIES.format(org="kuusi") + "/lab/end"
    which = world.call("org_admin", "POST", end)
    assert which.status_code == 422 and which.json()["problems"][0]["path"] == "kind"
    ended = world.call("org_admin", "POST", end, params={"kind": "supplies"})
    assert ended.status_code == 200
    assert _export(world)["ties"] == before["ties"]
    for org, admin in (("kuusi", "org_admin"), ("lab", "lab_admin")):
        log = world.call(admin, "GET", f"/api/v1/organizations/{org}/tie-log").json()
        assert [e["action"] for e in log] == ["ended", "accepted", "proposed"], org
    kinds = [
        e["kind"]
        for e in world.call("lab_admin", "GET", "/api/v1/organizations/lab/tie-log").json()
    ]
    assert kinds == ["buys", "buys", "buys"]
    assert world.call("lab_member", "GET", "/api/v1/organizations/lab/tie-log").status_code == 403


def test_rest_a_bad_kind_is_a_malformed_request_naming_kind(world) -> None:  # type: ignore[no-untyped-def]
    response = world.call(
        "org_admin", "POST", TIES.format(org="kuusi"), json={"with": "lab", "kind": "friends"}
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["path"] == "kind"
    unknown = world.call(
        "org_admin", "POST", TIES.format(org="kuusi"), json={"with": "nobody", "kind": "buys"}
    )
    assert unknown.status_code == 422 and unknown.json()["problems"][0]["path"] == "with"
    assert _export(world)["tie_proposals"] == []


def test_rest_competitor_declarations_are_never_shown_to_the_other_side(world) -> None:  # type: ignore[no-untyped-def]
    path = "/api/v1/organizations/{org}/competitors"
    before = world.call("lab_admin", "GET", path.format(org="lab")).json()
    assert world.call("member", "PUT", path.format(org="kuusi") + "/lab").status_code == 403
    declared = world.call("org_admin", "PUT", path.format(org="kuusi") + "/lab")
    assert declared.status_code == 200 and "lab" in declared.json()["competitors"]
    assert world.call("lab_admin", "GET", path.format(org="lab")).json() == before
    assert world.call("lab_admin", "GET", path.format(org="kuusi")).status_code == 403
    lab_told = world.call("lab_admin", "GET", "/api/v1/notifications").json()["notifications"]
    assert not [n for n in lab_told if n["kind"].startswith("tie_")]
    lab_log = world.call("lab_admin", "GET", "/api/v1/organizations/lab/tie-log").json()
    assert lab_log == []
    # lab cannot withdraw kuusi's declaration; it answers as if nothing were declared.
    refused = world.call("lab_admin", "DELETE", path.format(org="lab") + "/kuusi")
    assert refused.status_code == 400
    assert "lab" in world.call("org_admin", "GET", path.format(org="kuusi")).json()["competitors"]
    withdrawn = world.call("org_admin", "DELETE", path.format(org="kuusi") + "/lab")
    assert "lab" not in withdrawn.json()["competitors"]
    log = world.call("org_admin", "GET", "/api/v1/organizations/kuusi/tie-log").json()
    assert [e["action"] for e in log] == ["competitor_withdrawn", "competitor_declared"]


def test_the_ties_page_walks_propose_accept_and_end_in_finnish(world) -> None:  # type: ignore[no-untyped-def]
    token = _sign_in(world, "org_admin")
    page = world.client.get("/org/ties").text
    assert "Ehdota suhdetta" in page and "Kuusi Paper Oy" in page
    proposed = world.client.post(
        "/org/ties?org=kuusi",
        data={"csrf_token": token, "other": "lab", "kind": "supplies"},
        follow_redirects=False,
    )
    assert proposed.status_code == 303
    again = world.client.post(
        "/org/ties?org=kuusi", data={"csrf_token": token, "other": "lab", "kind": "buys"}
    )
    assert again.status_code == 400 and "odottaa jo" in again.text
    token = _sign_in(world, "lab_admin")
    waiting = world.client.get("/org/ties").text
    assert "Vastaustamme odottavat ehdotukset" in waiting and "ostamme heiltä" in waiting
    accepted = world.client.post(
        "/org/ties/kuusi/accept?org=lab", data={"csrf_token": token}, follow_redirects=False
    )
    assert accepted.status_code == 303
    assert {"kind": "supplies", "from": "kuusi", "to": "lab"} in _export(world)["ties"]
    token = _sign_in(world, "org_admin", "en")
    page = world.client.get("/org/ties").text
    assert "Our ties" in page and "we supply them" in page
    # Each tie leads an admin to a joint initiative with that partner (filled in, not sent).
    assert (
        'data-testid="propose-with" href="/initiatives?by=kuusi&amp;with=lab#propose-title"' in page
    )
    ended = world.client.post(
        "/org/ties/lab/end?org=kuusi", data={"csrf_token": token}
    )  # two ties with lab: the page says which kind is needed
    assert ended.status_code == 422
    assert {"kind": "supplies", "from": "kuusi", "to": "lab"} in _export(world)["ties"]
    assert 'name="kind" value="supplies"' in page
    done = world.client.post(
        "/org/ties/lab/end?org=kuusi",
        data={"csrf_token": token, "kind": "supplies"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert {"kind": "supplies", "from": "kuusi", "to": "lab"} not in _export(world)["ties"]
    assert {"kind": "partners", "from": "kuusi", "to": "lab"} in _export(world)["ties"]


def test_a_member_sees_the_ties_but_no_buttons_and_cannot_act(world) -> None:  # type: ignore[no-untyped-def]
    token = _sign_in(world, "member")
    page = world.client.get("/org/ties").text
    assert "/org/ties/" not in page and 'action="/org/competitors' not in page
    assert 'data-testid="propose-with"' not in page
    refused = world.client.post(
        "/org/ties?org=kuusi", data={"csrf_token": token, "other": "lab", "kind": "supplies"}
    )
    assert refused.status_code == 403
    assert _export(world)["tie_proposals"] == []


def test_the_page_declines_withdraws_and_keeps_declarations_to_the_declaring_side(world) -> None:  # type: ignore[no-untyped-def]
    token = _sign_in(world, "org_admin")
    post = world.client.post
    assert post("/org/ties?org=kuusi", data={"csrf_token": token, "other": "lab",
                "kind": "supplies"}, follow_redirects=False).status_code == 303  # fmt: skip
    withdrawn = post(
        "/org/ties/lab/withdraw?org=kuusi", data={"csrf_token": token}, follow_redirects=False
    )
    assert withdrawn.status_code == 303 and _export(world)["tie_proposals"] == []
    again = post("/org/ties?org=kuusi", data={"csrf_token": token, "other": "lab",
                 "kind": "supplies"})  # fmt: skip
    assert again.status_code == 400 and "uudelleen" in again.text
    assert _export(world)["tie_proposals"] == []
    declared = post(
        "/org/competitors?org=kuusi",
        data={"csrf_token": token, "other": "lab"},
        follow_redirects=False,
    )
    assert declared.status_code == 303
    ours = world.client.get("/org/ties").text.split("Ilmoittamamme kilpailijat")[1]
    assert "Kuitulaboratorio Oy" in ours
    token = _sign_in(world, "lab_admin")
    lab_page = world.client.get("/org/ties").text
    assert "Emme ole ilmoittaneet kilpailijoita." in lab_page
    assert "ilmoitti kilpailijan" not in lab_page
    refused = post("/org/competitors/kuusi/withdraw?org=lab", data={"csrf_token": token})
    assert refused.status_code == 400
    assert {"by": "kuusi", "competitor": "lab"} in _export(world)["competitors"]
    assert post("/org/ties?org=lab", data={"csrf_token": token, "other": "kuusi",
                "kind": "buys"}, follow_redirects=False).status_code == 303  # fmt: skip
    token = _sign_in(world, "org_admin")
    declined = post(
        "/org/ties/lab/decline?org=kuusi", data={"csrf_token": token}, follow_redirects=False
    )
    assert declined.status_code == 303 and _export(world)["tie_proposals"] == []
    undeclared = post(
        "/org/competitors/lab/withdraw?org=kuusi",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert undeclared.status_code == 303
    assert {"by": "kuusi", "competitor": "lab"} not in _export(world)["competitors"]


def test_the_ties_page_picks_organisations_by_name_and_still_takes_a_key(world) -> None:  # type: ignore[no-untyped-def]
    token = _sign_in(world, "org_admin")
    page = world.client.get("/org/ties").text
    # Both forms are organisation pickers of the directory rule, with no key in sight.
    for picker in ("t-other", "c-other"):
        assert f'id="{picker}-q"' in page and f'id="{picker}-list"' in page
    assert 'hx-get="/pick/orgs"' in page and "(tunnus)" not in page
    assert "löydät sen tunnuksella" in page
    found = world.client.get("/pick/orgs?org=kuusi&q=kuitulab&picker=t-other").text
    assert 'data-key="lab"' in found and "Kuitulaboratorio Oy" in found
    # A name the organisation knows is resolved to its key.
    proposed = world.client.post(
        "/org/ties?org=kuusi",
        data={"csrf_token": token, "other": "Kuitulaboratorio Oy", "kind": "supplies"},
        follow_redirects=False,
    )
    assert proposed.status_code == 303
    assert {"by": "kuusi", "with": "lab", "kind": "supplies"} in [
        {k: p[k] for k in ("by", "with", "kind")} for p in _export(world)["tie_proposals"]
    ]
    # A competitor declared by name; an unknown name is refused as an unknown key is.
    declared = world.client.post(
        "/org/competitors?org=kuusi",
        data={"csrf_token": token, "other": "kuitulaboratorio oy"},
        follow_redirects=False,
    )
    assert declared.status_code == 303
    path = "/api/v1/organizations/kuusi/competitors"
    assert "lab" in world.call("org_admin", "GET", path).json()["competitors"]
    unknown = world.client.post(
        "/org/competitors?org=kuusi", data={"csrf_token": token, "other": "Ei Ketään Oy"}
    )
    assert unknown.status_code == 422
    assert 'value="Ei Ketään Oy"' in unknown.text
