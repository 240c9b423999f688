"""Comments on items: people discuss any item they can see.

Every read and write goes through the item checkpoint (``ItemRepository.visible_among``):
a comment is shown exactly to those whose organisation may see its item, and hiding the
item hides its comments. Challenges and ideas take the same comments (their pages read
them from here too). A new comment tells the item's followers through
``notifications.notify_followers``, as a comment on a challenge always has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied
from winwin.notifications import service as notifications
from winwin.sharing import feed
from winwin.sharing import refusals as refuse
from winwin.sharing.comment_repository import CommentRepository, CommentRow
from winwin.sharing.items import ItemRepository, Viewer
from winwin.sharing.rendering import render_markdown
from winwin.sharing.repository import SharingRepository

MAX_COMMENT = 10_000


@dataclass(frozen=True)
class CommentView:
    """A comment as every door shows it."""

    id: int
    item: str
    author: str
    org: str
    org_name: str
    body: str
    body_html: str
    created_at: datetime
    mine: bool
    can_delete: bool


def _visible_item(session: Session, viewer: Viewer | None, key: str) -> tuple[int, int]:
    """``(item id, owner id)`` of ``key`` if the checkpoint admits ``viewer``, else NotFound."""
    item = SharingRepository(session).item_by_key(key) if feed.is_key(key) else None
    if item is None or not ItemRepository(session).is_visible(viewer, item.id):
        raise NotFound(refuse.NO_ITEM(key=key))
    return item.id, item.owner_id


def _view(
    row: CommentRow, key: str, viewer: Viewer | None, user_id: int | None, owner: int
) -> CommentView:
    mine = user_id is not None and row.user_id == user_id
    return CommentView(
        id=row.id,
        item=key,
        author=row.author,
        org=row.org_key,
        org_name=row.org_name,
        body=row.body,
        body_html=render_markdown(row.body),
        created_at=row.created_at,
        mine=mine,
        can_delete=user_id is not None and (mine or (viewer is not None and viewer.id == owner)),
    )


def list_comments(
    session: Session, *, viewer: Viewer | None, key: str, user_id: int | None = None
) -> list[CommentView]:
    """The comments on an item the viewer may see, oldest first (``NotFound`` otherwise)."""
    item_id, owner_id = _visible_item(session, viewer, key)
    rows = CommentRepository(session).comments_on([item_id])
    return [_view(r, key, viewer, user_id, owner_id) for r in rows]


def comments_visible_to(session: Session, *, viewer: Viewer | None) -> list[int]:
    """The ids of every comment the viewer may read: those on items the checkpoint admits."""
    repo = CommentRepository(session)
    visible = ItemRepository(session).visible_among(viewer, repo.commented_item_ids())
    return [c.id for c in repo.comments_on(visible)]


def add_comment(
    session: Session, *, by: Viewer, user_id: int | None, key: str, body: str
) -> CommentView:
    """Comment on an item the organisation may see (Markdown, 1-10,000 characters).

    The item's followers are told (its commenters, and a challenge's or idea's creator
    and co-authors; when it has none of these, the people of the owner organisation).
    """
    if user_id is None:
        raise PermissionDenied(refuse.COMMENTER())
    text = (body or "").strip()
    if not text or len(text) > MAX_COMMENT or "\x00" in text:
        raise InvalidInput(refuse.COMMENT_LENGTH("body", n=f"{MAX_COMMENT:,}"))
    item_id, owner_id = _visible_item(session, by, key)
    repo = CommentRepository(session)
    stored = repo.add_comment(
        item_id=item_id, user_id=user_id, org_id=by.id, body=text, at=datetime.now(UTC)
    )
    notifications.notify_followers(
        session,
        kind="comment",
        entry_id=item_id,
        owner_id=owner_id,
        actor_user_id=user_id,
        actor_org_id=by.id,
    )
    (made,) = [c for c in repo.comments_on([item_id]) if c.id == stored.id]
    return _view(made, key, by, user_id, owner_id)


def delete_comment(
    session: Session, *, by: Viewer, user_id: int | None, key: str, comment_id: int
) -> None:
    """Remove a comment: its writer may, and so may the item's owner organisation."""
    if user_id is None:
        raise PermissionDenied(refuse.COMMENTER())
    item_id, owner_id = _visible_item(session, by, key)
    repo = CommentRepository(session)
    comment = repo.comment(comment_id) if 0 < comment_id < 2**31 else None
    if comment is None or comment.item_id != item_id:
        raise NotFound(refuse.NO_COMMENT(id=comment_id, key=key))
    if comment.user_id != user_id and by.id != owner_id:
        raise PermissionDenied(refuse.COMMENT_REMOVER())
    repo.delete_comment(comment)
