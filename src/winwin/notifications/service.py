"""Notifications: telling people what happened on the items they follow.

Who is told
------------
- ``comment``: someone commented on an item (any item: a post, a challenge, an idea);
  its followers are told (earlier commenters, and a challenge's or idea's creator and
  co-authors; when it has none of these, the people of the owner organisation).
- ``idea``: a new idea answers a challenge; the challenge's followers are told.
- ``coauthor``: a person was named co-author; that person is told.
- ``stage``: an entry moved to another stage; its followers and voters are told.
- ``shared``: an item was published for named partners (audience ``direct``); the
  people of those organisations are told.
- ``overdue``: a joint action of a relationship is past its due date; its owners are
  told, once per due date (``winwin.actions.reminders``). It stays in a person's list
  while their organisation is a side of the relationship.
- ``tie_proposed``, ``tie_accepted``, ``tie_declined``, ``tie_withdrawn``, ``tie_ended``:
  another organisation proposed a tie, answered ours, withdrew its proposal or ended a
  tie; the admins of the other side are told (all its people when it has no admin). It
  stays in a person's list while their organisation is a side of the proposal.
  Competitor declarations are never notified.
- ``agreement``, ``agreement_reply``: a partner proposed to add to, revise or end the
  agreement of what is secret between the two (``detail`` is ``add``, ``revise`` or
  ``end``), or answered our proposal (``detail`` is ``accepted`` or ``declined``); the
  admins of the other side are told (all its people when it has no admin). It stays in a
  person's list while their organisation is a side of the proposal.
- ``mail_failed``: a mail with a link the person had sent (an invitation to sign in, an
  organisation's invitation, a personal answer link) could not be delivered after its
  last attempt; the person who started it is told, with the page where the link can be
  copied or sent again (``winwin.mail.jobs``). It stays in their list while the job does.
  A mail nobody signed in asked for (a password reset, a sign-up's confirmation) is told
  to every active platform admin instead, with the job's page; the person who asked is
  never told (the answer to a reset does not say whether the address has an account).

Nobody is told about their own act. Notifications pass the one visibility checkpoint
twice: a person is told only when their organisation may see the item, and when
notifications are read the checkpoint decides again, so an item that has gone out of
someone's sight also leaves their notifications.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from winwin.kernel.errors import InvalidInput, Problem
from winwin.notifications.repository import NotificationRepository
from winwin.sharing.items import ItemRepository

KINDS = ("comment", "idea", "coauthor", "stage", "shared")
ACTION_KINDS = ("overdue",)
TIE_KINDS = ("tie_proposed", "tie_accepted", "tie_declined", "tie_withdrawn", "tie_ended")
AGREEMENT_KINDS = ("agreement", "agreement_reply")
JOB_KINDS = ("mail_failed",)
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


def notify(
    session: Session,
    *,
    kind: str,
    item_id: int,
    recipients: Iterable[int],
    actor_user_id: int | None,
    actor_org_id: int | None,
    detail: str | None = None,
) -> int:
    """Tell these people, except the actor and those who may not see the item."""
    if kind not in KINDS:
        raise InvalidInput(Problem("kind", f"'{kind}' is not a kind of notification"))
    repo, items = NotificationRepository(session), ItemRepository(session)
    people = repo.orgs_of_people(set(recipients) - {actor_user_id})
    admitted: dict[int, bool] = {}
    for org_id in set(people.values()):
        viewer = items.viewer_by_id(org_id)
        admitted[org_id] = viewer is not None and items.is_visible(viewer, item_id)
    now = datetime.now(UTC)
    return repo.add(
        {
            "user_id": user_id,
            "kind": kind,
            "item_id": item_id,
            "actor_user_id": actor_user_id,
            "actor_org_id": actor_org_id,
            "detail": detail,
            "created_at": now,
        }
        for user_id, org_id in sorted(people.items())
        if admitted[org_id]
    )


def notify_about_action(
    session: Session, *, kind: str, action_id: int, recipients: Iterable[int], detail: str
) -> int:
    """Tell these people about a joint action, except those told the same already."""
    if kind not in ACTION_KINDS:
        raise InvalidInput(Problem("kind", f"'{kind}' is not a kind of action notification"))
    repo = NotificationRepository(session)
    people = repo.orgs_of_people(recipients)
    new = sorted(set(people) - repo.told(kind, action_id, detail))
    now = datetime.now(UTC)
    return repo.add(
        {
            "user_id": user_id,
            "kind": kind,
            "action_id": action_id,
            "actor_user_id": None,
            "actor_org_id": None,
            "detail": detail,
            "created_at": now,
        }
        for user_id in new
    )


def notify_about_tie(
    session: Session,
    *,
    kind: str,
    proposal_id: int,
    org_id: int,
    actor_user_id: int | None,
    actor_org_id: int | None,
) -> int:
    """Tell the admins of ``org_id`` about a tie proposal (see the module's notes)."""
    if kind not in TIE_KINDS:
        raise InvalidInput(Problem("kind", f"'{kind}' is not a kind of tie notification"))
    return _tell_admins(
        session,
        org_id=org_id,
        row={"kind": kind, "tie_proposal_id": proposal_id},
        actor_user_id=actor_user_id,
        actor_org_id=actor_org_id,
    )


def _tell_admins(
    session: Session,
    *,
    org_id: int,
    row: dict[str, object],
    actor_user_id: int | None,
    actor_org_id: int | None,
) -> int:
    """One notification ``row`` (its kind and what it is about) for each admin of
    ``org_id`` but the actor."""
    repo = NotificationRepository(session)
    now = datetime.now(UTC)
    return repo.add(
        {
            "user_id": user_id,
            **row,
            "actor_user_id": actor_user_id,
            "actor_org_id": actor_org_id,
            "detail": None,
            "created_at": now,
        }
        for user_id in sorted(repo.admins_of_org(org_id) - {actor_user_id})
    )


def notify_about_agreement(
    session: Session,
    *,
    kind: str,
    proposal_id: int,
    org_id: int,
    actor_user_id: int | None,
    actor_org_id: int | None,
) -> int:
    """Tell the admins of ``org_id`` about an agreement proposal (see the module's notes)."""
    if kind not in AGREEMENT_KINDS:
        raise InvalidInput(Problem("kind", f"'{kind}' is not a kind of agreement notification"))
    return _tell_admins(
        session,
        org_id=org_id,
        row={"kind": kind, "agreement_proposal_id": proposal_id},
        actor_user_id=actor_user_id,
        actor_org_id=actor_org_id,
    )


def notify_about_job(
    session: Session, *, kind: str, job_id: int, user_id: int | None, detail: str
) -> int:
    """Tell the person who started job ``job_id`` what became of it (``detail``: what
    kind of mail it was); a job nobody started (``user_id`` None: a password reset or a
    sign-up asked for without signing in) is told to every active platform admin."""
    if kind not in JOB_KINDS:
        raise InvalidInput(Problem("kind", f"'{kind}' is not a kind of job notification"))
    repo = NotificationRepository(session)
    recipients = {user_id} if user_id is not None else repo.platform_admins()
    return repo.add(
        [
            {
                "user_id": person,
                "kind": kind,
                "job_id": job_id,
                "actor_user_id": None,
                "actor_org_id": None,
                "detail": detail,
                "created_at": datetime.now(UTC),
            }
            for person in sorted(recipients)
        ]
    )


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


def notify_orgs(
    session: Session,
    *,
    kind: str,
    item_id: int,
    org_ids: Iterable[int],
    actor_user_id: int | None,
    actor_org_id: int | None,
) -> int:
    """Tell the people of these organisations (see ``notify``)."""
    people = NotificationRepository(session).people_of_orgs(org_ids)
    return notify(
        session,
        kind=kind,
        item_id=item_id,
        recipients=people,
        actor_user_id=actor_user_id,
        actor_org_id=actor_org_id,
    )


def notify_followers(
    session: Session,
    *,
    kind: str,
    entry_id: int,
    owner_id: int,
    actor_user_id: int | None,
    actor_org_id: int | None,
    item_id: int | None = None,
    voters: bool = False,
    detail: str | None = None,
) -> int:
    """Tell the followers of item ``entry_id`` who belong to an organisation (when it has
    none but the actor, the people of its owner ``owner_id``) about ``item_id`` (by
    default that item itself)."""
    repo = NotificationRepository(session)
    # Only people of an organisation are told (an outsider who proposed an idea is not):
    # when no one else follows it, its owner's people are.
    followers = set(repo.orgs_of_people(repo.followers(entry_id, voters=voters)))
    if not followers - {actor_user_id}:
        followers = set(repo.people_of_orgs([owner_id]))
    return notify(
        session,
        kind=kind,
        item_id=entry_id if item_id is None else item_id,
        recipients=followers,
        actor_user_id=actor_user_id,
        actor_org_id=actor_org_id,
        detail=detail,
    )


def inbox(session: Session, *, user_id: int, org_id: int | None, limit: int = 50) -> Inbox:
    """A person's newest notifications about items their organisation may still see."""
    if not 1 <= limit <= MAX_LIST:
        raise InvalidInput(Problem("limit", f"must be from 1 to {MAX_LIST}"))
    repo, items = NotificationRepository(session), ItemRepository(session)
    viewer = items.viewer_by_id(org_id) if org_id is not None else None
    rows = repo.recent(user_id, limit=limit)
    visible: set[int] = set()
    plans: dict[int, tuple[str, tuple[str, str]]] = {}
    ties: dict[int, tuple[str, str, str]] = {}
    pacts: dict[int, tuple[str, str, str]] = {}
    # Someone of no organisation (a platform admin) is told only of jobs (system mail).
    if viewer is not None and org_id is not None:
        visible = items.visible_among(viewer, {r.item_id for r in rows if r.item_id is not None})
        plans = action_subjects(session, org_id, {r.action_id for r in rows if r.action_id})
        ties = tie_subjects(session, org_id, {r.tie_proposal_id for r in rows if r.tie_proposal_id})
        pacts = agreement_subjects(
            session, org_id, {r.agreement_proposal_id for r in rows if r.agreement_proposal_id}
        )
    mails = job_subjects(session, user_id, {r.job_id for r in rows if r.job_id})
    shown: list[NotificationView] = []
    for r in rows:
        if r.item_id is not None and r.item_id in visible:
            assert r.item_key is not None and r.item_title is not None
            shown.append(
                NotificationView(
                    id=r.id,
                    kind=r.kind,
                    item=r.item_key,
                    title=r.item_title,
                    actor=r.actor,
                    actor_org=r.actor_org,
                    detail=r.detail,
                    created_at=r.created_at,
                    read=r.read_at is not None,
                    entry=bool(r.entry),
                )
            )
        elif r.action_id is not None and r.action_id in plans:
            title, pair = plans[r.action_id]
            shown.append(
                NotificationView(
                    id=r.id,
                    kind=r.kind,
                    item=None,
                    title=title,
                    actor=r.actor,
                    actor_org=r.actor_org,
                    detail=r.detail,
                    created_at=r.created_at,
                    read=r.read_at is not None,
                    action=r.action_id,
                    relationship=pair,
                )
            )
        elif r.tie_proposal_id is not None and r.tie_proposal_id in ties:
            other_key, other_name, kind = ties[r.tie_proposal_id]
            shown.append(
                NotificationView(
                    id=r.id,
                    kind=r.kind,
                    item=None,
                    title=other_name,
                    actor=r.actor,
                    actor_org=r.actor_org,
                    detail=kind,
                    created_at=r.created_at,
                    read=r.read_at is not None,
                    tie=other_key,
                )
            )
        elif r.agreement_proposal_id is not None and r.agreement_proposal_id in pacts:
            other_key, other_name, kind = pacts[r.agreement_proposal_id]
            shown.append(
                NotificationView(
                    id=r.id,
                    kind=r.kind,
                    item=None,
                    title=other_name,
                    actor=r.actor,
                    actor_org=r.actor_org,
                    detail=kind,
                    created_at=r.created_at,
                    read=r.read_at is not None,
                    agreement=other_key,
                )
            )
        elif r.job_id is not None and r.job_id in mails:
            address, page = mails[r.job_id]
            shown.append(
                NotificationView(
                    id=r.id,
                    kind=r.kind,
                    item=None,
                    title=address,
                    actor=None,
                    actor_org=None,
                    detail=r.detail,
                    created_at=r.created_at,
                    read=r.read_at is not None,
                    job=r.job_id,
                    page=page,
                )
            )
    return Inbox(
        notifications=shown,
        unread=unread_count(session, user_id=user_id, org_id=org_id),
    )


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


def unread_count(session: Session, *, user_id: int, org_id: int | None) -> int:
    """Unread notifications about what the person may still see (at most 99 counted)."""
    items = ItemRepository(session)
    viewer = items.viewer_by_id(org_id) if org_id is not None else None
    subjects = NotificationRepository(session).unread_subjects(user_id, limit=UNREAD_CAP)
    visible: set[int] = set()
    plans: dict[int, tuple[str, tuple[str, str]]] = {}
    ties: dict[int, tuple[str, str, str]] = {}
    pacts: dict[int, tuple[str, str, str]] = {}
    if viewer is not None and org_id is not None:
        item_ids = {i for i, _, _, _, _ in subjects if i is not None}
        visible = items.visible_among(viewer, item_ids) if item_ids else set()
        plans = action_subjects(session, org_id, {a for _, a, _, _, _ in subjects if a is not None})
        ties = tie_subjects(session, org_id, {t for _, _, t, _, _ in subjects if t is not None})
        pacts = agreement_subjects(
            session, org_id, {p for _, _, _, p, _ in subjects if p is not None}
        )
    mails = job_subjects(session, user_id, {j for _, _, _, _, j in subjects if j is not None})
    return sum(
        1
        for i, a, t, p, j in subjects
        if (
            i in visible
            if i is not None
            else a in plans
            if a is not None
            else t in ties
            if t is not None
            else p in pacts
            if p is not None
            else j in mails
        )
    )


def mark_read(session: Session, *, user_id: int, ids: Sequence[int] | None = None) -> int:
    """Mark the person's notifications read: these ``ids``, or all with None."""
    if ids is not None and len(ids) > MAX_MARK:
        raise InvalidInput(Problem("ids", f"at most {MAX_MARK} at once"))
    return NotificationRepository(session).mark_read(user_id, ids, datetime.now(UTC))
