"""Answer links for many people, resent and revoked; "I can't say" and partial answers.

Through the service, on SQLite and PostgreSQL: inviting many is all or nothing; a link
can be read again by whoever may invite for its side and by nobody else; a resend
makes the old link unknown; a revoke ends it; an "I can't say" is kept but never
enters a mean, an alpha, an interval or the count of respondents.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from winwin.accounts.access import operator
from winwin.assessments.anonymity import OPERATOR
from winwin.assessments.scoring import score_relationships
from winwin.assessments.service import (
    answer_form,
    close_round,
    get_round,
    invitation_id_of,
    invite_respondents,
    resend_invitation,
    revoke_invitation,
    submit_response,
)
from winwin.db.models import Answer, CantSay, Invitation, Response
from winwin.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied

from .test_rounds import FULL, counts
from .test_rounds import world as world  # the fixture


def _all_rows(session: Session) -> tuple[int, ...]:
    return (
        *counts(session),
        session.scalar(select(func.count()).select_from(CantSay)) or 0,
        *sorted(session.scalars(select(Invitation.token_hash))),
    )


def test_many_are_invited_at_once_and_a_single_bad_address_invites_nobody(
    session: Session, world: dict[str, Any]
):
    rnd = world["round"].id
    before = _all_rows(session)
    with pytest.raises(InvalidInput) as refused:
        invite_respondents(
            session,
            actor=world["kadmin"],
            round_id=rnd,
            invitees=[
                {"side": "kuusi", "email": "liisa@kuusi.fi"},
                {"side": "kuusi", "email": "not-an-address"},
                {"side": "kuusi", "email": "ANNA@kuusi.fi"},  # invited in the fixture
            ],
        )
    paths = {p.path: p.message for p in refused.value.problems}
    assert paths == {
        "invitees[1].email": "is not a valid email address",
        "invitees[2].email": "'anna@kuusi.fi' is already invited to this round",
    }
    assert _all_rows(session) == before
    issued = invite_respondents(
        session,
        actor=world["kadmin"],
        round_id=rnd,
        invitees=[{"side": "kuusi", "email": f"p{n}@kuusi.fi"} for n in range(5)],
    )
    assert len({i.token for i in issued}) == 5
    assert all(i.invitation.token == i.token for i in issued)


def test_a_link_can_be_read_again_only_by_those_who_may_invite_for_its_side(
    session: Session, world: dict[str, Any]
):
    rnd, links = world["round"].id, world["links"]
    by_admin = {
        i.side: i.token for i in get_round(session, actor=world["kadmin"], round_id=rnd).invitations
    }
    # kuusi's admin: kuusi's people and the third parties (whoever runs the round invites
    # those), never pakkaus' people.
    assert by_admin == {"kuusi": links["kuusi"], "third-party": links["third-party"]}
    by_fac = {
        i.side: i.token for i in get_round(session, actor=world["fac"], round_id=rnd).invitations
    }
    assert by_fac == {"pakkaus": links["pakkaus"], "third-party": links["third-party"]}
    assert get_round(session, actor=world["kmember"], round_id=rnd).invitations == []
    assert {i.token for i in get_round(session, actor=operator(), round_id=rnd).invitations} == set(
        links.values()
    )
    # The link is found by its digest; the kept token is not the lookup key.
    stored = set(session.scalars(select(Invitation.token_hash)))
    assert not stored & set(links.values())


def test_a_kept_link_is_sealed_at_rest_and_opens_only_under_its_secret(
    session: Session, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
):
    rnd, links = world["round"].id, world["links"]
    inv = invitation_id_of(session, actor=operator(), round_id=rnd, respondent="anna@kuusi.fi")
    renewed = resend_invitation(session, actor=world["kadmin"], round_id=rnd, invitation_id=inv)
    tokens = {*links.values(), renewed.token}
    # What the database holds (the row, a backup, a dump) has no token in it.
    rows = session.execute(text("SELECT link_token, token_hash FROM assessment_invitations"))
    stored = " ".join(f"{sealed} {digest}" for sealed, digest in rows)
    assert len(stored.split()) == 6
    assert not any(token in stored for token in tokens)
    # Those who may copy the link still get it.
    shown = {
        i.side: i.token for i in get_round(session, actor=operator(), round_id=rnd).invitations
    }
    assert shown == {**links, "kuusi": renewed.token}
    # Under another secret key nothing opens: each row offers a new link instead.
    monkeypatch.setenv("WINWIN_SECRET_KEY", "another-secret-of-at-least-32-bytes!!")
    assert [i.token for i in get_round(session, actor=operator(), round_id=rnd).invitations] == [
        None,
        None,
        None,
    ]
    # The links themselves still work: they are found by their digest, not the kept copy.
    assert answer_form(session, token=renewed.token).side == "kuusi"


def test_a_resend_gives_a_new_link_and_the_old_one_stops_working(
    session: Session, world: dict[str, Any]
):
    rnd, old = world["round"].id, world["links"]["kuusi"]
    submit_response(session, token=old, answers={"a1": 3})
    inv = invitation_id_of(session, actor=operator(), round_id=rnd, respondent="anna@kuusi.fi")
    renewed = resend_invitation(session, actor=world["kadmin"], round_id=rnd, invitation_id=inv)
    assert renewed.token != old and renewed.invitation.answered
    with pytest.raises(NotFound):
        answer_form(session, token=old)
    with pytest.raises(NotFound):
        submit_response(session, token=old, answers={"a1": 5})
    form = answer_form(session, token=renewed.token)
    assert form.answers == {"a1": 3}  # the response given stays with the respondent
    shown = get_round(session, actor=world["kadmin"], round_id=rnd).invitations
    (anna,) = [i for i in shown if i.side == "kuusi"]
    assert anna.token == renewed.token and not anna.revoked


def test_a_revoked_link_is_refused_until_a_new_one_is_made(session: Session, world: dict[str, Any]):
    rnd, old = world["round"].id, world["links"]["pakkaus"]
    inv = invitation_id_of(session, actor=operator(), round_id=rnd, respondent="Pekka")
    revoked = revoke_invitation(session, actor=world["fac"], round_id=rnd, invitation_id=inv)
    assert revoked.revoked and revoked.token is None
    with pytest.raises(NotFound):
        answer_form(session, token=old)
    with pytest.raises(Conflict):
        revoke_invitation(session, actor=world["fac"], round_id=rnd, invitation_id=inv)
    renewed = resend_invitation(session, actor=world["fac"], round_id=rnd, invitation_id=inv)
    assert not renewed.invitation.revoked
    assert answer_form(session, token=renewed.token).side == "pakkaus"
    close_round(session, actor=world["fac"], round_id=rnd)
    with pytest.raises(Conflict):
        resend_invitation(session, actor=world["fac"], round_id=rnd, invitation_id=inv)


def test_only_those_who_invite_for_a_side_resend_or_revoke_its_links(
    session: Session, world: dict[str, Any]
):
    rnd = world["round"].id
    anna = invitation_id_of(session, actor=operator(), round_id=rnd, respondent="anna@kuusi.fi")
    before = _all_rows(session)
    # The facilitator runs the round but is not granted kuusi: Anna's link is not theirs.
    with pytest.raises(NotFound):
        resend_invitation(session, actor=world["fac"], round_id=rnd, invitation_id=anna)
    with pytest.raises(NotFound):
        revoke_invitation(session, actor=world["fac"], round_id=rnd, invitation_id=anna)
    with pytest.raises(PermissionDenied):
        resend_invitation(session, actor=world["kmember"], round_id=rnd, invitation_id=anna)
    with pytest.raises(NotFound):
        resend_invitation(session, actor=world["labadmin"], round_id=rnd, invitation_id=anna)
    with pytest.raises(NotFound):
        resend_invitation(session, actor=world["kadmin"], round_id=rnd, invitation_id=10**6)
    assert _all_rows(session) == before


def test_i_cant_say_is_kept_but_counts_neither_as_an_answer_nor_as_a_respondent(
    session: Session, world: dict[str, Any]
):
    links = world["links"]
    stored = submit_response(
        session, token=links["kuusi"], answers={"a1": 4, "a2": 2}, cant_say=["a3", "e1"]
    )
    assert stored.cant_say == ["a3", "e1"] and stored.answers == {"a1": 4, "a2": 2}
    form = answer_form(session, token=links["kuusi"])
    assert form.cant_say == {"a3", "e1"}
    assert form.unanswered == [i.id for i in form.items if i.id not in {"a1", "a2", "a3", "e1"}]
    # Only can't-say: stored, but pakkaus has no respondent and no factor.
    submit_response(session, token=links["pakkaus"], answers={}, cant_say=["a1", "e1"])
    (score,) = score_relationships(session, reader=OPERATOR)
    assert score.respondents["kuusi"] == 1 and score.respondents.get("pakkaus", 0) == 0
    assert score.sides["pakkaus"] is None
    kuusi = score.sides["kuusi"]
    assert kuusi is not None and kuusi.accessibility == pytest.approx((0.75 + 0.25) / 2)
    assert kuusi.energy is None
    # Changing the answers replaces the marks too.
    submit_response(session, token=links["kuusi"], answers={"a3": 5})
    assert answer_form(session, token=links["kuusi"]).cant_say == frozenset()


def test_a_cant_say_that_contradicts_an_answer_or_the_side_is_refused(
    session: Session, world: dict[str, Any]
):
    links = world["links"]
    before = _all_rows(session)
    with pytest.raises(InvalidInput) as both:
        submit_response(session, token=links["kuusi"], answers={"a1": 4}, cant_say=["a1", "zz"])
    assert [p.path for p in both.value.problems] == ["cant_say[0]", "cant_say[1]"]
    with pytest.raises(InvalidInput) as third:
        submit_response(session, token=links["third-party"], answers={}, cant_say=["a1"])
    assert third.value.problems[0].path == "cant_say[0]"
    with pytest.raises(InvalidInput):
        submit_response(session, token=links["kuusi"], answers={}, cant_say=[])
    assert _all_rows(session) == before


ITEMS = sorted(FULL)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    answers=st.lists(
        st.dictionaries(st.sampled_from(ITEMS), st.integers(1, 5), min_size=1),
        min_size=1,
        max_size=4,
    ),
    marks=st.lists(st.sets(st.sampled_from(ITEMS)), min_size=4, max_size=4),
)
def test_cant_say_never_changes_the_means_of_the_other_answers(
    session: Session, world: dict[str, Any], answers: list[dict[str, int]], marks: list[set[str]]
):
    """Each respondent answers some statements; marking any of the others "I can't
    say" leaves every factor, S, R, alpha, interval and respondent count as it was."""
    rnd = world["round"].id
    nested = session.begin_nested()
    try:
        people = invite_respondents(
            session,
            actor=world["kadmin"],
            round_id=rnd,
            invitees=[{"side": "kuusi", "name": f"k{n}"} for n in range(len(answers))],
        )
        for person, given_answers in zip(people, answers, strict=True):
            submit_response(session, token=person.token, answers=given_answers)
        (plain,) = score_relationships(session, reader=OPERATOR)
        for person, given_answers, marked in zip(people, answers, marks, strict=False):
            submit_response(
                session,
                token=person.token,
                answers=given_answers,
                cant_say=sorted(marked - set(given_answers)),
            )
        (with_marks,) = score_relationships(session, reader=OPERATOR)
        assert with_marks.respondents == plain.respondents
        assert with_marks.sides == plain.sides
        assert with_marks.score == plain.score
        assert with_marks.intervals == plain.intervals
        assert with_marks.alpha == plain.alpha
        assert session.scalar(select(func.count()).select_from(Answer)) == sum(
            len(a) for a in answers
        )
        assert session.scalar(select(func.count()).select_from(Response)) == len(answers)
    finally:
        nested.rollback()
