"""Rounds end to end through the service: open, invite, answer by link, close; every
refusal names its field and stores nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, operator
from winwin.accounts.models import FacilitatorGrant, User
from winwin.assessments.anonymity import OPERATOR
from winwin.assessments.instruments import create_instrument, list_instruments
from winwin.assessments.scoring import relationship_detail, score_relationships
from winwin.assessments.service import (
    Invitee,
    answer_form,
    close_round,
    get_round,
    invite_respondents,
    open_round,
    submit_response,
)
from winwin.db.models import Answer, Assessment, Invitation, Response
from winwin.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from winwin.network import io as network_io
from winwin.network.document import parse_document
from winwin.network.repository import NetworkRepository


def setup_network(session: Session) -> dict[str, Any]:
    doc = {
        "format": "winwin/1",
        "organizations": [
            {"key": k, "name": k.title()} for k in ("kuusi", "pakkaus", "lab", "consult")
        ],
        "ties": [{"kind": "supplies", "from": "kuusi", "to": "pakkaus"}],
    }
    network_io.import_network(session, parse_document(json.dumps(doc).encode()))
    ids = NetworkRepository(session).org_ids()
    people = {}
    for name, org, role in (
        ("fac", "consult", "facilitator"),
        ("kadmin", "kuusi", "org_admin"),
        ("kmember", "kuusi", "member"),
        ("labadmin", "lab", "org_admin"),
    ):
        user = User(email=f"{name}@example.com", name=name, org_id=ids[org], role=role)
        session.add(user)
        session.flush()
        people[name] = user
    session.add(FacilitatorGrant(user_id=people["fac"].id, org_id=ids["pakkaus"]))
    session.flush()

    def actor(name: str, clients: frozenset[int] = frozenset()) -> Actor:
        u = people[name]
        return Actor(u.id, u.email, u.name, u.org_id, u.role, None, clients)

    return {
        "ids": ids,
        "fac": actor("fac", frozenset({ids["pakkaus"]})),
        "kadmin": actor("kadmin"),
        "kmember": actor("kmember"),
        "labadmin": actor("labadmin"),
    }


def counts(session: Session) -> tuple[int, int, int, int]:
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Assessment, Invitation, Response, Answer)
    )


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    w = setup_network(session)
    rnd = open_round(
        session,
        actor=w["fac"],
        between=["pakkaus", "kuusi"],
        round="2026-Q1",
        instrument="customer-relationship",
    )
    # Each side invites its own people; the facilitator is granted only pakkaus.
    issued = invite_respondents(
        session,
        actor=w["fac"],
        round_id=rnd.id,
        invitees=[
            {"side": "pakkaus", "name": "Pekka"},
            Invitee(side="third-party", respondent="customer-of-pakkaus", locale="en"),
        ],
    ) + invite_respondents(
        session,
        actor=w["kadmin"],
        round_id=rnd.id,
        invitees=[Invitee(side="kuusi", name="Anna", email="anna@kuusi.fi")],
    )
    w["round"] = rnd
    w["links"] = {i.invitation.side: i.token for i in issued}
    return w


FULL = {f"{f}{n}": 4 for f in "aeit" for n in range(1, 6)}


def test_a_facilitator_opens_a_round_and_both_sides_and_a_third_party_answer(
    session: Session, world: dict[str, Any]
):
    links = world["links"]
    kuusi = answer_form(session, token=links["kuusi"])
    assert kuusi.side == "kuusi" and len(kuusi.items) == 20 and kuusi.answers == {}
    third = answer_form(session, token=links["third-party"])
    assert {item.factor for item in third.items} == {"impact", "attraction"}
    assert all(item.text["fi"] and item.text["en"] for item in third.items)

    submit_response(session, token=links["kuusi"], answers=FULL)
    submit_response(session, token=links["pakkaus"], answers={**FULL, "e1": 2, "e2": 1})
    submit_response(session, token=links["third-party"], answers={"i1": 5, "t2": 3})

    (score,) = score_relationships(session, reader=OPERATOR)
    assert score.between == ("kuusi", "pakkaus")
    assert score.respondents == {"kuusi": 1, "pakkaus": 1, "third-party": 1}
    kuusi_side = score.sides["kuusi"]
    assert kuusi_side is not None
    # Items 1-4 answered 4 (0.75), the reverse-coded fifth 4 too (0.25): mean 0.65.
    assert kuusi_side.accessibility == pytest.approx(0.65)
    assert kuusi_side.score == pytest.approx(50 * (0.65 * 0.65 + 0.65 * 0.65))
    assert score.outside_view is not None
    assert score.outside_view.impact == 1.0 and score.outside_view.attraction == 0.5
    # The operator sees every invitation (a facilitator only those of granted sides).
    rnd = get_round(session, actor=operator(), round_id=world["round"].id)
    assert rnd.respondents == 3
    assert all(inv.answered for inv in rnd.invitations)
    opened = {inv.side for inv in rnd.invitations if inv.last_opened_at}
    assert opened == {"kuusi", "third-party"}
    assert rnd.opened_by_user_id == world["fac"].user_id


def test_an_answer_can_be_changed_until_the_round_closes_and_not_after(
    session: Session, world: dict[str, Any]
):
    token = world["links"]["kuusi"]
    first = submit_response(session, token=token, answers={"a1": 2, "e1": 2})
    again = submit_response(session, token=token, answers={"a1": 5, "i1": 3})
    assert first.created and not again.created
    assert answer_form(session, token=token).answers == {"a1": 5, "i1": 3}
    assert counts(session)[2:] == (1, 2)
    close_round(session, actor=world["kadmin"], round_id=world["round"].id)
    before = counts(session)
    with pytest.raises(Conflict, match="closed"):
        submit_response(session, token=token, answers={"a1": 1})
    with pytest.raises(Conflict, match="closed"):
        submit_response(session, token=world["links"]["pakkaus"], answers={"a1": 1})
    assert counts(session) == before
    assert answer_form(session, token=token).answers == {"a1": 5, "i1": 3}
    assert not answer_form(session, token=token).open
    with pytest.raises(Conflict):
        close_round(session, actor=world["fac"], round_id=world["round"].id)


@pytest.mark.parametrize(
    ("answers", "path", "message"),
    [
        ({"a1": 0}, "answers.a1", "outside 1..5"),
        ({"a1": 6}, "answers.a1", "outside 1..5"),
        ({"e2": 3.5}, "answers.e2", "whole number"),
        ({"e2": 3.0}, "answers.e2", "whole number"),
        ({"e2": "3"}, "answers.e2", "whole number"),
        ({"e2": True}, "answers.e2", "whole number"),
        ({"e2": None}, "answers.e2", "whole number"),
        ({"a1": 3, "zz9": 3}, "answers.zz9", "unknown item"),
        ({}, "answers", "at least one"),
    ],
)
def test_a_bad_answer_is_refused_with_its_place_and_nothing_is_stored(
    session: Session, world: dict[str, Any], answers: dict[str, Any], path: str, message: str
):
    token = world["links"]["kuusi"]
    submit_response(session, token=token, answers={"a1": 2})
    before = counts(session)
    with pytest.raises(InvalidInput) as caught:
        submit_response(session, token=token, answers={"i1": 5, **answers} if answers else {})
    assert caught.value.problems[0].path == path
    assert message in caught.value.problems[0].message
    assert counts(session) == before
    assert answer_form(session, token=token).answers == {"a1": 2}


@pytest.mark.parametrize("item", ["a1", "e5"])
def test_a_third_party_answering_accessibility_or_energy_is_refused(
    session: Session, world: dict[str, Any], item: str
):
    before = counts(session)
    with pytest.raises(InvalidInput) as caught:
        submit_response(session, token=world["links"]["third-party"], answers={"i1": 4, item: 4})
    assert caught.value.problems[0].path == f"answers.{item}"
    assert "only impact and attraction" in str(caught.value)
    assert counts(session) == before


def test_inviting_a_side_that_is_not_in_the_relationship_is_refused(
    session: Session, world: dict[str, Any]
):
    before = counts(session)
    with pytest.raises(InvalidInput) as caught:
        invite_respondents(
            session,
            actor=world["fac"],
            round_id=world["round"].id,
            invitees=[Invitee(side="pakkaus", name="Ok"), Invitee(side="lab", name="Lars")],
        )
    assert caught.value.problems[0].path == "invitees[1].side"
    assert "'lab' is not a side of this relationship" in str(caught.value)
    assert counts(session) == before


def test_inviting_the_same_respondent_twice_or_a_bad_email_is_refused(
    session: Session, world: dict[str, Any]
):
    with pytest.raises(InvalidInput) as caught:
        invite_respondents(
            session,
            actor=world["fac"],
            round_id=world["round"].id,
            invitees=[
                Invitee(side="pakkaus", respondent="customer-of-pakkaus"),
                Invitee(side="pakkaus", email="not-an-email"),
            ],
        )
    paths = [p.path for p in caught.value.problems]
    assert paths == ["invitees[0].respondent", "invitees[1].email"]


def test_opening_a_round_with_an_unknown_instrument_or_organisation_is_refused(
    session: Session,
):
    w = setup_network(session)
    before = counts(session)
    with pytest.raises(InvalidInput) as caught:
        open_round(
            session, actor=w["fac"], between=["kuusi", "pakkaus"], round="r", instrument="nope"
        )
    assert caught.value.problems[0].path == "instrument"
    assert "unknown instrument 'nope'" in str(caught.value)
    with pytest.raises(InvalidInput) as caught:
        open_round(session, actor=operator(), between=["kuusi", "ghost"], round=" ", instrument="x")
    assert [p.path for p in caught.value.problems] == ["between[1]", "round"]
    with pytest.raises(InvalidInput):
        open_round(session, actor=operator(), between=["kuusi", "kuusi"], round="r", instrument="x")
    assert counts(session) == before


def test_only_those_who_run_a_side_may_open_invite_and_close(
    session: Session, world: dict[str, Any]
):
    with pytest.raises(PermissionDenied):
        open_round(
            session,
            actor=world["kmember"],
            between=["kuusi", "pakkaus"],
            round="2026-Q2",
            instrument="customer-relationship",
        )
    with pytest.raises(PermissionDenied):
        open_round(
            session,
            actor=world["labadmin"],
            between=["kuusi", "pakkaus"],
            round="2026-Q2",
            instrument="customer-relationship",
        )
    with pytest.raises(NotFound):
        close_round(session, actor=world["labadmin"], round_id=world["round"].id)
    with pytest.raises(PermissionDenied):
        invite_respondents(
            session,
            actor=world["kmember"],
            round_id=world["round"].id,
            invitees=[Invitee(side="kuusi")],
        )
    again = open_round(
        session,
        actor=world["kadmin"],
        between=["kuusi", "pakkaus"],
        round="2026-Q2",
        instrument="learning-partnership",
    )
    assert again.instrument == "learning-partnership"
    with pytest.raises(Conflict, match="already open"):
        open_round(
            session,
            actor=world["kadmin"],
            between=["pakkaus", "kuusi"],
            round="2026-Q2",
            instrument="customer-relationship",
        )


def test_an_unknown_link_finds_nothing(session: Session, world: dict[str, Any]):
    with pytest.raises(NotFound):
        answer_form(session, token="x" * 43)
    with pytest.raises(NotFound):
        submit_response(session, token="short", answers={"a1": 1})


def test_links_are_found_by_the_digest_of_their_token(session: Session, world: dict[str, Any]):
    stored = set(session.scalars(select(Invitation.token_hash)))
    assert len(stored) == 3
    assert not stored & set(world["links"].values())


def test_trends_follow_the_rounds_of_a_relationship(session: Session, world: dict[str, Any]):
    for side in ("kuusi", "pakkaus"):
        submit_response(session, token=world["links"][side], answers={"a1": 3, "e1": 3})
    close_round(session, actor=operator(), round_id=world["round"].id)
    second = open_round(
        session,
        actor=operator(),
        between=["kuusi", "pakkaus"],
        round="2026-Q2",
        instrument="customer-relationship",
    )
    (link,) = invite_respondents(
        session, actor=operator(), round_id=second.id, invitees=[Invitee(side="kuusi")]
    )
    submit_response(session, token=link.token, answers={"a1": 5, "e1": 5})
    detail = relationship_detail(session, between=("kuusi", "pakkaus"), reader=OPERATOR)
    assert [h.round for h in detail.history] == ["2026-Q1", "2026-Q2"]
    assert detail.history[0].score == pytest.approx(12.5)
    assert detail.history[1].score is None
    assert detail.latest_scored is detail.history[0]
    assert link.invitation.respondent == "respondent-1"
    twins = invite_respondents(
        session,
        actor=operator(),
        round_id=second.id,
        invitees=[Invitee(side="kuusi", name="Anna"), Invitee(side="pakkaus", name="Anna")],
    )
    assert [t.invitation.respondent for t in twins] == ["Anna", "Anna-2"]


CUSTOM_ITEMS = [
    {"id": f"{code}1", "factor": f, "text": {"en": f"{f} en", "fi": f"{f} fi"}}
    for code, f in (("a", "accessibility"), ("e", "energy"), ("i", "impact"), ("t", "attraction"))
]


def test_an_organisation_adds_its_own_instrument_and_only_its_relationships_use_it(
    session: Session, world: dict[str, Any]
):
    made = create_instrument(
        session,
        actor=world["kadmin"],
        org="kuusi",
        key="kuusi-pulse",
        name={"en": "Pulse", "fi": "Pulssi"},
        scale=7,
        items=CUSTOM_ITEMS,
    )
    assert made.owner == "kuusi" and made.scale == 7 and len(made.items) == 4
    rnd = open_round(
        session,
        actor=world["kadmin"],
        between=["kuusi", "pakkaus"],
        round="pulse-1",
        instrument="kuusi-pulse",
    )
    assert rnd.instrument == "kuusi-pulse"
    with pytest.raises(InvalidInput, match="unknown instrument"):
        open_round(
            session,
            actor=operator(),
            between=["lab", "pakkaus"],
            round="x",
            instrument="kuusi-pulse",
        )
    ids = world["ids"]
    assert "kuusi-pulse" in {i.key for i in list_instruments(session, org_ids=[ids["kuusi"]])}
    assert "kuusi-pulse" not in {i.key for i in list_instruments(session, org_ids=[ids["lab"]])}
    with pytest.raises(Conflict):
        create_instrument(
            session,
            actor=operator(),
            org="kuusi",
            key="kuusi-pulse",
            name={"en": "a", "fi": "b"},
            items=CUSTOM_ITEMS,
        )


def test_a_custom_instrument_with_broken_fields_is_refused_field_by_field(
    session: Session, world: dict[str, Any]
):
    with pytest.raises(PermissionDenied):
        create_instrument(
            session, actor=world["kmember"], org="kuusi", key="x", name={}, items=CUSTOM_ITEMS
        )
    with pytest.raises(InvalidInput) as caught:
        create_instrument(
            session,
            actor=world["kadmin"],
            org="kuusi",
            key="customer-relationship",
            name={"en": "Name"},
            scale=1,
            items=[
                {"id": "a1", "factor": "accessibility", "text": {"en": "a", "fi": "a"}},
                {"id": "a1", "factor": "luck", "reverse": "yes", "text": {"en": "b"}},
            ],
        )
    paths = [p.path for p in caught.value.problems]
    assert paths == [
        "key",
        "name.fi",
        "scale",
        "items[1].id",
        "items[1].factor",
        "items[1].reverse",
        "items[1].text.fi",
        "items",
    ]
    assert list_instruments(session, org_ids=[world["ids"]["kuusi"]])[0].builtin


answer_values = st.one_of(st.integers(-1, 7), st.floats(0, 6), st.text(max_size=2), st.none())
submissions = st.lists(
    st.dictionaries(st.sampled_from(["a1", "e2", "i3", "t4", "zz"]), answer_values, max_size=4),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sequence=submissions)
def test_any_sequence_of_submissions_keeps_one_response_with_the_last_valid_answers(
    session: Session, world: dict[str, Any], sequence: list[dict[str, Any]]
):
    token = world["links"]["kuusi"]
    nested = session.begin_nested()
    try:
        expected: dict[str, int] | None = None
        for answers in sequence:
            valid = bool(answers) and all(
                k != "zz" and type(v) is int and 1 <= v <= 5 for k, v in answers.items()
            )
            try:
                submit_response(session, token=token, answers=answers)
                assert valid, answers
                expected = dict(answers)
            except InvalidInput:
                assert not valid, answers
        responses = session.scalars(
            select(Response).where(Response.respondent == "anna@kuusi.fi")
        ).all()
        assert len(responses) == (0 if expected is None else 1)
        assert answer_form(session, token=token).answers == (expected or {})
    finally:
        nested.rollback()
