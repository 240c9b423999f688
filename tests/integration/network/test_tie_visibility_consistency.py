"""Tie visibility: the SQL twin admits exactly what ``network.tie_audience`` admits.

Random networks and random sharing settings are stored through the real importer and
the settings service, on SQLite and PostgreSQL. For every organisation the SQL list of
visible ties, every sharing level and every overlap equal the pure rule's answer on a
model built from the generated input, never from stored rows; and, checked from the
input alone, no read names an organisation's customer to anyone its settings do not
allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from winwin.accounts.access import operator
from winwin.network import tie_audience as rule
from winwin.network import tie_sharing
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.network.tie_sharing_repository import TieSharingRepository

LEVEL = st.sampled_from(rule.LEVELS)


@dataclass(frozen=True)
class Generated:
    doc: dict[str, Any]
    defaults: dict[str, str]
    overrides: dict[tuple[str, str], str]

    @property
    def keys(self) -> list[str]:
        return [o["key"] for o in self.doc["organizations"]]

    def ties(self) -> set[tuple[str, str, str]]:
        return {(t["kind"], t["from"], t["to"]) for t in self.doc["ties"]}

    def graph(self) -> rule.TieGraph:
        return rule.TieGraph.build(
            ties=self.ties(),
            competitors=[tuple(p) for p in self.doc["competitors"]],  # type: ignore[misc]
            defaults={k: rule.parse_level(v) for k, v in self.defaults.items()},
            overrides={k: rule.parse_level(v) for k, v in self.overrides.items()},
        )


@st.composite
def networks(draw: st.DrawFn) -> Generated:
    n = draw(st.integers(2, 7))
    keys = [f"o{i}" for i in range(n)]
    pairs = [(a, b) for a in keys for b in keys if a != b]
    supplies = draw(st.sets(st.sampled_from(pairs), max_size=3 * n))
    partners = draw(st.sets(st.sampled_from([(a, b) for a, b in pairs if a < b]), max_size=n))
    rivals = draw(st.sets(st.sampled_from([(a, b) for a, b in pairs if a < b]), max_size=n))
    defaults = draw(st.dictionaries(st.sampled_from(keys), LEVEL, max_size=n))
    overrides = draw(st.dictionaries(st.sampled_from(pairs), LEVEL, max_size=2 * n))
    doc = {
        "format": "winwin/1",
        "organizations": [{"key": k, "name": k.upper()} for k in keys],
        "ties": [{"kind": "supplies", "from": a, "to": b} for a, b in sorted(supplies)]
        + [{"kind": "partners", "from": a, "to": b} for a, b in sorted(partners)],
        "competitors": [[a, b] for a, b in sorted(rivals)],
    }
    return Generated(doc=doc, defaults=defaults, overrides=overrides)


def allowed_by_settings(gen: Generated, viewer: str, supplier: str, customer: str) -> bool:
    """From the input alone: may ``viewer`` learn that ``customer`` is ``supplier``'s?"""
    if viewer in (supplier, customer):
        return True
    ties = gen.ties()
    rivals = {frozenset(p) for p in gen.doc["competitors"]}
    partners = any({a, b} == {supplier, viewer} for _, a, b in ties)
    if frozenset((supplier, viewer)) in rivals or not partners:
        return False
    chosen = gen.overrides.get((supplier, viewer), gen.defaults.get(supplier, "counts"))
    return chosen == "all" or (chosen == "overlap" and ("supplies", viewer, customer) in ties)


def store(session: Session, gen: Generated) -> None:
    import_network(session, parse_document(gen.doc))
    for org, level in gen.defaults.items():
        tie_sharing.set_sharing(session, org=org, level=level, actor=operator())
    for (org, partner), level in gen.overrides.items():
        tie_sharing.set_sharing(session, org=org, partner=partner, level=level, actor=operator())


def check(session: Session, gen: Generated) -> None:
    graph = gen.graph()
    repo = TieSharingRepository(session)
    ids = {k: repo.org_by_key(k).id for k in gen.keys}  # type: ignore[union-attr]
    for viewer in gen.keys:
        seen = tie_sharing.sight_of(session, viewer_id=ids[viewer])
        assert seen.ties == rule.visible_ties(graph, viewer), viewer
        for kind, a, b in seen.ties or ():
            if kind == "supplies":
                assert allowed_by_settings(gen, viewer, a, b), (viewer, a, b)
        for other in gen.keys:
            assert repo.level(owner_id=ids[other], viewer_id=ids[viewer]) == rule.level(
                graph, owner=other, viewer=viewer
            ), (other, viewer)
            if other == viewer:
                continue
            found = tie_sharing.overlap(session, org=viewer, other=other, actor=operator())
            assert found == rule.overlap(graph, org=viewer, other=other)
            named = (found.common or []) + (found.their_other_customers or [])
            for customer in named:
                assert allowed_by_settings(gen, viewer, other, customer), (viewer, other)
                # The overlap lists nothing the checkpoint's SQL would not show the viewer.
                assert ("supplies", other, customer) in (seen.ties or ()), (viewer, other)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(gen=networks())
def test_every_read_of_ties_equals_the_rule_on_random_networks_and_settings(
    session: Session, gen: Generated
) -> None:
    # Each example runs inside a savepoint that is rolled back, so examples never meet.
    nested = session.begin_nested()
    try:
        store(session, gen)
        check(session, gen)
    finally:
        nested.rollback()


def test_the_suite_meets_every_level_and_a_competitor_override() -> None:
    """The generator reaches the cases the rule distinguishes (so the suite can bite)."""
    seen: set[str] = set()

    @settings(max_examples=200, deadline=None, database=None)
    @given(gen=networks())
    def collect(gen: Generated) -> None:
        graph = gen.graph()
        for v in gen.keys:
            for o in gen.keys:
                if o != v:
                    seen.add(rule.level(graph, owner=o, viewer=v))
                    if frozenset((o, v)) in graph.competitors and (o, v) in gen.overrides:
                        seen.add("competitor-override")

    collect()
    assert seen >= {"hidden", "counts", "overlap", "all", "competitor-override"}
