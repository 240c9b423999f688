"""Editing an initiative after proposing, on both databases: who may change what, a
change is a new version that reopens acceptance and leaves frozen agreements as they
were, the history keeps each version's who, what and when, the competition-law guard
refuses an edit as it refuses a proposal, and a refused edit changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from integration.actions.world import actor, build
from winwin.accounts.access import operator
from winwin.initiatives import service as initiatives
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied, RuleBroken
from winwin.network import ties

PEOPLE = [
    ("a", "ao", "org_admin"),
    ("am", "ao", "member"),
    ("b", "bo", "org_admin"),
    ("c", "co", "org_admin"),
    ("d", "do", "org_admin"),
]
GAME = {"type": "table", "players": ["ao", "bo"], "values": {"": 0, "ao": 1, "bo": 1, "ao,bo": 4}}


def _world(session: Session) -> dict[str, Any]:
    return build(session, ["ao", "bo", "co", "do"], [], PEOPLE)


def _agreed(session: Session) -> int:
    n = initiatives.propose(
        session, by="ao", with_=["bo"], title="Depot", goal="Less stock", actor=operator()
    ).id
    initiatives.answer(session, initiative_id=n, by="bo", accept=True, actor=operator())
    initiatives.set_model(session, initiative_id=n, game=GAME, method="shapley", actor=operator())
    initiatives.agree(session, initiative_id=n, by="ao", actor=operator())
    initiatives.agree(session, initiative_id=n, by="bo", actor=operator())
    return n


def test_an_edit_is_a_new_version_that_reopens_acceptance_and_keeps_the_agreement(
    session: Session,
) -> None:
    world = _world(session)
    n = _agreed(session)
    before = initiatives.read(session, n, actor=operator())
    assert before.state == "agreed" and before.version == 2
    who = actor(session, world["users"]["b"])
    edited = initiatives.edit(
        session, initiative_id=n, by="bo", goal="Half the stock", expected_value=5000, actor=who
    )
    assert edited.version == 3 and edited.state == "modelled"
    assert edited.agreed_version == 2 and edited.agreement == before.agreement
    assert edited.agreement is not None and edited.agreement["goal"] == "Less stock"
    assert edited.goal == "Half the stock" and edited.expected_value == 5000
    assert [h["change"] for h in edited.history] == ["proposed", "modelled", "edited"]
    last = edited.history[-1]
    assert last["by"] == "bo" and last["person"] == "B" and last["version"] == 3
    assert last["details"] == {
        "goal": {"old": "Less stock", "new": "Half the stock"},
        "expected_value": {"old": None, "new": 5000.0},
    }
    # Naming only what already is changes nothing: no version, no history entry.
    same = initiatives.edit(session, initiative_id=n, by="ao", title="Depot", actor=operator())
    assert same.as_dict() == edited.as_dict()


def test_the_proposer_adds_and_withdraws_invitations_and_the_model_is_cleared(
    session: Session,
) -> None:
    _world(session)
    n = _agreed(session)
    with pytest.raises(RuleBroken) as refused:
        initiatives.edit(session, initiative_id=n, by="bo", add=["co"], actor=operator())
    assert refused.value.problem.path == "by"
    added = initiatives.edit(session, initiative_id=n, by="ao", add=["co", "do"], actor=operator())
    assert added.parties == {"ao": "accepted", "bo": "accepted", "co": "invited", "do": "invited"}
    assert added.method is None and added.shares is None and added.state == "proposed"
    assert added.history[-1]["details"] == {"added": ["co", "do"], "model_cleared": "shapley"}
    assert added.agreement is not None and added.agreement["parties"] == {
        "ao": "accepted",
        "bo": "accepted",
    }
    initiatives.answer(session, initiative_id=n, by="do", accept=False, actor=operator())
    assert initiatives.read(session, n, actor=operator()).state == "declined"
    withdrawn = initiatives.edit(
        session, initiative_id=n, by="ao", remove=["co", "do"], actor=operator()
    )
    assert set(withdrawn.parties) == {"ao", "bo"} and withdrawn.state == "accepted"
    assert withdrawn.version == added.version + 1
    for bad, path in (
        ({"remove": ["bo"]}, "remove"),  # bo has accepted
        ({"remove": ["ao"]}, "remove"),  # the proposer
        ({"remove": ["co"]}, "remove"),  # no longer a party
        ({"add": ["bo"]}, "add"),  # already a party
        ({"add": ["ao"]}, "add"),  # the proposer
        ({"add": ["nobody"]}, "add"),
        ({"title": "  "}, "title"),
        ({"expected_value": -1.0}, "expected_value"),
        ({}, "by"),
    ):
        snapshot = initiatives.read(session, n, actor=operator()).as_dict()
        with pytest.raises((InvalidInput, RuleBroken)) as exc:
            initiatives.edit(session, initiative_id=n, by="ao", actor=operator(), **bad)
        assert exc.value.problems[0].path == path, bad
        assert initiatives.read(session, n, actor=operator()).as_dict() == snapshot


def test_the_guard_refuses_an_edit_as_it_refuses_a_proposal(session: Session) -> None:
    _world(session)
    ties.declare_competitor(session, operator(), by="bo", other="co")
    n = initiatives.propose(session, by="ao", with_=["bo"], title="Depot", actor=operator()).id
    before = initiatives.read(session, n, actor=operator()).as_dict()
    with pytest.raises(RuleBroken) as refused:
        initiatives.edit(
            session, initiative_id=n, by="ao", add=["co"], goal="Yhteiset hinnat", actor=operator()
        )
    assert refused.value.problem.code == "initiatives.competitors_on_sensitive"
    assert refused.value.problem.path == "add"
    assert initiatives.read(session, n, actor=operator()).as_dict() == before
    # Competitors about something else may meet: the edit is made (with the warning).
    made = initiatives.edit(session, initiative_id=n, by="ao", add=["co"], actor=operator())
    assert "co" in made.parties and made.warnings
    with pytest.raises(RuleBroken) as later:
        initiatives.edit(
            session, initiative_id=n, by="ao", title="Hinnoittelun periaatteet", actor=operator()
        )
    assert later.value.problem.path == "title"


def test_who_may_edit_and_a_withdrawn_party_reads_it_no_more(session: Session) -> None:
    world = _world(session)
    users = world["users"]
    n = initiatives.propose(
        session, by="ao", with_=["bo", "co"], title="Depot", actor=operator()
    ).id
    c_admin = actor(session, users["c"])
    assert initiatives.can_read(session, c_admin, n)
    with pytest.raises(RuleBroken):  # an invited party has not accepted: it does not edit
        initiatives.edit(session, initiative_id=n, by="co", title="Ours", actor=c_admin)
    with pytest.raises(PermissionDenied):  # a member does not act for the organisation
        initiatives.edit(
            session, initiative_id=n, by="ao", title="X", actor=actor(session, users["am"])
        )
    with pytest.raises(NotFound):  # an outsider to the initiative does not learn it exists
        initiatives.edit(
            session, initiative_id=n, by="do", title="X", actor=actor(session, users["d"])
        )
    initiatives.edit(
        session, initiative_id=n, by="ao", remove=["co"], actor=actor(session, users["a"])
    )
    assert not initiatives.can_read(session, c_admin, n)
    assert n not in {i.id for i in initiatives.readable(session, actor=c_admin)}
    with pytest.raises(NotFound):
        initiatives.read(session, n, actor=c_admin)
