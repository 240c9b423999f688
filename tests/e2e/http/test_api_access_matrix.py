"""Role × route: every REST route answers 401 without a token and 403 where a role may not.

Expected statuses come from the access rules of ``winwin.accounts.access``: members see
their own organisation, org admins manage it, the demo facilitator manages its clients
(kuusi, pakkaus, meijeri) and nothing else, the platform admin manages everything.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from winwin.accounts.models import FacilitatorGrant, User
from winwin.db.engine import session_factory
from winwin.network.models import Organization

WHO = ("platform_admin", "facilitator", "org_admin", "member", "lab_admin", "lab_member")

SEE_KUUSI = {"platform_admin", "facilitator", "org_admin", "member"}
MANAGE_KUUSI = {"platform_admin", "facilitator", "org_admin"}
SEE_LAB = {"platform_admin", "lab_admin", "lab_member"}


def expected(who: str | None, allowed: set[str], ok: int) -> int:
    if who is None:
        return 401
    return ok if who in allowed else 403


# One world per test (seeding is the slow part); each test walks every role itself.
def test_personal_routes_need_a_signed_in_person_and_nothing_else(world):
    for who in (None, *WHO):
        personal_routes(world, who)


def personal_routes(world, who):
    everyone = set(WHO)
    assert world.call(who, "GET", "/api/v1/me").status_code == expected(who, everyone, 200)
    assert world.call(who, "GET", "/api/v1/tokens").status_code == expected(who, everyone, 200)
    created = world.call(who, "POST", "/api/v1/tokens", json={"name": "script"})
    assert created.status_code == expected(who, everyone, 201)
    assert world.call(who, "GET", "/api/v1/organizations").status_code == expected(
        who, everyone, 200
    )


def test_reading_an_organisation_needs_access_to_it(world):
    for who in (None, *WHO):
        reading(world, who)


def reading(world, who):
    for path in (
        "/api/v1/organizations/kuusi",
        "/api/v1/organizations/kuusi/people",
        "/api/v1/organizations/kuusi/facilitators",
    ):
        assert world.call(who, "GET", path).status_code == expected(who, SEE_KUUSI, 200), path
    for path in ("/api/v1/organizations/lab", "/api/v1/organizations/lab/people"):
        assert world.call(who, "GET", path).status_code == expected(who, SEE_LAB, 200), path


def test_changing_an_organisation_needs_the_right_to_manage_it(world):
    for who in (None, *WHO):
        changing(world, who)


def stored(world):
    """What the changes below touch, read from the database (not through the API)."""
    with session_factory(world.engine)() as session:
        return (
            sorted(session.execute(select(Organization.key, Organization.industry)).all()),
            sorted(session.execute(select(User.email, User.role, User.active)).all()),
            sorted(
                session.execute(select(FacilitatorGrant.user_id, FacilitatorGrant.org_id)).all()
            ),
        )


def guarded(world, who, allowed, send):
    """``send()``; when ``who`` may not do it, the stored state must be as before."""
    before = stored(world)
    response = send()
    if who not in allowed:
        assert stored(world) == before, (who, response.status_code)
    return response


def changing(world, who):
    def call(method, path, **kwargs):
        return guarded(world, who, MANAGE_KUUSI, lambda: world.call(who, method, path, **kwargs))

    patch = call("PATCH", "/api/v1/organizations/kuusi", json={"industry": "board"})
    assert patch.status_code == expected(who, MANAGE_KUUSI, 200)

    invite = call(
        "POST",
        "/api/v1/organizations/kuusi/people",
        json={"people": [{"email": f"new-{who}@kuusi.example", "name": "New Person"}]},
    )
    assert invite.status_code == expected(who, MANAGE_KUUSI, 201)

    member_id = world.user_ids["member"]
    role = call(
        "PATCH", f"/api/v1/organizations/kuusi/people/{member_id}", json={"role": "org_admin"}
    )
    assert role.status_code == expected(who, MANAGE_KUUSI, 200)
    world.call(
        "platform_admin",
        "PATCH",
        f"/api/v1/organizations/kuusi/people/{member_id}",
        json={"role": "member"},
    )

    # Someone to remove, invited by the org admin, so each caller has a fresh target.
    target = world.call(
        "org_admin",
        "POST",
        "/api/v1/organizations/kuusi/people",
        json={"people": [{"email": f"gone-{who}@kuusi.example", "name": "Leaving"}]},
    ).json()[0]["id"]
    remove = call("DELETE", f"/api/v1/organizations/kuusi/people/{target}")
    assert remove.status_code == expected(who, MANAGE_KUUSI, 204)

    facilitator = world.user_ids["facilitator"]
    grant = call(
        "POST",
        "/api/v1/organizations/kuusi/facilitators",
        json={"email": "facilitator@winwin.example"},
    )
    assert grant.status_code == expected(who, MANAGE_KUUSI, 201)
    # Put the grant in place (the caller may have been refused), then try to revoke it.
    world.call(
        "platform_admin",
        "POST",
        "/api/v1/organizations/kuusi/facilitators",
        json={"email": "facilitator@winwin.example"},
    )
    revoke = call("DELETE", f"/api/v1/organizations/kuusi/facilitators/{facilitator}")
    assert revoke.status_code == expected(who, MANAGE_KUUSI, 204)
    # Put the grant back for the next caller.
    world.call(
        "platform_admin",
        "POST",
        "/api/v1/organizations/kuusi/facilitators",
        json={"email": "facilitator@winwin.example"},
    )


def test_nobody_outside_lab_may_change_lab(world):
    for who in ("facilitator", "org_admin", "member"):
        response = guarded(
            world,
            who,
            set(),
            lambda who=who: world.call(
                who, "PATCH", "/api/v1/organizations/lab", json={"industry": "x"}
            ),
        )
        assert response.status_code == 403, who
        assert response.json()["problems"][0]["message"]
    lab = world.call("lab_admin", "GET", "/api/v1/organizations/lab").json()
    assert lab["industry"] != "x"


def test_an_unknown_api_token_is_refused_with_401(world):
    response = world.client.get("/api/v1/me", headers={"Authorization": "Bearer ww_nonsense"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


PAGES = [
    ("GET", "/org", None),
    ("GET", "/account", None),
    ("POST", "/org/profile", {"name": "Hijacked"}),
    ("POST", "/org/people", {"email": "x@example.com", "name": "X"}),
    ("POST", "/account/tokens", {"name": "x"}),
]


def test_pages_send_anonymous_visitors_to_sign_in(world):
    login = world.client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
    for method, path, data in PAGES:
        form = {**data, "csrf_token": csrf} if data is not None else None
        response = world.client.request(method, path, data=form, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next="), path
    kuusi = world.call("member", "GET", "/api/v1/organizations/kuusi").json()
    assert kuusi["name"] != "Hijacked"


def test_a_member_cannot_change_the_profile_through_the_page(world):
    login = world.client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
    signed_in = world.client.post(
        "/login",
        data={"email": "member@kuusi.example", "password": "winwin-demo", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    response = world.client.post(
        "/org/profile?org=kuusi", data={"name": "Hijacked", "csrf_token": csrf}
    )
    assert response.status_code == 403
    assert world.call("member", "GET", "/api/v1/organizations/kuusi").json()["name"] != "Hijacked"


# Operations meant for people without an account, each with its reason.
PUBLIC = {
    ("GET", "/healthz"): "health check",
    ("GET", "/api/v1/public/feed"): "public items are for everyone",
    ("GET", "/api/v1/public/search"): "searching public items is for everyone",
    ("GET", "/api/v1/public/innovation"): "public challenges and ideas are for everyone",
    ("GET", "/api/v1/public/items/{key}/attachments"): "a public item's files are for everyone",
    ("GET", "/api/v1/public/items/{key}/attachments/{attachment_id}"): (
        "a public item's files are for everyone"
    ),
    ("GET", "/api/v1/responses/{token}"): "a respondent's personal link is the credential",
    ("PUT", "/api/v1/responses/{token}"): "a respondent's personal link is the credential",
    ("POST", "/api/v1/join/{token}"): "an invited organisation's link is the credential",
    ("POST", "/api/v1/outsiders"): "people of no member organisation sign up to take part",
    ("POST", "/api/v1/outsiders/verify"): "the link mailed at sign-up is the credential",
}


def test_every_api_operation_refuses_anonymous_callers_unless_it_is_public(world):
    schema = world.client.get("/openapi.json").json()
    checked = 0
    for path, operations in schema["paths"].items():
        for method in operations:
            if (method.upper(), path) in PUBLIC:
                continue
            url = re.sub(r"\{[^}]+\}", "1", path)
            body = {} if method in ("post", "put", "patch") else None
            response = world.client.request(method.upper(), url, json=body)
            assert response.status_code == 401, f"{method.upper()} {path}"
            checked += 1
    assert checked >= 14
