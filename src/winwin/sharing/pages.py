"""Pages of the micro-network: the feed with its composer, and items (comments, reshares,
withdrawal); with the dashboard's feed panel.

The composer's helpers and the organisation pickers are in ``sharing.composer_pages``;
circles, agreements and openness have their own page modules, mounted on this router.
Every page reads through the same services as the REST API and the command line; the
organisation worked for comes from ``CurrentOrg`` (checked by ``services.access``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, require_acting
from winwin.http.dashboard import dashboard_panel
from winwin.http.deps import IdPath, SessionDep
from winwin.http.page_deps import ActingUser, CurrentOrg, PostedForm
from winwin.http.templating import render
from winwin.kernel.errors import Conflict, InvalidInput, PermissionDenied, WinwinError
from winwin.kernel.identity import Viewer
from winwin.network.models import Organization
from winwin.sharing import (
    agreement_pages,
    circle_pages,
    comments,
    composer_pages,
    cursor,
    feed,
    openness_pages,
    picking,
    wording,
)
from winwin.sharing import service as sharing

# Innovation's entry forms take the composer from here.
from winwin.sharing.composer_pages import LEVEL_LABELS as LEVEL_LABELS
from winwin.sharing.composer_pages import composer_context as composer_context
from winwin.sharing.composer_pages import (
    draft_of_form,
    names_for,
    refusal_keys,
    refused_status,
    said,
)
from winwin.sharing.composer_pages import exclusions_of_form as exclusions_of_form
from winwin.sharing.composer_pages import form_fields as form_fields
from winwin.sharing.picking import KnownOrgs

router = APIRouter()

PAGE = 30


def _kept_out(
    known: KnownOrgs, exclusions: Iterable[str], reach: sharing.ReachPreview
) -> list[str]:
    """The owner's declared competitors an item of theirs keeps out by name: all of them
    when it excludes competitors or the competition guard holds its topic."""
    if "competitors" in exclusions or reach.exposure.topic:
        return sorted(known.acquaintances.declared_competitors)
    return []


def feed_page(
    request: Request,
    session: Session,
    actor: Actor,
    org: Organization,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    viewer = require_acting(actor)
    secret = request.app.state.secret_key
    # An empty search box shows the whole feed; other bad text is named on the page.
    q = (request.query_params.get("q") or "").strip() or None
    search_error: InvalidInput | None = None
    entries: list[feed.FeedEntry] = []
    try:
        # "Older items" links carry a signed cursor, never an item key.
        before = cursor.decode(secret, request.query_params.get("before"))
        if q is None:
            entries = feed.feed_page(session, viewer=viewer, limit=PAGE, before=before)
        else:
            entries = feed.search_items(session, viewer=viewer, text=q, limit=PAGE, before=before)
    except InvalidInput as exc:
        search_error = exc
        status_code = 422
    form = extra.pop("form", None) or {"level": "partners"}
    known = picking.known_orgs(session, viewer=viewer)
    exclusions = sharing.exclusions_of(session, [e.id for e in entries])
    context: dict[str, Any] = {
        "nav": "feed",
        "org": org,
        "q": q,
        "search_problems": search_error.problems if search_error else [],
        "entries": entries,
        "next_before": (
            cursor.encode(secret, entries[-1].created_at, entries[-1].id)
            if len(entries) == PAGE
            else None
        ),
        "form": form,
        "flash": request.query_params.get("done"),
        **composer_context(request, session, viewer, form, known),
        "audiences": {e.id: wording.declared(e.level, exclusions.get(e.id, [])) for e in entries},
    }
    # Our own items say who they reach in the composer's words, names included (as on
    # their page); everyone else's the audience as declared.
    reaches = sharing.own_items_reach(
        session, owner=viewer, item_ids=[e.id for e in entries if e.owner == viewer.key]
    )
    context["reaches"] = reaches
    context["kept_out"] = {
        i: _kept_out(known, exclusions.get(i, []), r) for i, r in reaches.items()
    }
    keys = {e.owner for e in entries}
    for reach in reaches.values():
        keys |= wording.keys_of(reach)
    exposure = extra.get("exposure")
    if exposure is not None:
        keys |= set(exposure.rivals) | {k for pair in exposure.pairs for k in pair}
    keys |= refusal_keys(extra.get("error"))
    context["names"] = names_for(session, keys, known)
    context.update(extra)
    return render(request, "sharing/feed.html", context, status_code=status_code)


@router.get("/feed", name="feed")
def feed_view(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    return feed_page(request, session, actor, org)


@router.post("/feed/items", name="feed_publish")
def publish(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg, posted: PostedForm
) -> Response:
    form = form_fields(posted)
    viewer = require_acting(actor)
    known = picking.known_orgs(session, viewer=viewer)
    try:
        done = sharing.publish_item(session, owner=viewer, draft=draft_of_form(form, known))
    except WinwinError as exc:
        session.rollback()
        status = refused_status(exc)
        return feed_page(request, session, actor, org, status_code=status, form=form, error=exc)
    if done.exposure:
        return feed_page(request, session, actor, org, published=done.key, exposure=done.exposure)
    return RedirectResponse(f"/items/{done.key}?org={org.key}&done=published", status_code=303)


ItemSection = Callable[[Session, Viewer, str], dict[str, Any]]
_ITEM_SECTIONS: list[ItemSection] = []


def register_item_section(section: ItemSection) -> ItemSection:
    """Let another capability add to the item page (attachments add their files).

    Registered like the dashboard panels, so that this module never imports the doors
    of the capabilities that build on it.
    """
    _ITEM_SECTIONS.append(section)
    return section


def item_page(
    request: Request,
    session: Session,
    actor: Actor,
    org: Organization,
    key: str,
    *,
    user_id: int | None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    """The item page with the sections others register (also after a refused upload)."""
    viewer = require_acting(actor)
    view = sharing.open_item(session, viewer=viewer, key=key, user_id=user_id)
    known = picking.known_orgs(session, viewer=viewer)
    form = extra.pop("form", None) or {"level": "partners"}
    keys = {view.owner}
    reach: sharing.ReachPreview | None = None
    if view.owner == viewer.key:
        # The owner reads the composer's sentence, names included; others the audience
        # as declared (naming the owner's partners would tell them its ties).
        reach = sharing.item_reach(session, owner=viewer, key=view.key)
        keys |= wording.keys_of(reach)
    keys |= refusal_keys(extra.get("error"))
    exclusions = sharing.exclusions_of(session, [view.id]).get(view.id, [])
    context: dict[str, Any] = {
        "nav": "feed",
        "org": org,
        "item": view,
        "comments": comments.list_comments(session, viewer=viewer, key=key, user_id=user_id),
        "can_comment": user_id is not None,
        "comment_form": "",
        "can_reshare": view.level != "secret",
        "flash": request.query_params.get("done"),
        "form": form,
        "reach": reach,
        "kept_out": [] if reach is None else _kept_out(known, exclusions, reach),
        "declared": wording.declared(view.level, exclusions),
        "names": names_for(session, keys, known),
        **composer_context(request, session, viewer, form, known),
    }
    for section in _ITEM_SECTIONS:
        context.update(section(session, viewer, key))
    context.update(extra)
    return render(request, "sharing/item.html", context, status_code=status_code)


def _item_refused(
    request: Request,
    session: Session,
    actor: Actor,
    org: Organization,
    key: str,
    status_code: int,
    **extra: Any,
) -> Response:
    """The item page again after a refused form, with the refused write rolled back."""
    session.rollback()
    extra.setdefault("user_id", actor.user_id)
    return item_page(request, session, actor, org, key, status_code=status_code, **extra)


@router.get("/items/{key}", name="item")
def item_view(
    key: str, request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    return item_page(request, session, actor, org, key, user_id=actor.user_id)


@router.post("/items/{key}/comments", name="item_comment")
def comment(
    key: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    body: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    viewer = require_acting(actor)
    try:
        comments.add_comment(session, by=viewer, user_id=actor.user_id, key=key, body=body)
    except (InvalidInput, PermissionDenied) as exc:
        status = 422 if isinstance(exc, InvalidInput) else 403
        return _item_refused(
            request,
            session,
            actor,
            org,
            key,
            status,
            comment_errors=said(request, exc),
            comment_form=body,
        )
    return RedirectResponse(
        f"/items/{key}?org={org.key}&done=commented#comments-title", status_code=303
    )


@router.post("/items/{key}/comments/{comment_id}/delete", name="item_uncomment")
def uncomment(
    key: str,
    comment_id: IdPath,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
) -> Response:
    viewer = require_acting(actor)
    try:
        comments.delete_comment(
            session, by=viewer, user_id=actor.user_id, key=key, comment_id=comment_id
        )
    except PermissionDenied as exc:
        return _item_refused(
            request, session, actor, org, key, 403, comment_errors=said(request, exc)
        )
    return RedirectResponse(
        f"/items/{key}?org={org.key}&done=uncommented#comments-title", status_code=303
    )


@router.post("/items/{key}/withdraw", name="item_withdraw")
def withdraw(
    key: str, request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    try:
        sharing.withdraw_item(session, owner=require_acting(actor), key=key)
    except Conflict as exc:
        return _item_refused(request, session, actor, org, key, 409, withdraw_error=exc)
    return RedirectResponse(f"/feed?org={org.key}&done=withdrawn", status_code=303)


@router.post("/items/{key}/reshare", name="item_reshare")
def reshare(
    key: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    posted: PostedForm,
) -> Response:
    form = form_fields(posted)
    viewer = require_acting(actor)
    sharing.open_item(session, viewer=viewer, key=key, user_id=actor.user_id)
    known = picking.known_orgs(session, viewer=viewer)
    try:
        done = sharing.publish_item(
            session, owner=viewer, draft=draft_of_form(form, known, reshare_of=key)
        )
    except WinwinError as exc:
        status = refused_status(exc)
        return _item_refused(
            request, session, actor, org, key, status, user_id=None, error=exc, form=form
        )
    return RedirectResponse(f"/items/{done.key}?org={org.key}&done=published", status_code=303)


# The other page groups, mounted here so that the app mounts one router for sharing.
router.include_router(composer_pages.router)
router.include_router(circle_pages.router)
router.include_router(agreement_pages.router)
router.include_router(openness_pages.router)


@dashboard_panel("feed", "sharing/dashboard_panel.html")
def feed_panel(session: Session, actor: Actor, org: Organization) -> dict[str, Any] | None:
    """The newest items the organisation can see, through the same checkpoint as the feed."""
    entries = feed.feed_page(session, viewer=require_acting(actor), limit=4)
    return {"entries": entries} if entries else None
