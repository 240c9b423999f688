"""Pages of open innovation: the board and the entry page.

- ``/innovation``: the challenges and ideas the organisation may see, by stage
  (``?kind=challenge`` or ``?kind=idea`` shows one kind), with the composer.
- ``/public/innovation``: the public challenges and ideas, for anyone.
- ``/innovation/{key}``: one entry with its comments, votes, co-authors, stage moves and
  history; public entries open without signing in.

Taking part is in ``innovation.taking_part_pages`` (comments, votes, co-authors and stage
moves) and ``innovation.outsider_pages`` (an outsider, a person of no member
organisation, comments, votes and proposes ideas on public entries; they read through
these pages, as an anonymous reader does); both show a refusal on the entry page
(:func:`refused`).

Every read and every action goes through ``innovation.service`` (and so through the
one visibility checkpoint); the organisation acting is ``CurrentOrg``, as on the feed.
Refusals are shown beside the field they name, with what the person typed kept
(``innovation.wording``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, require_acting
from winwin.http.dashboard import dashboard_panel
from winwin.http.deps import OptionalUser, SessionDep
from winwin.http.page_deps import (
    ActingUser,
    CurrentOrg,
    PostedForm,
    acting_for_page,
    get_current_org,
)
from winwin.http.templating import render
from winwin.innovation import service as innovation
from winwin.innovation import stages as rules
from winwin.innovation.service import EntrySummary
from winwin.innovation.wording import problems_by_field, status_of
from winwin.kernel.errors import Conflict, InvalidInput, PermissionDenied, WinwinError
from winwin.kernel.identity import Viewer
from winwin.network.models import Organization
from winwin.sharing import picking
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


@dataclass(frozen=True)
class Reader:
    """Who reads the board or an entry, as the service asks: the organisation acting
    (``acting`` None: the public view, as anyone may read it) and the person who may take
    part (``person`` None: nobody, as for a signed-out reader)."""

    acting: Viewer | None = None
    person: int | None = None
    outsider: bool = False

    @classmethod
    def of(cls, actor: Actor, org: Organization | None) -> Reader:
        """``actor`` reading for ``org`` (None: the public view). A member on the public
        board reads as anyone may and takes no part there; an outsider takes part."""
        acting = actor.acting if org is not None else None
        takes_part = acting is not None or actor.is_outsider
        return cls(acting, actor.user_id if takes_part else None, actor.is_outsider)


#: A reader who is not signed in: the public board and public entries open for them.
SIGNED_OUT = Reader()


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


def org_query(org: Organization | None) -> str:
    return f"?org={org.key}" if org is not None else ""


def back(key: str, org: Organization | None, done: str, anchor: str = "") -> Response:
    """Back to the entry page after an action, saying what was ``done``."""
    asked = f"org={org.key}&" if org is not None else ""
    return RedirectResponse(f"/innovation/{key}?{asked}done={done}{anchor}", status_code=303)


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
    reader: Reader,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    """The board: ``org`` None is the public board (the anonymous view)."""
    viewer = reader.acting
    asked = request.query_params.get("kind")
    kind = asked if asked in rules.KINDS else None
    entries = innovation.list_entries(session, viewer=viewer, user_id=reader.person)
    shown = [e for e in entries if kind is None or e.kind == kind]
    challenges = [e for e in entries if e.kind == "challenge"]
    context: dict[str, Any] = {
        "nav": "innovation",
        "org": org,
        "q": org_query(org),
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
    return board_page(request, session, org, Reader.of(actor, org))


@router.get("/public/innovation", name="innovation_public")
def public_board(request: Request, actor: OptionalUser, session: SessionDep) -> Response:
    reader = SIGNED_OUT if actor is None else Reader.of(actor, None)
    return board_page(request, session, None, reader)


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
            Reader.of(actor, org),
            status_code=status_of(exc),
            form=form,
            errors=problems_by_field(request, exc),
        )
    if done.warnings:
        # Hub-and-spoke warnings are not refusals, but the person must read them.
        reader = Reader.of(actor, org)
        return board_page(request, session, org, reader, created=done.key, warnings=done.warnings)
    return back(done.key, org, "created")


# --- one entry -----------------------------------------------------------------------------


def entry_page(
    request: Request,
    session: Session,
    key: str,
    org: Organization | None,
    reader: Reader,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    detail = innovation.open_entry(
        session, viewer=reader.acting, user_id=reader.person, key=key, via="web"
    )
    summary = detail.summary
    path = list(
        rules.STAGES[summary.kind][:5] if summary.kind == "idea" else rules.CHALLENGE_STAGES
    )
    owner_side = org is not None and org.key == summary.owner
    context: dict[str, Any] = {
        "nav": "innovation",
        "org": org,
        "q": org_query(org),
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
        "outsider": reader.outsider,
    }
    context.update(extra)
    return render(request, "innovation/entry.html", context, status_code=status_code)


def refused(
    request: Request,
    session: Session,
    key: str,
    org: Organization | None,
    actor: Actor,
    exc: WinwinError,
    default: str,
    form: dict[str, str] | None = None,
) -> Response:
    """The entry page again after ``actor``'s form was refused, with the refusal beside
    the field it names (``default`` for one that names none) and what they typed kept."""
    session.rollback()
    return entry_page(
        request,
        session,
        key,
        org,
        Reader.of(actor, org),
        status_code=status_of(exc),
        errors=problems_by_field(request, exc, default),
        form=form or {},
    )


@router.get("/innovation/{key}", name="innovation_entry")
def entry(key: str, request: Request, actor: OptionalUser, session: SessionDep) -> Response:
    if actor is None:
        return entry_page(request, session, key, None, SIGNED_OUT)
    org = None
    if not actor.is_outsider:
        actor = acting_for_page(request, actor, session)
        org = get_current_org(request, actor, session)
    return entry_page(request, session, key, org, Reader.of(actor, org))


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
