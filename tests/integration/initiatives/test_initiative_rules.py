"""Joint initiatives through any sequence of steps, on SQLite and PostgreSQL: a change
reopens acceptance, frozen agreements never change, shares sum to the total, and with a
convex game (non-negative synergies, so the core is not empty) Shapley and nucleolus
shares lie in the core."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, select

from winwin.db.engine import session_factory
from winwin.initiatives import service as initiatives
from winwin.initiatives.models import InitiativeAgreement
from winwin.kernel.errors import WinwinError
from winwin.network import io as network_io
from winwin.network.document import parse_document

PARTIES = ("kuusi", "pakkaus", "lab")
amounts = st.floats(min_value=0, max_value=1000, allow_nan=False)


def _machine(engine: Engine) -> type[RuleBasedStateMachine]:
    class Initiatives(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.session = session_factory(engine)()
            doc = {"format": "winwin/1", "organizations": [{"key": k, "name": k} for k in PARTIES]}
            network_io.import_network(self.session, parse_document(json.dumps(doc).encode()))
            self.id = initiatives.propose(
                self.session, by="kuusi", with_=["pakkaus", "lab"], title="Pool"
            ).id
            self.frozen: dict[int, dict[str, Any]] = {}
            self.total: float | None = None
            self.convex_method: str | None = None

        def teardown(self) -> None:
            self.session.rollback()
            self.session.close()

        def now(self) -> initiatives.InitiativeRead:
            return initiatives.read(self.session, self.id)

        def attempt(self, step: Any) -> initiatives.InitiativeRead | None:
            before = self.now().as_dict()
            nested = self.session.begin_nested()
            try:
                result = step()
            except WinwinError:
                nested.rollback()
                assert self.now().as_dict() == before  # a refusal changes nothing
                return None
            nested.commit()
            return result  # type: ignore[no-any-return]

        @initialize()
        def start(self) -> None:
            pass

        @rule(party=st.sampled_from(PARTIES), yes=st.booleans())
        def answer(self, party: str, yes: bool) -> None:
            self.attempt(
                lambda: initiatives.answer(
                    self.session, initiative_id=self.id, by=party, accept=yes
                )
            )

        @rule(party=st.sampled_from(PARTIES), amount=st.floats(0.5, 1e6))
        def contribute(self, party: str, amount: float) -> None:
            done = self.attempt(
                lambda: initiatives.contribute(
                    self.session, initiative_id=self.id, by=party, amount=amount, currency="EUR"
                )
            )
            if done is not None:
                self.reopened(done)

        @rule(
            method=st.sampled_from(("shapley", "nucleolus", "proportional")),
            standalone=st.lists(amounts, min_size=3, max_size=3),
            synergy=st.lists(amounts, min_size=3, max_size=3),
        )
        def model(self, method: str, standalone: list[float], synergy: list[float]) -> None:
            game = {
                "type": "synergy",
                "standalone": dict(zip(PARTIES, standalone, strict=True)),
                "synergy": [
                    [a, b, s]
                    for (a, b), s in zip(
                        (("kuusi", "pakkaus"), ("kuusi", "lab"), ("pakkaus", "lab")),
                        synergy,
                        strict=True,
                    )
                ],
            }
            done = self.attempt(
                lambda: initiatives.set_model(
                    self.session, initiative_id=self.id, game=game, method=method
                )
            )
            if done is not None:
                self.total = sum(standalone) + sum(synergy)
                self.convex_method = method
                self.reopened(done)

        @rule(party=st.sampled_from(PARTIES))
        def agree(self, party: str) -> None:
            done = self.attempt(
                lambda: initiatives.agree(self.session, initiative_id=self.id, by=party)
            )
            if done is not None and done.agreed_version == done.version:
                assert done.agreement is not None and done.agreement["version"] == done.version
                self.frozen[done.version] = copy.deepcopy(done.agreement)

        @rule()
        def everyone_accepts(self) -> None:
            for party in PARTIES:
                self.answer(party, True)

        @rule()
        def everyone_agrees(self) -> None:
            for party in PARTIES:
                self.agree(party)

        def reopened(self, done: initiatives.InitiativeRead) -> None:
            assert done.state != "agreed"
            assert all(v != done.version for v in done.agreed.values())

        @invariant()
        def agreements_never_change(self) -> None:
            stored = {
                a.version: a.document
                for a in self.session.scalars(
                    select(InitiativeAgreement).where(InitiativeAgreement.initiative_id == self.id)
                )
            }
            assert set(stored) == set(self.frozen)
            for version, document in self.frozen.items():
                assert stored[version] == document

        @invariant()
        def shares_sum_to_the_total_and_lie_in_the_core(self) -> None:
            now = self.now()
            if now.shares is None:
                return
            assert self.total is not None
            assert abs(sum(now.shares.values()) - self.total) <= 1e-6 * max(1.0, self.total)
            if self.convex_method in ("shapley", "nucleolus"):
                assert now.in_core is True

    return Initiatives


def test_initiatives_keep_their_promises(engine: Engine) -> None:
    run_state_machine_as_test(
        _machine(engine),
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
