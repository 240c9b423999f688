"""The SQL feed admits exactly what ``domain.audience.can_see`` admits (SpiceDB-style).

For seeded random networks, imported through the real importer on SQLite and on
PostgreSQL: for every organisation, and for anonymous readers, the feed holds an item
if and only if the pure policy lets that reader see it, newest first.

The expected answer comes from the documents (``support.document_model``), never from
the stored rows, so an importer that loses an exclusion, a tie or a topic fails here.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from integration.sharing.sharing_random import random_document, second_phase
from support.document_model import DocumentModel, model_network
from winwin.db.models import Tie
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.network.repository import NetworkRepository
from winwin.sharing import audience as policy
from winwin.sharing.items import ItemRepository


def assert_feed_matches_policy(session: Session, network: policy.Network) -> int:
    """``network`` is the documents' model; every reader of it is checked."""
    items = ItemRepository(session)
    keys = {row["id"]: row["key"] for row in items.rows()}
    created = {row["id"]: (row["created_at"], row["id"]) for row in items.rows()}
    readers: list[str | None] = [None, *sorted(network.orgs)]
    checked = 0
    for reader in readers:
        viewer = None if reader is None else items.viewer(reader)
        assert reader is None or viewer is not None, f"{reader} was not stored"
        ids = items.visible_to(viewer, limit=None)
        assert ids == sorted(ids, key=lambda i: created[i], reverse=True), "newest first"
        in_feed = {keys[i] for i in ids}
        expected = {k for k in network.items if policy.can_see(network, reader, k).visible}
        assert in_feed == expected, f"reader {reader}: extra {in_feed - expected}, " + (
            f"missing {expected - in_feed}"
        )
        assert items.visible_among(viewer, keys) == {i for i in keys if keys[i] in expected}
        checked += len(network.items)
    return checked


@pytest.mark.parametrize("seed", range(10))
def test_the_feed_holds_exactly_what_can_see_admits_on_random_networks(
    session: Session, seed: int
) -> None:
    doc = random_document(seed)
    import_network(session, parse_document(doc))
    assert len(doc["items"]) > 5
    assert set(ItemRepository(session).item_ids()) == {i["key"] for i in doc["items"]}
    assert assert_feed_matches_policy(session, model_network(doc)) > 0


@pytest.mark.parametrize("seed", range(10, 16))
def test_the_feed_follows_circles_agreements_and_ties_that_change_under_stored_items(
    session: Session, seed: int
) -> None:
    doc = random_document(seed)
    later = second_phase(seed, doc)
    import_network(session, parse_document(doc))
    import_network(session, parse_document(later))
    model = DocumentModel.of(doc, later)
    ties = sorted(NetworkRepository(session).ties())
    gone = random.Random(seed).sample(ties, k=min(3, len(ties)))
    NetworkRepository(session).delete_ties(gone)
    assert session.query(Tie).count() == len(ties) - len(gone)
    key_of = NetworkRepository(session).org_keys_by_id()
    model.remove_ties((kind, key_of[a], key_of[b]) for kind, a, b in gone)
    assert_feed_matches_policy(session, model.network())


def test_a_larger_generated_network_agrees_for_a_sample_of_readers(session: Session) -> None:
    from winwin.network.generate import generate_network

    doc = generate_network(orgs=60, seed=3, items_per_org=4, assessments=0)
    import_network(session, parse_document(doc))
    network = model_network(doc)
    items = ItemRepository(session)
    keys = {row["id"]: row["key"] for row in items.rows()}
    for reader in [None, *random.Random(1).sample(sorted(network.orgs), 15)]:
        viewer = None if reader is None else items.viewer(reader)
        in_feed = {keys[i] for i in items.visible_to(viewer, limit=None)}
        expected = set(policy.visible_items(network, reader))
        assert in_feed == expected


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(min_value=0, max_value=2**31 - 1), orgs=st.integers(3, 10))
def test_feed_and_can_see_agree_on_any_generated_network(
    session: Session, seed: int, orgs: int
) -> None:
    # Each example runs inside a savepoint that is rolled back, so examples never meet.
    nested = session.begin_nested()
    try:
        doc = random_document(seed, orgs=orgs, candidates=25)
        import_network(session, parse_document(doc))
        assert_feed_matches_policy(session, model_network(doc))
    finally:
        nested.rollback()
