"""The airport rule as an initiative's sharing model, on SQLite and PostgreSQL: for any
costs the parties enter, the stored cost shares sum to the largest cost (the
infrastructure the most demanding party needs) and lie in the cost core — no group of
parties pays more than it would pay building alone — checked coalition by coalition
here, not by the code under test; a value game is refused with the method named."""

from __future__ import annotations

import json
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from winwin.accounts.access import operator
from winwin.db.engine import session_factory
from winwin.initiatives import service as initiatives
from winwin.insight.games import airport_layers
from winwin.kernel.errors import InvalidInput
from winwin.network import io as network_io
from winwin.network.document import parse_document

PARTIES = ("kemi", "kuusi", "lab", "meijeri", "pakkaus")
costs = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)


def _modelled(engine: Engine, cost_of: dict[str, float]) -> initiatives.InitiativeRead:
    session = session_factory(engine)()
    try:
        doc = {"format": "winwin/1", "organizations": [{"key": k, "name": k} for k in cost_of]}
        network_io.import_network(session, parse_document(json.dumps(doc).encode()))
        first, *others = sorted(cost_of)
        made = initiatives.propose(
            session, by=first, with_=others, title="Shared runway", actor=operator()
        )
        for other in others:
            initiatives.answer(
                session, initiative_id=made.id, by=other, accept=True, actor=operator()
            )
        game = {"type": "airport", "costs": cost_of}
        return initiatives.set_model(
            session, initiative_id=made.id, game=game, method="airport", actor=operator()
        )
    finally:
        session.rollback()
        session.close()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(2, len(PARTIES)).flatmap(lambda n: st.lists(costs, min_size=n, max_size=n)))
def test_airport_shares_sum_to_the_largest_cost_and_lie_in_the_core(
    engine: Engine, amounts: list[float]
) -> None:
    cost_of = dict(zip(PARTIES, amounts, strict=False))
    found = _modelled(engine, cost_of)
    assert found.method == "airport" and found.shares is not None
    shares = found.shares
    total = max(cost_of.values())
    tolerance = 1e-9 * max(1.0, total)
    assert sum(shares.values()) == pytest.approx(total, abs=tolerance)
    for size in range(1, len(cost_of) + 1):
        for group in combinations(cost_of, size):
            alone = max(cost_of[k] for k in group)
            assert sum(shares[k] for k in group) <= alone + tolerance
    assert found.in_core is True
    # The page's layer-by-layer explanation adds up to the same shares.
    told = dict.fromkeys(cost_of, 0.0)
    for layer in airport_layers(cost_of):
        for k in layer.players:
            told[k] += layer.each
    assert told == pytest.approx(shares, abs=tolerance)


def test_the_airport_rule_refuses_a_value_game_naming_the_method(engine: Engine) -> None:
    session = session_factory(engine)()
    try:
        doc = {"format": "winwin/1", "organizations": [{"key": k, "name": k} for k in PARTIES[:2]]}
        network_io.import_network(session, parse_document(json.dumps(doc).encode()))
        made = initiatives.propose(
            session, by="kemi", with_=["kuusi"], title="Depot", actor=operator()
        )
        initiatives.answer(
            session, initiative_id=made.id, by="kuusi", accept=True, actor=operator()
        )
        before = initiatives.read(session, made.id, actor=operator()).as_dict()
        synergy = {"type": "synergy", "standalone": {"kemi": 1.0, "kuusi": 2.0}}
        with pytest.raises(InvalidInput) as refused:
            initiatives.set_model(
                session, initiative_id=made.id, game=synergy, method="airport", actor=operator()
            )
        assert [p.path for p in refused.value.problems] == ["method"]
        assert initiatives.read(session, made.id, actor=operator()).as_dict() == before
    finally:
        session.rollback()
        session.close()
