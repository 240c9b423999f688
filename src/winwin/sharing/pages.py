"""Pages of the micro-network: feed with composer, items, circles, agreements, openness.

Every page reads through the same services as the REST API and the command line; the
organisation worked for comes from ``CurrentOrg`` (checked by ``services.access``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from babel import Locale
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts.access import require_platform_admin
from winwin.http import i18n
from winwin.http.dashboard import dashboard_panel
from winwin.http.deps import CurrentUser, SessionDep
from winwin.http.page_deps import CurrentOrg
from winwin.http.templating import render, request_locale
from winwin.kernel.errors import Conflict, InvalidInput, NotFound, Problem, WinwinError
from winwin.network.models import Organization
from winwin.sharing import audience as policy
from winwin.sharing import cursor, feed
from winwin.sharing import service as sharing
from winwin.sharing.items import ItemRepository, Viewer
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


def viewer_of(session: Session, org: Organization) -> Viewer:
    viewer = ItemRepository(session).viewer_by_id(org.id)
    if viewer is None:
        raise NotFound("no such organisation")
    return viewer


def _lines(text: str) -> list[str]:
    return [p.strip() for p in text.replace(",", "\n").splitlines() if p.strip()]


def country_name(code: str) -> str:
    try:
        return str(Locale.parse(i18n.current_locale.get()).territories.get(code, code))
    except (ValueError, TypeError):
        return code


def sentence(request: Request, counts: dict[str, Any], level: str) -> str:
    """The composer's sentence in the reader's language (outside a template render)."""
    token = i18n.current_locale.set(request_locale(request))
    try:
        return sharing.reach_sentence(
            counts, level=level, ngettext=i18n.ngettext, country_name=country_name
        )
    finally:
        i18n.current_locale.reset(token)


def _draft(form: dict[str, str], reshare_of: str | None = None) -> ItemDraft:
    level = form.get("level", "partners")
    topics: list[str] | None = _lines(form.get("topics", ""))
    if not topics and reshare_of is not None:
        topics = None  # a reshare without topics takes the original's
    return ItemDraft(
        title=form.get("title") or None,
        body=form.get("body", ""),
        topics=topics,
        level=level,
        orgs=_lines(form.get("orgs", "")) if level == "direct" else (),
        circle=(form.get("circle") or None) if level == "circle" else None,
        exclude=_lines(form.get("exclude", "")),
        reshare_of=reshare_of,
    )


def _composer_context(session: Session, viewer: Viewer) -> dict[str, Any]:
    circles = [c for c in sharing.circles_of(session, org=viewer) if c["status"] == "member"]
    return {"levels": LEVEL_LABELS, "my_circles": circles}


def feed_page(
    request: Request,
    session: Session,
    org: Organization,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    viewer = viewer_of(session, org)
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
        "form": extra.pop("form", None) or {"level": "partners"},
        "flash": request.query_params.get("done"),
        **_composer_context(session, viewer),
    }
    context.update(extra)
    return render(request, "sharing/feed.html", context, status_code=status_code)


@router.get("/feed", name="feed")
def feed_view(
    request: Request, actor: CurrentUser, session: SessionDep, org: CurrentOrg
) -> Response:
    return feed_page(request, session, org)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/feed/reach", name="feed_reach")
async def feed_reach(
    request: Request, actor: CurrentUser, session: SessionDep, org: CurrentOrg
) -> Response:
    """The composer's live sentence (htmx): who would see the draft, refusals, warnings."""
    form = await _form(request)
    viewer = viewer_of(session, org)
    context: dict[str, Any] = {}
    try:
        draft = _draft({**form, "title": form.get("title") or "draft"})
        preview = sharing.preview_reach(session, owner=viewer, draft=draft)
        context = {
            "sentence": sentence(request, preview.counts, draft.level),
            "problems": preview.problems,
            "warnings": preview.warnings,
        }
    except WinwinError as exc:
        context = {"sentence": None, "problems": getattr(exc, "problems", []), "warnings": []}
    return render(request, "sharing/_reach.html", context)


@router.post("/feed/items", name="feed_publish")
async def publish(
    request: Request, actor: CurrentUser, session: SessionDep, org: CurrentOrg
) -> Response:
    form = await _form(request)
    viewer = viewer_of(session, org)
    try:
        done = sharing.publish_item(session, owner=viewer, draft=_draft(form))
    except WinwinError as exc:
        session.rollback()
        status = 400 if isinstance(exc, InvalidInput) else 409
        return feed_page(request, session, org, status_code=status, form=form, error=exc)
    if done.warnings:
        return feed_page(request, session, org, published=done.key, warnings=done.warnings)
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
    org: Organization,
    key: str,
    *,
    user_id: int | None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    """The item page with the sections others register (also after a refused upload)."""
    viewer = viewer_of(session, org)
    view = sharing.open_item(session, viewer=viewer, key=key, user_id=user_id)
    context: dict[str, Any] = {
        "nav": "feed",
        "org": org,
        "item": view,
        "can_reshare": view.level != "secret",
        "flash": request.query_params.get("done"),
        **_composer_context(session, viewer),
    }
    for section in _ITEM_SECTIONS:
        context.update(section(session, viewer, key))
    context.update(extra)
    return render(request, "sharing/item.html", context, status_code=status_code)


@router.get("/items/{key}", name="item")
def item_view(
    key: str, request: Request, actor: CurrentUser, session: SessionDep, org: CurrentOrg
) -> Response:
    return item_page(request, session, org, key, user_id=actor.user_id)


@router.post("/items/{key}/withdraw", name="item_withdraw")
def withdraw(
    key: str, request: Request, actor: CurrentUser, session: SessionDep, org: CurrentOrg
) -> Response:
    try:
        sharing.withdraw_item(session, owner=viewer_of(session, org), key=key)
    except Conflict as exc:
        session.rollback()
        return item_page(
            request, session, org, key, user_id=actor.user_id, status_code=409, withdraw_error=exc
        )
    return RedirectResponse(f"/feed?org={org.key}&done=withdrawn", status_code=303)


@router.post("/items/{key}/reshare", name="item_reshare")
async def reshare(
    key: str, request: Request, actor: CurrentUser, session: SessionDep, org: CurrentOrg
) -> Response:
    form = await _form(request)
    viewer = viewer_of(session, org)
    sharing.open_item(session, viewer=viewer, key=key, user_id=actor.user_id)
    try:
        done = sharing.publish_item(session, owner=viewer, draft=_draft(form, reshare_of=key))
    except WinwinError as exc:
        session.rollback()
        view = sharing.open_item(session, viewer=viewer, key=key)
        return render(
            request,
            "sharing/item.html",
            {
                "nav": "feed",
                "org": org,
                "item": view,
                "levels": LEVEL_LABELS,
                "can_reshare": True,
                "error": exc,
                **_composer_context(session, viewer),
            },
            status_code=400 if isinstance(exc, InvalidInput) else 409,
        )
    return RedirectResponse(f"/items/{done.key}?org={org.key}&done=published", status_code=303)


# --- circles ---------------------------------------------------------------------------


@router.get("/circles", name="circles")
def circles_view(
    request: Request, actor: CurrentUser, session: SessionDep, org: CurrentOrg
) -> Response:
    viewer = viewer_of(session, org)
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
    actor: CurrentUser,
    session: SessionDep,
    org: CurrentOrg,
    key: Annotated[str, Form(max_length=200)],
    name: Annotated[str, Form(max_length=1000)],
) -> Response:
    viewer = viewer_of(session, org)
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
    key: str, request: Request, actor: CurrentUser, session: SessionDep, org: CurrentOrg
) -> Response:
    viewer = viewer_of(session, org)
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
        },
    )


@router.post("/circles/{key}/{action}", name="circle_action")
def circle_action(
    key: str,
    action: str,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    org: CurrentOrg,
    invitee: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    viewer = viewer_of(session, org)
    if action == "invite":
        try:
            sharing.invite_to_circle(session, circle=key, by=viewer, org=invitee.strip())
        except WinwinError as exc:
            session.rollback()
            view = sharing.circle_view(session, circle=key, viewer=viewer)
            return render(
                request,
                "sharing/circle.html",
                {"nav": "circles", "org": org, "circle": view, "error": exc},
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
    request: Request, session: Session, org: Organization, *, status_code: int = 200, **extra: Any
) -> Response:
    viewer = viewer_of(session, org)
    context = {
        "nav": "circles",
        "org": org,
        **sharing.agreements_of(session, org=viewer),
        "flash": request.query_params.get("done"),
        "sensitive_topics": feed.sensitive_topics(session),
    }
    context.update(extra)
    return render(request, "sharing/agreements.html", context, status_code=status_code)


@router.get("/agreements", name="agreements")
def agreements_view(
    request: Request, actor: CurrentUser, session: SessionDep, org: CurrentOrg
) -> Response:
    return agreements_page(request, session, org)


@router.post("/agreements", name="agreement_propose")
def agreement_propose(
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    org: CurrentOrg,
    partner: Annotated[str, Form(max_length=200)],
    topics: Short = "",
) -> Response:
    viewer = viewer_of(session, org)
    try:
        sharing.propose_agreement(
            session, by=viewer, partner=partner.strip(), topics=_lines(topics)
        )
    except WinwinError as exc:
        session.rollback()
        return agreements_page(
            request,
            session,
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
    actor: CurrentUser,
    session: SessionDep,
    org: CurrentOrg,
) -> Response:
    viewer = viewer_of(session, org)
    if answer == "withdraw":
        sharing.withdraw_proposal(session, proposal_id=proposal_id, org=viewer)
    elif answer in ("accept", "decline"):
        sharing.answer_proposal(
            session, proposal_id=proposal_id, org=viewer, accept=answer == "accept"
        )
    else:
        raise InvalidInput(Problem("answer", "use accept, decline or withdraw"))
    return RedirectResponse(f"/agreements?org={org.key}&done={answer}", status_code=303)


@router.post("/settings/sensitive-topics", name="sensitive_topics")
def sensitive_topics_update(
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    org: CurrentOrg,
    topics: Short = "",
) -> Response:
    """Replace the competition-law guard's topics (platform admins); the old list can be
    restored from the page that follows."""
    require_platform_admin(actor)
    previous = feed.sensitive_topics(session)
    try:
        sharing.set_sensitive_topics(session, topics=_lines(topics))
    except WinwinError as exc:
        session.rollback()
        return agreements_page(
            request, session, org, status_code=422, topics_error=exc, topics_form=topics
        )
    return agreements_page(
        request, session, org, flash="topics", previous_topics=", ".join(previous)
    )


# --- reports ---------------------------------------------------------------------------


@router.get("/openness", name="openness")
def openness_view(
    request: Request, actor: CurrentUser, session: SessionDep, org: CurrentOrg
) -> Response:
    viewer = viewer_of(session, org)
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
            "levels": LEVEL_LABELS,
            "level_order": policy.LEVELS,
            "by_level_chart": by_level,
            "over_time_chart": over_time,
            "audit": sharing.audit_log(session, owner=viewer, limit=100),
        },
    )


@dashboard_panel("feed", "sharing/dashboard_panel.html")
def feed_panel(session: Session, actor: object, org: Organization) -> dict[str, Any] | None:
    """The newest items the organisation can see, through the same checkpoint as the feed."""
    entries = feed.feed_page(session, viewer=viewer_of(session, org), limit=4)
    return {"entries": entries} if entries else None
