"""Accounts on SQLite and PostgreSQL: sign-in, rate limit, passwords, invitations, roles."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from winwin.accounts import credentials
from winwin.accounts import service as accounts
from winwin.accounts.access import Actor, actor_for
from winwin.accounts.models import LoginAttempt, User, WebSession
from winwin.accounts.repository import AccountsRepository
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied, RuleBroken
from winwin.network.models import Organization

PASSWORD = "a long enough secret"


@pytest.fixture
def org(session) -> Organization:
    org = Organization(
        key="kuusi", name="Kuusi Paper Oy", roles=[], capabilities=[], needs=[], values=[]
    )
    session.add(org)
    session.flush()
    return org


def make_user(session, org, email="anna@kuusi.example", role="org_admin", password=PASSWORD):
    return AccountsRepository(session).add(
        User(
            email=email,
            name=email.split("@")[0].title(),
            org_id=org.id,
            role=role,
            password_hash=accounts.hash_password(password) if password else None,
        )
    )


def test_signing_in_opens_a_session_that_finds_the_person(session, org):
    user = make_user(session, org)
    signed, token = accounts.sign_in(
        session, email="ANNA@kuusi.example", password=PASSWORD, ip="1.2.3.4"
    )
    assert signed.id == user.id
    assert accounts.user_for_session_token(session, token).id == user.id
    stored = session.scalars(select(WebSession.token_hash)).all()
    assert token not in stored


def test_passwords_are_hashed_with_argon2id(session, org):
    user = make_user(session, org)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("chosen", "environment", "expected"),
    [
        ("", "development", "rfc"),
        ("cheapest-for-tests", "test", "cheapest"),
        ("cheapest-for-tests", "production", "rfc"),
        ("cheapest-for-tests", " Production ", "rfc"),
    ],
)
def test_only_a_non_production_test_run_may_choose_cheap_password_hashes(
    monkeypatch, chosen, environment, expected
):  # type: ignore[no-untyped-def]
    from argon2 import profiles

    monkeypatch.setenv("WINWIN_PASSWORD_HASHING", chosen)
    monkeypatch.setenv("WINWIN_ENVIRONMENT", environment)
    hasher = credentials._password_hasher()
    want = profiles.CHEAPEST if expected == "cheapest" else profiles.RFC_9106_LOW_MEMORY
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (
        want.time_cost,
        want.memory_cost,
        want.parallelism,
    )
    # Hashes name their parameters: each profile verifies the other's.
    other = credentials.PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
    assert hasher.verify(other.hash("a password 123"), "a password 123")


def test_an_unknown_password_hashing_choice_is_refused(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("WINWIN_PASSWORD_HASHING", "md5")
    with pytest.raises(RuntimeError, match="WINWIN_PASSWORD_HASHING"):
        credentials._password_hasher()


def test_an_attempt_is_counted_before_its_password_is_checked(session, org):
    make_user(session, org)
    for email in ("anna@kuusi.example", "nobody@kuusi.example"):
        accounts.reserve_sign_in_attempt(session, email=email, ip="1.2.3.4")
        assert (
            len(session.scalars(select(LoginAttempt).where(LoginAttempt.email == email)).all()) == 1
        )
        with pytest.raises(accounts.BadCredentials):
            accounts.sign_in(session, email=email, password="wrong", ip="1.2.3.4")
    assert len(session.scalars(select(LoginAttempt)).all()) == 2


def test_repeated_failures_lock_that_email_from_that_address_only(session, org):
    make_user(session, org)
    anna = {"email": "anna@kuusi.example", "ip": "1.2.3.4"}
    for _ in range(accounts.MAX_FAILURES):
        accounts.reserve_sign_in_attempt(session, **anna)
        with pytest.raises(accounts.BadCredentials):
            accounts.sign_in(session, password="wrong", **anna)
    # Counted before the password is checked: the right one does not get through.
    accounts.reserve_sign_in_attempt(session, **anna)
    with pytest.raises(accounts.TooManyAttempts):
        accounts.sign_in(session, password=PASSWORD, **anna)
    # Another address is not punished for the first one's guesses.
    accounts.reserve_sign_in_attempt(session, email="anna@kuusi.example", ip="5.6.7.8")
    user, _ = accounts.sign_in(session, email="anna@kuusi.example", password=PASSWORD, ip="5.6.7.8")
    assert user.email == "anna@kuusi.example"


def test_a_successful_sign_in_clears_the_count(session, org):
    make_user(session, org)
    anna = {"email": "anna@kuusi.example", "ip": "1.2.3.4"}
    for _ in range(accounts.MAX_FAILURES):
        accounts.reserve_sign_in_attempt(session, **anna)
    accounts.sign_in(session, password=PASSWORD, **anna)
    for _ in range(accounts.MAX_FAILURES):
        accounts.reserve_sign_in_attempt(session, **anna)
    user, _ = accounts.sign_in(session, password=PASSWORD, **anna)
    assert user.email == anna["email"]


def test_signing_out_ends_the_session(session, org):
    make_user(session, org)
    _, token = accounts.sign_in(session, email="anna@kuusi.example", password=PASSWORD, ip="x")
    accounts.sign_out(session, session_token=token)
    assert accounts.user_for_session_token(session, token) is None


def test_changing_the_password_closes_the_other_sessions(session, org):
    user = make_user(session, org)
    _, here = accounts.sign_in(session, email=user.email, password=PASSWORD, ip="x")
    _, elsewhere = accounts.sign_in(session, email=user.email, password=PASSWORD, ip="y")
    accounts.change_password(
        session, user_id=user.id, current=PASSWORD, new="another long secret", keep_session=here
    )
    assert accounts.user_for_session_token(session, here) is not None
    assert accounts.user_for_session_token(session, elsewhere) is None
    with pytest.raises(accounts.BadCredentials):
        accounts.sign_in(session, email=user.email, password=PASSWORD, ip="z")


def test_a_wrong_current_password_or_a_short_new_one_names_the_field(session, org):
    user = make_user(session, org)
    with pytest.raises(InvalidInput) as wrong:
        accounts.change_password(
            session, user_id=user.id, current="nope", new="another long secret"
        )
    assert wrong.value.problems[0].path == "current_password"
    with pytest.raises(InvalidInput) as short:
        accounts.change_password(session, user_id=user.id, current=PASSWORD, new="short")
    assert short.value.problems[0].path == "new_password"


def test_a_reset_link_works_once(session, org):
    user = make_user(session, org)
    link = accounts.request_password_reset(session, email=user.email, base_url="http://h/")
    token = link.rsplit("/", 1)[1]
    accounts.reset_password(session, token=token, new="brand new secret!")
    with pytest.raises(PermissionDenied):
        accounts.reset_password(session, token=token, new="yet another secret")
    assert accounts.sign_in(session, email=user.email, password="brand new secret!", ip="x")


def test_a_reset_for_an_unknown_email_reveals_nothing(session, org):
    assert (
        accounts.request_password_reset(session, email="ghost@x.example", base_url="http://h")
        is None
    )


def test_a_csv_with_any_bad_line_invites_nobody_and_names_each_line(session, org):
    admin = actor_for(session, make_user(session, org))
    text = (
        "email,name,role\nok@kuusi.example,Ok,member\nnot-an-email,Bad,member\n"
        ",NoMail,\ntwo@kuusi.example,,member\n"
    )
    with pytest.raises(InvalidInput) as caught:
        accounts.invite_people_csv(session, admin, org_id=org.id, text=text, base_url="http://h")
    assert [str(p.path) for p in caught.value.problems] == [
        "line 3.email",
        "line 4.email",
        "line 5.name",
    ]
    assert AccountsRepository(session).get_by_email("ok@kuusi.example") is None


def test_a_good_csv_invites_everyone_with_a_link_each(session, org):
    admin = actor_for(session, make_user(session, org))
    text = "\ufeffname,email\nOne,one@kuusi.example\n\nTwo,two@kuusi.example\n"
    invited = accounts.invite_people_csv(
        session, admin, org_id=org.id, text=text, base_url="http://h"
    )
    assert [i.email for i in invited] == ["one@kuusi.example", "two@kuusi.example"]
    assert all(i.link.startswith("http://h/reset/") for i in invited)
    people = AccountsRepository(session).people_of_org(org.id)
    assert {p.email for p in people} >= {"one@kuusi.example", "two@kuusi.example"}


def test_a_csv_header_must_name_email_and_name(session, org):
    admin = actor_for(session, make_user(session, org))
    with pytest.raises(InvalidInput) as caught:
        accounts.invite_people_csv(
            session, admin, org_id=org.id, text="mail,who\na@b.fi,A\n", base_url="h"
        )
    assert {p.path for p in caught.value.problems} == {
        "line 1.email",
        "line 1.name",
        "line 1.mail",
        "line 1.who",
    }


def test_a_member_may_not_invite(session, org):
    make_user(session, org)
    member = actor_for(session, make_user(session, org, email="m@kuusi.example", role="member"))
    with pytest.raises(PermissionDenied):
        accounts.invite_people(
            session,
            member,
            org_id=org.id,
            invitations=[accounts.Invitation("x@kuusi.example", "X")],
            base_url="h",
        )


def test_removing_a_person_ends_their_sessions_but_never_the_last_admin(session, org):
    admin_user = make_user(session, org)
    admin = actor_for(session, admin_user)
    member = make_user(session, org, email="m@kuusi.example", role="member")
    _, token = accounts.sign_in(session, email=member.email, password=PASSWORD, ip="x")
    accounts.remove_person(session, admin, org_id=org.id, user_id=member.id)
    assert accounts.user_for_session_token(session, token) is None
    with pytest.raises(RuleBroken):
        accounts.remove_person(session, admin, org_id=org.id, user_id=admin_user.id)
    with pytest.raises(NotFound):
        accounts.remove_person(session, admin, org_id=org.id, user_id=member.id)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    country=st.text(max_size=4),
    roles=st.lists(st.text(max_size=8), max_size=4),
    needs=st.lists(st.text(max_size=5), max_size=3),
)
def test_a_refused_profile_change_leaves_the_profile_as_it_was(session, org, country, roles, needs):
    admin = Actor(user_id=0, email="p@x.example", name="P", org_id=None, role="platform_admin")
    before = (org.name, org.country, list(org.roles), list(org.needs))
    change = accounts.ProfileChange(country=country, roles=roles, needs=needs)
    try:
        accounts.update_profile(session, admin, org_id=org.id, change=change)
    except InvalidInput as exc:
        assert all(p.path.split("[")[0] in {"country", "roles", "needs"} for p in exc.problems)
        assert (org.name, org.country, list(org.roles), list(org.needs)) == before
    else:
        assert org.country == (country.strip() or None)
        assert org.roles == sorted(set(roles))


def test_failures_older_than_the_window_are_forgotten(session, org):
    from datetime import timedelta

    from winwin.db.base import utcnow

    make_user(session, org)
    old = utcnow() - accounts.FAILURE_WINDOW - timedelta(minutes=1)
    for _ in range(accounts.MAX_FAILURES):
        session.add(LoginAttempt(email="anna@kuusi.example", ip="1.2.3.4", created_at=old))
    session.flush()
    accounts.reserve_sign_in_attempt(session, email="anna@kuusi.example", ip="1.2.3.4")
    assert len(session.scalars(select(LoginAttempt)).all()) == 1
    user, _ = accounts.sign_in(session, email="anna@kuusi.example", password=PASSWORD, ip="1.2.3.4")
    assert user.email == "anna@kuusi.example"
