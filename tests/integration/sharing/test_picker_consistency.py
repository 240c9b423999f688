"""The organisation pickers suggest only what the organisation may see.

Random networks (ties, competitor pairs, one-sided declarations, circles) are stored
through the real importer and the competitor service, on SQLite and PostgreSQL. For
every organisation and random text, the suggestions (and the no-script choices) are a
subset of what the input alone says it may find by name: its partners, its circles'
members and the competitors it declared itself, never itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from winwin.accounts.access import operator
from winwin.network import ties
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.sharing import directory, picking
from winwin.sharing.items import ItemRepository

WORDS = ["Kuusi", "Koivu", "Gran", "Oy", "AB", "Paper", "Kartong", "Sellu"]


@dataclass(frozen=True)
class Generated:
    doc: dict[str, Any]
    declared: set[tuple[str, str]]  # (by, other), one-sided

    @property
    def keys(self) -> list[str]:
        return [o["key"] for o in self.doc["organizations"]]

    def may_find(self, viewer: str, scope: str) -> set[str]:
        partners = {t["to"] for t in self.doc["ties"] if t["from"] == viewer}
        partners |= {t["from"] for t in self.doc["ties"] if t["to"] == viewer}
        if scope == "partners":
            return partners - {viewer}
        members: set[str] = set()
        for circle in self.doc["circles"]:
            if viewer in circle["members"]:
                members |= set(circle["members"])
        # The importer records both sides of a document's pair as declared.
        rivals = {b for a, b in self.doc["competitors"] if a == viewer}
        rivals |= {a for a, b in self.doc["competitors"] if b == viewer}
        rivals |= {other for by, other in self.declared if by == viewer}
        return (partners | members | rivals) - {viewer}


@st.composite
def networks(draw: st.DrawFn) -> Generated:
    n = draw(st.integers(2, 7))
    keys = [f"o{i}" for i in range(n)]
    pairs = [(a, b) for a in keys for b in keys if a < b]
    tied = draw(st.sets(st.sampled_from(pairs), max_size=2 * n))
    rivals = draw(st.sets(st.sampled_from(pairs), max_size=n))
    one_sided = draw(
        st.sets(st.sampled_from([(a, b) for a in keys for b in keys if a != b]), max_size=n)
    )
    circles = draw(st.lists(st.sets(st.sampled_from(keys), min_size=1, max_size=n), max_size=3))
    names = {
        k: " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))) for k in keys
    }
    doc = {
        "format": "winwin/1",
        "organizations": [{"key": k, "name": f"{names[k]} {k}"} for k in keys],
        "ties": [{"kind": "partners", "from": a, "to": b} for a, b in sorted(tied)],
        "competitors": [[a, b] for a, b in sorted(rivals)],
        "circles": [
            {"key": f"c{i}", "name": f"Circle {i}", "members": sorted(m)}
            for i, m in enumerate(circles)
        ],
    }
    return Generated(doc=doc, declared=set(one_sided) - {p for p in rivals})


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    gen=networks(),
    texts=st.lists(
        st.sampled_from(["", "o", "oy", "gran", "KUUSI", "o1", "x"]), min_size=1, max_size=3
    ),
)
def test_suggestions_are_a_subset_of_what_the_organisation_may_see(  # type: ignore[no-untyped-def]
    session: Session, gen: Generated, texts
) -> None:
    nested = session.begin_nested()
    try:
        import_network(session, parse_document(gen.doc))
        for by, other in sorted(gen.declared):
            ties.declare_competitor(session, operator(), by=by, other=other)
        items = ItemRepository(session)
        for key in gen.keys:
            viewer = items.viewer(key)
            assert viewer is not None
            known = picking.known_orgs(session, viewer=viewer)
            for scope in directory.SCOPES:
                allowed = gen.may_find(key, scope)
                assert {k for k, _ in known.choices(scope)} == allowed, (key, scope)
                for text in texts:
                    found = {k for k, _ in known.suggest(text, scope)}
                    assert found <= allowed, (key, scope, text)
    finally:
        nested.rollback()
