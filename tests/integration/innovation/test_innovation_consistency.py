"""Open innovation reads through the one checkpoint: it never shows what ``can_see`` refuses.

On seeded random networks (imported on SQLite and on PostgreSQL), a random share of the
items become challenges and ideas, some ideas answering challenges. For every reader,
anonymous included:

- the innovation list is exactly the entries that ``can_see`` admits, newest first;
- an idea names the challenge it answers only to readers who may see that challenge;
- opening an entry works exactly when ``can_see`` admits it (else ``NotFound``);
- commenting and voting on an entry the reader may not see is ``NotFound`` and stores
  nothing.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from integration.sharing.sharing_random import random_document
from support.document_model import model_network
from support.identity import acting
from winwin.accounts.models import User
from winwin.innovation import entries
from winwin.innovation import service as inn
from winwin.innovation.models import InnovationComment, InnovationVote
from winwin.innovation.repository import InnovationRepository
from winwin.kernel.errors import InvalidInput, NotFound
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.notifications import service as note
from winwin.sharing import audience as policy
from winwin.sharing.items import ItemRepository


def _entries(session: Session, seed: int) -> dict[str, tuple[str, str | None]]:
    """Turn a random share of the items into entries: key -> (kind, challenge key)."""
    rng = random.Random(seed)
    repo, items = InnovationRepository(session), ItemRepository(session)
    ids = items.item_ids()
    keys = sorted(ids)
    chosen = rng.sample(keys, k=len(keys) // 2)
    challenges = chosen[: len(chosen) // 3]
    made: dict[str, tuple[str, str | None]] = {}
    at = datetime.now(UTC)
    for key in challenges:
        repo.add_entry(
            item_id=ids[key], kind="challenge", stage="open", challenge_id=None, user_id=None, at=at
        )
        made[key] = ("challenge", None)
    for key in chosen[len(challenges) :]:
        answers = rng.choice([None, *challenges]) if challenges else None
        repo.add_entry(
            item_id=ids[key],
            kind="idea",
            stage=rng.choice(["proposed", "discussed", "archived"]),
            challenge_id=ids[answers] if answers else None,
            user_id=None,
            at=at,
        )
        made[key] = ("idea", answers)
    return made


def _people(session: Session, orgs: list[str]) -> dict[str, int]:
    items = ItemRepository(session)
    ids = {}
    for key in orgs:
        viewer = items.viewer(key)
        assert viewer is not None
        user = User(email=f"p@{key}.example", name=key.upper(), org_id=viewer.id, role="member")
        session.add(user)
        session.flush()
        ids[key] = user.id
    return ids


def _count(session: Session, table: type) -> int:
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


@pytest.mark.parametrize("seed", range(5))
def test_innovation_reads_admit_exactly_what_can_see_admits(
    session: Session, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small slices, so that a list is put together from several trips to the checkpoint.
    monkeypatch.setattr(entries, "_SLICE", 3)
    doc = random_document(seed)
    import_network(session, parse_document(doc))
    made = _entries(session, seed)
    network = model_network(doc)  # the document's answer, never the stored rows
    people = _people(session, sorted(network.orgs))
    rows = ItemRepository(session).rows()
    items = ItemRepository(session)
    assert made, "the seed made no entries"
    checked = 0
    for reader in [None, *sorted(network.orgs)]:
        viewer = None if reader is None else items.viewer(reader)
        user_id = None if reader is None else people[reader]
        allowed = {k for k in made if _sees(network, reader, k)}
        listed = inn.list_entries(session, viewer=viewer, user_id=user_id)
        assert {e.key for e in listed} == allowed, f"reader {reader}"
        stamps = [(e.created_at, items.item_ids()[e.key]) for e in listed]
        assert stamps == sorted(stamps, reverse=True)
        for limit in (1, 4):
            page = inn.list_entries(session, viewer=viewer, user_id=user_id, limit=limit)
            assert page == listed[:limit]
        for entry in listed:
            kind, challenge = made[entry.key]
            assert entry.kind == kind
            shown = challenge if challenge and _sees(network, reader, challenge) else None
            assert entry.challenge == shown, f"{reader} on {entry.key}"
            titles = {row["key"]: row["title"] for row in rows}
            assert entry.challenge_title == (titles[shown] if shown else None)
        for key in made:
            if key in allowed:
                detail = inn.open_entry(session, viewer=viewer, user_id=user_id, key=key)
                assert detail.summary.key == key
                if made[key][0] == "challenge":
                    answering = {k for k, (_, c) in made.items() if c == key and k in allowed}
                    assert {i.key for i in detail.ideas} == answering
                checked += 1
            else:
                with pytest.raises(NotFound):
                    inn.open_entry(session, viewer=viewer, user_id=user_id, key=key)
                if viewer is not None:
                    by = acting(session, viewer.key, user_id)
                    before = (_count(session, InnovationComment), _count(session, InnovationVote))
                    with pytest.raises(NotFound):
                        inn.add_comment(session, by=by, key=key, body="hello")
                    with pytest.raises(NotFound):
                        inn.set_vote(session, by=by, key=key, vote=True)
                    after = (_count(session, InnovationComment), _count(session, InnovationVote))
                    assert after == before
    assert checked > 0

    # People take part where they may; notifications never name an item out of sight.
    rng = random.Random(seed)
    told = 0
    for key in rng.sample(sorted(made), k=min(8, len(made))):
        readers = [o for o in sorted(network.orgs) if _sees(network, o, key)]
        for org in rng.sample(readers, k=min(2, len(readers))):
            viewer = items.viewer(org)
            assert viewer is not None
            by = acting(session, viewer.key, people[org])
            inn.add_comment(session, by=by, key=key, body=f"from {org}")
            if made[key][0] == "idea" and rng.random() < 0.5:
                inn.set_vote(session, by=by, key=key, vote=True)
    for org in sorted(network.orgs):
        viewer = items.viewer(org)
        assert viewer is not None
        box = note.inbox(session, user_id=people[org], org_id=viewer.id, limit=200)
        for entry in box.notifications:
            assert _sees(network, org, entry.item), f"{org} told about {entry.item}"
        told += len(box.notifications)
    assert told > 0


def _sees(network: policy.Network, reader: str | None, key: str) -> bool:
    return policy.can_see(network, reader, key).visible


@pytest.mark.parametrize("seed", range(5))
def test_an_outsider_lists_and_opens_exactly_the_public_entries_and_widens_nothing(
    session: Session, seed: int
) -> None:
    """An outsider (no organisation) lists exactly what ``can_see`` admits to an anonymous
    reader, opens exactly that, takes part only there, and what they do leaves every
    organisation seeing what it saw plus the outsider's new public ideas."""
    doc = random_document(seed)
    import_network(session, parse_document(doc))
    made = _entries(session, seed)
    network = model_network(doc)
    fan = User(email="fan@outside.example", name="Fan", org_id=None, role="outsider")
    session.add(fan)
    session.flush()
    items = ItemRepository(session)
    by = acting(session, None, fan.id)
    public = {k for k in made if _sees(network, None, k)}
    listed = inn.list_entries(session, viewer=None, user_id=fan.id)
    assert {e.key for e in listed} == public
    assert all(e.level == "public" for e in listed)
    before = {
        org: {e.key for e in inn.list_entries(session, viewer=items.viewer(org))}
        for org in sorted(network.orgs)
    }
    proposed: set[str] = set()
    for key in sorted(made):
        if key in public:
            assert inn.open_entry(session, viewer=None, user_id=fan.id, key=key).can_participate
            inn.add_comment(session, by=by, key=key, body="from outside")
            inn.set_vote(session, by=by, key=key, vote=True)
            if made[key][0] == "challenge":
                draft = inn.ItemDraft(title=f"idea for {key}", body="", level="public")
                created = inn.create_entry(session, by=by, kind="idea", draft=draft, challenge=key)
                proposed.add(created.key)
        else:
            counts = (_count(session, InnovationComment), _count(session, InnovationVote))
            with pytest.raises(NotFound):
                inn.open_entry(session, viewer=None, user_id=fan.id, key=key)
            with pytest.raises(NotFound):
                inn.add_comment(session, by=by, key=key, body="from outside")
            with pytest.raises(NotFound):
                inn.set_vote(session, by=by, key=key, vote=True)
            if made[key][0] == "challenge":
                draft = inn.ItemDraft(title="idea", body="", level="public")
                with pytest.raises(InvalidInput):
                    inn.create_entry(session, by=by, kind="idea", draft=draft, challenge=key)
            assert (_count(session, InnovationComment), _count(session, InnovationVote)) == counts
    for org, seen in before.items():
        now = {e.key for e in inn.list_entries(session, viewer=items.viewer(org))}
        assert now == seen | proposed, org
    # The outsider's list after taking part is still exactly the public entries.
    after = {e.key for e in inn.list_entries(session, viewer=None, user_id=fan.id)}
    assert after == public | proposed
