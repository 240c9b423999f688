"""The competition-law guard of joint initiatives, on both databases.

Competitors may not meet in an initiative whose title or goal speaks of a
competition-sensitive topic (after stemming, in Finnish, Swedish and English). Proposing
one is refused and stores nothing; a declaration made later keeps the competing parties
(never the proposer) out at read time, and withdrawing it lets them back in. Competitors
in an initiative about something else get a warning, told only to the proposer's side.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from integration.actions.world import actor, build
from winwin.accounts.access import ROLES, operator
from winwin.initiatives import rules
from winwin.initiatives import service as initiatives
from winwin.initiatives.models import Initiative
from winwin.initiatives.repository import InitiativeRepository
from winwin.kernel.errors import NotFound, RuleBroken
from winwin.network import ties
from winwin.network.models import Competitor

PEOPLE = [("a", "ao", "org_admin"), ("b", "bo", "org_admin"), ("c", "co", "org_admin")]


def _world(session: Session) -> dict[str, object]:
    return build(session, ["ao", "bo", "co", "do"], [], PEOPLE)


def test_proposing_to_competitors_about_prices_is_refused_and_stores_nothing(
    session: Session,
) -> None:
    _world(session)
    ties.declare_competitor(session, operator(), by="bo", other="co")
    before = session.scalar(select(func.count()).select_from(Initiative))
    with pytest.raises(RuleBroken) as refused:
        initiatives.propose(
            session,
            by="ao",
            with_=["bo", "co"],
            title="Hinnoittelun periaatteet 2027",
            actor=operator(),
        )
    assert refused.value.problem.code == "initiatives.competitors_on_sensitive"
    assert refused.value.problem.path == "with"
    assert refused.value.problem.params["topic"] == "hinnoittelun"
    assert {refused.value.problem.params["first"], refused.value.problem.params["second"]} == {
        "Bo Oy",
        "Co Oy",
    }
    assert session.scalar(select(func.count()).select_from(Initiative)) == before
    # The goal counts as much as the title; the proposer's own competitor too.
    ties.declare_competitor(session, operator(), by="do", other="ao")
    with pytest.raises(RuleBroken):
        initiatives.propose(
            session,
            by="ao",
            with_=["do"],
            title="Depot",
            goal="Yhteinen kapasiteetin käyttö",
            actor=operator(),
        )


def test_competitors_about_something_else_are_warned_and_only_the_proposer_is_told(
    session: Session,
) -> None:
    world = _world(session)
    ties.declare_competitor(session, operator(), by="co", other="bo")
    made = initiatives.propose(
        session, by="ao", with_=["bo", "co"], title="Shared depot", actor=operator()
    )
    assert [w.code for w in made.warnings] == ["initiatives.competitors_together"]
    assert made.held == ()
    users = world["users"]
    assert initiatives.read(session, made.id, actor=actor(session, users["a"])).warnings
    for other in ("b", "c"):
        seen = initiatives.read(session, made.id, actor=actor(session, users[other]))
        assert seen.warnings == ()
        assert seen.as_dict()["held"] == [] and seen.as_dict()["warnings"] == []


def test_a_later_declaration_keeps_the_competing_parties_out_until_it_is_withdrawn(
    session: Session,
) -> None:
    world = _world(session)
    users = world["users"]
    made = initiatives.propose(
        session, by="ao", with_=["bo", "co"], title="Hintojen vertailu", actor=operator()
    )
    for name in ("a", "b", "c"):
        assert initiatives.can_read(session, actor(session, users[name]), made.id)
    ties.declare_competitor(session, operator(), by="bo", other="co")
    proposer = actor(session, users["a"])
    assert initiatives.can_read(session, proposer, made.id)
    seen = initiatives.read(session, made.id, actor=proposer)
    assert seen.held == ("bo", "co")
    assert seen.held_topic == "hintojen"
    for name in ("b", "c"):
        who = actor(session, users[name])
        assert not initiatives.can_read(session, who, made.id)
        assert made.id not in {i.id for i in initiatives.readable(session, actor=who)}
        with pytest.raises(NotFound):
            initiatives.read(session, made.id, actor=who)
        with pytest.raises(NotFound):
            initiatives.answer(
                session, initiative_id=made.id, by=f"{name}o", accept=True, actor=who
            )
    ties.withdraw_competitor(session, operator(), by="bo", other="co")
    for name in ("b", "c"):
        assert initiatives.can_read(session, actor(session, users[name]), made.id)


SENSITIVE = ("Hinnoittelun periaatteet", "Capacity planning")
TITLES = ["Shared depot", *SENSITIVE, "Fibre trays"]


@pytest.mark.parametrize("seed", range(4))
def test_with_competitors_the_list_still_equals_the_single_check(
    session: Session, seed: int
) -> None:
    rng = random.Random(seed)
    orgs = [f"o{i}" for i in range(rng.randint(3, 6))]
    people = [(f"p{i}", rng.choice(orgs), rng.choice(ROLES)) for i in range(10)]
    facilitators = [name for name, _, role in people if role == "facilitator"]
    grants = sorted({(f, rng.choice(orgs)) for f in facilitators for _ in range(rng.randint(0, 2))})
    world = build(session, orgs, [], people, grants)
    ids = world["ids"]
    for _ in range(rng.randint(1, 6)):
        by, *others = rng.sample(orgs, k=rng.randint(2, min(4, len(orgs))))
        initiatives.propose(
            session, by=by, with_=others, title=rng.choice(TITLES), actor=operator()
        )
    # Declarations made after the proposals, as the guard must hold whenever they come.
    for a, b in {tuple(sorted(rng.sample(orgs, 2))) for _ in range(rng.randint(1, 4))}:
        session.add(Competitor(a_id=min(ids[a], ids[b]), b_id=max(ids[a], ids[b])))
    session.flush()
    stored = list(session.scalars(select(Initiative)))
    rivals = {(c.a_id, c.b_id) for c in session.scalars(select(Competitor))}
    for name, org, _ in people:
        who = actor(session, world["users"][name])
        listed = {i.id for i in initiatives.readable(session, actor=who)}
        checked = {i.id for i in stored if initiatives.can_read(session, who, i.id)}
        assert listed == checked, name
        if who.is_platform_admin or who.role == "facilitator":
            continue
        # A member reads it only as a party the guard does not keep out.
        expected = set()
        for found in stored:
            parties = InitiativeRepository(session).party_org_ids(found.id)
            mine = ids[org]
            competes = any((min(mine, p), max(mine, p)) in rivals for p in parties - {mine})
            kept_out = found.title in SENSITIVE and competes
            if mine in parties and (found.proposed_by_org_id == mine or not kept_out):
                expected.add(found.id)
        assert checked == expected, name


def _pairs() -> st.SearchStrategy[list[tuple[str, str]]]:
    keys = st.sampled_from(list("abcdef"))
    return st.lists(st.tuples(keys, keys).filter(lambda p: p[0] < p[1]), max_size=8)


@given(st.sampled_from(list("abcdef")), _pairs(), st.booleans())
def test_the_guard_never_keeps_out_the_proposer_and_only_competing_parties(
    proposer: str, pairs: list[tuple[str, str]], sensitive: bool
) -> None:
    held = rules.held_parties(proposer, pairs, sensitive=sensitive)
    assert proposer not in held
    assert held <= {k for pair in pairs for k in pair}
    if not sensitive:
        assert held == frozenset()
    else:
        assert held == {k for pair in pairs for k in pair} - {proposer}


@given(st.lists(st.sampled_from(list("abcdef")), unique=True), _pairs())
def test_competing_pairs_do_not_care_who_declared(
    parties: list[str], declared: list[tuple[str, str]]
) -> None:
    one_way: dict[str, set[str]] = {}
    other_way: dict[str, set[str]] = {}
    for a, b in declared:
        one_way.setdefault(a, set()).add(b)
        other_way.setdefault(b, set()).add(a)
    found = rules.competing_pairs(parties, one_way)
    assert found == rules.competing_pairs(parties, other_way)
    assert found == sorted({p for p in declared if p[0] in parties and p[1] in parties})
