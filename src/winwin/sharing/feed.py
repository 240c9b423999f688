"""Reading the micro-network: the feed, one item, "can X see Y?" and the openness report.

Every read goes through the one checkpoint: lists through the SQL form of the policy
(``ItemRepository.visible_to``), single decisions through ``domain.audience.can_see`` on
a snapshot of just the rows that decision reads.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import operator, require_acting, resolve_actor
from winwin.db.models import Item
from winwin.kernel.errors import InvalidInput, NotFound
from winwin.kernel.keys import is_key as is_key
from winwin.network.repository import NetworkRepository
from winwin.sharing import audience as policy
from winwin.sharing import refusals
from winwin.sharing.items import ItemRepository, Viewer
from winwin.sharing.repository import SharingRepository
from winwin.sharing.snapshot_repository import SnapshotRepository, SnapshotRows

MAX_LIMIT = 1_000_000
MAX_SEARCH = 200


def sensitive_topics(session: Session) -> list[str]:
    """The configured competition-sensitive topics (normalised), or the default list."""
    return NetworkRepository(session).sensitive_topics()


def _org(key: str, place: tuple[str | None, str | None], rows: SnapshotRows) -> policy.Org:
    countries, clusters = rows.places.get(key, (frozenset(), frozenset()))
    return policy.Org(key, place[0], place[1], countries, clusters)


def _network(session: Session, rows: SnapshotRows) -> policy.Network:
    return policy.Network.build(
        orgs=[_org(k, place, rows) for k, place in rows.orgs.items()],
        ties=rows.ties,
        competitors=rows.competitors,
        circles={k: frozenset(v) for k, v in rows.circles.items()},
        agreements=[(pair, frozenset(t)) for pair, t in rows.agreements],
        sensitive_topics=sensitive_topics(session),
        items=[item_policy(r) for r in rows.items],
    )


def item_policy(row: dict[str, Any]) -> policy.ItemPolicy:
    """The policy's view of a stored item row (as ``SnapshotRepository`` returns it)."""
    return policy.ItemPolicy(
        key=row["key"],
        owner=row["owner"],
        audience=policy.Audience(
            level=row["level"], orgs=frozenset(row["orgs"]), circle=row.get("circle")
        ),
        topics=frozenset(row["topics"]),
        exclude=tuple(policy.Exclusion(kind, value) for kind, value in row["exclude"]),
        reshare_of=row["reshare_of"],
    )


def whole_network(session: Session) -> policy.Network:
    """A snapshot of the whole database (tests and small networks; O(database))."""
    repo = SnapshotRepository(session)
    return _network(session, repo.snapshot(org_ids=None, item_ids=None, owner_ids=set()))


def local_network(
    session: Session,
    *,
    item_ids: set[int],
    org_ids: set[int] | None,
    with_partners: bool = False,
    owners: set[int] | None = None,
    circle_ids: set[int] | None = None,
) -> policy.Network:
    """A snapshot holding the items, their reshare chains and what deciding them reads.

    ``org_ids`` None loads every organisation (needed for network-wide reach).
    ``with_partners`` also loads the owners' partners and the chain's circle members.
    """
    repo = SnapshotRepository(session)
    chain = repo.chain_ids(item_ids)
    owner_ids = repo.owner_ids(chain) | (owners or set())
    circles = set(circle_ids or ())
    stored = SharingRepository(session).items_by_ids(chain)
    circles |= {i.circle_id for i in stored.values() if i.circle_id}
    scope = None if org_ids is None else set(org_ids)
    if scope is not None and with_partners:
        scope |= repo.partner_ids(owner_ids)
        scope |= repo.circle_member_ids(circles)
    rows = repo.snapshot(org_ids=scope, item_ids=chain, owner_ids=owner_ids, circle_ids=circles)
    return _network(session, rows)


def viewer_or_raise(session: Session, org: str, *, field: str = "ORG") -> Viewer:
    """The organisation ``org`` as the command line's operator acts for it, resolved as
    every door resolves who is acting (``accounts.access.resolve_actor``); ``NotFound``
    names ``field`` when there is no such organisation."""
    return require_acting(resolve_actor(session, operator(), named=org, field=field))


def item_or_raise(session: Session, key: str, *, field: str = "ITEM") -> Item:
    item = SharingRepository(session).item_by_key(key) if is_key(key) else None
    if item is None:
        raise NotFound(refusals.NO_ITEM_NAMED(field=field, key=key))
    return item


def _limit(limit: int | None) -> int | None:
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(refusals.LIMIT("limit", most=MAX_LIMIT))
    return limit


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed page, as every door shows it."""

    id: int
    key: str
    owner: str
    title: str
    body: str
    level: str
    created_at: datetime
    reshare_of: str | None


def feed_keys(session: Session, *, org: str | None, limit: int | None = None) -> list[str]:
    """The keys of every item ``org`` (None: anonymous) can see, newest first."""
    viewer = None if org is None else viewer_or_raise(session, org)
    ids = ItemRepository(session).visible_to(viewer, limit=_limit(limit))
    keys = SharingRepository(session).item_keys(ids)
    return [keys[i] for i in ids]


def feed_page(
    session: Session,
    *,
    viewer: Viewer | None,
    limit: int = 50,
    before: tuple[datetime, int] | None = None,
    text: str | None = None,
) -> list[FeedEntry]:
    """One page of the feed, newest first; ``before`` is the last entry's (time, id).

    ``text`` (already checked by :func:`search_text`) keeps the items that contain it.
    """
    ids = ItemRepository(session).visible_to(viewer, limit=_limit(limit), before=before, text=text)
    return entries_of(session, ids)


def entries_of(session: Session, ids: list[int]) -> list[FeedEntry]:
    """Feed entries for these item ids, in their order (callers pass checked ids)."""
    repo = SharingRepository(session)
    items = repo.items_by_ids(ids)
    keys = repo.org_keys({i.owner_id for i in items.values()})
    originals = repo.items_by_ids({i.reshare_of_id for i in items.values() if i.reshare_of_id})
    entries = []
    for i in ids:
        item = items[i]
        original = originals.get(item.reshare_of_id) if item.reshare_of_id else None
        entries.append(
            FeedEntry(
                id=i,
                key=item.key,
                owner=keys[item.owner_id],
                title=item.title,
                body=item.body,
                level=item.level,
                created_at=item.created_at,
                reshare_of=original.key if original else None,
            )
        )
    return entries


def search_text(text: str | None, *, field: str = "q") -> str:
    """The search text stripped, or InvalidInput naming ``field``."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise InvalidInput(refusals.SEARCH_EMPTY(field))
    if len(cleaned) > MAX_SEARCH:
        raise InvalidInput(refusals.SEARCH_TOO_LONG(field, n=MAX_SEARCH))
    if "\x00" in cleaned:
        raise InvalidInput(refusals.SEARCH_NUL(field))
    return cleaned


def search_items(
    session: Session,
    *,
    viewer: Viewer | None,
    text: str,
    limit: int = 50,
    before: tuple[datetime, int] | None = None,
) -> list[FeedEntry]:
    """The feed page of ``viewer`` kept to items whose title, body or topics hold ``text``.

    The same checkpoint as the feed with a text filter on top, so search never shows an
    item that ``can_see`` refuses; newest first, ``before`` as in :func:`feed_page`.
    """
    return feed_page(session, viewer=viewer, limit=limit, before=before, text=search_text(text))


def can_see_item(session: Session, *, org: str, item: str) -> policy.Decision:
    """``winwin can-see ORG ITEM``: the pure decision with its one-sentence reason."""
    viewer = viewer_or_raise(session, org)
    stored = item_or_raise(session, item)
    network = local_network(session, item_ids={stored.id}, org_ids={viewer.id})
    return policy.can_see(network, viewer.key, stored.key)


def openness_report(session: Session, *, org: str) -> dict[str, Any]:
    """``winwin openness ORG`` (CONTRACT.md), computed by ``domain.audience.openness``."""
    viewer = viewer_or_raise(session, org)
    own = set(SharingRepository(session).own_item_ids(viewer.id))
    network = local_network(session, item_ids=own, org_ids={viewer.id})
    report = policy.openness(network, viewer.key)
    report["secret_items"] = [c.key for c in policy.closed_items(network, viewer.key)]
    return report


def secret_items(session: Session, *, org: str) -> list[dict[str, Any]]:
    """The items that ``openness_report`` counts as secret, with why: each is
    ``{"key", "title", "level", "secret", "held_by": [{"org", "name", "topic"}]}``."""
    viewer = viewer_or_raise(session, org)
    repo = SharingRepository(session)
    own = set(repo.own_item_ids(viewer.id))
    network = local_network(session, item_ids=own, org_ids={viewer.id})
    closed = policy.closed_items(network, viewer.key)
    items = {i.key: i for i in repo.items_by_ids(own).values()}
    names = {o.key: o.name for o in repo.orgs_by_keys({k for c in closed for k, _ in c.held_by})}
    return [
        {
            "key": c.key,
            "title": items[c.key].title,
            "level": items[c.key].level,
            "secret": c.secret,
            "held_by": [{"org": k, "name": names.get(k, k), "topic": t} for k, t in c.held_by],
        }
        for c in closed
    ]


def openness_by_month(session: Session, *, org: str) -> list[dict[str, Any]]:
    """The openness report per month of ``created_at``: counts by level and secret share.

    Each month counts the items created in it (not a running total).
    """
    viewer = viewer_or_raise(session, org)
    repo = SharingRepository(session)
    rows = repo.own_items_by_month(viewer.id)
    network = local_network(session, item_ids={r[0] for r in rows}, org_ids={viewer.id})
    keys = repo.items_by_ids(r[0] for r in rows)
    months: dict[str, Counter[str]] = {}
    for item_id, level, created in rows:
        month = created.strftime("%Y-%m")
        counts = months.setdefault(month, Counter())
        counts[level] += 1
        counts["_total"] += 1
        if level == "secret" or policy.held_by_agreement(network, keys[item_id].key):
            counts["_closed"] += 1
    out = []
    for month in sorted(months):
        counts = months[month]
        total = counts["_total"]
        share = counts["_closed"] / total if total else 0.0
        out.append(
            {
                "month": month,
                "total": total,
                "by_level": {level: counts[level] for level in policy.LEVELS},
                "secret_share": share,
                "within_rule": share <= policy.SECRET_SHARE_LIMIT,
            }
        )
    return out
