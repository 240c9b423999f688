"""Adding organisations, business IDs and country codes through every door, on both databases."""

from __future__ import annotations

import json

from support.web import CSRF
from winwin.db.engine import session_factory
from winwin.network.demo import DEMO_PASSWORD
from winwin.network.io import export_network


def _stored(world) -> dict:  # type: ignore[no-untyped-def]
    with session_factory(world.engine)() as session:
        return {o["key"]: o for o in export_network(session)["organizations"]}


def _sign_in(world, who: str) -> str:  # type: ignore[no-untyped-def]
    client = world.client
    token = CSRF.search(client.get("/login").text).group(1)
    response = client.post(
        "/login",
        data={"email": EMAILS[who], "password": DEMO_PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return CSRF.search(client.get("/org").text).group(1)


from support.api_world import EMAILS  # noqa: E402

Y_TUNNUS = "0112038-9"


# --- the command line --------------------------------------------------------------------
def test_org_add_prints_the_organisation_and_refuses_what_it_cannot_store(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init").code == 0
    added = cli(
        "org", "add", "acme", "--name", "Acme Oy", "--country", "FI",
        "--cluster", "forest", "--business-id", "FI01120389", "--json",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert added.json() == {
        "key": "acme",
        "name": "Acme Oy",
        "country": "FI",
        "cluster": "forest",
        "business_id": Y_TUNNUS,
    }
    before = cli("export").json()
    refusals = [
        (("org", "add", "acme", "--name", "Again"), "key"),
        (("org", "add", "other", "--name", "O", "--business-id", Y_TUNNUS), "business_id"),
        (("org", "add", "other", "--name", "O", "--business-id", "0112038-8"), "business_id"),
        (("org", "add", "other", "--name", "O", "--country", "XX"), "country"),
        (("org", "add", "other", "--name", "O", "--country", "SU"), "country"),
        (("org", "add", "Bad Key", "--name", "O"), "key"),
    ]
    for args, field in refusals:
        result = cli(*args)
        assert result.code == 2, args
        assert f"{field}:" in result.err, (args, result.err)
    assert cli("export").json() == before


def test_import_refuses_unknown_countries_and_bad_or_shared_business_ids(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init").code == 0
    doc = {
        "format": "winwin/1",
        "organizations": [
            {"key": "a", "name": "A", "country": "XX"},
            {"key": "b", "name": "B", "business_id": "1234567-0"},
            {"key": "c", "name": "C", "country": "FI", "business_id": Y_TUNNUS},
            {"key": "d", "name": "D", "business_id": "FI01120389"},
            {"key": "e", "name": "E", "country": "SE", "business_id": "DE123456789"},
        ],
        "items": [
            {"key": "i", "owner": "c", "title": "t", "audience": {"level": "network"},
             "exclude": ["country:SU"]},
        ],
    }  # fmt: skip
    result = cli("import", "-", stdin=json.dumps(doc))
    assert result.code == 2
    for path in (
        "organizations[0].country",
        "organizations[1].business_id",
        "organizations[3].business_id",
        "organizations[4].business_id",
        "items[0].exclude[0]",
    ):
        assert path in result.err, (path, result.err)
    assert "error: organizations[2]" not in result.err
    assert cli("export").json()["organizations"] == []


def test_business_ids_round_trip_and_stay_unique_across_imports(cli) -> None:  # type: ignore[no-untyped-def]
    doc = {
        "format": "winwin/1",
        "organizations": [
            {"key": "a", "name": "A", "country": "FI", "business_id": Y_TUNNUS},
            {"key": "b", "name": "B", "country": "SE", "business_id": "SE556677889901"},
        ],
    }
    assert cli("import", "-", stdin=json.dumps(doc)).code == 0
    exported = cli("export").json()
    assert [o.get("business_id") for o in exported["organizations"]] == [
        Y_TUNNUS,
        "SE556677889901",
    ]
    taken = {"format": "winwin/1", "organizations": [{"key": "c", "name": "C",
                                                      "business_id": Y_TUNNUS}]}  # fmt: skip
    result = cli("import", "-", stdin=json.dumps(taken))
    assert result.code == 2 and "organizations[0].business_id" in result.err
    # Moving the ID from a to c in one document is allowed.
    moved = {
        "format": "winwin/1",
        "organizations": [
            {"key": "a", "name": "A", "country": "FI"},
            {"key": "c", "name": "C", "business_id": Y_TUNNUS},
        ],
    }
    assert cli("import", "-", stdin=json.dumps(moved)).code == 0, "moved"
    again = {o["key"]: o for o in cli("export").json()["organizations"]}
    assert "business_id" not in again["a"] and again["c"]["business_id"] == Y_TUNNUS
    exported = cli("export").out
    assert cli("import", "-", stdin=exported).code == 0
    assert cli("export").out == exported


# --- REST ----------------------------------------------------------------------------------
def test_a_platform_admin_adds_an_organisation_over_rest(world) -> None:  # type: ignore[no-untyped-def]
    body = {"key": "uusi", "name": "Uusi Oy", "country": "FI", "business_id": Y_TUNNUS}
    for who in ("org_admin", "facilitator", "member"):
        assert world.call(who, "POST", "/api/v1/organizations", json=body).status_code == 403
    assert "uusi" not in _stored(world)
    response = world.call("platform_admin", "POST", "/api/v1/organizations", json=body)
    assert response.status_code == 201
    assert response.json()["business_id"] == Y_TUNNUS
    assert _stored(world)["uusi"]["business_id"] == Y_TUNNUS
    again = world.call("platform_admin", "POST", "/api/v1/organizations", json=body)
    assert again.status_code == 400
    assert again.json()["problems"][0]["path"] == "key"
    other = {"key": "toinen", "name": "T", "business_id": "FI01120389"}
    taken = world.call("platform_admin", "POST", "/api/v1/organizations", json=other)
    assert taken.status_code == 400 and taken.json()["problems"][0]["path"] == "business_id"
    bad = {"key": "toinen", "name": "T", "country": "SU", "business_id": "123"}
    refused = world.call("platform_admin", "POST", "/api/v1/organizations", json=bad)
    assert refused.status_code == 422
    assert {p["path"] for p in refused.json()["problems"]} == {"country", "business_id"}
    assert "toinen" not in _stored(world)


def test_the_profile_refuses_unknown_countries_and_taken_business_ids(world) -> None:  # type: ignore[no-untyped-def]
    path = "/api/v1/organizations/kuusi"
    before = _stored(world)["kuusi"]
    for body, status, field in (
        ({"country": "XX"}, 422, "country"),
        ({"country": "SU"}, 422, "country"),
        ({"business_id": "0112038-8"}, 422, "business_id"),
        ({"country": "FI", "business_id": "SE556677889901"}, 422, "business_id"),
    ):
        response = world.call("org_admin", "PATCH", path, json=body)
        assert response.status_code == status, body
        assert [p["path"] for p in response.json()["problems"]] == [field]
    assert _stored(world)["kuusi"] == before
    ok = world.call("org_admin", "PATCH", path, json={"business_id": "FI01120389"})
    assert ok.status_code == 200 and ok.json()["business_id"] == Y_TUNNUS
    lab = world.call("lab_admin", "PATCH", "/api/v1/organizations/lab",
                     json={"business_id": Y_TUNNUS})  # fmt: skip
    assert lab.status_code == 400 and lab.json()["problems"][0]["path"] == "business_id"
    assert "business_id" not in _stored(world)["lab"]
    cleared = world.call("org_admin", "PATCH", path, json={"business_id": ""})
    assert cleared.json()["business_id"] is None


# --- the web ---------------------------------------------------------------------------------
def test_the_profile_form_offers_countries_by_name_in_the_page_language(world) -> None:  # type: ignore[no-untyped-def]
    _sign_in(world, "org_admin")
    fi = world.client.get("/org", headers={"Accept-Language": "fi"}).text
    assert '<option value="SE">Ruotsi</option>' in fi
    assert '<option value="FI" selected>Suomi</option>' in fi
    en = world.client.get("/org", headers={"Accept-Language": "en"}).text
    assert '<option value="SE">Sweden</option>' in en and "Ruotsi" not in en


def test_the_web_profile_refuses_an_unknown_country_and_keeps_the_stored_one(world) -> None:  # type: ignore[no-untyped-def]
    token = _sign_in(world, "org_admin")
    before = _stored(world)["kuusi"]
    response = world.client.post(
        "/org/profile?org=kuusi",
        data={"csrf_token": token, "name": "Kuusi", "country": "XX", "business_id": ""},
    )
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert _stored(world)["kuusi"] == before
    saved = world.client.post(
        "/org/profile?org=kuusi",
        data={"csrf_token": token, "name": before["name"], "country": "SE",
              "business_id": "SE556677889901"},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303
    assert _stored(world)["kuusi"]["business_id"] == "SE556677889901"


def test_only_a_platform_admin_sees_and_uses_the_add_form(world) -> None:  # type: ignore[no-untyped-def]
    token = _sign_in(world, "org_admin")
    assert 'action="/org/add' not in world.client.get("/org").text
    refused = world.client.post(
        "/org/add?org=kuusi", data={"csrf_token": token, "key": "uusi", "name": "Uusi"}
    )
    assert refused.status_code == 403
    assert "uusi" not in _stored(world)
    world.client.cookies.clear()
    token = _sign_in(world, "platform_admin")
    # A platform admin of no organisation chooses the one they act for first.
    assert world.client.get("/org", follow_redirects=False).status_code == 303
    world.client.get("/?org=kuusi")
    page = world.client.get("/org").text
    assert 'action="/org/add' in page
    bad = world.client.post(
        "/org/add",
        data={"csrf_token": token, "key": "uusi", "name": "Uusi", "country": "XX"},
    )
    assert bad.status_code == 422 and "uusi" not in _stored(world)
    done = world.client.post(
        "/org/add",
        data={"csrf_token": token, "key": "uusi", "name": "Uusi Oy", "country": "FI",
              "business_id": Y_TUNNUS},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303 and done.headers["location"].startswith("/org?org=uusi")
    assert _stored(world)["uusi"]["business_id"] == Y_TUNNUS
