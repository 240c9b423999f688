"""Who may read an initiative, two ways that must agree on both databases: for random
networks, people, grants and initiatives (some edited after proposing: organisations
invited and invitations withdrawn), the list query (``readable``) returns exactly the
initiatives the single check (``can_read``) admits, and ``read`` refuses the rest; a
withdrawn party's people read the initiative no more unless they reach a party still in
it."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.actions.world import actor, build
from winwin.accounts.access import ROLES, can_access_org, operator
from winwin.initiatives import service as initiatives
from winwin.initiatives.models import Initiative
from winwin.kernel.errors import NotFound


@pytest.mark.parametrize("seed", range(4))
def test_the_list_equals_the_single_check(session: Session, seed: int) -> None:
    rng = random.Random(seed)
    orgs = [f"o{i}" for i in range(rng.randint(3, 7))]
    people = [(f"p{i}", rng.choice(orgs), rng.choice(ROLES)) for i in range(12)]
    facilitators = [name for name, _, role in people if role == "facilitator"]
    grants = sorted({(f, rng.choice(orgs)) for f in facilitators for _ in range(rng.randint(0, 3))})
    world = build(session, orgs, [], people, grants)
    for _ in range(rng.randint(0, 6)):
        by, *others = rng.sample(orgs, k=rng.randint(2, min(4, len(orgs))))
        initiatives.propose(session, by=by, with_=others, title="t", actor=operator())
    stored = [i.id for i in session.scalars(select(Initiative))]
    withdrawn: dict[int, set[int]] = {}
    for i in stored:
        shown = initiatives.read(session, i, actor=operator())
        invited = [k for k, s in shown.parties.items() if s == "invited"]
        outside = [k for k in orgs if k not in shown.parties]
        gone = rng.sample(invited, k=rng.randint(0, max(0, len(invited) - 1)))
        new = rng.sample(outside, k=rng.randint(0, min(2, len(outside))))
        if gone or new:
            initiatives.edit(
                session,
                initiative_id=i,
                by=shown.proposed_by,
                add=new,
                remove=gone,
                actor=operator(),
            )
            withdrawn[i] = {world["ids"][k] for k in gone}
    for name, _, _ in people:
        who = actor(session, world["users"][name])
        listed = {i.id for i in initiatives.readable(session, actor=who)}
        checked = {i for i in stored if initiatives.can_read(session, who, i)}
        assert listed == checked, name
        for i in stored:
            if i in checked:
                assert initiatives.read(session, i, actor=who).id == i
            else:
                with pytest.raises(NotFound):
                    initiatives.read(session, i, actor=who)
            remaining = {
                world["ids"][k] for k in initiatives.read(session, i, actor=operator()).parties
            }
            if withdrawn.get(i) and not any(can_access_org(who, o) for o in remaining):
                assert i not in checked, (name, i)
