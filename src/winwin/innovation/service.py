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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor
from winwin.innovation import coauthoring
from winwin.innovation import refusals as refuse
from winwin.innovation import stages as rules
from winwin.innovation.repository import EntryRow, InnovationRepository, PersonRow
from winwin.kernel.errors import InvalidInput, NotFound, PermissionDenied, Problem, RuleBroken
from winwin.notifications import service as notifications
from winwin.sharing import feed, picking
from winwin.sharing import service as sharing
from winwin.sharing.items import ItemRepository
from winwin.sharing.items import (
    Viewer as Viewer,  # the doors name a participant's organisation by it
)
from winwin.sharing.repository import SharingRepository
from winwin.sharing.service import ItemDraft

MAX_COMMENT = 10_000
LIST_LIMIT = 500
_SLICE = 500


def _org_id(by: Actor) -> int | None:
    return by.acting.id if by.acting is not None else None


def _member(by: Actor) -> Viewer:
    """The acting organisation, for what only an organisation's people may do."""
    if by.acting is None:
        raise PermissionDenied(refuse.OUTSIDER_CO_AUTHORS())
    return by.acting


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


@dataclass(frozen=True)
class Created:
    key: str
    kind: str
    stage: str
    warnings: list[str]


def _now() -> datetime:
    return datetime.now(UTC)


def _visible_entry(session: Session, viewer: Viewer | None, key: str) -> tuple[int, EntryRow]:
    """The entry behind ``key`` if the checkpoint admits ``viewer``, else ``NotFound``."""
    item = SharingRepository(session).item_by_key(key) if feed.is_key(key) else None
    if item is None or not ItemRepository(session).is_visible(viewer, item.id):
        raise NotFound(refuse.NO_ENTRY(key=key))
    row = InnovationRepository(session).rows([item.id]).get(item.id)
    if row is None:
        raise NotFound(refuse.NO_ENTRY(key=key))
    return item.id, row


def _summaries(
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
            challenge_id, row = _visible_entry(session, by.acting, challenge)
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
        at=_now(),
    )
    if challenge_id is not None:
        notifications.notify_followers(
            session,
            kind="idea",
            entry_id=challenge_id,
            owner_id=row.owner_id,
            item_id=published.id,
            actor_user_id=by.user_id,
            actor_org_id=_org_id(by),
        )
    return Created(key=published.key, kind=checked, stage=stage, warnings=published.warnings)


# --- Reading -------------------------------------------------------------------------------


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
            challenge_id, _ = _visible_entry(session, viewer, challenge)
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
    return _summaries(session, viewer, [rows[i] for i in chosen], user_id)


def _may_manage(
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


def open_entry(
    session: Session, *, viewer: Viewer | None, user_id: int | None, key: str, via: str = "web"
) -> EntryDetail:
    """The entry with its comments, co-authors, history and (for a challenge) ideas.

    ``NotFound`` when the checkpoint does not admit the viewer; opening another
    organisation's non-public entry goes to the owner's audit log, as any item does.
    """
    item_id, row = _visible_entry(session, viewer, key)
    view = sharing.open_item(session, viewer=viewer, key=key, user_id=user_id, via=via)
    repo = InnovationRepository(session)
    (summary,) = _summaries(session, viewer, [row], user_id)
    manage = _may_manage(session, viewer, user_id, row, item_id)
    owner_side = viewer is not None and viewer.id == row.owner_id
    comments = [
        CommentView(
            id=c.id,
            author=c.author,
            org=c.org_key,
            body_html=sharing.render_markdown(c.body),
            created_at=c.created_at,
            mine=user_id is not None and c.user_id == user_id,
            can_delete=user_id is not None and (c.user_id == user_id or owner_side),
        )
        for c in repo.comments(item_id)
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
        coauthors=[PersonView(p.user_id, p.name, p.org_key) for p in repo.coauthors(item_id)],
        history=[StageChange(a, b, c, d) for a, b, c, d in repo.history(item_id)],
        ideas=ideas,
        next_stages=rules.next_stages(row.kind, row.stage) if manage else [],  # type: ignore[arg-type]
        # A person takes part: one of an organisation's, or an outsider (viewer None).
        can_participate=user_id is not None,
        can_manage=manage,
    )


# --- Taking part ---------------------------------------------------------------------------


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
    item_id, row = _visible_entry(session, by.acting, key)
    stored = InnovationRepository(session).add_comment(
        item_id=item_id, user_id=user_id, org_id=_org_id(by), body=text, at=_now()
    )
    notifications.notify_followers(
        session,
        kind="comment",
        entry_id=item_id,
        owner_id=row.owner_id,
        actor_user_id=user_id,
        actor_org_id=_org_id(by),
    )
    (made,) = [c for c in InnovationRepository(session).comments(item_id) if c.id == stored.id]
    return CommentView(
        id=made.id,
        author=made.author,
        org=made.org_key,
        body_html=sharing.render_markdown(made.body),
        created_at=made.created_at,
        mine=True,
        can_delete=True,
    )


def delete_comment(session: Session, *, by: Actor, key: str, comment_id: int) -> None:
    """Remove a comment: its author may, and so may the entry's owner organisation."""
    user_id = _person(by, "removing a comment")
    item_id, row = _visible_entry(session, by.acting, key)
    repo = InnovationRepository(session)
    comment = repo.comment(comment_id)
    if comment is None or comment.item_id != item_id:
        raise NotFound(f"there is no comment {comment_id} on '{key}'")
    if comment.user_id != user_id and _org_id(by) != row.owner_id:
        raise PermissionDenied(refuse.COMMENT_REMOVER())
    repo.delete_comment(comment)


def set_vote(session: Session, *, by: Actor, key: str, vote: bool) -> int:
    """Vote for an entry (``vote=False`` takes the vote back); returns the entry's votes.

    One vote per person; voting twice, or taking back a vote never given, changes nothing.
    """
    user_id = _person(by, "voting")
    item_id, _ = _visible_entry(session, by.acting, key)
    repo = InnovationRepository(session)
    if vote and not repo.has_voted(item_id, user_id):
        repo.add_vote(item_id=item_id, user_id=user_id, org_id=_org_id(by), at=_now())
    elif not vote:
        repo.remove_vote(item_id, user_id)
    return repo.vote_count(item_id)


def _reader_seeing(session: Session, person: PersonRow | None, item_id: int) -> Viewer | None:
    """The person's organisation as a reader, when it may see the entry: who may co-author
    (``add_coauthor``) and whom the picker suggests (``coauthor_suggestions``) ask this."""
    if person is None or person.org_id is None or person.org_key is None:
        return None
    reader = ItemRepository(session).viewer_by_id(person.org_id)
    if reader is None or not ItemRepository(session).is_visible(reader, item_id):
        return None
    return reader


def add_coauthor(
    session: Session,
    *,
    by: Actor,
    key: str,
    email: str | None = None,
    person_id: int | None = None,
) -> list[PersonView]:
    """Name a person as co-author, by ``email`` or by ``person_id`` (a suggestion of
    ``coauthor_suggestions``); their organisation must be able to see the entry.

    The owner organisation and existing co-authors may add co-authors. Adding someone
    twice changes nothing.
    """
    acting = _member(by)
    item_id, row = _visible_entry(session, acting, key)
    if not _may_manage(session, by.acting, by.user_id, row, item_id):
        raise PermissionDenied(refuse.CO_AUTHOR_ADDER())
    repo = InnovationRepository(session)
    if person_id is not None:
        person = repo.person_by_id(person_id)
        reader = _reader_seeing(session, person, item_id)
        if person is None or reader is None:
            raise InvalidInput(refuse.NO_ONE_CHOSEN("person", kind=row.kind))
    else:
        address = (email or "").strip().lower()
        person = repo.person_by_email(address) if address and "\x00" not in address else None
        reader = _reader_seeing(session, person, item_id)
        if person is None or reader is None:
            # One answer for an unknown address, an account without an organisation and
            # one whose organisation cannot see the entry: naming a co-author never tells
            # whether an account exists or where it works.
            raise InvalidInput(refuse.NO_ONE_SIGNS_IN("email", kind=row.kind, email=address))
    if not repo.is_coauthor(item_id, person.user_id):
        repo.add_coauthor(
            item_id=item_id,
            user_id=person.user_id,
            org_id=reader.id,
            by=by.user_id,
            at=_now(),
        )
        notifications.notify(
            session,
            kind="coauthor",
            item_id=item_id,
            recipients=[person.user_id],
            actor_user_id=by.user_id,
            actor_org_id=acting.id,
        )
    return [PersonView(p.user_id, p.name, p.org_key) for p in repo.coauthors(item_id)]


@dataclass(frozen=True)
class CoauthorChoice:
    """A person the co-author picker suggests: id (what the form posts), name and
    organisation (key and name)."""

    id: int
    name: str
    org: str
    org_name: str


# People read per suggestion: the organisations one knows are few, their people are not.
_PEOPLE_READ = 5_000


def coauthor_suggestions(
    session: Session,
    *,
    by: Actor,
    key: str,
    text: str = "",
    limit: int = coauthoring.SUGGESTIONS,
) -> list[CoauthorChoice]:
    """Up to ``limit`` people whose name contains ``text`` and whom
    ``add_coauthor`` would accept, among the organisations ``by`` knows by name
    (``innovation.coauthoring``). Refused as ``add_coauthor`` refuses: 404 for an entry
    ``by`` cannot see, 403 for one it may not add co-authors to.
    """
    acting = _member(by)
    item_id, row = _visible_entry(session, acting, key)
    if not _may_manage(session, by.acting, by.user_id, row, item_id):
        raise PermissionDenied(refuse.CO_AUTHOR_ADDER())
    known = picking.known_orgs(session, viewer=acting)
    candidates = known.keys("visible") | {acting.key}
    items = ItemRepository(session)
    seeing: dict[int, str] = {}
    for org_key in sorted(candidates):
        reader = items.viewer(org_key)
        if reader is not None and items.is_visible(reader, item_id):
            seeing[reader.id] = org_key
    repo = InnovationRepository(session)
    people = [
        coauthoring.Person(uid, name, org_key)
        for uid, name, org_key in repo.people_of(seeing, limit=_PEOPLE_READ)
    ]
    chosen = coauthoring.suggest(
        people,
        text,
        acting=acting.key,
        known=known.keys("visible"),
        seeing=seeing.values(),
        coauthors=[p.user_id for p in repo.coauthors(item_id)],
        limit=limit,
    )
    return [CoauthorChoice(p.id, p.name, p.org, known.names.get(p.org, p.org)) for p in chosen]


def remove_coauthor(
    session: Session,
    *,
    by: Actor,
    key: str,
    email: str | None = None,
    person_id: int | None = None,
) -> list[PersonView]:
    """Take a co-author off, named by ``email`` or by ``person_id`` (``PersonView.id``).

    The owner organisation may, and so may the co-author.
    """
    acting = _member(by)
    item_id, row = _visible_entry(session, acting, key)
    repo = InnovationRepository(session)
    if person_id is not None:
        user_id: int | None = person_id
        named = f"person {person_id}"
    else:
        person = repo.person_by_email((email or "").strip().lower())
        user_id, named = (person.user_id if person else None), f"'{email}'"
    if user_id is None or not repo.is_coauthor(item_id, user_id):
        raise NotFound(refuse.NOT_CO_AUTHOR(named=named, key=key))
    if acting.id != row.owner_id and by.user_id != user_id:
        raise PermissionDenied(refuse.CO_AUTHOR_REMOVER())
    repo.remove_coauthor(item_id, user_id)
    return [PersonView(p.user_id, p.name, p.org_key) for p in repo.coauthors(item_id)]


def owner_of(session: Session, *, key: str) -> str:
    """The key of the organisation that owns entry ``key`` (for a script acting as the owner)."""
    item = feed.item_or_raise(session, key, field="KEY")
    owner = ItemRepository(session).viewer_by_id(item.owner_id)
    if owner is None or InnovationRepository(session).entry(item.id) is None:
        raise NotFound(refuse.NO_ENTRY(key=key))
    return owner.key


def move_stage(session: Session, *, by: Actor, key: str, stage: str) -> EntrySummary:
    """Move an entry to another stage, as the stage rules allow.

    The owner organisation moves its challenges and ideas; an idea's co-authors may move
    it too. A refused move names the field ``stage`` and says which moves are allowed.
    """
    item_id, row = _visible_entry(session, by.acting, key)
    if by.acting is None or not _may_manage(session, by.acting, by.user_id, row, item_id):
        raise PermissionDenied(refuse.STAGE_MOVER())
    rules.check_move(row.kind, row.stage, stage)  # type: ignore[arg-type]
    repo = InnovationRepository(session)
    entry = repo.entry(item_id)
    assert entry is not None  # _visible_entry found its row
    repo.move(entry, stage, user_id=by.user_id, at=_now())
    notifications.notify_followers(
        session,
        kind="stage",
        entry_id=item_id,
        owner_id=row.owner_id,
        actor_user_id=by.user_id,
        actor_org_id=_org_id(by),
        voters=True,
        detail=stage,
    )
    (summary,) = _summaries(session, by.acting, [repo.rows([item_id])[item_id]], by.user_id)
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
    since = _now() - timedelta(days=days)
    repo = InnovationRepository(session)
    a_on_b = rules.CoCreation(*repo.participation(a_id, b_id, since=since))
    b_on_a = rules.CoCreation(*repo.participation(b_id, a_id, since=since))
    return a_on_b, b_on_a
