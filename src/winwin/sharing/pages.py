"""Pages of the micro-network: feed with composer, items, circles, agreements, openness.

Every page reads through the same services as the REST API and the command line; the
organisation worked for comes from ``CurrentOrg`` (checked by ``services.access``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from winwin.accounts.access import TOPIC_EDITORS, Actor, require_acting, require_topic_editor
from winwin.http import i18n
from winwin.http.dashboard import dashboard_panel
from winwin.http.deps import IdPath, SessionDep
from winwin.http.page_deps import ActingUser, CurrentOrg, PostedForm
from winwin.http.templating import render, request_locale
from winwin.kernel.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    WinwinError,
)
from winwin.kernel.identity import Viewer
from winwin.network.countries import country_names
from winwin.network.models import Organization
from winwin.network.ties import org_names
from winwin.sharing import audience as policy
from winwin.sharing import comments, cursor, directory, feed, picking, wording
from winwin.sharing import service as sharing
from winwin.sharing.picking import KnownOrgs
from winwin.sharing.service import ItemDraft

router = APIRouter()

PAGE = 30
Text = Annotated[str, Form(max_length=100_000)]
Short = Annotated[str, Form(max_length=2_000)]

LEVEL_LABELS = {
    "secret": "Only us (secret)",
    "direct": "Named partners",
    "partners": "All our direct partners",
    "circle": "A circle",
    "network": "The whole network",
    "public": "Public (open innovation)",
}


def _lines(text: str) -> list[str]:
    return [p.strip() for p in text.replace(",", "\n").splitlines() if p.strip()]


def _values(text: str) -> list[str]:
    """The values of a field that may repeat (``_form`` joins them by lines)."""
    return [p.strip() for p in text.splitlines() if p.strip()]


# Fields that a form may send several times (pickers' tick boxes).
MULTI = ("orgs", "exclude_org", "exclude_country", "exclude_cluster")


def exclusions_of_form(form: dict[str, str], known: KnownOrgs) -> list[str]:
    """The exclusions a composer's tick boxes and pickers ask for, in the stored text
    form (``competitors``, ``org:KEY``, ``country:CC``, ``cluster:NAME``); the text field
    ``exclude`` of scripts and older links is read too."""
    found: list[str] = []
    if form.get("exclude_competitors"):
        found.append("competitors")
    found += [f"org:{known.resolve(v)}" for v in _lines(form.get("exclude_org", ""))]
    found += [f"country:{c.upper()}" for c in _lines(form.get("exclude_country", ""))]
    found += [f"cluster:{c}" for c in _values(form.get("exclude_cluster", ""))]
    found += _lines(form.get("exclude", ""))
    return list(dict.fromkeys(found))


def _draft(form: dict[str, str], known: KnownOrgs, reshare_of: str | None = None) -> ItemDraft:
    level = form.get("level", "partners")
    topics: list[str] | None = _lines(form.get("topics", ""))
    if not topics and reshare_of is not None:
        topics = None  # a reshare without topics takes the original's
    return ItemDraft(
        title=form.get("title") or None,
        body=form.get("body", ""),
        topics=topics,
        level=level,
        orgs=(
            [known.resolve(v, "partners") for v in _lines(form.get("orgs", ""))]
            if level == "direct"
            else ()
        ),
        circle=(form.get("circle") or None) if level == "circle" else None,
        exclude=exclusions_of_form(form, known),
        reshare_of=reshare_of,
    )


def composer_context(
    request: Request,
    session: Session,
    viewer: Viewer,
    form: dict[str, str] | None = None,
    known: KnownOrgs | None = None,
) -> dict[str, Any]:
    """What the audience fields need: the levels, circles, and the pickers' choices
    (only organisations the viewer may see, by name)."""
    circles = [c for c in sharing.circles_of(session, org=viewer) if c["status"] == "member"]
    known = known or picking.known_orgs(session, viewer=viewer)
    form = form or {}
    clusters = set(known.clusters.values()) | set(_values(form.get("exclude_cluster", "")))
    if viewer.cluster:
        clusters.add(viewer.cluster)
    declared = known.acquaintances.declared_competitors
    pick = {
        "org_key": viewer.key,
        "partners": known.choices("partners"),
        "visible": known.choices("visible"),
        "countries": country_names(request_locale(request)),
        "clusters": sorted(clusters, key=str.casefold),
        "competitors": wording.Names(known.names).all(declared),
        "chosen": {field: _lines(form.get(field, "")) for field in MULTI}
        | {"exclude_cluster": _values(form.get("exclude_cluster", ""))},
        "competitors_ticked": bool(form.get("exclude_competitors"))
        or "competitors" in _lines(form.get("exclude", "")),
    }
    return {"levels": LEVEL_LABELS, "my_circles": circles, "pick": pick, "words": wording}


def _names(session: Session, keys: set[str], known: KnownOrgs | None = None) -> wording.Names:
    """Names for these keys (the viewer's acquaintances are known already)."""
    names = dict(known.names) if known else {}
    missing = sorted(k for k in keys if k not in names)
    if missing:
        names.update(org_names(session, missing))
    return wording.Names(names)


def _kept_out(draft: ItemDraft, known: KnownOrgs, preview: sharing.ReachPreview) -> list[str]:
    """The owner's declared competitors that the draft keeps out by name."""
    guarded = preview.exposure.topic is not None
    if "competitors" in draft.exclude or guarded:
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
    declared = sorted(known.acquaintances.declared_competitors)
    context["reaches"] = reaches
    context["kept_out"] = {
        i: declared if "competitors" in exclusions.get(i, []) or r.exposure.topic else []
        for i, r in reaches.items()
    }
    keys = {e.owner for e in entries}
    for reach in reaches.values():
        keys |= wording.keys_of(reach)
    exposure = extra.get("exposure")
    if exposure is not None:
        keys |= set(exposure.rivals) | {k for pair in exposure.pairs for k in pair}
    error = extra.get("error")
    if error is not None:
        for problem in getattr(error, "problems", []):
            keys |= wording.problem_keys(problem)
    context["names"] = _names(session, keys, known)
    context.update(extra)
    return render(request, "sharing/feed.html", context, status_code=status_code)


@router.get("/feed", name="feed")
def feed_view(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    return feed_page(request, session, actor, org)


def form_fields(form: FormData) -> dict[str, str]:
    """The form's fields; those in ``MULTI`` may repeat and are joined by lines."""
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    for name in MULTI:
        values = [v for v in form.getlist(name) if isinstance(v, str)]
        if len(values) > 1:
            fields[name] = "\n".join(values)
    return fields


@router.post("/feed/reach", name="feed_reach")
def feed_reach(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg, posted: PostedForm
) -> Response:
    """The composer's live sentence (htmx): who would see the draft, refusals, warnings."""
    form = form_fields(posted)
    viewer = require_acting(actor)
    known = picking.known_orgs(session, viewer=viewer)
    reshare_of = form.get("reshare_of") or None
    context: dict[str, Any] = {"words": wording}
    try:
        if reshare_of is not None:
            draft = _draft(form, known, reshare_of=reshare_of)
        else:
            draft = _draft({**form, "title": form.get("title") or "draft"}, known)
        preview = sharing.preview_reach(session, owner=viewer, draft=draft)
        context |= {
            "preview": preview,
            "level": draft.level,
            "kept_out": _kept_out(draft, known, preview),
            "problems": preview.problems,
            "names": _names(session, wording.keys_of(preview), known),
        }
    except WinwinError as exc:
        problems = getattr(exc, "problems", [])
        keys: set[str] = set()
        for problem in problems:
            keys |= wording.problem_keys(problem)
        context |= {
            "preview": None,
            "problems": problems,
            "names": _names(session, keys, known),
        }
    return render(request, "sharing/_reach.html", context)


@router.post("/feed/items", name="feed_publish")
def publish(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg, posted: PostedForm
) -> Response:
    form = form_fields(posted)
    viewer = require_acting(actor)
    known = picking.known_orgs(session, viewer=viewer)
    try:
        done = sharing.publish_item(session, owner=viewer, draft=_draft(form, known))
    except WinwinError as exc:
        session.rollback()
        status = 400 if isinstance(exc, InvalidInput) else 409
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
    error = extra.get("error")
    for problem in getattr(error, "problems", []) if error is not None else []:
        keys |= wording.problem_keys(problem)
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
        "kept_out": (
            sorted(known.acquaintances.declared_competitors)
            if reach is not None and ("competitors" in exclusions or reach.exposure.topic)
            else []
        ),
        "declared": wording.declared(view.level, exclusions),
        "names": _names(session, keys, known),
        **composer_context(request, session, viewer, form, known),
    }
    for section in _ITEM_SECTIONS:
        context.update(section(session, viewer, key))
    context.update(extra)
    return render(request, "sharing/item.html", context, status_code=status_code)


@router.get("/items/{key}", name="item")
def item_view(
    key: str, request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    return item_page(request, session, actor, org, key, user_id=actor.user_id)


def _said(request: Request, exc: WinwinError) -> list[str]:
    """The refusal's messages in the page's language."""
    problems = exc.problems if isinstance(exc, InvalidInput) else [exc.problem]
    locale = request_locale(request)
    return [i18n.say(p, locale) for p in problems]


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
        session.rollback()
        return item_page(
            request,
            session,
            actor,
            org,
            key,
            user_id=actor.user_id,
            status_code=422 if isinstance(exc, InvalidInput) else 403,
            comment_errors=_said(request, exc),
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
        session.rollback()
        return item_page(
            request,
            session,
            actor,
            org,
            key,
            user_id=actor.user_id,
            status_code=403,
            comment_errors=_said(request, exc),
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
        session.rollback()
        return item_page(
            request,
            session,
            actor,
            org,
            key,
            user_id=actor.user_id,
            status_code=409,
            withdraw_error=exc,
        )
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
            session, owner=viewer, draft=_draft(form, known, reshare_of=key)
        )
    except WinwinError as exc:
        session.rollback()
        return item_page(
            request,
            session,
            actor,
            org,
            key,
            user_id=None,
            status_code=400 if isinstance(exc, InvalidInput) else 409,
            error=exc,
            form=form,
        )
    return RedirectResponse(f"/items/{done.key}?org={org.key}&done=published", status_code=303)


# --- the organisation pickers -----------------------------------------------------------

PICKER_ID = re.compile(r"[a-z][a-z0-9-]{0,40}")


@router.get("/pick/orgs", name="pick_orgs")
def pick_orgs(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    q: Annotated[str, Query(max_length=200)] = "",
    scope: Annotated[str, Query(max_length=20)] = "visible",
    picker: Annotated[str, Query(max_length=41)] = "picker",
) -> Response:
    """Suggestions of an organisation picker (htmx): only organisations the acting
    organisation may see (``sharing.directory``), by name."""
    try:
        chosen = directory.parse_scope(scope)
    except ValueError as exc:
        raise InvalidInput(Problem("scope", str(exc))) from None
    if not PICKER_ID.fullmatch(picker):
        raise InvalidInput(Problem("picker", "use a-z, digits and '-'"))
    known = picking.known_orgs(session, viewer=require_acting(actor))
    return render(
        request,
        "_org_options.html",
        {"suggestions": known.suggest(q, chosen), "picker": picker, "q": q.strip()},
    )


def _picker_context(session: Session, viewer: Viewer) -> dict[str, Any]:
    known = picking.known_orgs(session, viewer=viewer)
    return {
        "pick": {
            "org_key": viewer.key,
            "partners": known.choices("partners"),
            "visible": known.choices("visible"),
        },
        "known": known,
    }


# --- circles ---------------------------------------------------------------------------


@router.get("/circles", name="circles")
def circles_view(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    viewer = require_acting(actor)
    return render(
        request,
        "sharing/circles.html",
        {
            "nav": "circles",
            "org": org,
            "circles": sharing.circles_of(session, org=viewer),
            "flash": request.query_params.get("done"),
        },
    )


@router.post("/circles", name="circle_create")
def circle_create(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    key: Annotated[str, Form(max_length=200)],
    name: Annotated[str, Form(max_length=1000)],
) -> Response:
    viewer = require_acting(actor)
    try:
        sharing.create_circle(session, creator=viewer, key=key.strip(), name=name)
    except WinwinError as exc:
        session.rollback()
        return render(
            request,
            "sharing/circles.html",
            {
                "nav": "circles",
                "org": org,
                "circles": sharing.circles_of(session, org=viewer),
                "error": exc,
                "form": {"key": key, "name": name},
            },
            status_code=400 if isinstance(exc, InvalidInput) else 409,
        )
    return RedirectResponse(f"/circles/{key.strip()}?org={org.key}&done=created", status_code=303)


@router.get("/circles/{key}", name="circle")
def circle_view(
    key: str, request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    viewer = require_acting(actor)
    view = sharing.circle_view(session, circle=key, viewer=viewer)
    return render(
        request,
        "sharing/circle.html",
        {
            "nav": "circles",
            "org": org,
            "circle": view,
            "flash": request.query_params.get("done"),
            "error_text": request.query_params.get("error"),
            **_picker_context(session, viewer),
        },
    )


@router.post("/circles/{key}/{action}", name="circle_action")
def circle_action(
    key: str,
    action: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    invitee: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    viewer = require_acting(actor)
    if action == "invite":
        picked = _picker_context(session, viewer)
        try:
            sharing.invite_to_circle(
                session, circle=key, by=viewer, org=picked["known"].resolve(invitee)
            )
        except WinwinError as exc:
            session.rollback()
            view = sharing.circle_view(session, circle=key, viewer=viewer)
            return render(
                request,
                "sharing/circle.html",
                {"nav": "circles", "org": org, "circle": view, "error": exc, **picked},
                status_code=400 if isinstance(exc, InvalidInput) else 409,
            )
        return RedirectResponse(f"/circles/{key}?org={org.key}&done=invited", status_code=303)
    if action in ("accept", "decline"):
        sharing.answer_invitation(session, circle=key, org=viewer, accept=action == "accept")
    elif action == "leave":
        sharing.leave_circle(session, circle=key, org=viewer)
    else:
        raise NotFound("no such action")
    target = f"/circles/{key}" if action == "accept" else "/circles"
    return RedirectResponse(f"{target}?org={org.key}&done={action}", status_code=303)


# --- agreements ------------------------------------------------------------------------


def agreements_page(
    request: Request,
    session: Session,
    actor: Actor,
    org: Organization,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    viewer = require_acting(actor)
    found = sharing.agreements_of(session, org=viewer)
    picked = _picker_context(session, viewer)
    keys = {a["with"] for a in found["agreements"]} | {p["with"] for p in found["proposals"]}
    context = {
        "nav": "agreements",
        "org": org,
        **found,
        "flash": request.query_params.get("done"),
        "sensitive_topics": feed.sensitive_topics(session),
        "topic_editors": TOPIC_EDITORS,
        "names": _names(session, keys, picked["known"]),
        **picked,
    }
    context.update(extra)
    return render(request, "sharing/agreements.html", context, status_code=status_code)


@router.get("/agreements", name="agreements")
def agreements_view(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    return agreements_page(request, session, actor, org)


@router.post("/agreements", name="agreement_propose")
def agreement_propose(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    partner: Annotated[str, Form(max_length=200)],
    topics: Short = "",
) -> Response:
    viewer = require_acting(actor)
    known = picking.known_orgs(session, viewer=viewer)
    try:
        sharing.propose_agreement(
            session,
            by=viewer,
            partner=known.resolve(partner, "partners"),
            topics=_lines(topics),
            user_id=actor.user_id,
        )
    except WinwinError as exc:
        session.rollback()
        return agreements_page(
            request,
            session,
            actor,
            org,
            status_code=400,
            error=exc,
            form={"partner": partner, "topics": topics},
        )
    return RedirectResponse(f"/agreements?org={org.key}&done=proposed", status_code=303)


@router.post("/agreements/{proposal_id}/{answer}", name="agreement_answer")
def agreement_answer(
    proposal_id: int,
    answer: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
) -> Response:
    viewer = require_acting(actor)
    if answer == "withdraw":
        sharing.withdraw_proposal(session, proposal_id=proposal_id, org=viewer)
    elif answer in ("accept", "decline"):
        sharing.answer_proposal(
            session,
            proposal_id=proposal_id,
            org=viewer,
            accept=answer == "accept",
            user_id=actor.user_id,
        )
    else:
        raise InvalidInput(Problem("answer", "use accept, decline or withdraw"))
    back = request.query_params.get("back")
    if back and feed.is_key(back):
        return RedirectResponse(
            f"/agreements/with/{back}?org={org.key}&done={answer}", status_code=303
        )
    return RedirectResponse(f"/agreements?org={org.key}&done={answer}", status_code=303)


def agreement_page(
    request: Request,
    session: Session,
    actor: Actor,
    org: Organization,
    partner: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    viewer = require_acting(actor)
    context = {
        "nav": "agreements",
        "org": org,
        "agreement": sharing.agreement_with(session, org=viewer, partner=partner),
        "flash": request.query_params.get("done"),
        "errors": [],
        "topics_form": None,
    }
    context.update(extra)
    return render(request, "sharing/agreement.html", context, status_code=status_code)


@router.get("/agreements/with/{partner}", name="agreement")
def agreement_view(
    partner: str, request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    return agreement_page(request, session, actor, org, partner)


@router.post("/agreements/with/{partner}/{change}", name="agreement_change")
def agreement_change(
    partner: str,
    change: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    topics: Short = "",
) -> Response:
    """Propose a revision of the topics or the end of the agreement (either side)."""
    viewer = require_acting(actor)
    try:
        if change == "revise":
            sharing.propose_revision(
                session, by=viewer, partner=partner, topics=_lines(topics), user_id=actor.user_id
            )
        elif change == "end":
            sharing.propose_ending(session, by=viewer, partner=partner, user_id=actor.user_id)
        else:
            raise NotFound(f"there is no change '{change}'")
    except InvalidInput as exc:
        session.rollback()
        return agreement_page(
            request,
            session,
            actor,
            org,
            partner,
            status_code=422,
            errors=_said(request, exc),
            topics_form=topics,
        )
    return RedirectResponse(
        f"/agreements/with/{partner}?org={org.key}&done={change}", status_code=303
    )


@router.post("/settings/sensitive-topics", name="sensitive_topics")
def sensitive_topics_update(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    topics: Short = "",
) -> Response:
    """Replace the competition-law guard's topics (platform admins and facilitators); the
    old list can be
    restored from the page that follows."""
    require_topic_editor(actor)
    previous = feed.sensitive_topics(session)
    try:
        sharing.set_sensitive_topics(session, topics=_lines(topics))
    except WinwinError as exc:
        session.rollback()
        return agreements_page(
            request, session, actor, org, status_code=422, topics_error=exc, topics_form=topics
        )
    return agreements_page(
        request, session, actor, org, flash="topics", previous_topics=", ".join(previous)
    )


# --- reports ---------------------------------------------------------------------------


@router.get("/openness", name="openness")
def openness_view(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    viewer = require_acting(actor)
    report = feed.openness_report(session, org=viewer.key)
    months = feed.openness_by_month(session, org=viewer.key)
    locale = request_locale(request)

    def gettext(msgid: str) -> str:
        return i18n.translate(locale, msgid)

    by_level = {
        "type": "bar",
        "data": {
            "labels": [gettext(LEVEL_LABELS[lv]) for lv in policy.LEVELS],
            "datasets": [
                {
                    "label": gettext("Items"),
                    "data": [report["by_level"][lv] for lv in policy.LEVELS],
                    "backgroundColor": "#2f6f4f",
                }
            ],
        },
        "options": {"plugins": {"legend": {"display": False}}},
    }
    over_time = {
        "type": "line",
        "data": {
            "labels": [m["month"] for m in months],
            "datasets": [
                {
                    "label": gettext("Secret share"),
                    "data": [round(100 * m["secret_share"], 2) for m in months],
                    "borderColor": "#8a3b12",
                },
                {
                    "label": gettext("3 % target"),
                    "data": [3 for _ in months],
                    "borderColor": "#6b8f71",
                    "borderDash": [4, 4],
                    "pointRadius": 0,
                },
                {
                    "label": gettext("5 % limit"),
                    "data": [5 for _ in months],
                    "borderColor": "#b00020",
                    "borderDash": [8, 4],
                    "pointRadius": 0,
                },
            ],
        },
        "options": {
            "scales": {
                "y": {
                    "beginAtZero": True,
                    "suggestedMax": 10,
                    "title": {"display": True, "text": "%"},
                }
            }
        },
    }
    return render(
        request,
        "sharing/openness.html",
        {
            "nav": "feed",
            "org": org,
            "report": report,
            "months": months,
            "secret_items": feed.secret_items(session, org=viewer.key),
            "levels": LEVEL_LABELS,
            "level_order": policy.LEVELS,
            "by_level_chart": by_level,
            "over_time_chart": over_time,
            "audit": sharing.audit_log(session, owner=viewer, limit=100),
        },
    )


@dashboard_panel("feed", "sharing/dashboard_panel.html")
def feed_panel(session: Session, actor: Actor, org: Organization) -> dict[str, Any] | None:
    """The newest items the organisation can see, through the same checkpoint as the feed."""
    entries = feed.feed_page(session, viewer=require_acting(actor), limit=4)
    return {"entries": entries} if entries else None
