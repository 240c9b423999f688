"""Comments are read only through their item: a reader lists exactly the comments on the
items the checkpoint lets them open, and opening the comments of any other item is 404.

On seeded random networks (SQLite and PostgreSQL), every organisation comments on a few
items; for every reader the expected set comes from the pure rule ``can_see`` on the
document, never from the stored rows.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from integration.sharing.sharing_random import random_document
from support.document_model import model_network
from winwin.kernel.errors import NotFound
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.sharing import audience as policy
from winwin.sharing import comments
from winwin.sharing.items import ItemRepository
from winwin.sharing.models import ItemComment


def _comment_everywhere(session: Session, seed: int) -> dict[int, str]:
    """A few comments on random items (whoever writes them): comment id -> item key."""
    rng = random.Random(seed)
    repo = ItemRepository(session)
    rows = repo.rows()
    orgs = {row["owner_id"] for row in rows}
    made: dict[int, str] = {}
    for row in rng.sample(rows, min(len(rows), 12)):
        for _ in range(rng.randint(1, 2)):
            comment = ItemComment(
                item_id=row["id"],
                user_id=None,
                org_id=rng.choice(sorted(orgs)),
                body=f"about {row['key']}",
                created_at=datetime.now(UTC),
            )
            session.add(comment)
            session.flush()
            made[comment.id] = row["key"]
    return made


@pytest.mark.parametrize("seed", range(5))
def test_a_reader_lists_exactly_the_comments_on_items_it_may_open(
    session: Session, seed: int
) -> None:
    doc = random_document(seed)
    import_network(session, parse_document(doc))
    network = model_network(doc)
    made = _comment_everywhere(session, seed)
    assert made
    repo = ItemRepository(session)
    shown = 0
    for reader in [None, *sorted(network.orgs)]:
        viewer = None if reader is None else repo.viewer(reader)
        visible = set(policy.visible_items(network, reader))
        expected = {cid for cid, key in made.items() if key in visible}
        assert set(comments.comments_visible_to(session, viewer=viewer)) == expected, reader
        for key in set(made.values()):
            if key in visible:
                listed = comments.list_comments(session, viewer=viewer, key=key)
                assert {c.id for c in listed} == {c for c, k in made.items() if k == key}
                shown += len(listed)
            else:
                with pytest.raises(NotFound):
                    comments.list_comments(session, viewer=viewer, key=key)
    assert shown > 0
