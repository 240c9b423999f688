"""The sharing use cases every door calls: publishing, opening and withdrawing items,
the audit log, circles, agreements and the competition-sensitive topics.

Every use case takes a Session and never commits. Organisations are passed as
``Viewer`` (id, key, country, cluster), resolved by the door from a key or the signed-in
user's organisation.

Opening an item, its reach, withdrawing it, the audit log and the settings are here; the
other use cases live by concern and are named here too, so that the doors have one
module to call: ``sharing.publishing`` (drafts checked against the sharing rules),
``sharing.circles``, ``sharing.agreements``, and for the words, ``sharing.rendering``
(Markdown made safe) and ``sharing.sentences`` (the composer's sentence).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from winwin.kernel.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
)
from winwin.network.repository import SENSITIVE_TOPICS, NetworkRepository
from winwin.sharing import audience as policy
from winwin.sharing import feed, refusals
from winwin.sharing.agreements import (
    agreement_with,
    agreements_of,
    answer_proposal,
    propose_agreement,
    propose_ending,
    propose_revision,
    settle_proposal,
    withdraw_proposal,
)
from winwin.sharing.circles import (
    CIRCLE_POSTS,
    CircleView,
    answer_invitation,
    circle_view,
    circles_of,
    create_circle,
    invite_to_circle,
    leave_circle,
)
from winwin.sharing.items import ItemRepository, Viewer
from winwin.sharing.publishing import (
    MAX_BODY,
    MAX_SCANNED,
    MAX_TITLE,
    Exposure,
    ItemDraft,
    Published,
    ReachPreview,
    exposure_of,
    preview_reach,
    publish_item,
)
from winwin.sharing.rendering import render_markdown
from winwin.sharing.repository import SharingRepository
from winwin.sharing.sentences import reach_sentence
from winwin.sharing.topics import MAX_TOPIC, MAX_TOPICS, clean_topics

MAX_SENSITIVE_TOPICS = 200

__all__ = [
    "CIRCLE_POSTS",
    "MAX_BODY",
    "MAX_SENSITIVE_TOPICS",
    "MAX_TITLE",
    "MAX_TOPIC",
    "MAX_TOPICS",
    "CircleView",
    "Exposure",
    "ItemDraft",
    "ItemView",
    "Published",
    "ReachPreview",
    "agreement_with",
    "agreements_of",
    "answer_invitation",
    "answer_proposal",
    "audit_log",
    "circle_view",
    "circles_of",
    "create_circle",
    "exclusions_of",
    "invite_to_circle",
    "item_reach",
    "leave_circle",
    "open_item",
    "own_items_reach",
    "preview_reach",
    "propose_agreement",
    "propose_ending",
    "propose_revision",
    "publish_item",
    "reach_sentence",
    "render_markdown",
    "set_sensitive_topics",
    "settle_proposal",
    "withdraw_item",
    "withdraw_proposal",
]


# --- Opening items and the audit log -------------------------------------------------------


@dataclass(frozen=True)
class ItemView:
    """One item as its page shows it, after the checkpoint admitted the reader."""

    id: int
    key: str
    owner: str
    title: str
    body_html: str
    level: str
    topics: list[str]
    created_at: datetime
    reshare_of: str | None


def open_item(
    session: Session,
    *,
    viewer: Viewer | None,
    key: str,
    user_id: int | None = None,
    via: str = "web",
) -> ItemView:
    """The item if the checkpoint admits the viewer, else ``NotFound`` (never a hint).

    Opening another organisation's non-public item is written to the owner's audit log.
    """
    repo = SharingRepository(session)
    item = repo.item_by_key(key) if feed.is_key(key) else None
    if item is None or not ItemRepository(session).is_visible(viewer, item.id):
        raise NotFound(refusals.NO_ITEM(key=key))
    if viewer is not None and viewer.id != item.owner_id and item.level != "public":
        repo.record_open(
            item_id=item.id, owner_id=item.owner_id, viewer_id=viewer.id, user_id=user_id, via=via
        )
    owner = repo.org_keys([item.owner_id])[item.owner_id]
    original = repo.items_by_ids([item.reshare_of_id]) if item.reshare_of_id else {}
    topics = repo.topics_of([item.id]).get(item.id, [])
    return ItemView(
        id=item.id,
        key=item.key,
        owner=owner,
        title=item.title,
        body_html=render_markdown(item.body),
        level=item.level,
        topics=topics,
        created_at=item.created_at,
        reshare_of=original[item.reshare_of_id].key if item.reshare_of_id else None,
    )


def item_reach(session: Session, *, owner: Viewer, key: str) -> ReachPreview:
    """Who one of ``owner``'s items reaches now (the composer's preview, for its page).

    Only the owner asks: the reach names the owner's partners. Anyone else gets
    ``NotFound``, as for a missing item.
    """
    item = SharingRepository(session).item_by_key(key) if feed.is_key(key) else None
    if item is None or item.owner_id != owner.id:
        raise NotFound(refusals.NO_ITEM_OF_YOURS(key=key))
    return own_items_reach(session, owner=owner, item_ids=[item.id])[item.id]


def own_items_reach(
    session: Session, *, owner: Viewer, item_ids: Sequence[int]
) -> dict[int, ReachPreview]:
    """``item_reach`` for each of these items that ``owner`` owns (others are left out),
    by item id: one snapshot for the items its partners, circles and named partners
    reach, and one of the whole network only when a network or public item is among
    them (the feed restates its own items' audience with this)."""
    items = {
        i: item
        for i, item in SharingRepository(session).items_by_ids(item_ids).items()
        if item.owner_id == owner.id
    }
    found: dict[int, ReachPreview] = {}
    for wide in (False, True):
        ids = {i for i, item in items.items() if (item.level in ("network", "public")) == wide}
        if not ids:
            continue
        network = feed.local_network(
            session, item_ids=ids, org_ids=None if wide else {owner.id}, with_partners=True
        )
        for i in ids:
            item = items[i]
            stored = network.items[item.key]
            named = item.level in ("partners", "direct", "circle")
            found[i] = ReachPreview(
                counts=policy.describe_reach(network, stored),
                problems=[],
                warnings=[],
                reached=sorted(policy.reach(network, stored) - {owner.key}) if named else [],
                exposure=exposure_of(network, stored, f"{item.title}\n{item.body[:MAX_SCANNED]}"),
            )
    return found


def exclusions_of(session: Session, item_ids: Sequence[int]) -> dict[int, list[str]]:
    """The exclusions of these items in their text form (``competitors``, ``org:K``…),
    for pages that restate an audience; the items were admitted by the checkpoint."""
    rows = SharingRepository(session).exclusions_of(item_ids)
    return {
        i: [str(policy.Exclusion(kind, value)) for kind, value in found]  # type: ignore[arg-type]
        for i, found in rows.items()
    }


def withdraw_item(session: Session, *, owner: Viewer, key: str) -> None:
    """Remove one of the organisation's own items, with everything that hangs on it.

    Its topics and audience, attachments, challenge or idea entry with comments and
    votes, notifications and audit rows go with it (ideas that answered a withdrawn
    challenge stay, answering none). ``NotFound`` when the organisation cannot see the
    item, ``PermissionDenied`` when it is not the owner, and ``Conflict`` while another
    item reshares it: a reshare belongs to its own owner, so it is not removed behind
    their back.
    """
    repo = SharingRepository(session)
    item = repo.item_by_key(key) if feed.is_key(key) else None
    if item is None or not ItemRepository(session).is_visible(owner, item.id):
        raise NotFound(refusals.NO_ITEM(key=key))
    if item.owner_id != owner.id:
        raise PermissionDenied(refusals.WITHDRAWER())
    reshares = repo.reshares_of(item.id)
    if reshares:
        named = ", ".join(f"{k} ({o})" for k, o in reshares[:5])
        if len(reshares) > 5:
            raise Conflict(refusals.RESHARED_MORE(key=key, named=named, more=len(reshares) - 5))
        raise Conflict(refusals.RESHARED(key=key, named=named))
    repo.delete_item(item)


def audit_log(session: Session, *, owner: Viewer, limit: int = 200) -> list[dict[str, Any]]:
    """Who opened which of the owner's non-public items, newest first."""
    return [
        {"item": k, "title": t, "opened_by": v, "opened_at": at}
        for k, t, v, at in SharingRepository(session).opens_of_owner(owner.id, limit=limit)
    ]


# --- Settings ------------------------------------------------------------------------------


def set_sensitive_topics(session: Session, *, topics: Sequence[str]) -> list[str]:
    """Replace the competition-sensitive topics (the competition-law guard's list)."""
    # The built-in list alone has 39 topics in three languages: room to add to it.
    cleaned = clean_topics(topics, limit=MAX_SENSITIVE_TOPICS) or []
    NetworkRepository(session).set_setting(SENSITIVE_TOPICS, cleaned)
    return cleaned
