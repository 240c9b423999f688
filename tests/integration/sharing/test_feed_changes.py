"""Every audience level x exclusion kind x later change, through the SQL feed.

Random networks alone rarely put a ``direct`` item next to the tie that is removed, or a
``cluster:`` exclusion next to the organisation that moves. Here hypothesis draws the
surroundings (the other organisations, their places and ties, the order of the items)
while the document always holds one item of every level with every exclusion kind, each
exclusion removing an organisation the level admits. Each later change is applied on
its own to the stored network, and then:

- the feed of every reader is exactly what ``can_see`` admits on the documents' model;
- the change hid each item it must hide (written out per change below, not computed),
  so every level x exclusion kind x change occurs and is seen to bite;
- ``event()`` records each combination, and a coverage assertion fails the example if
  one is missing.
"""

from __future__ import annotations

from itertools import product
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from support.document_model import DocumentModel
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.network.repository import NetworkRepository
from winwin.sharing import audience as policy
from winwin.sharing.items import ItemRepository

LEVELS = ("direct", "partners", "circle", "network")
KINDS = ("none", "competitors", "org", "country", "cluster")
CHANGES = (
    "tie removed",
    "agreement arrives",
    "circle member leaves",
    "competitor declared",
    "moves and moves back",
)
# The owner ``o``; ``p`` is admitted by every level and is the one each change concerns;
# ``x`` is admitted by every level and removed by every exclusion.
FILLERS = ("f1", "f2", "f3")
READERS: tuple[str | None, ...] = (None, "o", "p", "x", *FILLERS)
PLACES = st.tuples(
    st.sampled_from(["FI", "SE", "DE", None]), st.sampled_from(["forest", "food", None])
)


def exclusion(kind: str) -> list[str]:
    return {
        "none": [],
        "competitors": ["competitors"],
        "org": ["org:x"],
        "country": ["country:SE"],
        "cluster": ["cluster:metal"],
    }[kind]


def key_of(level: str, kind: str) -> str:
    return f"{level}-{kind}"


def document(
    places: list[tuple[str | None, str | None]], tied: list[bool], order: list[int]
) -> dict[str, Any]:
    orgs: list[dict[str, Any]] = [
        {"key": "o", "name": "O", "country": "FI", "cluster": "forest"},
        {"key": "p", "name": "P", "country": "FI", "cluster": "food"},
        {"key": "x", "name": "X", "country": "SE", "cluster": "metal"},
    ]
    for key, (country, cluster) in zip(FILLERS, places, strict=True):
        org: dict[str, Any] = {"key": key, "name": key.upper()}
        if country:
            org["country"] = country
        if cluster:
            org["cluster"] = cluster
        orgs.append(org)
    ties = [
        {"kind": "partners", "from": "o", "to": "p"},
        {"kind": "supplies", "from": "x", "to": "o"},
    ]
    ties += [
        {"kind": "partners", "from": "o", "to": f} for f, t in zip(FILLERS, tied, strict=True) if t
    ]
    ties.append({"kind": "partners", "from": "p", "to": "f1"})
    items: list[dict[str, Any]] = []
    for level, kind in product(LEVELS, KINDS):
        audience: dict[str, Any] = {"level": level}
        if level == "direct":
            audience["orgs"] = ["p", "x"]
        if level == "circle":
            audience["circle"] = "c"
        items.append(
            {
                "key": key_of(level, kind),
                "owner": "o",
                "title": key_of(level, kind),
                "topics": ["formula"],
                "audience": audience,
                "exclude": exclusion(kind),
            }
        )
    items.append(
        {
            "key": "public-none",
            "owner": "o",
            "title": "public",
            "topics": ["formula"],
            "audience": {"level": "public"},
        }
    )
    items = [items[i] for i in order]
    return {
        "format": "winwin/1",
        "organizations": orgs,
        "ties": ties,
        "competitors": [["o", "x"]],
        "circles": [{"key": "c", "name": "C", "members": ["o", "p", "x", "f2"]}],
        "competition_sensitive_topics": ["pricing"],
        "items": items,
    }


def change(session: Session, model: DocumentModel, what: str) -> None:
    """Apply one change to the database and to the model alike."""
    docs: list[dict[str, Any]] = []
    if what == "tie removed":
        repo = NetworkRepository(session)
        ids = repo.org_ids()
        repo.delete_ties([("partners", ids["o"], ids["p"])])
        model.remove_ties([("partners", "o", "p")])
    elif what == "agreement arrives":
        docs = [{"agreements": [{"between": ["o", "f3"], "secret_topics": ["Formula"]}]}]
    elif what == "circle member leaves":
        docs = [{"circles": [{"key": "c", "name": "C", "members": ["o", "x", "f2"]}]}]
    elif what == "competitor declared":
        docs = [{"competitors": [["p", "o"]]}]
    else:  # p moves into x's country and cluster, and back: the exclusions stay sticky
        docs = [
            {"organizations": [{"key": "p", "name": "P", "country": "SE", "cluster": "metal"}]},
            {"organizations": [{"key": "p", "name": "P", "country": "FI", "cluster": "food"}]},
        ]
    for doc in docs:
        import_network(session, parse_document({"format": "winwin/1", **doc}))
        model.apply(doc)


def must_hide_from_p(what: str, level: str, kind: str) -> bool:
    """Whether ``what`` must hide the item of ``level`` with ``kind`` from ``p``."""
    if what == "tie removed":
        return level in ("direct", "partners")
    if what == "agreement arrives":
        return True
    if what == "circle member leaves":
        return level == "circle"
    if what == "competitor declared":
        return kind == "competitors"
    return kind in ("country", "cluster")


def readers(session: Session) -> dict[str, set[str | None]]:
    repo = ItemRepository(session)
    keys = {i: k for k, i in repo.item_ids().items()}
    found: dict[str, set[str | None]] = {k: set() for k in keys.values()}
    for reader in READERS:
        viewer = None if reader is None else repo.viewer(reader)
        for item_id in repo.visible_to(viewer, limit=None):
            found[keys[item_id]].add(reader)
    return found


def expected(network: policy.Network) -> dict[str, set[str | None]]:
    return {k: {r for r in READERS if policy.can_see(network, r, k).visible} for k in network.items}


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    places=st.lists(PLACES, min_size=3, max_size=3),
    tied=st.lists(st.booleans(), min_size=3, max_size=3),
    order=st.permutations(range(len(LEVELS) * len(KINDS) + 1)),
)
def test_every_level_exclusion_kind_and_change_reaches_the_feed_as_the_model_says(
    session: Session,
    places: list[tuple[str | None, str | None]],
    tied: list[bool],
    order: list[int],
) -> None:
    doc = document(places, tied, order)
    nested = session.begin_nested()
    try:
        import_network(session, parse_document(doc))
        before = readers(session)
        assert before == expected(DocumentModel.of(doc).network())
        for level, kind in product(LEVELS, KINDS):
            seen = before[key_of(level, kind)]
            # Each exclusion bites: x is admitted by the level and removed by the exclusion.
            assert ("x" in seen) == (kind == "none"), (level, kind, seen)
            assert "p" in seen, (level, kind, seen)
        covered: set[tuple[str, str, str]] = set()
        for what in CHANGES:
            step = session.begin_nested()
            try:
                model = DocumentModel.of(doc)
                change(session, model, what)
                after = readers(session)
                assert after == expected(model.network()), what
                for level, kind in product(LEVELS, KINDS):
                    hidden = "p" not in after[key_of(level, kind)]
                    assert hidden == must_hide_from_p(what, level, kind), (what, level, kind)
                    assert ("x" in after[key_of(level, kind)]) <= (kind == "none")
                    event(f"{level} x {kind} x {what}")
                    covered.add((level, kind, what))
            finally:
                step.rollback()
        assert covered == set(product(LEVELS, KINDS, CHANGES))
    finally:
        nested.rollback()
