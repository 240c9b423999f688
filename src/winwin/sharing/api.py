"""REST routes of the micro-network: feed, search, items, comments, reshares, reports.

Circles and agreements have their routes in ``sharing.circle_api`` and
``sharing.agreement_api``, mounted on this router; the bodies are ``sharing.schemas``.

The reading organisation is the signed-in user's own, or ``?org=KEY`` for facilitators
and platform admins (checked by ``services.access``). Every item read goes through the
visibility checkpoint: an item the organisation may not see answers 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, StringConstraints

from winwin.accounts.access import require_topic_editor
from winwin.accounts.schemas import UtcDatetime
from winwin.http.deps import CurrentUser, SessionDep
from winwin.kernel.identity import Viewer
from winwin.sharing import agreement_api, circle_api, comments, cursor, feed
from winwin.sharing import service as sharing

# Other capabilities' routes take these from here (attachments, search, innovation).
from winwin.sharing.api_deps import OrgQuery as OrgQuery
from winwin.sharing.api_deps import acting_org as acting_org
from winwin.sharing.schemas import (
    FeedRead,
    ItemPublished,
    ReachRead,
    ReshareCreate,
    SearchRead,
    TopicsUpdate,
)
from winwin.sharing.schemas import ItemCreate as ItemCreate
from winwin.sharing.schemas import ItemSummary as ItemSummary
from winwin.sharing.schemas import Key as Key
from winwin.sharing.schemas import Strict as Strict
from winwin.sharing.service import ItemDraft

router = APIRouter(tags=["sharing"])


# Other capabilities name bodies ItemRead, CommentCreate and CommentRead too, so the
# OpenAPI document tells these apart by their module: they stay in this one.
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


def _cursor(request: Request, before: str | None) -> tuple[datetime, int] | None:
    """The signed cursor of ``next_before``; never an item key (it would tell hidden ones)."""
    return cursor.decode(request.app.state.secret_key, before)


def _page(
    request: Request,
    session: SessionDep,
    viewer: Viewer | None,
    *,
    limit: int,
    before: str | None,
    text: str | None = None,
) -> dict[str, Any]:
    """A page of the feed (or of the search, with ``text``) as ``FeedRead``'s fields."""
    at = _cursor(request, before)
    if text is None:
        page = feed.feed_page(session, viewer=viewer, limit=limit, before=at)
    else:
        page = feed.search_items(session, viewer=viewer, text=text, limit=limit, before=at)
    next_before = None
    if len(page) >= limit:
        last = page[-1]
        next_before = cursor.encode(request.app.state.secret_key, last.created_at, last.id)
    return {
        "org": None if viewer is None else viewer.key,
        "items": [ItemSummary.model_validate(e, from_attributes=True) for e in page],
        "next_before": next_before,
    }


Before = Annotated[
    str | None, Query(description="`next_before` of the previous page (an opaque cursor).")
]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/feed", response_model=FeedRead, summary="Items my organisation can see")
def read_feed(
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    org: OrgQuery = None,
    limit: Limit = 50,
    before: Before = None,
) -> FeedRead:
    viewer = acting_org(session, actor, org)
    return FeedRead(**_page(request, session, viewer, limit=limit, before=before))


@router.get("/public/feed", response_model=FeedRead, summary="Public items (no sign-in)")
def read_public_feed(
    request: Request, session: SessionDep, limit: Limit = 50, before: Before = None
) -> FeedRead:
    return FeedRead(**_page(request, session, None, limit=limit, before=before))


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
    limit: Limit = 50,
    before: Before = None,
) -> SearchRead:
    viewer = acting_org(session, actor, org)
    text = feed.search_text(q)
    found = _page(request, session, viewer, limit=limit, before=before, text=text)
    return SearchRead(q=text, **found)


@router.get("/public/search", response_model=SearchRead, summary="Search public items (no sign-in)")
def search_public(
    request: Request, q: SearchQuery, session: SessionDep, limit: Limit = 50, before: Before = None
) -> SearchRead:
    text = feed.search_text(q)
    return SearchRead(
        q=text, **_page(request, session, None, limit=limit, before=before, text=text)
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


# Circles and agreements have their own modules; mounted here, between the items and the
# reports, they keep their place in the OpenAPI document.
router.include_router(circle_api.router)
router.include_router(agreement_api.router)


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
