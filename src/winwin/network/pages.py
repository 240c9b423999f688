"""The ties page (our ties and proposals, competitors we declared, the log) and the
overlap page with each organisation we have a tie with."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, can_manage_org, require_acting
from winwin.http.deps import SessionDep
from winwin.http.errors import status_for
from winwin.http.page_deps import ActingUser, CurrentOrg, PostedForm
from winwin.http.templating import render
from winwin.kernel.errors import InvalidInput, NotFound, WinwinError
from winwin.network import tie_sharing, ties
from winwin.network.models import Organization
from winwin.sharing import picking

router = APIRouter(prefix="/org")

KEY_FIELD = Annotated[str, Form(max_length=100)]


def ties_page(
    request: Request,
    session: Session,
    actor: Actor,
    org: Organization,
    *,
    status_code: int = 200,
    error: WinwinError | None = None,
    propose: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    listed = ties.list_ties(session, actor, org=org.key)
    manage = can_manage_org(actor, org.id)
    declared = ties.competitors_declared_by(session, actor, org=org.key) if manage else []
    sharing = tie_sharing.sharing_settings(session, org=org.key, actor=actor) if manage else None
    log = ties.tie_log(session, actor, org=org.key, limit=100) if manage else []
    names = ties.org_names(
        session,
        [t["with"] for t in listed["ties"]]
        + declared
        + [row["with"] for row in (sharing or {}).get("partners", [])],
    )
    known = picking.known_orgs(session, viewer=require_acting(actor))
    accepted = [t for t in listed["ties"] if t["state"] == "accepted"]
    waiting = [t for t in listed["ties"] if t["state"] == "proposed"]
    context: dict[str, Any] = {
        "nav": "org",
        "org": org,
        "can_manage": manage,
        "accepted": accepted,
        "incoming": [t for t in waiting if t["proposed_by"] != org.key],
        "outgoing": [t for t in waiting if t["proposed_by"] == org.key],
        "competitors": declared,
        "sharing": sharing,
        "log": log,
        "names": names,
        "error": error,
        "propose": propose or {},
        "declare": {},
        "flash": request.query_params.get("done"),
        "invite": {},
        # The pickers suggest the organisations we may find by name (sharing.directory).
        "known_orgs": known.choices("visible"),
    }
    context.update(extra)
    return render(request, "network/ties.html", context, status_code=status_code)


def _named(session: Session, actor: Actor, text: str) -> str:
    """The key that the picker's text names: a key, or the name of an organisation we know
    by name; otherwise the text itself, which the service refuses as any unknown key."""
    return picking.known_orgs(session, viewer=require_acting(actor)).resolve(text)


def _back(org: Organization, done: str) -> RedirectResponse:
    return RedirectResponse(f"/org/ties?org={org.key}&done={done}", status_code=303)


@router.get("/ties", name="org_ties")
def ties_view(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg
) -> Response:
    return ties_page(request, session, actor, org)


@router.post("/ties", name="org_ties_propose")
def propose(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    other: KEY_FIELD,
    kind: Annotated[str, Form(max_length=16)],
) -> Response:
    chosen = _named(session, actor, other)
    try:
        ties.propose_tie(session, actor, by=org.key, other=chosen, kind=kind)
    except (InvalidInput, NotFound) as exc:
        session.rollback()
        return ties_page(
            request,
            session,
            actor,
            org,
            status_code=status_for(exc),
            error=exc,
            propose={"other": chosen, "kind": kind},
        )
    return _back(org, "proposed")


ACTIONS = ("accept", "decline", "withdraw", "end")


@router.post("/ties/{other}/{action}", name="org_ties_change")
def change(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    other: str,
    action: str,
    kind: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    if action not in ACTIONS:
        raise NotFound("there is no such page")
    try:
        if action in ("accept", "decline"):
            ties.answer_tie(session, actor, by=org.key, other=other, accept=action == "accept")
        elif action == "withdraw":
            ties.withdraw_tie(session, actor, by=org.key, other=other)
        else:
            ties.end_tie(session, actor, by=org.key, other=other, kind=kind or None)
    except InvalidInput as exc:
        session.rollback()
        return ties_page(request, session, actor, org, status_code=status_for(exc), error=exc)
    return _back(org, action)


@router.post("/tie-sharing", name="org_tie_sharing")
def set_tie_sharing(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg, form: PostedForm
) -> Response:
    """The default level and one level per partner (``level-KEY``; empty: the default)."""
    try:
        default = str(form.get("default") or "")
        tie_sharing.set_sharing(session, org=org.key, level=default or None, actor=actor)
        for name, value in form.multi_items():
            if name.startswith("level-"):
                tie_sharing.set_sharing(
                    session,
                    org=org.key,
                    level=str(value) or None,
                    partner=name.removeprefix("level-"),
                    actor=actor,
                )
    except (InvalidInput, NotFound) as exc:
        session.rollback()
        return ties_page(request, session, actor, org, status_code=status_for(exc), error=exc)
    return _back(org, "shared")


@router.post("/competitors", name="org_competitors_declare")
def declare(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    other: KEY_FIELD,
) -> Response:
    chosen = _named(session, actor, other)
    try:
        ties.declare_competitor(session, actor, by=org.key, other=chosen)
    except InvalidInput as exc:
        session.rollback()
        return ties_page(
            request,
            session,
            actor,
            org,
            status_code=status_for(exc),
            error=exc,
            declare={"other": chosen},
        )
    return _back(org, "declared")


@router.post("/competitors/{other}/withdraw", name="org_competitors_withdraw")
def undeclare(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg, other: str
) -> Response:
    try:
        ties.withdraw_competitor(session, actor, by=org.key, other=other)
    except InvalidInput as exc:
        session.rollback()
        return ties_page(request, session, actor, org, status_code=status_for(exc), error=exc)
    return _back(org, "undeclared")


@router.get("/overlap/{other}", name="org_overlap")
def overlap_view(
    request: Request, actor: ActingUser, session: SessionDep, org: CurrentOrg, other: str
) -> Response:
    """Account mapping with ``other``, as far as ``other`` shares it with us."""
    found = tie_sharing.overlap(session, org=org.key, other=other, actor=actor)
    listed = (
        (found.common or []) + (found.their_other_customers or []) + (found.ours_not_theirs or [])
    )
    context: dict[str, Any] = {
        "nav": "org",
        "org": org,
        "found": found,
        "ours": tie_sharing.setting_for(session, org=org.key, other=found.other),
        "names": ties.org_names(session, [found.other, *listed]),
    }
    return render(request, "network/overlap.html", context)
