"""The co-author picker suggests only people whom naming a co-author would accept.

On seeded random networks (imported on SQLite and on PostgreSQL), each organisation with
two active people and one whose account is closed: for every entry and its owner, the
picker's suggestions are exactly the active people of the organisations the owner knows
by name (``sharing.directory``, and itself) whose organisation ``can_see`` admits, minus
the co-authors; each one is then accepted by ``add_coauthor`` (by id), and leaves the
suggestions; a person of an organisation that cannot see the entry is refused by id and by
e-mail with the same answer as an unknown address, and nothing is stored.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from integration.innovation.test_innovation_consistency import _entries
from integration.sharing.sharing_random import random_document
from support.document_model import model_network
from support.identity import acting
from winwin.accounts.models import User
from winwin.db.models import Item
from winwin.innovation import service as inn
from winwin.innovation.repository import InnovationRepository
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.sharing import audience as policy
from winwin.sharing import picking
from winwin.sharing.items import ItemRepository

ALL = 100_000


def _people(session: Session, orgs: list[str]) -> dict[int, tuple[str, bool, str]]:
    """user id -> (organisation key, active, e-mail): two active people and a closed one."""
    items, made = ItemRepository(session), {}
    for key in orgs:
        viewer = items.viewer(key)
        assert viewer is not None
        for n, active in ((1, True), (2, True), (3, False)):
            email = f"p{n}@{key}.example"
            user = User(
                email=email, name=f"{key.upper()} Person {n}", org_id=viewer.id, active=active
            )
            session.add(user)
            session.flush()
            made[user.id] = (key, active, email)
    return made


@pytest.mark.parametrize("seed", range(2))
def test_suggestions_are_exactly_the_people_naming_would_accept(
    session: Session, seed: int
) -> None:
    doc = random_document(seed)
    import_network(session, parse_document(doc))
    made = _entries(session, seed)
    network = model_network(doc)
    people = _people(session, sorted(network.orgs))
    items, repo = ItemRepository(session), InnovationRepository(session)
    ids = items.item_ids()
    checked = 0
    for key in sorted(made):
        owner_id = session.get_one(Item, ids[key]).owner_id
        owner = items.viewer_by_id(owner_id)
        assert owner is not None
        by = acting(session, owner.key)
        known = picking.known_orgs(session, viewer=owner).keys("visible") | {owner.key}
        sees = {o for o in network.orgs if policy.can_see(network, o, key).visible}
        expected = {
            uid for uid, (org, active, _) in people.items() if active and org in known & sees
        }
        found = inn.coauthor_suggestions(session, by=by, key=key, limit=ALL)
        assert {p.id for p in found} == expected, key
        assert all(p.name.startswith(p.org.upper()) for p in found)
        # Every suggestion is accepted, by id, and then no longer suggested.
        for person in found[:3]:
            inn.add_coauthor(session, by=by, key=key, person_id=person.id)
            assert repo.is_coauthor(ids[key], person.id)
            checked += 1
        again = inn.coauthor_suggestions(session, by=by, key=key, limit=ALL)
        assert {p.id for p in again} == expected - {p.id for p in found[:3]}
        # Someone whose organisation cannot see the entry is refused, by id and by e-mail.
        for uid, (org, _, email) in people.items():
            if org in sees:
                continue
            before = len(repo.coauthors(ids[key]))
            with pytest.raises(InvalidInput) as by_id:
                inn.add_coauthor(session, by=by, key=key, person_id=uid)
            assert by_id.value.problem.code == "innovation.no_one_chosen"
            with pytest.raises(InvalidInput) as by_email:
                inn.add_coauthor(session, by=by, key=key, email=email)
            with pytest.raises(InvalidInput) as nobody:
                inn.add_coauthor(session, by=by, key=key, email="nobody@nowhere.example")
            assert str(by_email.value).replace(email, "X") == str(nobody.value).replace(
                "nobody@nowhere.example", "X"
            )
            assert len(repo.coauthors(ids[key])) == before
    assert checked > 0


@pytest.mark.parametrize("seed", [2])
def test_only_those_who_may_add_co_authors_get_suggestions(session: Session, seed: int) -> None:
    doc = random_document(seed)
    import_network(session, parse_document(doc))
    made = _entries(session, seed)
    network = model_network(doc)
    items = ItemRepository(session)
    ids = items.item_ids()
    for key in sorted(made):
        owner_id = session.get_one(Item, ids[key]).owner_id
        for org in sorted(network.orgs):
            viewer = items.viewer(org)
            assert viewer is not None
            if viewer.id == owner_id:
                continue
            by = acting(session, viewer.key)
            refused = PermissionDenied if policy.can_see(network, org, key).visible else NotFound
            with pytest.raises(refused):
                inn.coauthor_suggestions(session, by=by, key=key)
