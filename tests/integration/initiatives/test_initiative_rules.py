"""Joint initiatives through any sequence of steps (answers, edits of the title, goal,
expected value and parties, contributions, models, agreements), on SQLite and
PostgreSQL: a change reopens acceptance, frozen agreements never change, the agreed
version is always a frozen copy, the history grows by one entry per change, shares sum to
the total, and with a convex game (non-negative synergies, so the core is not empty)
Shapley and nucleolus shares lie in the core."""

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

from winwin.accounts.access import operator
from winwin.db.engine import session_factory
from winwin.initiatives import service as initiatives
from winwin.initiatives.models import InitiativeAgreement
from winwin.kernel.errors import WinwinError
from winwin.network import io as network_io
from winwin.network.document import parse_document

PARTIES = ("kuusi", "pakkaus", "lab")
ORGS = (*PARTIES, "meijeri")  # meijeri is not invited at first; an edit may add it
TITLES = ("Pool", "Shared pool", "Pool of pallets")
amounts = st.floats(min_value=0, max_value=1000, allow_nan=False)


def _machine(engine: Engine) -> type[RuleBasedStateMachine]:
    class Initiatives(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.session = session_factory(engine)()
            doc = {"format": "winwin/1", "organizations": [{"key": k, "name": k} for k in ORGS]}
            network_io.import_network(self.session, parse_document(json.dumps(doc).encode()))
            self.id = initiatives.propose(
                self.session, by="kuusi", with_=["pakkaus", "lab"], title="Pool", actor=operator()
            ).id
            self.frozen: dict[int, dict[str, Any]] = {}
            self.total: float | None = None
            self.convex_method: str | None = None
            self.changes = 1  # the proposal is the first version of the history

        def teardown(self) -> None:
            self.session.rollback()
            self.session.close()

        def now(self) -> initiatives.InitiativeRead:
            return initiatives.read(self.session, self.id, actor=operator())

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

        @rule(party=st.sampled_from(ORGS), yes=st.booleans())
        def answer(self, party: str, yes: bool) -> None:
            self.attempt(
                lambda: initiatives.answer(
                    self.session, initiative_id=self.id, by=party, accept=yes, actor=operator()
                )
            )

        @rule(party=st.sampled_from(ORGS), amount=st.floats(0.5, 1e6))
        def contribute(self, party: str, amount: float) -> None:
            done = self.attempt(
                lambda: initiatives.contribute(
                    self.session,
                    initiative_id=self.id,
                    by=party,
                    amount=amount,
                    currency="EUR",
                    actor=operator(),
                )
            )
            if done is not None:
                self.changes += 1
                self.reopened(done)

        @rule(
            party=st.sampled_from(ORGS),
            title=st.none() | st.sampled_from(TITLES),
            goal=st.none() | st.sampled_from(("", "Fewer empty runs")),
            value=st.none() | st.sampled_from((0.0, 1000.0)),
            add=st.lists(st.sampled_from(ORGS), max_size=2, unique=True),
            remove=st.lists(st.sampled_from(ORGS), max_size=2, unique=True),
        )
        def edit(
            self,
            party: str,
            title: str | None,
            goal: str | None,
            value: float | None,
            add: list[str],
            remove: list[str],
        ) -> None:
            before = self.now()
            done = self.attempt(
                lambda: initiatives.edit(
                    self.session,
                    initiative_id=self.id,
                    by=party,
                    title=title,
                    goal=goal,
                    expected_value=initiatives.Unchanged.KEEP if value is None else value,
                    add=add,
                    remove=remove,
                    actor=operator(),
                )
            )
            if done is None:
                return
            same = (
                (title is None or title == before.title)
                and (goal is None or goal == before.goal)
                and (value is None or value == before.expected_value)
                and not add
                and not remove
            )
            if same:
                assert done.as_dict() == before.as_dict()  # nothing changed, no new version
                return
            self.changes += 1
            assert done.version == before.version + 1
            assert set(done.parties) == set(before.parties) - set(remove) | set(add)
            assert all(done.parties[k] == "invited" for k in add)
            if add or remove:
                assert done.method is None and done.shares is None
                self.total = self.convex_method = None
            self.reopened(done)

        @rule(
            method=st.sampled_from(("shapley", "nucleolus", "proportional")),
            standalone=st.lists(amounts, min_size=3, max_size=3),
            synergy=st.lists(amounts, min_size=3, max_size=3),
        )
        def model(self, method: str, standalone: list[float], synergy: list[float]) -> None:
            players = sorted(self.now().parties)[:3]
            pairs = [(a, b) for i, a in enumerate(players) for b in players[i + 1 :]]
            game = {
                "type": "synergy",
                "standalone": dict(zip(players, standalone, strict=False)),
                "synergy": [[a, b, s] for (a, b), s in zip(pairs, synergy, strict=False)],
            }
            done = self.attempt(
                lambda: initiatives.set_model(
                    self.session, initiative_id=self.id, game=game, method=method, actor=operator()
                )
            )
            if done is not None:
                self.total = sum(standalone[: len(players)]) + sum(synergy[: len(pairs)])
                self.convex_method = method
                self.changes += 1
                self.reopened(done)

        @rule(party=st.sampled_from(PARTIES))
        def agree(self, party: str) -> None:
            done = self.attempt(
                lambda: initiatives.agree(
                    self.session, initiative_id=self.id, by=party, actor=operator()
                )
            )
            if done is not None and done.agreed_version == done.version:
                assert done.agreement is not None and done.agreement["version"] == done.version
                self.frozen[done.version] = copy.deepcopy(done.agreement)

        @rule()
        def everyone_accepts(self) -> None:
            for party in ORGS:
                self.answer(party, True)

        @rule()
        def everyone_agrees(self) -> None:
            for party in ORGS:
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
        def the_agreed_version_is_a_frozen_copy(self) -> None:
            now = self.now()
            if now.agreed_version is None:
                assert now.agreement is None
                return
            assert now.agreement == self.frozen[now.agreed_version]
            assert now.agreement is not None and now.agreement["version"] == now.agreed_version

        @invariant()
        def the_history_has_one_entry_per_change(self) -> None:
            now = self.now()
            assert [h["version"] for h in now.history] == list(range(1, self.changes + 1))
            assert now.version == self.changes
            assert now.history[0]["change"] == "proposed"

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
