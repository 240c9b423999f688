"""Reading open innovation: challenges and ideas as lists and the entry page show them.

Every read goes through the one visibility checkpoint (``ItemRepository.visible_among``):
lists, the entry page, the ideas under a challenge, and even the name of the challenge an
idea answers. The lookups here (:func:`visible_entry`, :func:`may_manage`) are also the
first step of every use case that changes an entry (``innovation.service``,
``innovation.taking_part``, ``innovation.coauthors``); the doors call them all through
``innovation.service``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.innovation import refusals as refuse
from winwin.innovation import stages as rules
from winwin.innovation.repository import CommentRow, EntryRow, InnovationRepository
from winwin.kernel.errors import InvalidInput, NotFound, Problem
from winwin.sharing import feed
from winwin.sharing import service as sharing
from winwin.sharing.items import ItemRepository, Viewer
from winwin.sharing.repository import SharingRepository

LIST_LIMIT = 500
_SLICE = 500


def org_id_of(by: Actor) -> int | None:
    """The organisation acting, by id; None for an outsider (and the operator naming none)."""
    return by.acting.id if by.acting is not None else None


@dataclass(frozen=True)
class EntrySummary:
    """A challenge or an idea as lists show it."""

    key: str
    kind: str
    stage: str
    title: str
    owner: str
    owner_name: str
    level: str
    created_at: datetime
    stage_changed_at: datetime
    # The challenge an idea answers (key and title), when the reader may see that challenge.
    challenge: str | None
    votes: int
    comments: int
    voted: bool = False
    challenge_title: str | None = None


@dataclass(frozen=True)
class CommentView:
    id: int
    author: str
    org: str | None  # None: an outsider's comment
    body_html: str
    created_at: datetime
    mine: bool
    can_delete: bool


@dataclass(frozen=True)
class PersonView:
    """A co-author: the person's id (to name them in a removal), name and organisation."""

    id: int
    name: str
    org: str | None


@dataclass(frozen=True)
class StageChange:
    from_stage: str | None
    to_stage: str
    by: str | None
    at: datetime


@dataclass(frozen=True)
class EntryDetail:
    """One entry as its page shows it, after the checkpoint admitted the reader."""

    summary: EntrySummary
    item: sharing.ItemView
    comments: list[CommentView]
    coauthors: list[PersonView]
    history: list[StageChange]
    # For a challenge: the ideas answering it that the reader may see.
    ideas: list[EntrySummary] = field(default_factory=list)
    # Where the reader may move the entry (empty when they may not move it).
    next_stages: list[str] = field(default_factory=list)
    can_participate: bool = False
    can_manage: bool = False


def now() -> datetime:
    return datetime.now(UTC)


def visible_entry(session: Session, viewer: Viewer | None, key: str) -> tuple[int, EntryRow]:
    """The entry behind ``key`` if the checkpoint admits ``viewer``, else ``NotFound``."""
    item = SharingRepository(session).item_by_key(key) if feed.is_key(key) else None
    if item is None or not ItemRepository(session).is_visible(viewer, item.id):
        raise NotFound(refuse.NO_ENTRY(key=key))
    row = InnovationRepository(session).rows([item.id]).get(item.id)
    if row is None:
        raise NotFound(refuse.NO_ENTRY(key=key))
    return item.id, row


def summaries(
    session: Session, viewer: Viewer | None, rows: Sequence[EntryRow], user_id: int | None
) -> list[EntrySummary]:
    challenge_ids = {r.challenge_id for r in rows if r.challenge_id is not None}
    items = ItemRepository(session)
    shown = items.visible_among(viewer, challenge_ids) if challenge_ids else set()
    shown_items = SharingRepository(session).items_by_ids(shown) if shown else {}
    voted = (
        InnovationRepository(session).voted_among(user_id, [r.item_id for r in rows])
        if user_id is not None
        else set()
    )
    return [
        EntrySummary(
            key=r.key,
            kind=r.kind,
            stage=r.stage,
            title=r.title,
            owner=r.owner_key,
            owner_name=r.owner_name,
            level=r.level,
            created_at=r.created_at,
            stage_changed_at=r.stage_changed_at,
            challenge=shown_items[r.challenge_id].key if r.challenge_id in shown_items else None,
            challenge_title=(
                shown_items[r.challenge_id].title if r.challenge_id in shown_items else None
            ),
            votes=r.votes,
            comments=r.comments,
            voted=r.item_id in voted,
        )
        for r in rows
    ]


def list_entries(
    session: Session,
    *,
    viewer: Viewer | None,
    user_id: int | None = None,
    kind: str | None = None,
    stage: str | None = None,
    challenge: str | None = None,
    owner: str | None = None,
    limit: int = LIST_LIMIT,
) -> list[EntrySummary]:
    """The challenges and ideas ``viewer`` may see (None: anonymous), newest first."""
    if kind is not None:
        rules.check_kind(kind)
    known = {s for stages in rules.STAGES.values() for s in stages}
    if stage is not None and stage not in (rules.STAGES[kind] if kind else known):
        raise InvalidInput(Problem("stage", f"'{stage}' is not a stage"))
    if not 1 <= limit <= LIST_LIMIT:
        raise InvalidInput(Problem("limit", f"must be from 1 to {LIST_LIMIT}"))
    challenge_id = None
    if challenge is not None:
        try:
            challenge_id, _ = visible_entry(session, viewer, challenge)
        except NotFound:
            raise NotFound(refuse.NO_CHALLENGE(key=challenge)) from None
    owner_id = None
    if owner is not None:
        found = ItemRepository(session).viewer(owner) if feed.is_key(owner) else None
        if found is None:
            raise NotFound(f"there is no organisation '{owner}'")
        owner_id = found.id
    repo = InnovationRepository(session)
    ids = repo.entry_ids(kind=kind, stage=stage, challenge_id=challenge_id, owner_id=owner_id)
    # Newest first, a slice at a time, until the page is full: the checkpoint is asked
    # about as few entries as the page needs when most of them are visible.
    items, chosen = ItemRepository(session), []
    for start in range(0, len(ids), _SLICE):
        part = ids[start : start + _SLICE]
        visible = items.visible_among(viewer, part)
        chosen += [i for i in part if i in visible]
        if len(chosen) >= limit:
            break
    chosen = chosen[:limit]
    rows = repo.rows(chosen)
    return summaries(session, viewer, [rows[i] for i in chosen], user_id)


def may_manage(
    session: Session, viewer: Viewer | None, user_id: int | None, row: EntryRow, item_id: int
) -> bool:
    """The owner organisation manages an entry; an idea's co-authors may move its stage."""
    if viewer is None:
        return False
    if viewer.id == row.owner_id:
        return True
    return (
        row.kind == "idea"
        and user_id is not None
        and InnovationRepository(session).is_coauthor(item_id, user_id)
    )


def comment_view(comment: CommentRow, *, user_id: int | None, owner_side: bool) -> CommentView:
    """A stored comment as ``user_id`` reads it (``owner_side``: they act for the owner)."""
    return CommentView(
        id=comment.id,
        author=comment.author,
        org=comment.org_key,
        body_html=sharing.render_markdown(comment.body),
        created_at=comment.created_at,
        mine=user_id is not None and comment.user_id == user_id,
        can_delete=user_id is not None and (comment.user_id == user_id or owner_side),
    )


def coauthors_of(session: Session, item_id: int) -> list[PersonView]:
    return [
        PersonView(p.user_id, p.name, p.org_key)
        for p in InnovationRepository(session).coauthors(item_id)
    ]


def open_entry(
    session: Session, *, viewer: Viewer | None, user_id: int | None, key: str, via: str = "web"
) -> EntryDetail:
    """The entry with its comments, co-authors, history and (for a challenge) ideas.

    ``NotFound`` when the checkpoint does not admit the viewer; opening another
    organisation's non-public entry goes to the owner's audit log, as any item does.
    """
    item_id, row = visible_entry(session, viewer, key)
    view = sharing.open_item(session, viewer=viewer, key=key, user_id=user_id, via=via)
    repo = InnovationRepository(session)
    (summary,) = summaries(session, viewer, [row], user_id)
    manage = may_manage(session, viewer, user_id, row, item_id)
    owner_side = viewer is not None and viewer.id == row.owner_id
    comments = [
        comment_view(c, user_id=user_id, owner_side=owner_side) for c in repo.comments(item_id)
    ]
    ideas = (
        list_entries(session, viewer=viewer, user_id=user_id, challenge=key)
        if row.kind == "challenge"
        else []
    )
    return EntryDetail(
        summary=summary,
        item=view,
        comments=comments,
        coauthors=coauthors_of(session, item_id),
        history=[StageChange(a, b, c, d) for a, b, c, d in repo.history(item_id)],
        ideas=ideas,
        next_stages=rules.next_stages(row.kind, row.stage) if manage else [],  # type: ignore[arg-type]
        # A person takes part: one of an organisation's, or an outsider (viewer None).
        can_participate=user_id is not None,
        can_manage=manage,
    )


def owner_of(session: Session, *, key: str) -> str:
    """The key of the organisation that owns entry ``key`` (for a script acting as the owner)."""
    item = feed.item_or_raise(session, key, field="KEY")
    owner = ItemRepository(session).viewer_by_id(item.owner_id)
    if owner is None or InnovationRepository(session).entry(item.id) is None:
        raise NotFound(refuse.NO_ENTRY(key=key))
    return owner.key
