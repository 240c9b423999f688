"""A file is listable and downloadable exactly when ``domain.audience.can_see`` admits
its item, on random networks imported for real, on SQLite and PostgreSQL."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from integration.sharing.sharing_random import random_document
from support.document_model import model_network
from winwin.attachments import service as attachments
from winwin.kernel.errors import NotFound
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.sharing import audience as policy
from winwin.sharing.items import ItemRepository


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seed=st.integers(min_value=0, max_value=2**31 - 1),
    orgs=st.integers(3, 9),
    picks=st.data(),
)
def test_a_file_is_listable_exactly_when_can_see_admits_its_item(
    session: Session, seed: int, orgs: int, picks: st.DataObject
) -> None:
    # Each example runs inside a savepoint that is rolled back, so examples never meet.
    nested = session.begin_nested()
    try:
        doc = random_document(seed, orgs=orgs, candidates=25)
        import_network(session, parse_document(doc))
        network = model_network(doc)  # the document's answer, never the stored rows
        items = ItemRepository(session)
        originals = sorted(key for key, item in network.items.items() if item.reshare_of is None)
        # The first accepted item of a document is never a reshare; an empty list would
        # make this example check nothing, so it fails instead of passing quietly.
        assert originals, f"seed {seed} made no original item"
        chosen = picks.draw(
            st.lists(st.sampled_from(originals), min_size=1, max_size=6, unique=True),
            label="items",
        )
        readers = picks.draw(
            st.lists(st.sampled_from([None, *sorted(network.orgs)]), min_size=1, max_size=5),
            label="readers",
        )
        files = {}
        for key in chosen:
            owner = items.viewer(network.items[key].owner)
            assert owner is not None
            files[key] = attachments.attach(
                session,
                owner=owner,
                user_id=None,
                key=key,
                filename=f"{key}.csv",
                content_type="text/csv",
                data=f"item;{key}\n".encode(),
            )
        for reader in readers:
            viewer = None if reader is None else items.viewer(reader)
            for key, made in files.items():
                admitted = policy.can_see(network, reader, key).visible
                event("admitted" if admitted else "refused")
                try:
                    listed = attachments.list_attachments(session, viewer=viewer, key=key)
                except NotFound:
                    listed = None
                try:
                    _found, data = attachments.open_attachment(
                        session, viewer=viewer, key=key, attachment_id=made.id
                    )
                except NotFound:
                    data = None
                assert (listed == [made]) is admitted, (reader, key)
                assert listed is None or listed == [made]
                assert (data == f"item;{key}\n".encode()) is admitted, (reader, key)
                assert data is None or admitted
    finally:
        nested.rollback()
