"""Notifications: who is told of what.

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

from collections.abc import Iterable
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


def _check(kind: str, kinds: tuple[str, ...], what: str = "") -> None:
    if kind not in kinds:
        raise InvalidInput(Problem("kind", f"'{kind}' is not a kind of {what}notification"))


def _rows(
    kind: str,
    about: dict[str, object],
    recipients: Iterable[int],
    *,
    actor_user_id: int | None = None,
    actor_org_id: int | None = None,
    detail: str | None = None,
) -> list[dict[str, object]]:
    """One notification of ``kind`` about a subject (``about``: its column and id) for
    each recipient, in the order given."""
    now = datetime.now(UTC)
    return [
        {
            "user_id": user_id,
            "kind": kind,
            **about,
            "actor_user_id": actor_user_id,
            "actor_org_id": actor_org_id,
            "detail": detail,
            "created_at": now,
        }
        for user_id in recipients
    ]


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
    _check(kind, KINDS)
    repo, items = NotificationRepository(session), ItemRepository(session)
    people = repo.orgs_of_people(set(recipients) - {actor_user_id})
    admitted: dict[int, bool] = {}
    for org_id in set(people.values()):
        viewer = items.viewer_by_id(org_id)
        admitted[org_id] = viewer is not None and items.is_visible(viewer, item_id)
    told = [user_id for user_id, org_id in sorted(people.items()) if admitted[org_id]]
    return repo.add(
        _rows(
            kind,
            {"item_id": item_id},
            told,
            actor_user_id=actor_user_id,
            actor_org_id=actor_org_id,
            detail=detail,
        )
    )


def notify_about_action(
    session: Session, *, kind: str, action_id: int, recipients: Iterable[int], detail: str
) -> int:
    """Tell these people about a joint action, except those told the same already."""
    _check(kind, ACTION_KINDS, "action ")
    repo = NotificationRepository(session)
    people = repo.orgs_of_people(recipients)
    new = sorted(set(people) - repo.told(kind, action_id, detail))
    return repo.add(_rows(kind, {"action_id": action_id}, new, detail=detail))


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
    _check(kind, TIE_KINDS, "tie ")
    return _tell_admins(
        session,
        kind,
        {"tie_proposal_id": proposal_id},
        org_id=org_id,
        actor_user_id=actor_user_id,
        actor_org_id=actor_org_id,
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
    _check(kind, AGREEMENT_KINDS, "agreement ")
    return _tell_admins(
        session,
        kind,
        {"agreement_proposal_id": proposal_id},
        org_id=org_id,
        actor_user_id=actor_user_id,
        actor_org_id=actor_org_id,
    )


def _tell_admins(
    session: Session,
    kind: str,
    about: dict[str, object],
    *,
    org_id: int,
    actor_user_id: int | None,
    actor_org_id: int | None,
) -> int:
    """One notification of ``kind`` about a proposal for each admin of ``org_id`` but
    the actor."""
    repo = NotificationRepository(session)
    admins = sorted(repo.admins_of_org(org_id) - {actor_user_id})
    rows = _rows(kind, about, admins, actor_user_id=actor_user_id, actor_org_id=actor_org_id)
    return repo.add(rows)


def notify_about_job(
    session: Session, *, kind: str, job_id: int, user_id: int | None, detail: str
) -> int:
    """Tell the person who started job ``job_id`` what became of it (``detail``: what
    kind of mail it was); a job nobody started (``user_id`` None: a password reset or a
    sign-up asked for without signing in) is told to every active platform admin."""
    _check(kind, JOB_KINDS, "job ")
    repo = NotificationRepository(session)
    recipients = {user_id} if user_id is not None else repo.platform_admins()
    return repo.add(_rows(kind, {"job_id": job_id}, sorted(recipients), detail=detail))


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
