"""Open innovation: challenges and ideas under the audience rules, with people taking part.

A challenge or an idea is published as an item (``sharing.publish_item``: the same
audience, exclusion, agreement and competition-law rules) and gets an entry with its
stage. Every read goes through the one visibility checkpoint
(``ItemRepository.visible_among``): lists, the entry page, the ideas under a
challenge, and even the name of the challenge an idea answers. Comments, votes and
co-authors are only reachable through an entry the reader may see, and only people whose
organisation may see an entry can take part in it.

Doors pass the ``Actor`` (``accounts.access``, resolved by ``resolve_actor``): the
organisation acting (``acting``, access-checked) and the signed-in person, or no person
for the command line's operator acting for the organisation. Commenting and voting need
a person.

An outsider (``accounts.outsiders``) is a person with no organisation: an ``Actor``
whose ``acting`` is None. The checkpoint answers them as an anonymous reader, so they see,
comment on and vote for public entries only, and propose ideas to public challenges
only. Such an idea is public and belongs to the challenge's owner organisation (which
moves and removes it as any idea); its creator is the outsider. Their comments and votes
carry no organisation, so they never count as an organisation's co-creation.

Publishing an entry, moving its stage and the co-creation counts are here; the other use
cases live by concern and are named here too, so that the doors have one module to call:
``innovation.entries`` (the lists and the entry page, and the checkpoint's lookups),
``innovation.taking_part`` (comments and votes) and ``innovation.coauthors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.innovation import refusals as refuse
from winwin.innovation import stages as rules
from winwin.innovation.coauthors import (
    CoauthorChoice,
    add_coauthor,
    coauthor_suggestions,
    remove_coauthor,
)
from winwin.innovation.entries import (
    LIST_LIMIT,
    CommentView,
    EntryDetail,
    EntrySummary,
    PersonView,
    StageChange,
    list_entries,
    may_manage,
    now,
    open_entry,
    org_id_of,
    owner_of,
    summaries,
    visible_entry,
)
from winwin.innovation.repository import InnovationRepository
from winwin.innovation.taking_part import MAX_COMMENT, add_comment, delete_comment, set_vote
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied, Problem, RuleBroken
from winwin.notifications import service as notifications
from winwin.sharing import service as sharing
from winwin.sharing.items import ItemRepository
from winwin.sharing.items import (
    Viewer as Viewer,  # the doors name a participant's organisation by it
)
from winwin.sharing.service import ItemDraft

__all__ = [
    "LIST_LIMIT",
    "MAX_COMMENT",
    "CoauthorChoice",
    "CommentView",
    "Created",
    "EntryDetail",
    "EntrySummary",
    "ItemDraft",
    "PersonView",
    "StageChange",
    "Viewer",
    "add_coauthor",
    "add_comment",
    "co_creation",
    "co_creation_between",
    "coauthor_suggestions",
    "create_entry",
    "delete_comment",
    "list_entries",
    "move_stage",
    "open_entry",
    "owner_of",
    "remove_coauthor",
    "set_vote",
]


@dataclass(frozen=True)
class Created:
    key: str
    kind: str
    stage: str
    warnings: list[str]


# --- Creating ------------------------------------------------------------------------------


def create_entry(
    session: Session,
    *,
    by: Actor,
    kind: str,
    draft: ItemDraft,
    challenge: str | None = None,
) -> Created:
    """Publish a challenge or an idea under the sharing rules and open its first stage.

    An idea may answer a ``challenge`` that the organisation can see and that is still
    open. Refusals name the field (``kind``, ``challenge``, ``title``,
    ``audience.level``…); nothing is stored then.
    """
    checked = rules.check_kind(kind)
    if by.acting is None:
        if checked != "idea" or challenge is None:
            raise InvalidInput(refuse.OUTSIDER_IDEAS_ONLY("kind"))
        if draft.level != "public" or draft.topics or draft.orgs or draft.circle or draft.exclude:
            raise InvalidInput(refuse.OUTSIDER_PUBLIC("audience.level"))
    if draft.reshare_of is not None:
        raise InvalidInput(Problem("reshare_of", "a challenge or an idea is not a reshare"))
    challenge_id: int | None = None
    if challenge is not None:
        if checked != "idea":
            raise InvalidInput(refuse.ONLY_IDEA_ANSWERS("challenge"))
        try:
            challenge_id, row = visible_entry(session, by.acting, challenge)
        except NotFound:
            missing = refuse.NO_CHALLENGE("challenge", key=challenge)
            raise InvalidInput(missing) from None
        if row.kind != "challenge":
            raise InvalidInput(refuse.IDEA_NOT_CHALLENGE("challenge", key=challenge))
        if not rules.takes_ideas(row.stage):
            raise RuleBroken(refuse.TAKES_NO_IDEAS("challenge", stage=row.stage))
    owner = (
        by.acting if by.acting is not None else ItemRepository(session).viewer_by_id(row.owner_id)
    )
    assert owner is not None  # an outsider's idea answers a challenge, which has an owner
    published = sharing.publish_item(session, owner=owner, draft=draft)
    stage = rules.first_stage(checked)
    InnovationRepository(session).add_entry(
        item_id=published.id,
        kind=checked,
        stage=stage,
        challenge_id=challenge_id,
        user_id=by.user_id,
        at=now(),
    )
    if challenge_id is not None:
        notifications.notify_followers(
            session,
            kind="idea",
            entry_id=challenge_id,
            owner_id=row.owner_id,
            item_id=published.id,
            actor_user_id=by.user_id,
            actor_org_id=org_id_of(by),
        )
    return Created(key=published.key, kind=checked, stage=stage, warnings=published.warnings)


# --- Moving --------------------------------------------------------------------------------


def move_stage(session: Session, *, by: Actor, key: str, stage: str) -> EntrySummary:
    """Move an entry to another stage, as the stage rules allow.

    The owner organisation moves its challenges and ideas; an idea's co-authors may move
    it too. A refused move names the field ``stage`` and says which moves are allowed.
    """
    item_id, row = visible_entry(session, by.acting, key)
    if by.acting is None or not may_manage(session, by.acting, by.user_id, row, item_id):
        raise PermissionDenied(refuse.STAGE_MOVER())
    rules.check_move(row.kind, row.stage, stage)  # type: ignore[arg-type]
    repo = InnovationRepository(session)
    entry = repo.entry(item_id)
    assert entry is not None  # visible_entry found its row
    repo.move(entry, stage, user_id=by.user_id, at=now())
    notifications.notify_followers(
        session,
        kind="stage",
        entry_id=item_id,
        owner_id=row.owner_id,
        actor_user_id=by.user_id,
        actor_org_id=org_id_of(by),
        voters=True,
        detail=stage,
    )
    (summary,) = summaries(session, by.acting, [repo.rows([item_id])[item_id]], by.user_id)
    return summary


# --- Participation in the energy picture ---------------------------------------------------


def co_creation(
    session: Session, *, a: Viewer, b: Viewer, days: int = 365
) -> tuple[rules.CoCreation, rules.CoCreation]:
    """What ``a``'s people did on ``b``'s entries, and ``b``'s on ``a``'s, in ``days`` days.

    Counts only; they come from entries the acting organisation could see when it took
    part (commenting and voting pass the checkpoint).
    """
    return co_creation_between(session, a_id=a.id, b_id=b.id, days=days)


def co_creation_between(
    session: Session, *, a_id: int, b_id: int, days: int = 365
) -> tuple[rules.CoCreation, rules.CoCreation]:
    """:func:`co_creation` between the organisations with these ids."""
    if not 1 <= days <= 3650:
        raise InvalidInput(Problem("days", "must be from 1 to 3650"))
    since = now() - timedelta(days=days)
    repo = InnovationRepository(session)
    a_on_b = rules.CoCreation(*repo.participation(a_id, b_id, since=since))
    b_on_a = rules.CoCreation(*repo.participation(b_id, a_id, since=since))
    return a_on_b, b_on_a
