"""Pages of joint action plans.

- the plan on the relationship page (``plan_context``, included by its template): the
  actions beside the radar, each open one beside its factor, and the form to add one;
- ``POST /relationships/{a}/{b}/actions``: add an action;
- ``/actions/{id}``: one action, its history and the form to change it;
- ``POST /actions/{id}/status``: move it (dropped with a reason);
- the dashboard's panel of overdue actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts import service as accounts
from winwin.accounts.access import Actor, can_manage_org
from winwin.actions import follow_up, rules
from winwin.actions import service as actions
from winwin.assessments.score import FACTORS
from winwin.assessments.scoring import RelationshipScore
from winwin.assessments.service import can_run_relationship, reader_for
from winwin.assessments.wording import factor_label
from winwin.http import i18n
from winwin.http.dashboard import dashboard_panel
from winwin.http.deps import CurrentUser, IdPath, SessionDep
from winwin.http.i18n import gettext as _
from winwin.http.page_deps import PostedForm
from winwin.http.templating import render
from winwin.kernel.errors import InvalidInput, Problem, WinwinError
from winwin.network.models import Organization

router = APIRouter()


def N_(msgid: str) -> str:
    """Marks a message for translation where it is defined; translated when shown."""
    return msgid


FIELD_LABELS = {
    "title": N_("Title"),
    "description": N_("Description (**bold**, *italic* and lists work)"),
    "factor": N_("Factor it should raise"),
    "due": N_("Due"),
    "owner": N_("Owners"),
    "by": N_("On behalf of"),
    "status": N_("New status"),
    "reason": N_("Reason (when dropped)"),
}


class _Labels(dict[str, str]):
    def __missing__(self, path: str) -> str:
        return path


def problem_context() -> dict[str, Any]:
    """``say`` and ``field_labels`` for ``problems.html``, in the page's language: a
    refusal is said by its code, with statuses by their labels."""
    return {
        "say": say,
        "field_labels": _Labels({k: _(v) for k, v in FIELD_LABELS.items()}),
    }


def say(problem: Problem) -> str:
    return i18n.say(problem, i18n.current_locale.get(), SHOWN)


def _status_word(status: str) -> str:
    return status_label(status) if status in rules.STATUSES else status


def _status_words(statuses: str) -> str:
    return ", ".join(_status_word(s) for s in statuses.split(", "))


SHOWN = {"status": _status_word, "allowed": _status_words, "statuses": _status_words}


def status_label(status: str) -> str:
    return {
        "planned": _("planned"),
        "doing": _("doing"),
        "done": _("done"),
        "dropped": _("dropped"),
    }[status]


def _people(session: Session, orgs: list[Organization]) -> dict[str, list[tuple[str, str]]]:
    return {
        o.key: [(p.email, p.name) for p in accounts.people_of_org(session, o.id) if p.active]
        for o in orgs
    }


def plan_context(session: Session, actor: Actor, orgs: list[Organization]) -> dict[str, Any]:
    """What the relationship page shows of the plan (the caller has checked access)."""
    ids = [o.id for o in orgs]
    plan = actions.list_actions(session, actor=actor, between=[o.key for o in orgs])
    by_factor: dict[str, list[actions.ActionRead]] = {f: [] for f in FACTORS}
    for a in plan:
        if a.open:
            by_factor[a.factor].append(a)
    can_add = can_run_relationship(actor, ids)
    return {
        "plan": plan,
        "open_by_factor": by_factor,
        "can_add": can_add,
        "editable": actions.editable_of_pair(session, actor=actor, a_id=ids[0], b_id=ids[1]),
        "sides_to_act_for": [o.key for o in orgs if can_manage_org(actor, o.id)],
        "people": _people(session, orgs) if can_add else {},
        "factors": FACTORS,
        "statuses": rules.STATUSES,
        "transitions": rules.TRANSITIONS,
        "status_label": status_label,
        "factor_label": factor_label,
    }


def _refused(request: Request, error: WinwinError, back: str) -> Response:
    return render(
        request,
        "actions/refused.html",
        {"nav": "relationships", "error": error, "back": back, **problem_context()},
        status_code=422,
    )


def _relationship_url(relationship: tuple[str, str] | list[str]) -> str:
    return f"/relationships/{relationship[0]}/{relationship[1]}"


@router.post("/relationships/{a}/{b}/actions", name="add_action")
def add_action(
    a: str, b: str, request: Request, actor: CurrentUser, session: SessionDep, form: PostedForm
) -> Response:
    values = {
        k: str(form.get(k) or "").strip()
        for k in ("by", "factor", "title", "description", "due", "owner_a", "owner_b")
    }
    back = _relationship_url(sorted((a, b)))
    try:
        made = actions.add_action(
            session,
            actor=actor,
            between=[a, b],
            by=values["by"],
            factor=values["factor"],
            title=values["title"],
            description=values["description"],
            due=values["due"] or None,
            owners=[v for v in (values["owner_a"], values["owner_b"]) if v],
        )
    except InvalidInput as exc:
        session.rollback()
        return _refused(request, exc, back)
    return RedirectResponse(f"{back}#action-{made.id}", status_code=303)


def _action_page(
    request: Request,
    session: Session,
    actor: Actor,
    action_id: int,
    *,
    error: WinwinError | None = None,
) -> Response:
    found = actions.get_action(session, actor=actor, action_id=action_id)
    stored = actions.stored_action(session, actor=actor, action_id=action_id)
    orgs = actions.orgs_by_id(session, [stored.a_id, stored.b_id])
    pair = [orgs[stored.a_id], orgs[stored.b_id]]
    editable = actions.can_edit(actor, stored)
    return render(
        request,
        "actions/action.html",
        {
            "nav": "relationships",
            "action": found,
            "history": actions.history(session, actor=actor, action_id=action_id),
            "editable": editable,
            "people": _people(session, pair) if editable else {},
            "names": {o.key: o.name for o in pair},
            "factors": FACTORS,
            "transitions": rules.TRANSITIONS,
            "status_label": status_label,
            "factor_label": factor_label,
            "error": error,
            **problem_context(),
        },
        status_code=422 if error else 200,
    )


@router.get("/actions/{action_id}", name="action")
def action_page(
    action_id: IdPath, request: Request, actor: CurrentUser, session: SessionDep
) -> Response:
    return _action_page(request, session, actor, action_id)


@router.post("/actions/{action_id}", name="update_action")
def update_action(
    action_id: IdPath, request: Request, actor: CurrentUser, session: SessionDep, form: PostedForm
) -> Response:
    values = {
        k: str(form.get(k) or "").strip()
        for k in ("factor", "title", "description", "due", "owner_a", "owner_b")
    }
    try:
        actions.update_action(
            session,
            actor=actor,
            action_id=action_id,
            title=values["title"],
            description=values["description"],
            factor=values["factor"],
            due=values["due"] or None,
            owners=[v for v in (values["owner_a"], values["owner_b"]) if v],
        )
    except InvalidInput as exc:
        session.rollback()
        return _action_page(request, session, actor, action_id, error=exc)
    return RedirectResponse(f"/actions/{action_id}", status_code=303)


@router.post("/actions/{action_id}/status", name="action_status")
def move_action(
    action_id: IdPath, request: Request, actor: CurrentUser, session: SessionDep, form: PostedForm
) -> Response:
    status = str(form.get("status") or "").strip()
    reason = str(form.get("reason") or "").strip() or None
    try:
        moved = actions.set_status(
            session, actor=actor, action_id=action_id, status=status, reason=reason
        )
    except InvalidInput as exc:
        session.rollback()
        return _action_page(request, session, actor, action_id, error=exc)
    back = str(form.get("back") or "")
    if back == "relationship":
        return RedirectResponse(
            f"{_relationship_url(moved.relationship)}#action-{moved.id}", status_code=303
        )
    return RedirectResponse(f"/actions/{action_id}", status_code=303)


def what_moved_context(
    session: Session, history: Sequence[RelationshipScore], shown: RelationshipScore
) -> dict[str, Any] | None:
    """What moved up to the shown round, once it is closed: the change from the scored
    round before it, per side and factor, with the actions aimed at each factor."""
    upto = [s for s in history if s.round <= shown.round]
    two = follow_up.latest_two(upto)
    if two is None or two[1].round != shown.round:
        return None
    if shown.status != "closed":
        return {"pending": shown.round, "before": two[0].round}
    (moved,) = follow_up.compare_pairs(session, [two])
    return {
        "moved": moved,
        "factors": FACTORS,
        "factor_label": factor_label,
        "status_label": status_label,
        "noise_label": noise_label,
    }


def noise_label(beyond: bool | None) -> str:
    if beyond is None:
        return _("too few respondents to tell")
    return _("beyond noise") if beyond else _("within noise")


def moves_context(session: Session, actor: Actor, org_ids: Sequence[int]) -> dict[str, Any]:
    return {
        "moves": follow_up.ranked_moves(session, org_ids=org_ids, reader=reader_for(actor)),
        "noise_label": noise_label,
    }


@dashboard_panel("moved", "actions/dashboard_moved.html")
def moved_panel(session: Session, actor: Actor, org: Organization) -> dict[str, Any] | None:
    """The organisation's relationships ranked by the change in R between their last two
    scored rounds."""
    context = moves_context(session, actor, [org.id])
    return context if context["moves"] else None


@dashboard_panel("actions", "actions/dashboard_panel.html")
def overdue_panel(session: Session, actor: Actor, org: Organization) -> dict[str, Any] | None:
    """The organisation's overdue joint actions, oldest due date first."""
    overdue = actions.overdue_of_org(session, org_id=org.id)
    if not overdue:
        return None
    return {
        "overdue": overdue[:10],
        "total": len(overdue),
        "status_label": status_label,
        "factor_label": factor_label,
    }
