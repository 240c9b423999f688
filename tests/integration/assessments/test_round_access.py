"""Who may open a round, with which instrument, and invite whom: a round needs a tie
between its two organisations, the opener uses only instruments it may use, and each
side invites only its own people. Every refusal names its field and stores nothing.
On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from integration.assessments.test_rounds import CUSTOM_ITEMS, counts, setup_network
from winwin.accounts.access import Actor, operator
from winwin.accounts.models import User
from winwin.assessments.instruments import create_instrument
from winwin.assessments.service import (
    Invitee,
    answer_form,
    invite_respondents,
    open_round,
)
from winwin.db.models import Tie
from winwin.kernel.errors import InvalidInput, RuleBroken


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    w = setup_network(session)  # ties: kuusi supplies pakkaus; fac is granted pakkaus
    create_instrument(
        session,
        actor=operator(),
        org="pakkaus",
        key="pakkaus-private",
        name={"en": "Private", "fi": "Yksityinen"},
        items=[
            {**item, "text": {"en": "secret " + item["id"], "fi": "salainen " + item["id"]}}
            for item in CUSTOM_ITEMS
        ],
    )
    root = User(email="root@example.com", name="root", role="platform_admin")
    session.add(root)
    session.flush()
    w["root"] = Actor(root.id, root.email, root.name, None, "platform_admin")
    return w


def test_an_org_admin_cannot_open_a_round_with_an_organisation_it_has_no_tie_with(
    session: Session, world: dict[str, Any]
):
    before = counts(session)
    with pytest.raises(RuleBroken) as caught:
        open_round(
            session,
            actor=world["kadmin"],
            between=["kuusi", "lab"],
            round="r",
            instrument="customer-relationship",
        )
    assert [p.path for p in caught.value.problems] == ["between"]
    assert "'kuusi' and 'lab' have no tie" in str(caught.value)
    assert counts(session) == before


@pytest.mark.parametrize("kind", ["supplies", "partners"])
@pytest.mark.parametrize("lab_first", [True, False])
def test_a_tie_of_any_kind_in_either_direction_lets_a_round_open(
    session: Session, world: dict[str, Any], kind: str, lab_first: bool
):
    ids = world["ids"]
    ends = (ids["lab"], ids["kuusi"]) if lab_first else (ids["kuusi"], ids["lab"])
    session.add(Tie(kind=kind, from_id=ends[0], to_id=ends[1]))
    session.flush()
    opened = open_round(
        session,
        actor=world["kadmin"],
        between=["kuusi", "lab"],
        round="r",
        instrument="customer-relationship",
    )
    assert opened.between == ("kuusi", "lab")


def test_the_command_line_opens_a_round_without_a_tie_as_an_import_may(
    session: Session, world: dict[str, Any]
):
    opened = open_round(
        session,
        actor=operator(),
        between=["kuusi", "lab"],
        round="r",
        instrument="learning-partnership",
    )
    assert opened.between == ("kuusi", "lab")


def test_the_counterpartys_private_instrument_is_unknown_to_the_opener(
    session: Session, world: dict[str, Any]
):
    before = counts(session)
    with pytest.raises(InvalidInput) as caught:
        open_round(
            session,
            actor=world["kadmin"],
            between=["kuusi", "pakkaus"],
            round="r",
            instrument="pakkaus-private",
        )
    # The same answer as for an instrument that does not exist.
    assert [str(p) for p in caught.value.problems] == [
        "instrument: unknown instrument 'pakkaus-private'"
    ]
    assert counts(session) == before
    # Those who may use it: the owner's facilitator, a platform admin, the command line.
    for n, who in enumerate((world["fac"], world["root"], operator())):
        opened = open_round(
            session,
            actor=who,
            between=["kuusi", "pakkaus"],
            round=f"p{n}",
            instrument="pakkaus-private",
        )
        assert opened.instrument == "pakkaus-private"


def test_a_round_opened_by_one_side_gives_it_no_link_to_the_others_instrument(
    session: Session, world: dict[str, Any]
):
    opened = open_round(
        session,
        actor=world["kadmin"],
        between=["kuusi", "pakkaus"],
        round="r",
        instrument="customer-relationship",
    )
    (own,) = invite_respondents(
        session, actor=world["kadmin"], round_id=opened.id, invitees=[Invitee(side="kuusi")]
    )
    texts = {t for item in answer_form(session, token=own.token).items for t in item.text.values()}
    assert not any(t.startswith(("secret ", "salainen ")) for t in texts)


def test_each_side_invites_only_its_own_people(session: Session, world: dict[str, Any]):
    opened = open_round(
        session,
        actor=world["kadmin"],
        between=["kuusi", "pakkaus"],
        round="r",
        instrument="customer-relationship",
    )
    before = counts(session)
    for who, side, other in (
        (world["kadmin"], "kuusi", "pakkaus"),
        (world["fac"], "pakkaus", "kuusi"),
    ):
        with pytest.raises(InvalidInput) as caught:
            invite_respondents(
                session,
                actor=who,
                round_id=opened.id,
                invitees=[Invitee(side=side, name="Own"), Invitee(side=other, name="Theirs")],
            )
        assert [p.path for p in caught.value.problems] == ["invitees[1].side"]
        assert f"not those of '{other}'" in str(caught.value)
        assert counts(session) == before
    mine = invite_respondents(
        session,
        actor=world["kadmin"],
        round_id=opened.id,
        invitees=[Invitee(side="kuusi", name="Anna"), Invitee(side="third-party", name="Ext")],
    )
    assert [i.invitation.side for i in mine] == ["kuusi", "third-party"]
    both = invite_respondents(
        session,
        actor=world["root"],
        round_id=opened.id,
        invitees=[Invitee(side="kuusi", name="K"), Invitee(side="pakkaus", name="P")],
    )
    assert [i.invitation.side for i in both] == ["kuusi", "pakkaus"]


def test_a_facilitator_granted_both_sides_invites_for_both(session: Session, world: dict[str, Any]):
    ids = world["ids"]
    fac = world["fac"]
    both = Actor(
        fac.user_id,
        fac.email,
        fac.name,
        fac.org_id,
        fac.role,
        None,
        frozenset({ids["pakkaus"], ids["kuusi"]}),
    )
    opened = open_round(
        session, actor=both, between=["kuusi", "pakkaus"], round="r", instrument="pakkaus-private"
    )
    issued = invite_respondents(
        session,
        actor=both,
        round_id=opened.id,
        invitees=[Invitee(side="kuusi", name="K"), Invitee(side="pakkaus", name="P")],
    )
    assert [i.invitation.side for i in issued] == ["kuusi", "pakkaus"]
