"""Reading notifications: a person's list, the unread count, and marking them read.

When notifications are read the checkpoint decides again
(``notifications.telling`` tells only those who may see): a notification about an item
is listed while the person's organisation may still see the item
(``ItemRepository.visible_among``), one about a joint action, a tie or an agreement
proposal while their organisation is a side of it, and one about a failed mail while the
job is theirs to act on. A person of no organisation (a platform admin) is listed only
the mails of jobs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from winwin.kernel.errors import InvalidInput, Problem
from winwin.notifications.repository import NotificationRepository, NotificationRow
from winwin.sharing.items import ItemRepository

MAX_LIST = 200
MAX_MARK = 1000
UNREAD_CAP = 99


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    item: str | None
    title: str
    actor: str | None
    actor_org: str | None
    detail: str | None
    created_at: datetime
    read: bool
    #: For a notification about a joint action: the action's id and its relationship.
    action: int | None = None
    relationship: tuple[str, str] | None = None
    #: For a notification about a tie: the other organisation's key.
    tie: str | None = None
    #: For a notification about an agreement proposal: the other organisation's key.
    agreement: str | None = None
    #: Whether the item is a challenge or an idea.
    entry: bool = False
    #: For a notification about a job (a failed mail): its id and the page to act on.
    job: int | None = None
    page: str | None = None


@dataclass(frozen=True)
class Inbox:
    notifications: list[NotificationView]
    unread: int


@dataclass(frozen=True)
class _Readable:
    """The subjects of some notifications that the person may still read: the items
    their organisation may see, and actions, ties, agreement proposals and mail jobs by
    id with what the list shows of them."""

    items: set[int]
    plans: dict[int, tuple[str, tuple[str, str]]]
    ties: dict[int, tuple[str, str, str]]
    pacts: dict[int, tuple[str, str, str]]
    mails: dict[int, tuple[str, str]]

    def admits(
        self,
        item: int | None,
        action: int | None,
        tie: int | None,
        pact: int | None,
        job: int | None,
    ) -> bool:
        """Whether a notification about these (one of them is set) is still readable."""
        if item is not None:
            return item in self.items
        if action is not None:
            return action in self.plans
        if tie is not None:
            return tie in self.ties
        if pact is not None:
            return pact in self.pacts
        return job in self.mails


def _readable(
    session: Session,
    *,
    user_id: int,
    org_id: int | None,
    subjects: Sequence[tuple[int | None, int | None, int | None, int | None, int | None]],
) -> _Readable:
    """What of ``subjects`` (item, action, tie proposal, agreement proposal and job ids,
    one set in each) the person may still read."""

    def ids(at: int) -> set[int]:
        return {s[at] for s in subjects if s[at] is not None}  # type: ignore[misc]

    items = ItemRepository(session)
    viewer = items.viewer_by_id(org_id) if org_id is not None else None
    readable = _Readable(set(), {}, {}, {}, job_subjects(session, user_id, ids(4)))
    # Someone of no organisation (a platform admin) is told only of jobs (system mail).
    if viewer is None or org_id is None:
        return readable
    item_ids = ids(0)
    return _Readable(
        items=items.visible_among(viewer, item_ids) if item_ids else set(),
        plans=action_subjects(session, org_id, ids(1)),
        ties=tie_subjects(session, org_id, ids(2)),
        pacts=agreement_subjects(session, org_id, ids(3)),
        mails=readable.mails,
    )


def _view(row: NotificationRow, **shown: object) -> NotificationView:
    """The notification as listed: what every one shows, and what its subject adds."""
    common: dict[str, object] = {
        "id": row.id,
        "kind": row.kind,
        "item": None,
        "actor": row.actor,
        "actor_org": row.actor_org,
        "detail": row.detail,
        "created_at": row.created_at,
        "read": row.read_at is not None,
    }
    return NotificationView(**(common | shown))  # type: ignore[arg-type]


def _shown(row: NotificationRow, readable: _Readable) -> NotificationView:
    """``row`` as listed, by its subject (which ``readable`` admits)."""
    r = row
    if r.item_id is not None:
        assert r.item_key is not None and r.item_title is not None
        return _view(r, item=r.item_key, title=r.item_title, entry=bool(r.entry))
    if r.action_id is not None:
        title, pair = readable.plans[r.action_id]
        return _view(r, title=title, action=r.action_id, relationship=pair)
    if r.tie_proposal_id is not None:
        other_key, other_name, kind = readable.ties[r.tie_proposal_id]
        return _view(r, title=other_name, detail=kind, tie=other_key)
    if r.agreement_proposal_id is not None:
        other_key, other_name, kind = readable.pacts[r.agreement_proposal_id]
        return _view(r, title=other_name, detail=kind, agreement=other_key)
    assert r.job_id is not None
    address, page = readable.mails[r.job_id]
    return _view(r, title=address, actor=None, actor_org=None, job=r.job_id, page=page)


def inbox(session: Session, *, user_id: int, org_id: int | None, limit: int = 50) -> Inbox:
    """A person's newest notifications about items their organisation may still see."""
    if not 1 <= limit <= MAX_LIST:
        raise InvalidInput(Problem("limit", f"must be from 1 to {MAX_LIST}"))
    rows = NotificationRepository(session).recent(user_id, limit=limit)
    subjects = [
        (r.item_id, r.action_id, r.tie_proposal_id, r.agreement_proposal_id, r.job_id) for r in rows
    ]
    readable = _readable(session, user_id=user_id, org_id=org_id, subjects=subjects)
    return Inbox(
        notifications=[
            _shown(r, readable) for r, s in zip(rows, subjects, strict=True) if readable.admits(*s)
        ],
        unread=unread_count(session, user_id=user_id, org_id=org_id),
    )


def unread_count(session: Session, *, user_id: int, org_id: int | None) -> int:
    """Unread notifications about what the person may still see (at most 99 counted)."""
    subjects = NotificationRepository(session).unread_subjects(user_id, limit=UNREAD_CAP)
    readable = _readable(session, user_id=user_id, org_id=org_id, subjects=subjects)
    return sum(1 for s in subjects if readable.admits(*s))


def job_subjects(session: Session, user_id: int, job_ids: set[int]) -> dict[int, tuple[str, str]]:
    """``(address, page)`` of the mail jobs among ``job_ids`` that ``user_id`` started, or
    that nobody started when ``user_id`` is (still) a platform admin."""
    if not job_ids:
        return {}
    repo = NotificationRepository(session)
    found = repo.jobs_started_by(user_id, job_ids, with_system=repo.is_platform_admin(user_id))
    return {
        i: (str(a.get("about") or a.get("to") or ""), str(a.get("page") or f"/jobs/{i}"))
        for i, a in found.items()
    }


def agreement_subjects(
    session: Session, org_id: int, proposal_ids: set[int]
) -> dict[int, tuple[str, str, str]]:
    """``(other key, other name, proposal kind)`` of the agreement proposals that
    ``org_id`` is a side of."""
    if not proposal_ids:
        return {}
    from winwin.sharing.repository import SharingRepository

    return SharingRepository(session).proposal_subjects(org_id, proposal_ids)


def tie_subjects(
    session: Session, org_id: int, proposal_ids: set[int]
) -> dict[int, tuple[str, str, str]]:
    """``(other key, other name, kind from org_id's view)`` of the proposals that
    ``org_id`` is a side of."""
    if not proposal_ids:
        return {}
    from winwin.network.tie_repository import TieRepository

    return TieRepository(session).subjects_for_org(org_id, proposal_ids)


def action_subjects(
    session: Session, org_id: int, action_ids: set[int]
) -> dict[int, tuple[str, tuple[str, str]]]:
    """Title and relationship of the actions a person of ``org_id`` may still see.

    A person is told only as an action's owner, who is one of the relationship's people,
    so the relationship's access rule comes down to: their organisation is a side.
    """
    if not action_ids:
        return {}
    from winwin.actions.repository import ActionRepository

    return ActionRepository(session).subjects_for_org(org_id, action_ids)


def mark_read(session: Session, *, user_id: int, ids: Sequence[int] | None = None) -> int:
    """Mark the person's notifications read: these ``ids``, or all with None."""
    if ids is not None and len(ids) > MAX_MARK:
        raise InvalidInput(Problem("ids", f"at most {MAX_MARK} at once"))
    return NotificationRepository(session).mark_read(user_id, ids, datetime.now(UTC))
