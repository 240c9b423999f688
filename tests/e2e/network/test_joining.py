"""Organisations join by invitation, through every door, on both databases.

An org admin invites by e-mail; the first admin completes the profile by the link; the
organisation is pending (no organisation, no account: it sees nothing and nobody sees
it) until a platform admin approves it, or active at once with approval off.
"""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from support.api_world import EMAILS
from support.secrets import TEST_SECRET
from support.web import CSRF
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.http.app import create_app
from winwin.network import joining
from winwin.network.demo import DEMO_PASSWORD
from winwin.network.io import export_network
from winwin.settings import Settings

Y_TUNNUS = "0112038-9"
PROFILE = {
    "name": "Uusi Pakkaus Oy",
    "country": "FI",
    "business_id": Y_TUNNUS,
    "admin_name": "Uusi Admin",
    "password": "uusi-salasana-123",
}
NETWORK = {
    "format": "winwin/1",
    "organizations": [
        {"key": "a", "name": "A Oy", "country": "FI"},
        {"key": "b", "name": "B Oy", "country": "FI"},
    ],
    "items": [{"key": "a-all", "owner": "a", "title": "For all", "audience": {"level": "network"}}],
}


def _token(link: str) -> str:
    found = re.search(r"/invitation/([A-Za-z0-9_-]+)$", link)
    assert found, link
    return found.group(1)


def _orgs(world) -> dict:  # type: ignore[no-untyped-def]
    with session_factory(world.engine)() as session:
        return {o["key"]: o for o in export_network(session)["organizations"]}


def _sign_in(client: TestClient, email: str, password: str = DEMO_PASSWORD) -> int:
    token = CSRF.search(client.get("/login").text).group(1)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return response.status_code


# --- the command line --------------------------------------------------------------------
def test_the_cli_invites_lists_pending_and_approves(cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    assert cli("import", "-", stdin=json.dumps(NETWORK)).code == 0
    invited = cli(
        "org", "invite", "--by", "a", "first@uusi.example", "--json",
        "--base-url", "https://winwin.example",
    )  # fmt: skip
    assert invited.code == 0, invited.err
    shown = invited.json()
    assert shown["by"] == "a" and shown["email"] == "first@uusi.example"
    assert (
        shown["link"].startswith("https://winwin.example/invitation/") and shown["mailed"] is False
    )
    before = cli("export").json()
    for args, field in (
        (("org", "invite", "--by", "a", "not-an-address"), "email"),
        (("org", "invite", "--by", "nobody", "x@y.example"), "by"),
        (("org", "approve", "nobody"), "key"),
    ):
        refused = cli(*args)
        assert refused.code == 2, args
        assert f"{field}:" in refused.err, (args, refused.err)
    assert cli("export").json() == before

    engine = build_engine(db_url)
    with unit_of_work(session_factory(engine)) as session:
        done = joining.complete_profile(session, token=_token(shown["link"]), **PROFILE)
    engine.dispose()
    assert (done.key, done.state) == ("uusi-pakkaus-oy", "pending")

    # Pending: nobody sees it, it cannot be tied to, and it has no feed.
    assert cli("export").json() == before
    assert cli("ties", "propose", "--by", "a", "uusi-pakkaus-oy", "--kind", "partners").code == 2
    assert cli("feed", "uusi-pakkaus-oy").code == 2
    pending = cli("org", "pending", "--json").json()["pending"]
    assert [(p["key"], p["admin"], p["invited_by"], p["business_id"]) for p in pending] == [
        ("uusi-pakkaus-oy", "first@uusi.example", "a", Y_TUNNUS)
    ]
    # The same person cannot be invited again while the organisation waits.
    assert cli("org", "invite", "--by", "b", "first@uusi.example").code == 2

    approved = cli("org", "approve", "uusi-pakkaus-oy", "--json")
    assert approved.code == 0, approved.err
    assert approved.json() == {
        "key": "uusi-pakkaus-oy",
        "name": "Uusi Pakkaus Oy",
        "state": "active",
        "admin": "first@uusi.example",
    }
    added = {o["key"]: o for o in cli("export").json()["organizations"]}["uusi-pakkaus-oy"]
    assert added["business_id"] == Y_TUNNUS and added["country"] == "FI"
    assert cli("org", "pending", "--json").json() == {"pending": []}
    assert cli("org", "approve", "uusi-pakkaus-oy").code == 2
    assert "a-all" in cli("feed", "uusi-pakkaus-oy", "--json").json()["items"]
    proposed = cli("ties", "propose", "--by", "a", "uusi-pakkaus-oy", "--kind", "supplies")
    assert proposed.code == 0, proposed.err


def test_the_cli_completes_the_profile_by_the_link(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert cli("import", "-", stdin=json.dumps(NETWORK)).code == 0
    link = cli("org", "invite", "--by", "a", "first@uusi.example", "--json").json()["link"]
    secret = tmp_path / "password"
    secret.write_text(PROFILE["password"] + "\n", "utf-8")
    short = tmp_path / "short"
    short.write_text("lyhyt\n", "utf-8")
    base = ("org", "join", _token(link), "--name", "Uusi Pakkaus Oy", "--admin-name", "Uusi")
    before = cli("export").json()
    for args, option in (
        ((*base, "--country", "XX", "--password-file", str(secret)), "--country"),
        ((*base, "--business-id", "0112038-0", "--password-file", str(secret)), "--business-id"),
        ((*base, "--password-file", str(short)), "--password-file"),
        ((*base, "--password-file", str(tmp_path / "none")), "--password-file"),
        (
            (
                "org",
                "join",
                _token(link),
                "--name",
                " ",
                "--admin-name",
                "U",
                "--password-file",
                str(secret),
            ),
            "--name",
        ),
        (
            (
                "org",
                "join",
                "not-a-token",
                "--name",
                "N",
                "--admin-name",
                "U",
                "--password-file",
                str(secret),
            ),
            "TOKEN",
        ),
    ):
        refused = cli(*args)
        assert refused.code == 2, (args, refused.err)
        assert f"{option}:" in refused.err, (args, refused.err)
    # Nothing changed: no organisation, nothing pending, and the link still works.
    assert cli("export").json() == before
    assert cli("org", "pending", "--json").json() == {"pending": []}

    joined = cli("org", "join", link, "--name", "Uusi Pakkaus Oy", "--country", "FI",
                 "--business-id", Y_TUNNUS, "--admin-name", "Uusi Admin",
                 "--password-file", "-", "--json", stdin=PROFILE["password"] + "\n")  # fmt: skip
    assert joined.code == 0, joined.err
    assert joined.json() == {
        "key": "uusi-pakkaus-oy",
        "name": "Uusi Pakkaus Oy",
        "state": "pending",
    }
    pending = cli("org", "pending", "--json").json()["pending"]
    assert [(p["key"], p["admin"], p["business_id"]) for p in pending] == [
        ("uusi-pakkaus-oy", "first@uusi.example", Y_TUNNUS)
    ]
    again = cli(*base, "--password-file", str(secret))
    assert again.code == 2 and "TOKEN:" in again.err  # the link is used up
    assert cli("org", "approve", "uusi-pakkaus-oy").code == 0
    assert "uusi-pakkaus-oy" in {o["key"] for o in cli("export").json()["organizations"]}


def test_the_cli_rejects_and_the_rejected_never_appears(cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    assert cli("import", "-", stdin=json.dumps(NETWORK)).code == 0
    link = cli("org", "invite", "--by", "a", "x@uusi.example", "--json").json()["link"]
    engine = build_engine(db_url)
    with unit_of_work(session_factory(engine)) as session:
        joining.complete_profile(session, token=_token(link), **PROFILE)
    with unit_of_work(session_factory(engine)) as session:
        # The link is used up.
        assert joining.open_invitation(session, token=_token(link)) is None
    engine.dispose()
    rejected = cli("org", "reject", "uusi-pakkaus-oy", "--json")
    assert rejected.code == 0 and rejected.json()["state"] == "rejected"
    assert cli("org", "pending", "--json").json() == {"pending": []}
    assert "uusi-pakkaus-oy" not in {o["key"] for o in cli("export").json()["organizations"]}
    # Its business ID is free again, and so is the address.
    assert cli("org", "add", "x", "--name", "X", "--business-id", Y_TUNNUS).code == 0
    assert cli("org", "invite", "--by", "a", "x@uusi.example").code == 0


# --- REST ----------------------------------------------------------------------------------
def test_rest_invites_completes_and_approves(world) -> None:  # type: ignore[no-untyped-def]
    path = "/api/v1/organizations/kuusi/invitations"
    body = {"email": "first@uusi.example"}
    for who in ("member", "lab_admin"):
        assert world.call(who, "POST", path, json=body).status_code == 403
    assert world.call(None, "POST", path, json=body).status_code == 401
    bad = world.call("org_admin", "POST", path, json={"email": "nope"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["path"] == "email"
    taken = world.call("org_admin", "POST", path, json={"email": EMAILS["member"]})
    assert taken.status_code == 400 and taken.json()["problems"][0]["path"] == "email"
    issued = world.call("org_admin", "POST", path, json=body)
    assert issued.status_code == 201
    assert issued.json()["mailed"] is False and "/invitation/" in issued.json()["link"]
    token = _token(issued.json()["link"])

    orgs_before = _orgs(world)
    wrong_profile = {**PROFILE, "business_id": "0112038-8", "password": "short"}
    wrong = world.call(None, "POST", f"/api/v1/join/{token}", json=wrong_profile)
    assert wrong.status_code == 422
    assert {p["path"] for p in wrong.json()["problems"]} == {"business_id", "password"}
    lab_id = world.call("lab_admin", "PATCH", "/api/v1/organizations/lab",
                        json={"business_id": "FI01120389"})  # fmt: skip
    assert lab_id.status_code == 200
    clash = world.call(None, "POST", f"/api/v1/join/{token}", json=PROFILE)
    assert clash.status_code == 400 and clash.json()["problems"][0]["path"] == "business_id"
    fine = {**PROFILE, "business_id": "SE556677889901", "country": "SE"}
    done = world.call(None, "POST", f"/api/v1/join/{token}", json=fine)
    assert done.status_code == 201
    assert done.json() == {"key": "uusi-pakkaus-oy", "name": "Uusi Pakkaus Oy", "state": "pending"}
    again = world.call(None, "POST", f"/api/v1/join/{token}", json=fine)
    assert again.status_code == 400 and again.json()["problems"][0]["path"] == "token"
    assert _orgs(world).keys() == orgs_before.keys()

    # Pending: only platform admins see it; its admin cannot sign in; nobody can tie to it.
    assert world.call("org_admin", "GET", "/api/v1/pending-organizations").status_code == 403
    listed = world.call("platform_admin", "GET", "/api/v1/pending-organizations")
    assert [p["key"] for p in listed.json()] == ["uusi-pakkaus-oy"]
    assert (
        world.call("platform_admin", "GET", "/api/v1/organizations/uusi-pakkaus-oy").status_code
        == 404
    )
    tie = world.call("org_admin", "POST", "/api/v1/organizations/kuusi/ties",
                     json={"with": "uusi-pakkaus-oy", "kind": "partners"})  # fmt: skip
    assert tie.status_code == 422
    assert _sign_in(world.client, "first@uusi.example", PROFILE["password"]) == 401

    approve = "/api/v1/pending-organizations/uusi-pakkaus-oy/approve"
    for who in ("org_admin", "facilitator", "member"):
        assert world.call(who, "POST", approve).status_code == 403
    assert (
        world.call(
            "platform_admin", "POST", "/api/v1/pending-organizations/nobody/approve"
        ).status_code
        == 404
    )
    approved = world.call("platform_admin", "POST", approve)
    assert approved.status_code == 200 and approved.json()["state"] == "active"
    assert _orgs(world)["uusi-pakkaus-oy"]["business_id"] == "SE556677889901"
    assert _sign_in(world.client, "first@uusi.example", PROFILE["password"]) == 303
    assert world.call("platform_admin", "GET", "/api/v1/pending-organizations").json() == []


def test_without_approval_the_organisation_is_active_at_once(world, db_url: str) -> None:  # type: ignore[no-untyped-def]
    app = create_app(
        Settings(database_url=db_url, secret_key=TEST_SECRET, approve_organisations=False)
    )
    with TestClient(app) as client:
        headers = world.headers("org_admin")
        issued = client.post("/api/v1/organizations/kuusi/invitations",
                             json={"email": "now@uusi.example"}, headers=headers)  # fmt: skip
        token = _token(issued.json()["link"])
        done = client.post(f"/api/v1/join/{token}", json=PROFILE)
        assert done.status_code == 201 and done.json()["state"] == "active"
        assert _sign_in(client, "now@uusi.example", PROFILE["password"]) == 303
    app.state.engine.dispose()
    assert "uusi-pakkaus-oy" in _orgs(world)


def test_the_settings_default_to_approval(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("WINWIN_APPROVE_ORGANISATIONS", raising=False)
    assert Settings().approve_organisations is True
    monkeypatch.setenv("WINWIN_APPROVE_ORGANISATIONS", "0")
    assert Settings().approve_organisations is False


# --- the web ---------------------------------------------------------------------------------
def test_the_web_invites_shows_the_link_once_and_approves(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client
    assert _sign_in(client, EMAILS["member"]) == 303
    token = CSRF.search(client.get("/org/ties").text).group(1)
    assert "/org/invite-organisation" not in client.get("/org/ties").text
    refused = client.post(
        "/org/invite-organisation", data={"csrf_token": token, "email": "a@b.example"}
    )
    assert refused.status_code == 403
    client.cookies.clear()

    assert _sign_in(client, EMAILS["org_admin"]) == 303
    page = client.get("/org/ties", headers={"Accept-Language": "fi"})
    assert "Kutsu organisaatio" in page.text and "Lähetä kutsu" in page.text
    token = CSRF.search(page.text).group(1)
    fi = {"Accept-Language": "fi"}
    bad = client.post(
        "/org/invite-organisation", data={"csrf_token": token, "email": "nope"}, headers=fi
    )
    assert bad.status_code == 422 and "ei ole sähköpostiosoite" in bad.text
    shown = client.post("/org/invite-organisation",
                        data={"csrf_token": token, "email": "web@uusi.example"},
                        headers={"Accept-Language": "fi"})  # fmt: skip
    assert shown.status_code == 200
    link = re.search(r'data-testid="org-invitation-link">([^<]+)<', shown.text).group(1)
    assert "välitä tämä linkki itse" in shown.text
    client.cookies.clear()

    path = "/invitation/" + _token(link)
    form = client.get(path, headers={"Accept-Language": "fi"})
    assert (
        form.status_code == 200
        and "Kuusi" in form.text
        and '<option value="SE">Ruotsi</option>' in form.text
    )
    assert client.get("/invitation/not-a-token").status_code == 404
    csrf = CSRF.search(form.text).group(1)
    wrong = client.post(path, data={**PROFILE, "country": "XX", "csrf_token": csrf},
                        headers={"Accept-Language": "fi"})  # fmt: skip
    assert wrong.status_code == 422 and 'aria-invalid="true"' in wrong.text
    done = client.post(
        path, data={**PROFILE, "csrf_token": csrf}, headers={"Accept-Language": "fi"}
    )
    assert done.status_code == 200 and 'data-testid="join-pending"' in done.text
    assert "uusi-pakkaus-oy" not in _orgs(world)

    assert _sign_in(client, EMAILS["org_admin"]) == 303
    assert client.get("/org/pending").status_code == 403
    client.cookies.clear()
    assert _sign_in(client, EMAILS["platform_admin"]) == 303
    listing = client.get("/org/pending", headers={"Accept-Language": "fi"})
    assert 'data-testid="pending-uusi-pakkaus-oy"' in listing.text and "Hyväksy" in listing.text
    csrf = CSRF.search(listing.text).group(1)
    missing = client.post("/org/pending/nobody/approve", data={"csrf_token": csrf})
    assert missing.status_code == 404
    approved = client.post("/org/pending/uusi-pakkaus-oy/approve", data={"csrf_token": csrf},
                           follow_redirects=False)  # fmt: skip
    assert approved.status_code == 303
    assert _orgs(world)["uusi-pakkaus-oy"]["name"] == "Uusi Pakkaus Oy"
