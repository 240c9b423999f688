"""Pages of agreements: the list with proposals and the competition-sensitive topics, one
agreement with its history, proposing, answering, revising and ending.

Mounted by ``sharing.pages``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts.access import TOPIC_EDITORS, Actor, require_acting, require_topic_editor
from winwin.http.deps import SessionDep
from winwin.http.page_deps import ActingUser, CurrentOrg
from winwin.http.templating import render
from winwin.kernel.errors import InvalidInput, NotFound, Problem, WinwinError
from winwin.network.models import Organization
from winwin.sharing import feed, picking
from winwin.sharing import service as sharing
from winwin.sharing.composer_pages import lines, names_for, picker_context, said

router = APIRouter()

Short = Annotated[str, Form(max_length=2_000)]


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
    picked = picker_context(session, viewer)
    keys = {a["with"] for a in found["agreements"]} | {p["with"] for p in found["proposals"]}
    context = {
        "nav": "agreements",
        "org": org,
        **found,
        "flash": request.query_params.get("done"),
        "sensitive_topics": feed.sensitive_topics(session),
        "topic_editors": TOPIC_EDITORS,
        "names": names_for(session, keys, picked["known"]),
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
            topics=lines(topics),
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
    if answer not in ("accept", "decline", "withdraw"):
        raise InvalidInput(Problem("answer", "use accept, decline or withdraw"))
    sharing.settle_proposal(
        session, proposal_id=proposal_id, org=viewer, answer=answer, user_id=actor.user_id
    )
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
                session, by=viewer, partner=partner, topics=lines(topics), user_id=actor.user_id
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
            errors=said(request, exc),
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
    old list can be restored from the page that follows."""
    require_topic_editor(actor)
    previous = feed.sensitive_topics(session)
    try:
        sharing.set_sensitive_topics(session, topics=lines(topics))
    except WinwinError as exc:
        session.rollback()
        return agreements_page(
            request, session, actor, org, status_code=422, topics_error=exc, topics_form=topics
        )
    return agreements_page(
        request, session, actor, org, flash="topics", previous_topics=", ".join(previous)
    )
