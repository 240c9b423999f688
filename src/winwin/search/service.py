"""Search over everything a signed-in person may see, each kind through its own check.

- items (posts, challenges and ideas alike) through the item checkpoint: the feed's
  search (``sharing.feed.search_items``), so no result is one ``can_see`` refuses;
  the challenges and ideas among them are told apart by their innovation entry;
- organisations by name or key, only those the acting organisation may find by name
  (``sharing.directory``, the rule of every organisation picker: its partners, the other
  members of its circles and the competitors it declared);
- people only of the organisations the person may act for (``accounts.access``), the
  same rule as the organisation's people list.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, own_org_ids
from winwin.innovation.repository import InnovationRepository
from winwin.search.repository import PersonHit, SearchRepository
from winwin.sharing import directory, feed, picking
from winwin.sharing.feed import FeedEntry
from winwin.sharing.items import Viewer

LIMIT = 50


@dataclass(frozen=True)
class EntryHit:
    """A challenge or an idea found by the search."""

    key: str
    kind: str
    stage: str
    title: str
    owner: str


@dataclass(frozen=True)
class OrgHit:
    """An organisation found by the search."""

    key: str
    name: str
    cluster: str | None


@dataclass(frozen=True)
class Found:
    q: str
    items: list[FeedEntry]
    entries: list[EntryHit]
    organizations: list[OrgHit]
    people: list[PersonHit]


def search_everything(
    session: Session, *, actor: Actor, viewer: Viewer, text: str, limit: int = LIMIT
) -> Found:
    """What ``text`` finds for ``actor`` working for ``viewer`` (see the module's notes).

    ``InvalidInput`` names ``q`` when the text is empty, too long or holds NUL.
    """
    q = feed.search_text(text)
    hits = feed.search_items(session, viewer=viewer, text=q, limit=limit)
    rows = InnovationRepository(session).rows([h.id for h in hits])
    entries = [
        EntryHit(h.key, rows[h.id].kind, rows[h.id].stage, h.title, h.owner)
        for h in hits
        if h.id in rows
    ]
    known = picking.known_orgs(session, viewer=viewer)
    orgs = directory.suggest(known.names, known.keys("visible"), q, limit=limit)
    org_ids = None if actor.is_platform_admin else own_org_ids(actor)
    return Found(
        q=q,
        items=[h for h in hits if h.id not in rows],
        entries=entries,
        organizations=[OrgHit(k, n, known.clusters.get(k)) for k, n in orgs],
        people=SearchRepository(session).people(q, org_ids=org_ids, limit=limit),
    )
