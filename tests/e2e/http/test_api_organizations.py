"""The REST API for profiles, people and tokens, over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from winwin.accounts.models import ApiToken
from winwin.db.engine import session_factory


def test_an_org_admin_changes_the_profile_and_reads_it_back(world):
    body = {
        "industry": "paperboard",
        "roles": ["supplier", "customer"],
        "capabilities": ["coated board", "barrier coatings"],
        "country": "FI",
    }
    response = world.call("org_admin", "PATCH", "/api/v1/organizations/kuusi", json=body)
    assert response.status_code == 200
    again = world.call("member", "GET", "/api/v1/organizations/kuusi").json()
    assert again["industry"] == "paperboard"
    assert again["roles"] == ["customer", "supplier"]
    assert again["capabilities"] == ["coated board", "barrier coatings"]


def test_a_bad_profile_names_every_field_and_changes_nothing(world):
    before = world.call("org_admin", "GET", "/api/v1/organizations/kuusi").json()
    response = world.call(
        "org_admin",
        "PATCH",
        "/api/v1/organizations/kuusi",
        json={"country": "Finland", "roles": ["ok", "Not A Key"], "name": "", "needs": [" "]},
    )
    assert response.status_code == 422
    paths = {p["path"] for p in response.json()["problems"]}
    assert paths == {"country", "roles[1]", "name", "needs[0]"}
    assert world.call("org_admin", "GET", "/api/v1/organizations/kuusi").json() == before


def test_an_unknown_field_is_a_malformed_request(world):
    response = world.call(
        "org_admin", "PATCH", "/api/v1/organizations/kuusi", json={"colour": "green"}
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["path"] == "colour"


def test_inviting_several_people_is_all_or_nothing(world):
    people = [
        {"email": "one@kuusi.example", "name": "One"},
        {"email": "member@kuusi.example", "name": "Taken"},
        {"email": "three@kuusi.example", "name": "Three", "role": "platform_admin"},
    ]
    response = world.call(
        "org_admin", "POST", "/api/v1/organizations/kuusi/people", json={"people": people}
    )
    assert response.status_code == 422
    paths = [p["path"] for p in response.json()["problems"]]
    assert paths == ["people[1].email", "people[2].role"]
    emails = {
        p["email"]
        for p in world.call("org_admin", "GET", "/api/v1/organizations/kuusi/people").json()
    }
    assert "one@kuusi.example" not in emails


def test_invited_people_appear_without_a_password_until_they_set_one(world):
    response = world.call(
        "org_admin",
        "POST",
        "/api/v1/organizations/kuusi/people",
        json={"people": [{"email": "Uusi@Kuusi.Example", "name": "Uusi Ihminen"}]},
    )
    assert response.status_code == 201
    [person] = response.json()
    assert person == {
        "id": person["id"],
        "email": "uusi@kuusi.example",
        "name": "Uusi Ihminen",
        "role": "member",
        "activated": False,
    }


def test_the_last_org_admin_cannot_step_down(world):
    admin_id = world.user_ids["org_admin"]
    response = world.call(
        "org_admin",
        "PATCH",
        f"/api/v1/organizations/kuusi/people/{admin_id}",
        json={"role": "member"},
    )
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {
            "path": "role",
            "message": "the organisation must keep at least one admin",
            "code": "accounts.keep_an_admin",
        }
    ]


def test_an_org_admin_cannot_make_a_platform_admin(world):
    member_id = world.user_ids["member"]
    response = world.call(
        "org_admin",
        "PATCH",
        f"/api/v1/organizations/kuusi/people/{member_id}",
        json={"role": "platform_admin"},
    )
    assert response.status_code == 403


def test_a_person_of_another_organisation_is_not_found_here(world):
    lab_member = world.user_ids["lab_member"]
    response = world.call(
        "platform_admin", "DELETE", f"/api/v1/organizations/kuusi/people/{lab_member}"
    )
    assert response.status_code == 404
    people = world.call("lab_admin", "GET", "/api/v1/organizations/lab/people").json()
    assert lab_member in {p["id"] for p in people}


def test_an_api_token_is_shown_once_and_stored_only_as_a_digest(world):
    created = world.call("member", "POST", "/api/v1/tokens", json={"name": "nightly"})
    assert created.status_code == 201
    raw = created.json()["token"]
    listed = world.call("member", "GET", "/api/v1/tokens").json()
    assert all("token" not in t for t in listed)
    with session_factory(world.engine)() as session:
        stored = session.scalars(select(ApiToken.token_hash)).all()
    assert raw not in stored
    assert hashlib.sha256(raw.encode()).hexdigest() in stored
    me = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.json()["email"] == "member@kuusi.example"
    used = {t["name"]: t for t in world.call("member", "GET", "/api/v1/tokens").json()}
    assert used["nightly"]["last_used_at"] is not None


def test_a_revoked_token_stops_working(world):
    created = world.call("member", "POST", "/api/v1/tokens", json={"name": "short"}).json()
    assert world.call("member", "DELETE", f"/api/v1/tokens/{created['id']}").status_code == 204
    me = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {created['token']}"})
    assert me.status_code == 401
    assert world.call("member", "DELETE", f"/api/v1/tokens/{created['id']}").status_code == 404


def test_the_facilitator_lists_exactly_its_clients(world):
    keys = [o["key"] for o in world.call("facilitator", "GET", "/api/v1/organizations").json()]
    assert sorted(keys) == ["kuusi", "meijeri", "pakkaus"]
    me = world.call("facilitator", "GET", "/api/v1/me").json()
    assert me["organization"] is None
    assert sorted(o["key"] for o in me["organizations"]) == ["kuusi", "meijeri", "pakkaus"]


def test_the_platform_admin_pages_through_every_organisation(world):
    first = world.call("platform_admin", "GET", "/api/v1/organizations?limit=20").json()
    rest = world.call("platform_admin", "GET", "/api/v1/organizations?limit=20&offset=20").json()
    keys = [o["key"] for o in first + rest]
    assert len(keys) == len(set(keys)) == 34


def test_healthz_answers_when_the_database_does(world):
    response = world.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_an_org_admin_grants_and_revokes_a_facilitator(world):
    lab = "/api/v1/organizations/lab"
    assert world.call("facilitator", "GET", lab).status_code == 403
    granted = world.call(
        "lab_admin", "POST", f"{lab}/facilitators", json={"email": "facilitator@winwin.example"}
    )
    assert granted.status_code == 201
    assert world.call("facilitator", "GET", lab).status_code == 200
    assert world.call("facilitator", "PATCH", lab, json={"industry": "research"}).status_code == 200
    facilitator = world.user_ids["facilitator"]
    assert world.call("lab_admin", "DELETE", f"{lab}/facilitators/{facilitator}").status_code == 204
    assert world.call("facilitator", "GET", lab).status_code == 403


def test_only_a_facilitator_account_can_be_granted(world):
    response = world.call(
        "lab_admin",
        "POST",
        "/api/v1/organizations/lab/facilitators",
        json={"email": "member@kuusi.example"},
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["path"] == "email"


def test_nul_characters_are_refused_with_the_field_named_on_both_backends(world):
    response = world.call(
        "org_admin", "PATCH", "/api/v1/organizations/kuusi", json={"needs": ["ok", "a\x00b"]}
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["path"] == "needs[1]"
    invite = world.call(
        "org_admin",
        "POST",
        "/api/v1/organizations/kuusi/people",
        json={"people": [{"email": "x\x00@kuusi.example", "name": "X"}]},
    )
    assert invite.status_code == 422
    assert world.call("org_admin", "GET", "/api/v1/organizations/ku%00usi").status_code == 400


def test_an_id_beyond_the_database_range_is_a_malformed_request(world):
    response = world.call("member", "DELETE", "/api/v1/tokens/2147483648")
    assert response.status_code == 422
    assert response.json()["problems"][0]["path"] == "path.token_id"
