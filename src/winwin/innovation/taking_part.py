"""Taking part in an entry: comments and votes.

Only a person comments and votes (the command line's operator is no person), on an
entry the checkpoint lets their organisation see; an outsider (``acting`` None) reads as
an anonymous reader does, so they take part in public entries only, and their comments
and votes carry no organisation. The followers of an entry are told of a comment
(``notifications.service.notify_followers``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.innovation import refusals as refuse
from winwin.innovation.entries import (
    CommentView,
    comment_view,
    now,
    org_id_of,
    visible_entry,
)
from winwin.innovation.repository import InnovationRepository
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied
from winwin.notifications import service as notifications

MAX_COMMENT = 10_000


def _person(by: Actor, what: str) -> int:
    if by.user_id is None:
        raise PermissionDenied(f"{what} is done by a signed-in person, not a script")
    return by.user_id


def add_comment(session: Session, *, by: Actor, key: str, body: str) -> CommentView:
    """Comment on an entry the organisation may see (Markdown, 1-10,000 characters)."""
    user_id = _person(by, "commenting")
    text = (body or "").strip()
    if not text or len(text) > MAX_COMMENT or "\x00" in text:
        raise InvalidInput(refuse.COMMENT_LENGTH("body", n=f"{MAX_COMMENT:,}"))
    item_id, row = visible_entry(session, by.acting, key)
    stored = InnovationRepository(session).add_comment(
        item_id=item_id, user_id=user_id, org_id=org_id_of(by), body=text, at=now()
    )
    notifications.notify_followers(
        session,
        kind="comment",
        entry_id=item_id,
        owner_id=row.owner_id,
        actor_user_id=user_id,
        actor_org_id=org_id_of(by),
    )
    (made,) = [c for c in InnovationRepository(session).comments(item_id) if c.id == stored.id]
    return comment_view(made, user_id=user_id, owner_side=False)


def delete_comment(session: Session, *, by: Actor, key: str, comment_id: int) -> None:
    """Remove a comment: its author may, and so may the entry's owner organisation."""
    user_id = _person(by, "removing a comment")
    item_id, row = visible_entry(session, by.acting, key)
    repo = InnovationRepository(session)
    comment = repo.comment(comment_id)
    if comment is None or comment.item_id != item_id:
        raise NotFound(f"there is no comment {comment_id} on '{key}'")
    if comment.user_id != user_id and org_id_of(by) != row.owner_id:
        raise PermissionDenied(refuse.COMMENT_REMOVER())
    repo.delete_comment(comment)


def set_vote(session: Session, *, by: Actor, key: str, vote: bool) -> int:
    """Vote for an entry (``vote=False`` takes the vote back); returns the entry's votes.

    One vote per person; voting twice, or taking back a vote never given, changes nothing.
    """
    user_id = _person(by, "voting")
    item_id, _ = visible_entry(session, by.acting, key)
    repo = InnovationRepository(session)
    if vote and not repo.has_voted(item_id, user_id):
        repo.add_vote(item_id=item_id, user_id=user_id, org_id=org_id_of(by), at=now())
    elif not vote:
        repo.remove_vote(item_id, user_id)
    return repo.vote_count(item_id)
