"""REST routes of open innovation: challenges and ideas, comments, votes, co-authors, stages.

Challenges and ideas are items of the micro-network, so the acting organisation (the
signed-in user's own, or ``?org=KEY`` for facilitators and platform admins) sees only
what the visibility checkpoint admits: an entry it may not see answers 404, for reading
and for taking part alike. Comments and votes belong to the signed-in person.

An outsider (a person of no member organisation) reads as an anonymous reader does, so
only public entries, and proposes ideas to public challenges only (``audience.level``
must be ``public``); ``?org=`` answers them 404.

Comments, votes and co-authors are ``innovation.taking_part_api``, which answers with the
models here. The models stay in this module: three of them share their names with
other capabilities' models, so the OpenAPI description names them by this module's path
(``winwin__innovation__api__CommentRead``), which moving them would change.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field, StringConstraints

from winwin.accounts.access import Actor, can_access_org, require_acting
from winwin.accounts.schemas import UtcDatetime
from winwin.http.deps import CurrentUser, SessionDep, act_for
from winwin.innovation import service as inn
from winwin.innovation import stages as rules
from winwin.kernel.errors import NotFound, PermissionDenied
from winwin.kernel.identity import Viewer
from winwin.sharing import feed
from winwin.sharing.api import ItemCreate, Key, OrgQuery, Strict, item_draft

router = APIRouter(tags=["innovation"])

KindName = Literal["challenge", "idea"]
StageName = Literal[
    "proposed",
    "discussed",
    "developing",
    "piloting",
    "adopted",
    "archived",
    "open",
    "reviewing",
    "closed",
]
KeyPath = Annotated[str, Path(min_length=1, max_length=64, description="The entry's key.")]
# An e-mail address in a path; a NUL never reaches the database.
EmailPath = Annotated[str, Path(min_length=1, max_length=320, pattern=r"^[^\x00]+$")]
ChallengeQuery = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="Only ideas answering this challenge."),
]
OwnerQuery = Annotated[
    str | None, Query(min_length=1, max_length=64, description="Only this organisation's entries.")
]
LimitQuery = Annotated[int, Query(ge=1, le=inn.LIST_LIMIT)]


# --- Bodies ----------------------------------------------------------------------------------


class EntryCreate(ItemCreate):
    """An item (the body of ``POST /items``) that is a challenge or an idea."""

    kind: KindName
    challenge: Key | None = Field(None, description="The open challenge an idea answers.")


class CommentCreate(Strict):
    # The envelope is bounded here; the service holds the rule (1-10,000 characters once
    # stripped) so that its refusal names the field ``body``.
    body: Annotated[str, StringConstraints(max_length=2 * inn.MAX_COMMENT)] = Field(
        description=f"Markdown, 1-{inn.MAX_COMMENT:,} characters."
    )


class CoauthorCreate(Strict):
    email: Annotated[str, StringConstraints(min_length=1, max_length=320)]


class StageUpdate(Strict):
    stage: Annotated[str, StringConstraints(min_length=1, max_length=32)] = Field(
        description="idea: proposed, discussed, developing, piloting, adopted, archived; "
        "challenge: open, reviewing, closed"
    )


# --- Answers ---------------------------------------------------------------------------------


class EntryCreated(BaseModel):
    key: str
    kind: KindName
    stage: str
    warnings: list[str]


class EntrySummaryRead(BaseModel):
    key: str
    kind: KindName
    stage: str
    title: str
    owner: str
    owner_name: str
    level: str
    created_at: UtcDatetime
    stage_changed_at: UtcDatetime
    challenge: str | None = Field(
        description="The challenge an idea answers, when the reader may see it."
    )
    votes: int
    comments: int
    voted: bool = Field(description="Whether the signed-in person voted for it.")
    challenge_title: str | None = Field(
        None, description="The title of that challenge, under the same condition."
    )


class EntryList(BaseModel):
    org: str | None
    entries: list[EntrySummaryRead]


class CommentRead(BaseModel):
    id: int
    author: str
    org: str | None = Field(description="The commenter's organisation; null for an outsider.")
    body_html: str
    created_at: UtcDatetime
    mine: bool
    can_delete: bool


class PersonRead(BaseModel):
    name: str
    org: str | None


class StageChangeRead(BaseModel):
    from_stage: str | None
    to_stage: str
    by: str | None
    at: UtcDatetime


class EntryRead(BaseModel):
    summary: EntrySummaryRead
    body_html: str
    topics: list[str]
    comments: list[CommentRead]
    coauthors: list[PersonRead]
    history: list[StageChangeRead] = Field(description="Every stage move, oldest first.")
    ideas: list[EntrySummaryRead] = Field(
        description="For a challenge: the ideas answering it that the reader may see."
    )
    next_stages: list[str] = Field(description="Where the reader may move it (else empty).")
    can_participate: bool = Field(description="Whether the reader may comment and vote.")
    can_manage: bool


class VoteRead(BaseModel):
    votes: int
    voted: bool


class CoCreationRead(BaseModel):
    comments: int
    votes: int
    coauthored: int
    total: int


class ParticipationRead(BaseModel):
    a: str
    b: str
    days: int
    a_on_b: CoCreationRead = Field(description="What a's people did on b's entries.")
    b_on_a: CoCreationRead = Field(description="What b's people did on a's entries.")
    mutual: Literal["both", "one-way", "none"]


# --- From the service's views ----------------------------------------------------------------


def _summary(entry: inn.EntrySummary) -> EntrySummaryRead:
    return EntrySummaryRead.model_validate(entry, from_attributes=True)


def _detail(detail: inn.EntryDetail) -> EntryRead:
    return EntryRead(
        summary=_summary(detail.summary),
        body_html=detail.item.body_html,
        topics=detail.item.topics,
        comments=[CommentRead.model_validate(c, from_attributes=True) for c in detail.comments],
        coauthors=[PersonRead(name=p.name, org=p.org) for p in detail.coauthors],
        history=[
            StageChangeRead(from_stage=h.from_stage, to_stage=h.to_stage, by=h.by, at=h.at)
            for h in detail.history
        ],
        ideas=[_summary(i) for i in detail.ideas],
        next_stages=detail.next_stages,
        can_participate=detail.can_participate,
        can_manage=detail.can_manage,
    )


def _co_creation(counts: rules.CoCreation) -> CoCreationRead:
    return CoCreationRead(
        comments=counts.comments,
        votes=counts.votes,
        coauthored=counts.coauthored,
        total=counts.total,
    )


def _reader(session: SessionDep, actor: Actor, org: str | None) -> Viewer | None:
    """The organisation reading, or None for an outsider (who reads as anyone may)."""
    return participant(session, actor, org).acting


def participant(session: SessionDep, actor: Actor, org: str | None) -> Actor:
    """The caller acting: for ``?org=KEY`` or their own organisation; an outsider for none."""
    if actor.is_outsider:
        if org is not None:
            raise NotFound(f"no organisation with key '{org}'")
        return actor
    acting = act_for(session, actor, org)
    require_acting(acting)
    return acting


# --- Reading ---------------------------------------------------------------------------------


@router.get(
    "/innovation",
    response_model=EntryList,
    summary="Challenges and ideas my organisation can see, newest first",
)
def list_entries(
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
    kind: KindName | None = None,
    stage: StageName | None = None,
    challenge: ChallengeQuery = None,
    owner: OwnerQuery = None,
    limit: LimitQuery = 100,
) -> EntryList:
    viewer = _reader(session, actor, org)
    found = inn.list_entries(
        session,
        viewer=viewer,
        user_id=actor.user_id,
        kind=kind,
        stage=stage,
        challenge=challenge,
        owner=owner,
        limit=limit,
    )
    return EntryList(org=viewer.key if viewer else None, entries=[_summary(e) for e in found])


@router.get(
    "/public/innovation",
    response_model=EntryList,
    summary="Public challenges and ideas (no sign-in)",
)
def list_public_entries(
    session: SessionDep,
    kind: KindName | None = None,
    stage: StageName | None = None,
    challenge: ChallengeQuery = None,
    owner: OwnerQuery = None,
    limit: LimitQuery = 100,
) -> EntryList:
    found = inn.list_entries(
        session,
        viewer=None,
        kind=kind,
        stage=stage,
        challenge=challenge,
        owner=owner,
        limit=limit,
    )
    return EntryList(org=None, entries=[_summary(e) for e in found])


@router.get(
    "/co-creation",
    response_model=ParticipationRead,
    summary="Co-creation between two organisations: comments, votes, co-authorships",
)
def read_participation(
    actor: CurrentUser,
    session: SessionDep,
    a: Annotated[str, Query(min_length=1, max_length=64, description="One organisation.")],
    b: Annotated[str, Query(min_length=1, max_length=64, description="The other one.")],
    days: Annotated[int, Query(ge=1, le=3650, description="Count this many days back.")] = 365,
) -> ParticipationRead:
    first = feed.viewer_or_raise(session, a, field="a")
    second = feed.viewer_or_raise(session, b, field="b")
    if not (can_access_org(actor, first.id) or can_access_org(actor, second.id)):
        raise PermissionDenied("you do not have access to either organisation")
    a_on_b, b_on_a = inn.co_creation(session, a=first, b=second, days=days)
    return ParticipationRead(
        a=first.key,
        b=second.key,
        days=days,
        a_on_b=_co_creation(a_on_b),
        b_on_a=_co_creation(b_on_a),
        mutual=rules.mutual(a_on_b, b_on_a),  # type: ignore[arg-type]
    )


@router.get(
    "/innovation/{key}",
    response_model=EntryRead,
    summary="A challenge or an idea with its comments, co-authors, history and ideas",
)
def read_entry(
    key: KeyPath, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> EntryRead:
    viewer = _reader(session, actor, org)
    detail = inn.open_entry(session, viewer=viewer, user_id=actor.user_id, key=key, via="api")
    return _detail(detail)


# --- Creating and moving ---------------------------------------------------------------------


@router.post(
    "/innovation",
    response_model=EntryCreated,
    status_code=201,
    summary="Open a challenge or propose an idea (published under the audience rules)",
)
def create_entry(
    body: EntryCreate, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> EntryCreated:
    created = inn.create_entry(
        session,
        by=participant(session, actor, org),
        kind=body.kind,
        draft=item_draft(body),
        challenge=body.challenge,
    )
    return EntryCreated(
        key=created.key,
        kind=created.kind,  # type: ignore[arg-type]
        stage=created.stage,
        warnings=created.warnings,
    )


@router.post(
    "/innovation/{key}/stage",
    response_model=EntrySummaryRead,
    summary="Move an entry to another stage (owner organisation; an idea's co-authors)",
)
def move_stage(
    key: KeyPath,
    body: StageUpdate,
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
) -> EntrySummaryRead:
    moved = inn.move_stage(session, by=participant(session, actor, org), key=key, stage=body.stage)
    return _summary(moved)
