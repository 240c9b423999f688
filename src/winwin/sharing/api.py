"""REST routes of the micro-network: feed, items, reshares, circles, agreements, reports.

The reading organisation is the signed-in user's own, or ``?org=KEY`` for facilitators
and platform admins (checked by ``services.access``). Every item read goes through the
visibility checkpoint: an item the organisation may not see answers 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from winwin.accounts.access import (
    Actor,
    require_acting,
    require_topic_editor,
)
from winwin.accounts.schemas import UtcDatetime
from winwin.http.deps import CurrentUser, SessionDep, act_for
from winwin.kernel.identity import Viewer
from winwin.sharing import comments, cursor, feed
from winwin.sharing import service as sharing
from winwin.sharing.service import ItemDraft

router = APIRouter(tags=["sharing"])

Level = Literal["secret", "direct", "partners", "circle", "network", "public"]
Key = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Topic = Annotated[str, StringConstraints(min_length=1, max_length=200)]
OrgQuery = Annotated[
    str | None, Query(description="Act for this organisation (facilitators, admins).")
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AudienceIn(Strict):
    level: Level
    orgs: Annotated[list[Key], Field(max_length=500)] = []
    circle: Key | None = None


class ItemCreate(Strict):
    key: Key | None = None
    title: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    body: Annotated[str, StringConstraints(max_length=100_000)] = ""
    topics: Annotated[list[Topic], Field(max_length=20)] = []
    audience: AudienceIn
    exclude: Annotated[
        list[Annotated[str, StringConstraints(max_length=200)]], Field(max_length=50)
    ] = []


class ReshareCreate(Strict):
    key: Key | None = None
    title: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    body: Annotated[str, StringConstraints(max_length=100_000)] | None = None
    topics: Annotated[list[Topic], Field(max_length=20)] | None = None
    audience: AudienceIn
    exclude: Annotated[
        list[Annotated[str, StringConstraints(max_length=200)]], Field(max_length=50)
    ] = []


class ItemPublished(BaseModel):
    key: str
    warnings: list[str]


class ItemSummary(BaseModel):
    key: str
    owner: str
    title: str
    level: str
    created_at: UtcDatetime
    reshare_of: str | None


class ItemRead(ItemSummary):
    body_html: str
    topics: list[str]


class CommentCreate(Strict):
    body: Annotated[str, StringConstraints(min_length=1, max_length=10_000)]


class CommentRead(BaseModel):
    id: int
    item: str
    author: str
    org: str
    org_name: str
    body: str
    body_html: str
    created_at: UtcDatetime
    mine: bool
    can_delete: bool


class FeedRead(BaseModel):
    org: str | None
    items: list[ItemSummary]
    next_before: str | None = Field(
        None, description="Pass as `before` for the next page (an opaque, signed cursor)."
    )


class ReachRead(BaseModel):
    sentence: str
    counts: dict[str, Any]
    problems: list[dict[str, str]]
    warnings: list[str]


class CircleCreate(Strict):
    key: Key
    name: Annotated[str, StringConstraints(min_length=1, max_length=300)]


class InvitationCreate(Strict):
    org: Key


class CircleRead(BaseModel):
    key: str
    name: str
    status: str
    members: list[dict[str, str]] | None
    posts: list[ItemSummary] = Field(
        default=[], description="The circle's posts that I may see, newest first."
    )


class ProposalCreate(Strict):
    partner: Key
    topics: Annotated[list[Topic], Field(min_length=1, max_length=20)]


class RevisionCreate(Strict):
    topics: Annotated[list[Topic], Field(min_length=1, max_length=20)]


class ProposalCreated(BaseModel):
    id: int


class TopicsUpdate(Strict):
    topics: Annotated[list[Topic], Field(max_length=200)]


def acting_org(session: SessionDep, actor: Actor, org: str | None) -> Viewer:
    """The organisation the caller reads and writes for (``?org=KEY``, else their own),
    as ``http.deps.act_for`` resolves it; ``NotFound`` when they act for none."""
    return require_acting(act_for(session, actor, org))


def _summary(entry: feed.FeedEntry) -> ItemSummary:
    return ItemSummary(
        key=entry.key,
        owner=entry.owner,
        title=entry.title,
        level=entry.level,
        created_at=entry.created_at,
        reshare_of=entry.reshare_of,
    )


def _cursor(request: Request, before: str | None) -> tuple[datetime, int] | None:
    """The signed cursor of ``next_before``; never an item key (it would tell hidden ones)."""
    return cursor.decode(request.app.state.secret_key, before)


def _next(request: Request, page: list[feed.FeedEntry], limit: int) -> str | None:
    if len(page) < limit:
        return None
    return cursor.encode(request.app.state.secret_key, page[-1].created_at, page[-1].id)


Before = Annotated[
    str | None, Query(description="`next_before` of the previous page (an opaque cursor).")
]


@router.get("/feed", response_model=FeedRead, summary="Items my organisation can see")
def read_feed(
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Before = None,
) -> FeedRead:
    viewer = acting_org(session, actor, org)
    page = feed.feed_page(session, viewer=viewer, limit=limit, before=_cursor(request, before))
    return FeedRead(
        org=viewer.key,
        items=[_summary(e) for e in page],
        next_before=_next(request, page, limit),
    )


@router.get("/public/feed", response_model=FeedRead, summary="Public items (no sign-in)")
def read_public_feed(
    request: Request,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Before = None,
) -> FeedRead:
    page = feed.feed_page(session, viewer=None, limit=limit, before=_cursor(request, before))
    return FeedRead(
        org=None,
        items=[_summary(e) for e in page],
        next_before=_next(request, page, limit),
    )


class SearchRead(FeedRead):
    q: str = Field(description="The search text, stripped.")


SearchQuery = Annotated[
    str,
    Query(description="Text to find in titles, bodies and topics (1-200 characters)."),
]


@router.get(
    "/search", response_model=SearchRead, summary="Search the items my organisation can see"
)
def search(
    request: Request,
    q: SearchQuery,
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Before = None,
) -> SearchRead:
    viewer = acting_org(session, actor, org)
    text = feed.search_text(q)
    page = feed.search_items(
        session, viewer=viewer, text=text, limit=limit, before=_cursor(request, before)
    )
    return SearchRead(
        org=viewer.key,
        q=text,
        items=[_summary(e) for e in page],
        next_before=_next(request, page, limit),
    )


@router.get("/public/search", response_model=SearchRead, summary="Search public items (no sign-in)")
def search_public(
    request: Request,
    q: SearchQuery,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Before = None,
) -> SearchRead:
    text = feed.search_text(q)
    page = feed.search_items(
        session, viewer=None, text=text, limit=limit, before=_cursor(request, before)
    )
    return SearchRead(
        org=None,
        q=text,
        items=[_summary(e) for e in page],
        next_before=_next(request, page, limit),
    )


def item_draft(body: ItemCreate | ReshareCreate, reshare_of: str | None = None) -> ItemDraft:
    return ItemDraft(
        key=body.key,
        title=body.title,
        body=body.body,
        topics=body.topics,
        level=body.audience.level,
        orgs=body.audience.orgs,
        circle=body.audience.circle,
        exclude=body.exclude,
        reshare_of=reshare_of,
    )


@router.post("/items", response_model=ItemPublished, status_code=201, summary="Publish an item")
def create_item(
    body: ItemCreate, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> ItemPublished:
    owner = acting_org(session, actor, org)
    done = sharing.publish_item(session, owner=owner, draft=item_draft(body))
    return ItemPublished(key=done.key, warnings=done.warnings)


@router.post("/items/preview", response_model=ReachRead, summary="Who a draft would reach")
def preview_item(
    body: ItemCreate, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> ReachRead:
    owner = acting_org(session, actor, org)
    preview = sharing.preview_reach(session, owner=owner, draft=item_draft(body))
    return ReachRead(
        sentence=sharing.reach_sentence(preview.counts, level=body.audience.level),
        counts=preview.counts,
        problems=[{"path": p.path, "message": p.message} for p in preview.problems],
        warnings=preview.warnings,
    )


@router.get("/items/{key}", response_model=ItemRead, summary="One item, if I may see it")
def read_item(key: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None) -> ItemRead:
    viewer = acting_org(session, actor, org)
    view = sharing.open_item(session, viewer=viewer, key=key, user_id=actor.user_id, via="api")
    return ItemRead(
        key=view.key,
        owner=view.owner,
        title=view.title,
        level=view.level,
        created_at=view.created_at,
        reshare_of=view.reshare_of,
        body_html=view.body_html,
        topics=view.topics,
    )


@router.get(
    "/items/{key}/comments",
    response_model=list[CommentRead],
    summary="The comments on an item I may see, oldest first",
)
def list_comments(
    key: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> list[CommentRead]:
    viewer = acting_org(session, actor, org)
    found = comments.list_comments(session, viewer=viewer, key=key, user_id=actor.user_id)
    return [CommentRead.model_validate(c, from_attributes=True) for c in found]


@router.post(
    "/items/{key}/comments",
    response_model=CommentRead,
    status_code=201,
    summary="Comment on an item I may see (Markdown); its followers are told",
)
def add_comment(
    key: str, body: CommentCreate, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> CommentRead:
    viewer = acting_org(session, actor, org)
    made = comments.add_comment(session, by=viewer, user_id=actor.user_id, key=key, body=body.body)
    return CommentRead.model_validate(made, from_attributes=True)


@router.delete(
    "/items/{key}/comments/{comment_id}",
    status_code=204,
    summary="Remove a comment (its writer, or the item's owner organisation)",
)
def delete_comment(
    key: str,
    comment_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
) -> Response:
    viewer = acting_org(session, actor, org)
    comments.delete_comment(
        session, by=viewer, user_id=actor.user_id, key=key, comment_id=comment_id
    )
    return Response(status_code=204)


@router.delete("/items/{key}", status_code=204, summary="Withdraw one of my items")
def withdraw_item(
    key: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> Response:
    owner = acting_org(session, actor, org)
    sharing.withdraw_item(session, owner=owner, key=key)
    return Response(status_code=204)


@router.post(
    "/items/{key}/reshares",
    response_model=ItemPublished,
    status_code=201,
    summary="Reshare an item (never wider than the original)",
)
def reshare_item(
    key: str, body: ReshareCreate, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> ItemPublished:
    owner = acting_org(session, actor, org)
    # The original must be visible to the resharer; otherwise it does not exist for it.
    sharing.open_item(session, viewer=owner, key=key, user_id=actor.user_id, via="api")
    done = sharing.publish_item(session, owner=owner, draft=item_draft(body, reshare_of=key))
    return ItemPublished(key=done.key, warnings=done.warnings)


@router.get("/circles", summary="My circles and invitations")
def list_circles(
    actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> list[dict[str, str]]:
    return sharing.circles_of(session, org=acting_org(session, actor, org))


@router.post("/circles", response_model=CircleRead, status_code=201, summary="Create a circle")
def create_circle(
    body: CircleCreate, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> CircleRead:
    viewer = acting_org(session, actor, org)
    sharing.create_circle(session, creator=viewer, key=body.key, name=body.name)
    return _circle(session, body.key, viewer)


def _circle(session: SessionDep, key: str, viewer: Viewer) -> CircleRead:
    view = sharing.circle_view(session, circle=key, viewer=viewer)
    return CircleRead(
        key=view.key,
        name=view.name,
        status=view.status,
        members=view.members,
        posts=[_summary(p) for p in view.posts],
    )


@router.get("/circles/{key}", response_model=CircleRead, summary="A circle (members for members)")
def read_circle(
    key: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> CircleRead:
    return _circle(session, key, acting_org(session, actor, org))


@router.post("/circles/{key}/invitations", status_code=204, summary="Invite an organisation")
def invite(
    key: str, body: InvitationCreate, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> None:
    sharing.invite_to_circle(session, circle=key, by=acting_org(session, actor, org), org=body.org)


@router.post("/circles/{key}/accept", status_code=204, summary="Accept an invitation")
def accept(key: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None) -> None:
    sharing.answer_invitation(session, circle=key, org=acting_org(session, actor, org), accept=True)


@router.post("/circles/{key}/decline", status_code=204, summary="Decline an invitation")
def decline(key: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None) -> None:
    sharing.answer_invitation(
        session, circle=key, org=acting_org(session, actor, org), accept=False
    )


@router.post("/circles/{key}/leave", status_code=204, summary="Leave a circle")
def leave(key: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None) -> None:
    sharing.leave_circle(session, circle=key, org=acting_org(session, actor, org))


@router.get("/agreements", summary="My agreements and proposals")
def list_agreements(
    actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> dict[str, list[dict[str, Any]]]:
    return sharing.agreements_of(session, org=acting_org(session, actor, org))


@router.post(
    "/agreements/proposals",
    response_model=ProposalCreated,
    status_code=201,
    summary="Propose topics to keep secret with a partner",
)
def propose(
    body: ProposalCreate, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> ProposalCreated:
    proposal = sharing.propose_agreement(
        session,
        by=acting_org(session, actor, org),
        partner=body.partner,
        topics=body.topics,
        user_id=actor.user_id,
    )
    return ProposalCreated(id=proposal)


@router.get("/agreements/{partner}", summary="The agreement with a partner, with its history")
def read_agreement(
    partner: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> dict[str, Any]:
    return sharing.agreement_with(session, org=acting_org(session, actor, org), partner=partner)


@router.post(
    "/agreements/{partner}/revisions",
    response_model=ProposalCreated,
    status_code=201,
    summary="Propose new secret topics for an agreement (held once the partner accepts)",
)
def propose_revision(
    partner: str,
    body: RevisionCreate,
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
) -> ProposalCreated:
    made = sharing.propose_revision(
        session,
        by=acting_org(session, actor, org),
        partner=partner,
        topics=body.topics,
        user_id=actor.user_id,
    )
    return ProposalCreated(id=made)


@router.post(
    "/agreements/{partner}/ending",
    response_model=ProposalCreated,
    status_code=201,
    summary="Propose to end an agreement (it ends once the partner accepts)",
)
def propose_ending(
    partner: str, actor: CurrentUser, session: SessionDep, org: OrgQuery = None
) -> ProposalCreated:
    made = sharing.propose_ending(
        session, by=acting_org(session, actor, org), partner=partner, user_id=actor.user_id
    )
    return ProposalCreated(id=made)


@router.post("/agreements/proposals/{proposal_id}/{answer}", status_code=204)
def answer(
    proposal_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    answer: Literal["accept", "decline", "withdraw"],
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
) -> None:
    """Accept or decline the partner's proposal, or withdraw your own."""
    viewer = acting_org(session, actor, org)
    if answer == "withdraw":
        sharing.withdraw_proposal(session, proposal_id=proposal_id, org=viewer)
    else:
        sharing.answer_proposal(
            session,
            proposal_id=proposal_id,
            org=viewer,
            accept=answer == "accept",
            user_id=actor.user_id,
        )


@router.get("/openness", summary="My openness report against the 3-5 % rule")
def read_openness(actor: CurrentUser, session: SessionDep, org: OrgQuery = None) -> dict[str, Any]:
    viewer = acting_org(session, actor, org)
    report = feed.openness_report(session, org=viewer.key)
    return {
        **report,
        "secret_detail": feed.secret_items(session, org=viewer.key),
        "by_month": feed.openness_by_month(session, org=viewer.key),
    }


@router.get("/audit", summary="Who opened which of my non-public items")
def read_audit(
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    return sharing.audit_log(session, owner=acting_org(session, actor, org), limit=limit)


@router.get("/settings/competition-sensitive-topics", summary="Competition-sensitive topics")
def read_sensitive(actor: CurrentUser, session: SessionDep) -> list[str]:
    return feed.sensitive_topics(session)


@router.put(
    "/settings/competition-sensitive-topics",
    summary="Replace them (platform admins and facilitators)",
)
def write_sensitive(body: TopicsUpdate, actor: CurrentUser, session: SessionDep) -> list[str]:
    require_topic_editor(actor)
    return sharing.set_sensitive_topics(session, topics=body.topics)
