"""Circles: closed groups an item can be shared with, and their members' invitations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from winwin.kernel.errors import (
    Conflict,
    InvalidInput,
    NotFound,
)
from winwin.kernel.keys import is_key
from winwin.sharing import feed, publishing, refusals
from winwin.sharing.items import ItemRepository, Viewer
from winwin.sharing.repository import SharingRepository

CIRCLE_POSTS = 100


def _circle_or_raise(session: Session, key: str) -> Any:
    circle = SharingRepository(session).circle_by_key(key) if feed.is_key(key) else None
    if circle is None:
        raise NotFound(refusals.UNKNOWN_CIRCLE(circle=key))
    return circle


def create_circle(session: Session, *, creator: Viewer, key: str, name: str) -> str:
    """A new circle whose first member is its creator.

    The key must lie in the creator's namespace (``CREATOR-…``, ``sharing.keys``), so
    that "already exists" never tells of a circle the creator is not in.
    """
    problems = []
    if not is_key(key):
        problems.append(refusals.BAD_CIRCLE_KEY("key"))
    if not name.strip() or len(name) > 300 or "\x00" in name:
        problems.append(refusals.CIRCLE_NAME("name"))
    if problems:
        raise InvalidInput(problems)
    publishing.chosen_key_or_raise(session, creator, key)
    repo = SharingRepository(session)
    if repo.circle_by_key(key) is not None:
        raise Conflict(refusals.CIRCLE_TAKEN(key=key))
    circle = repo.add_circle(key=key, name=name.strip())
    repo.set_membership(circle.id, creator.id, "member")
    return key


def invite_to_circle(session: Session, *, circle: str, by: Viewer, org: str) -> None:
    """A member invites an organisation; it joins only when it accepts."""
    repo = SharingRepository(session)
    found = _circle_or_raise(session, circle)
    mine = repo.membership(found.id, by.id)
    if mine is None or mine.status != "member":
        # The same answer as for an unknown circle, so inviting never tells it exists.
        raise NotFound(refusals.UNKNOWN_CIRCLE(circle=circle))
    invitee = ItemRepository(session).viewer(org) if feed.is_key(org) else None
    if invitee is None:
        raise InvalidInput(refusals.UNKNOWN_ORG("org", org=org))
    current = repo.membership(found.id, invitee.id)
    if current is not None and current.status == "member":
        raise Conflict(refusals.ALREADY_MEMBER(org=org, circle=circle))
    repo.set_membership(found.id, invitee.id, "invited")


def answer_invitation(session: Session, *, circle: str, org: Viewer, accept: bool) -> None:
    """The invited organisation accepts (becomes a member) or declines."""
    repo = SharingRepository(session)
    found = _circle_or_raise(session, circle)
    current = repo.membership(found.id, org.id)
    if current is None or current.status != "invited":
        raise Conflict(refusals.NO_INVITATION(org=org.key, circle=circle))
    repo.set_membership(found.id, org.id, "member" if accept else "declined")


def leave_circle(session: Session, *, circle: str, org: Viewer) -> None:
    """A member leaves; the circle's items are no longer visible to it."""
    repo = SharingRepository(session)
    found = _circle_or_raise(session, circle)
    current = repo.membership(found.id, org.id)
    if current is None or current.status != "member":
        raise Conflict(refusals.NOT_A_MEMBER(org=org.key, circle=circle))
    repo.remove_membership(current)


@dataclass(frozen=True)
class CircleView:
    key: str
    name: str
    status: str  # the viewer's own: member or invited
    members: list[dict[str, str]] | None  # None unless the viewer is a member
    # The circle's posts (items whose audience is the circle) the viewer may see, newest
    # first, at most ``CIRCLE_POSTS``.
    posts: list[feed.FeedEntry] = field(default_factory=list)


def circle_view(session: Session, *, circle: str, viewer: Viewer) -> CircleView:
    """A circle as the viewer may see it: the member list only for members, and the
    circle's posts that the checkpoint lets the viewer open.

    Organisations neither in nor invited to the circle get ``NotFound``.
    """
    repo = SharingRepository(session)
    found = _circle_or_raise(session, circle)
    mine = repo.membership(found.id, viewer.id)
    if mine is None or mine.status not in ("member", "invited"):
        raise NotFound(refusals.UNKNOWN_CIRCLE(circle=circle))
    members = None
    if mine.status == "member":
        members = [
            {"org": k, "name": n, "status": s}
            for k, n, s in repo.circle_members(found.id)
            if s != "declined"
        ]
    candidates = repo.circle_item_ids(found.id)
    visible = ItemRepository(session).visible_among(viewer, candidates)
    shown = [i for i in candidates if i in visible][:CIRCLE_POSTS]
    return CircleView(
        key=found.key,
        name=found.name,
        status=mine.status,
        members=members,
        posts=feed.entries_of(session, shown),
    )


def circles_of(session: Session, *, org: Viewer) -> list[dict[str, str]]:
    return [
        {"key": k, "name": n, "status": s}
        for k, n, s in SharingRepository(session).circles_of(org.id)
    ]
