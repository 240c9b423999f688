"""Who may read a plan, two ways that must agree on both databases: for random networks,
people and facilitator grants, the list query (``readable_actions``) returns exactly the
actions that the single check (``can_read``, the relationship's access rule) admits."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from winwin.accounts.access import ROLES, operator
from winwin.actions import service as actions
from winwin.actions.models import Action
from winwin.assessments.score import FACTORS
from winwin.kernel.errors import NotFound

from .world import actor, build


@pytest.mark.parametrize("seed", range(4))
def test_the_list_equals_the_single_check(session: Session, seed: int) -> None:
    rng = random.Random(seed)
    orgs = [f"o{i}" for i in range(rng.randint(3, 7))]
    pairs = [(a, b) for i, a in enumerate(orgs) for b in orgs[i + 1 :]]
    ties = rng.sample(pairs, k=rng.randint(1, len(pairs)))
    people = [(f"p{i}", rng.choice(orgs), rng.choice(ROLES)) for i in range(12)]
    facilitators = [name for name, _, role in people if role == "facilitator"]
    grants = sorted({(f, rng.choice(orgs)) for f in facilitators for _ in range(rng.randint(0, 3))})
    world = build(session, orgs, ties, people, grants)
    for _ in range(rng.randint(0, 10)):
        a, b = rng.choice(ties)
        actions.add_action(
            session,
            actor=operator(),
            between=[a, b],
            by=rng.choice((a, b)),
            factor=rng.choice(FACTORS),
            title="t",
        )
    stored = list(session.scalars(select(Action)))
    for name, _, _ in people:
        who = actor(session, world["users"][name])
        listed = {a.id for a in actions.readable_actions(session, actor=who)}
        checked = {a.id for a in stored if actions.can_read(who, a)}
        assert listed == checked, name
        # The doors agree too: each relationship's plan is the readable part of it.
        for a, b in ties:
            try:
                plan = {x.id for x in actions.list_actions(session, actor=who, between=[a, b])}
            except NotFound:
                plan = set()
            ids = world["ids"]
            pair = {ids[a], ids[b]}
            assert plan == {x.id for x in stored if {x.a_id, x.b_id} == pair and x.id in checked}
