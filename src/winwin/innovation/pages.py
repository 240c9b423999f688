"""Pages of open innovation: the board, the entry page, and taking part.

- ``/innovation``: the challenges and ideas the organisation may see, by stage
  (``?kind=challenge`` or ``?kind=idea`` shows one kind), with the composer.
- ``/public/innovation``: the public challenges and ideas, for anyone.
- ``/innovation/{key}``: one entry with its comments, votes, co-authors, stage moves and
  history; public entries open without signing in.
- ``/public/innovation/{key}/…``: an outsider (a person of no member organisation) comments,
  votes and proposes ideas on public entries; they read through the same pages, as an
  anonymous reader does (``innovation.service``).

Every read and every action goes through ``services.innovation`` (and so through the
one visibility checkpoint); the organisation acting is ``CurrentOrg``, as on the feed.
Refusals are shown beside the field they name, with what the person typed kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, require_acting
from winwin.http import i18n
from winwin.http.dashboard import dashboard_panel
from winwin.http.deps import CurrentUser, IdPath, OptionalUser, SessionDep
from winwin.http.errors import status_for
from winwin.http.i18n import gettext as _
from winwin.http.page_deps import (
    ActingUser,
    CurrentOrg,
    PostedForm,
    acting_for_page,
    get_current_org,
)
from winwin.http.templating import render, request_locale
from winwin.innovation import refusals as refuse
from winwin.innovation import service as innovation
from winwin.innovation import stages as rules
from winwin.innovation.service import EntrySummary
from winwin.kernel.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    WinwinError,
)
from winwin.network.models import Organization
from winwin.sharing import picking
from winwin.sharing import refusals as item_refusals
from winwin.sharing import service as sharing
from winwin.sharing.pages import (
    LEVEL_LABELS,
    composer_context,
    exclusions_of_form,
    form_fields,
)
from winwin.sharing.picking import KnownOrgs
from winwin.sharing.service import ItemDraft

router = APIRouter()

Email = Annotated[str, Form(max_length=320)]
Choice = Annotated[str, Form(max_length=64)]
CommentText = Annotated[str, Form(max_length=100_000)]

# The form field (its id without the prefix) for each path a service names.
FIELDS = {
    "kind": "kind",
    "title": "title",
    "body": "body",
    "topics": "topics",
    "audience.level": "level",
    "audience.orgs": "orgs",
    "audience.circle": "circle",
    "exclude": "exclude",
    "challenge": "challenge",
    "email": "email",
    "person": "email",
    "stage": "stage",
}

STAGE_WORDS = {
    "proposed": "Proposed",
    "discussed": "Discussed",
    "developing": "Developing",
    "piloting": "Piloting",
    "adopted": "Adopted",
    "archived": "Archived",
    "open": "Open",
    "reviewing": "Reviewing",
    "closed": "Closed",
}


def N_(msgid: str) -> str:
    """Marks a message for translation where it is defined; translated when shown."""
    return msgid


def _stages(text: str) -> str:
    return ", ".join(_(STAGE_WORDS.get(s.strip(), s.strip())).lower() for s in text.split(","))


def _kind(text: str) -> str:
    return {"idea": _("idea"), "challenge": _("challenge")}.get(text, text)


# Challenges and ideas refuse with codes (innovation/refusals.py), and so do the sharing
# rules they are published under (sharing/refusals.py): the pages say both by code.
Shown = dict[str, Callable[[str], str]]


# How the values of a refusal are shown on a page.
SHOWN: Shown = {
    "stage": _stages,
    "current": _stages,
    "target": _stages,
    "allowed": _stages,
    "kind": _kind,
}


# Where the page words a refusal its own way: the entry is the page (so it needs no key),
# a challenge or an idea is never a reshare, and rivals are named as competing with the
# owner. Each wording may take a value under another name (``names`` is ``orgs``).
PAGE_WORDING: dict[str, tuple[str, dict[str, str]]] = {
    refuse.NOT_CO_AUTHOR.code: (N_("%(named)s is not a co-author of this entry"), {}),
    item_refusals.TITLE_REQUIRED.code: (N_("is required"), {}),
    item_refusals.SENSITIVE_TO_COMPETITOR.code: (
        N_(
            "topic '%(topic)s' is competition-sensitive and the audience reaches "
            "%(names)s, who compete with %(owner)s"
        ),
        {"names": "orgs"},
    ),
}


def translate_problem(problem: Problem) -> str:
    """A service's refusal in the page's language, by its code and values (one without a
    code goes through the catalog as it is)."""
    if problem.code in PAGE_WORDING:
        msgid, renamed = PAGE_WORDING[problem.code]
        values = {k: SHOWN.get(k, str)(str(v)) for k, v in problem.params.items()}
        values.update({name: values[old] for name, old in renamed.items() if old in values})
        return _(msgid) % values
    if problem.code:
        return i18n.say(problem, i18n.current_locale.get(), SHOWN)
    return _(problem.message)


def status_of(exc: WinwinError) -> int:
    """The API's status, except that a refused form (rule broken or not) is 422 on pages."""
    return 422 if isinstance(exc, InvalidInput) else status_for(exc)


def problems_by_field(
    request: Request, exc: WinwinError, default: str = ""
) -> dict[str, list[str]]:
    """The refusal's messages by form field ("" for those that name no field we show),
    in the page's language."""
    found: dict[str, list[str]] = {}
    problems = exc.problems if isinstance(exc, InvalidInput) else []
    token = i18n.current_locale.set(request_locale(request))
    try:
        if not problems:
            found.setdefault(default, []).append(translate_problem(exc.problem))
        for problem in problems:
            path = re.sub(r"\[\d+\]$", "", problem.path)
            field = FIELDS.get(path, default if not path else "")
            found.setdefault(field, []).append(translate_problem(problem))
    finally:
        i18n.current_locale.reset(token)
    return found


def _lines(text: str) -> list[str]:
    return [p.strip() for p in text.replace(",", "\n").splitlines() if p.strip()]


def _draft(form: dict[str, str], known: KnownOrgs) -> ItemDraft:
    """The composer's item: named partners and exclusions come from the pickers and tick
    boxes (by key, or by a name the organisation knows), as on the feed."""
    level = form.get("level", "partners")
    return ItemDraft(
        title=form.get("title") or None,
        body=form.get("body", ""),
        topics=_lines(form.get("topics", "")),
        level=level,
        orgs=(
            [known.resolve(v, "partners") for v in _lines(form.get("orgs", ""))]
            if level == "direct"
            else ()
        ),
        circle=(form.get("circle") or None) if level == "circle" else None,
        exclude=exclusions_of_form(form, known),
    )


def _org_query(org: Organization | None) -> str:
    return f"?org={org.key}" if org is not None else ""


def _person(actor: Actor | None, viewer: object | None) -> int | None:
    """The person taking part: someone acting for an organisation, or an outsider."""
    if actor is None or (viewer is None and not actor.is_outsider):
        return None
    return actor.user_id


def _columns(entries: list[EntrySummary], kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    """For each kind, its stages in order with the entries in each."""
    return [
        {
            "kind": kind,
            "stages": [
                (stage, [e for e in entries if e.kind == kind and e.stage == stage])
                for stage in rules.STAGES[kind]
            ],
        }
        for kind in kinds
    ]


# --- the board -----------------------------------------------------------------------------


def board_page(
    request: Request,
    session: Session,
    org: Organization | None,
    actor: Actor | None,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    """The board: ``org`` None is the public board (the anonymous view)."""
    viewer = actor.acting if org is not None and actor is not None else None
    asked = request.query_params.get("kind")
    kind = asked if asked in rules.KINDS else None
    entries = innovation.list_entries(session, viewer=viewer, user_id=_person(actor, viewer))
    shown = [e for e in entries if kind is None or e.kind == kind]
    challenges = [e for e in entries if e.kind == "challenge"]
    context: dict[str, Any] = {
        "nav": "innovation",
        "org": org,
        "q": _org_query(org),
        "public": org is None,
        "kind": kind,
        "board": _columns(shown, (kind,) if kind else rules.KINDS),
        "titles": {c.key: c.title for c in challenges},
        "levels": LEVEL_LABELS,
        "flash": request.query_params.get("done"),
    }
    if org is not None and viewer is not None:
        preselected = request.query_params.get("challenge") or ""
        circles = [c for c in sharing.circles_of(session, org=viewer) if c["status"] == "member"]
        form = extra.get("form") or {
            "kind": "idea" if preselected or kind == "idea" else (kind or "challenge"),
            "level": "partners",
            "challenge": preselected,
        }
        composer = composer_context(request, session, viewer, form)
        context.update(
            {
                "open_challenges": [c for c in challenges if rules.takes_ideas(c.stage)],
                "my_circles": circles,
                "form": form,
                "errors": {},
                "pick": composer["pick"],
                "words": composer["words"],
            }
        )
    context.update(extra)
    return render(request, "innovation/board.html", context, status_code=status_code)


@router.get("/innovation", name="innovation")
def board(request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg) -> Response:
    return board_page(request, session, org, actor)


@router.get("/public/innovation", name="innovation_public")
def public_board(request: Request, actor: OptionalUser, session: SessionDep) -> Response:
    return board_page(request, session, None, actor)


@router.post("/innovation", name="innovation_create")
def create(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg, posted: PostedForm
) -> Response:
    form = form_fields(posted)
    kind = form.get("kind", "")
    challenge = (form.get("challenge") or "").strip() or None
    try:
        done = innovation.create_entry(
            session,
            by=actor,
            kind=kind,
            draft=_draft(form, picking.known_orgs(session, viewer=require_acting(actor))),
            challenge=challenge,
        )
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        session.rollback()
        return board_page(
            request,
            session,
            org,
            actor,
            status_code=status_of(exc),
            form=form,
            errors=problems_by_field(request, exc),
        )
    if done.warnings:
        # Hub-and-spoke warnings are not refusals, but the person must read them.
        return board_page(request, session, org, actor, created=done.key, warnings=done.warnings)
    return RedirectResponse(f"/innovation/{done.key}?org={org.key}&done=created", status_code=303)


# --- one entry -----------------------------------------------------------------------------


def entry_page(
    request: Request,
    session: Session,
    key: str,
    org: Organization | None,
    actor: Actor | None,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    viewer = actor.acting if org is not None and actor is not None else None
    user_id = _person(actor, viewer)
    detail = innovation.open_entry(session, viewer=viewer, user_id=user_id, key=key, via="web")
    summary = detail.summary
    path = list(
        rules.STAGES[summary.kind][:5] if summary.kind == "idea" else rules.CHALLENGE_STAGES
    )
    owner_side = org is not None and org.key == summary.owner
    context: dict[str, Any] = {
        "nav": "innovation",
        "org": org,
        "q": _org_query(org),
        "detail": detail,
        "entry": summary,
        "item": detail.item,
        "levels": LEVEL_LABELS,
        "challenge_title": summary.challenge_title,
        "stage_path": path,
        "stage_index": path.index(summary.stage) if summary.stage in path else -1,
        "owner_side": owner_side,
        "takes_ideas": summary.kind == "challenge" and rules.takes_ideas(summary.stage),
        "flash": request.query_params.get("done"),
        "errors": {},
        "form": {},
        "outsider": actor is not None and actor.is_outsider,
    }
    context.update(extra)
    return render(request, "innovation/entry.html", context, status_code=status_code)


def _refused(
    request: Request,
    session: Session,
    key: str,
    org: Organization,
    actor: Actor,
    exc: WinwinError,
    default: str,
    form: dict[str, str] | None = None,
) -> Response:
    session.rollback()
    return entry_page(
        request,
        session,
        key,
        org,
        actor,
        status_code=status_of(exc),
        errors=problems_by_field(request, exc, default),
        form=form or {},
    )


def _back(key: str, org: Organization, done: str, anchor: str = "") -> Response:
    target = f"/innovation/{key}?org={org.key}&done={done}{anchor}"
    return RedirectResponse(target, status_code=303)


@router.get("/innovation/{key}", name="innovation_entry")
def entry(key: str, request: Request, actor: OptionalUser, session: SessionDep) -> Response:
    org = None
    if actor is not None and not actor.is_outsider:
        actor = acting_for_page(request, actor, session)
        org = get_current_org(request, actor, session)
    return entry_page(request, session, key, org, actor)


# --- an outsider taking part (a person of no member organisation) -----------------------------


def _outsider(actor: Actor) -> Actor:
    """An outsider taking part; these routes answer 404 to anyone else, as if absent."""
    if not actor.is_outsider:
        raise NotFound("there is no such page")
    return actor


def _outsider_back(key: str, done: str, anchor: str = "") -> Response:
    return RedirectResponse(f"/innovation/{key}?done={done}{anchor}", status_code=303)


def _outsider_refused(
    request: Request,
    session: Session,
    key: str,
    actor: Actor,
    exc: WinwinError,
    default: str,
    form: dict[str, str] | None = None,
) -> Response:
    session.rollback()
    return entry_page(
        request,
        session,
        key,
        None,
        actor,
        status_code=status_of(exc),
        errors=problems_by_field(request, exc, default),
        form=form or {},
    )


@router.post("/public/innovation/{key}/ideas", name="innovation_public_idea")
def propose_idea(
    key: str,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    title: Annotated[str, Form(max_length=1000)] = "",
    body: CommentText = "",
) -> Response:
    """An outsider's idea for a public challenge: public, owned by the challenge's owner."""
    by = _outsider(actor)
    draft = ItemDraft(title=title.strip() or None, body=body, topics=(), level="public")
    try:
        done = innovation.create_entry(session, by=by, kind="idea", draft=draft, challenge=key)
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        session.rollback()
        errors: dict[str, list[str]] = {}
        for messages in problems_by_field(request, exc, "idea").values():
            errors.setdefault("idea", []).extend(messages)
        return entry_page(
            request,
            session,
            key,
            None,
            actor,
            status_code=status_of(exc),
            errors=errors,
            form={"title": title, "idea_body": body},
        )
    return _outsider_back(done.key, "proposed")


@router.post("/public/innovation/{key}/comments", name="innovation_public_comment")
def outsider_comment(
    key: str, request: Request, actor: CurrentUser, session: SessionDep, body: CommentText = ""
) -> Response:
    by = _outsider(actor)
    try:
        innovation.add_comment(session, by=by, key=key, body=body)
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        return _outsider_refused(request, session, key, actor, exc, "body", {"body": body})
    return _outsider_back(key, "commented", "#comments-title")


@router.post(
    "/public/innovation/{key}/comments/{comment_id}/delete", name="innovation_public_uncomment"
)
def outsider_delete_comment(
    key: str, comment_id: IdPath, request: Request, actor: CurrentUser, session: SessionDep
) -> Response:
    by = _outsider(actor)
    try:
        innovation.delete_comment(session, by=by, key=key, comment_id=comment_id)
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        return _outsider_refused(request, session, key, actor, exc, "comments")
    return _outsider_back(key, "uncommented", "#comments-title")


@router.post("/public/innovation/{key}/vote", name="innovation_public_vote")
def outsider_vote(
    key: str, request: Request, actor: CurrentUser, session: SessionDep, vote: Choice = "1"
) -> Response:
    wanted = vote == "1"
    votes = innovation.set_vote(session, by=_outsider(actor), key=key, vote=wanted)
    if request.headers.get("hx-request") == "true":
        return render(
            request,
            "innovation/_vote.html",
            {
                "key": key,
                "votes": votes,
                "voted": wanted,
                "can_vote": True,
                "q": "",
                "act": "/public/innovation",
            },
        )
    return _outsider_back(key, "voted" if wanted else "unvoted", "#votes")


@router.post("/innovation/{key}/comments", name="innovation_comment")
def comment(
    key: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    body: CommentText = "",
) -> Response:
    try:
        innovation.add_comment(session, by=actor, key=key, body=body)
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        return _refused(request, session, key, org, actor, exc, "body", {"body": body})
    return _back(key, org, "commented", "#comments-title")


@router.post("/innovation/{key}/comments/{comment_id}/delete", name="innovation_uncomment")
def delete_comment(
    key: str,
    comment_id: IdPath,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
) -> Response:
    try:
        innovation.delete_comment(session, by=actor, key=key, comment_id=comment_id)
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        return _refused(request, session, key, org, actor, exc, "comments")
    return _back(key, org, "uncommented", "#comments-title")


@router.post("/innovation/{key}/vote", name="innovation_vote")
def toggle_vote(
    key: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    vote: Choice = "1",
) -> Response:
    """Give or take back a vote; htmx swaps the vote box, a plain form is redirected."""
    wanted = vote == "1"
    votes = innovation.set_vote(session, by=actor, key=key, vote=wanted)
    if request.headers.get("hx-request") == "true":
        return render(
            request,
            "innovation/_vote.html",
            {"key": key, "votes": votes, "voted": wanted, "can_vote": True, "q": _org_query(org)},
        )
    return _back(key, org, "voted" if wanted else "unvoted", "#votes")


@router.post("/innovation/{key}/coauthors", name="innovation_coauthor")
def add_coauthor(
    key: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    email: Email = "",
    person: Annotated[int | None, Form(ge=1, le=2_147_483_647)] = None,
) -> Response:
    """Name a co-author chosen in the people picker (``person``) or typed by e-mail."""
    kept = {"email": email}
    try:
        if person is None and not email.strip():
            raise InvalidInput(Problem("email", NO_ONE_NAMED))
        innovation.add_coauthor(
            session,
            by=actor,
            key=key,
            email=None if person is not None else email,
            person_id=person,
        )
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        return _refused(request, session, key, org, actor, exc, "email", kept)
    return _back(key, org, "coauthor-added", "#coauthors-title")


NO_ONE_NAMED = N_("Choose a person from the list or type their e-mail")
PICKER_ID = re.compile(r"[a-z][a-z0-9-]{0,40}")


@router.get("/pick/people", name="pick_people")
def pick_people(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    entry: Annotated[str, Query(alias="for", max_length=200)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    picker: Annotated[str, Query(max_length=41)] = "picker",
) -> Response:
    """Suggestions of the co-author picker (htmx): people whom naming a co-author of
    ``for`` would accept, in organisations the acting one knows by name."""
    if not PICKER_ID.fullmatch(picker):
        raise InvalidInput(Problem("picker", "use a-z, digits and '-'"))
    found = innovation.coauthor_suggestions(session, by=actor, key=entry, text=q)
    return render(
        request,
        "innovation/_people_options.html",
        {"suggestions": found, "picker": picker, "q": q.strip()},
    )


@router.post("/innovation/{key}/coauthors/remove", name="innovation_uncoauthor")
def remove_coauthor(
    key: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    email: Email = "",
    person: Annotated[int | None, Form(ge=1, le=2_147_483_647)] = None,
) -> Response:
    """Remove a co-author named by the button beside them (``person``) or by email."""
    try:
        innovation.remove_coauthor(
            session,
            by=actor,
            key=key,
            email=None if person is not None else email,
            person_id=person,
        )
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        return _refused(request, session, key, org, actor, exc, "remove_email", {"remove": email})
    except NotFound as exc:
        # Not a co-author is a mistake in the form; the page itself still answers 404
        # when the entry is not visible (entry_page asks the checkpoint again).
        refused = InvalidInput(exc.problem)
        return _refused(
            request, session, key, org, actor, refused, "remove_email", {"remove": email}
        )
    return _back(key, org, "coauthor-removed", "#coauthors-title")


@router.post("/innovation/{key}/stage", name="innovation_stage")
def move_stage(
    key: str,
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    stage: Choice = "",
) -> Response:
    try:
        innovation.move_stage(session, by=actor, key=key, stage=stage)
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        return _refused(request, session, key, org, actor, exc, "stage")
    return _back(key, org, "moved", "#stage-title")


@dashboard_panel("innovation", "innovation/dashboard_panel.html")
def innovation_panel(session: Session, actor: Actor, org: Organization) -> dict[str, Any] | None:
    """Open challenges the organisation may answer, and its own ideas under way."""
    viewer = require_acting(actor)
    challenges = innovation.list_entries(
        session, viewer=viewer, user_id=actor.user_id, kind="challenge", stage="open", limit=4
    )
    ideas = [
        e
        for e in innovation.list_entries(
            session, viewer=viewer, user_id=actor.user_id, kind="idea", owner=org.key, limit=50
        )
        if e.stage in ("discussed", "developing", "piloting")
    ][:4]
    if not challenges and not ideas:
        return None
    return {"challenges": challenges, "ideas": ideas}
