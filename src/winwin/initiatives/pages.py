"""Pages of joint initiatives (Finnish and English).

- ``/initiatives``: the initiatives I may see, and the form to propose one;
- ``/initiatives/{id}``: parties and their answers, contributions, the sharing model
  explained in plain words with the shares and the core test, the versions, the forms
  for the steps the person may take (for the organisations they act for), and the
  frozen agreement, printable and as a PDF.

Every read goes through ``initiatives.service.read`` (the one checkpoint); every change
through the same service calls as the command line and REST.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, accessible_orgs, can_manage_org
from winwin.actions.pages import status_label as action_status
from winwin.assessments.score import FACTORS
from winwin.assessments.wording import factor_label
from winwin.http import i18n
from winwin.http.deps import CurrentUser, IdPath, SessionDep
from winwin.http.forms import amount_field, typed_amount
from winwin.http.i18n import gettext as _
from winwin.http.page_deps import PostedForm
from winwin.http.templating import render, request_locale
from winwin.initiatives import learning, naming, refusals
from winwin.initiatives import service as initiatives
from winwin.insight.games import airport_layers
from winwin.kernel.errors import InvalidInput, Problem, RuleBroken, WinwinError
from winwin.reports.service import COST_CORE_TEXTS, METHOD_EXPLANATIONS

router = APIRouter()


def N_(msgid: str) -> str:
    return msgid


STATE_LABELS = {
    "proposed": N_("proposed: waiting for answers"),
    "declined": N_("declined by a party"),
    "accepted": N_("accepted: choose a sharing model"),
    "modelled": N_("modelled: waiting for every party to agree"),
    "agreed": N_("agreed"),
}
KIND_LABELS = {
    "joint": N_("Joint: share the result of working together"),
    "learning": N_("Learning: learning goals, measured with the learning partnership instrument"),
}
PARTY_LABELS = {
    "invited": N_("invited"),
    "accepted": N_("accepted"),
    "declined": N_("declined"),
}
CORE = {
    True: N_("The allocation is in the core: no group of parties would get more on its own."),
    False: N_(
        "The allocation is not in the core: some group of parties would get more on its own."
    ),
    None: N_("This game has no core to check the allocation against."),
}


def _state_label(state: str) -> str:
    return _(STATE_LABELS.get(state, state))


def _party_label(status: str) -> str:
    return _(PARTY_LABELS.get(status, status))


MASKED = N_("Another organisation (%(n)s)")


def masked_label(key: str, locale: str | None = None) -> str:
    """The neutral label of a party the reader may not see by name (``another:N``), in
    ``locale`` (else the page being rendered)."""
    return i18n.translate(
        locale or i18n.current_locale.get(), MASKED, n=key.removeprefix(naming.MASK)
    )


def _party_name(key: str) -> str:
    return masked_label(key) if naming.is_masked(key) else key


def _labels() -> dict[str, Any]:
    return {
        "party_name": _party_name,
        "state_label": _state_label,
        "party_label": _party_label,
        "method_text": lambda m: _(METHOD_EXPLANATIONS[m]) if m in METHOD_EXPLANATIONS else "",
        "core_text": lambda c, m=None: _((COST_CORE_TEXTS if m == "airport" else CORE)[c]),
        "field_labels": {
            "by": _("On behalf of"),
            "with": _("With whom"),
            "title": _("Title"),
            "goal": _("Goal"),
            "expected_value": _("Expected value of working together (EUR)"),
            "kind": _("Kind of initiative"),
            "factor": _("Factor it should raise"),
            "due": _("Due"),
            "round": _("Round"),
            "min_respondents": _("Fewest respondents per side"),
            "relationship": _("Relationship"),
        },
        "kinds": [(k, _(KIND_LABELS[k])) for k in KIND_LABELS],
    }


def airport_explained(game: dict[str, Any] | None) -> dict[str, Any] | None:
    """An airport model told for the page: each party's own cost and the layers of the
    cost with who shares each (``insight.games.airport_layers``)."""
    if not game or game.get("type") != "airport":
        return None
    costs = {str(k): float(v) for k, v in game["costs"].items()}
    return {"costs": costs, "layers": airport_layers(costs)}


def _airport_game(form: Any, parties: list[str]) -> dict[str, Any]:
    """The airport game of the page's form: ``cost-ORG`` is the cost of the
    infrastructure ORG alone would need."""
    costs: dict[str, float] = {}
    problems = []
    for key in parties:
        try:
            costs[key] = typed_amount(str(form.get(f"cost-{key}") or "").strip())
        except ValueError:
            problems.append(Problem(f"costs.{key}", "must be an amount, such as 12000,50"))
    if problems:
        raise InvalidInput(problems)
    return {"type": "airport", "costs": costs}


def _managed(session: Session, actor: Actor) -> list[Any]:
    return [o for o in accessible_orgs(session, actor) if can_manage_org(actor, o.id)]


def _list_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    error: WinwinError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    found = initiatives.readable(session, actor=actor)
    return render(
        request,
        "initiatives/list.html",
        {
            "nav": "initiatives",
            "initiatives": found,
            "proposers": _managed(session, actor),
            "error": error,
            "values": values or {},
            "moment": datetime.fromisoformat,  # the history's ISO times, for |date
            **_labels(),
        },
        status_code=422 if error else 200,
    )


@router.get("/initiatives", name="initiatives")
def list_page(
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    by: Annotated[str, Query(max_length=64)] = "",
    with_: Annotated[str, Query(alias="with", max_length=2000)] = "",
    title: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The list, with the proposal form filled in from a link (a natural pair, a tie):
    ``?by=ORG&with=OTHER[,OTHER]&title=T``. Nothing is proposed until the form is sent,
    and ``by`` is chosen only where the person may propose for that organisation."""
    values = {"with": with_.strip(), "title": title.strip()}
    if by in {o.key for o in _managed(session, actor)}:
        values["by"] = by
    return _list_page(request, session, actor, values=values)


@router.post("/initiatives", name="propose_initiative")
def propose(
    request: Request, actor: CurrentUser, session: SessionDep, form: PostedForm
) -> Response:
    values = {
        k: str(form.get(k) or "").strip() for k in ("by", "with", "title", "goal", "value", "kind")
    }
    try:
        expected = None
        if values["value"]:
            expected = amount_field(
                values["value"], field="expected_value", refusal="must be an amount"
            )
        made = initiatives.propose(
            session,
            by=values["by"],
            with_=[k.strip() for k in values["with"].split(",") if k.strip()],
            title=values["title"],
            goal=values["goal"],
            expected_value=expected,
            kind=values["kind"] or "joint",
            actor=actor,
        )
    except (InvalidInput, RuleBroken) as exc:
        session.rollback()
        return _list_page(request, session, actor, error=exc, values=values)
    return RedirectResponse(f"/initiatives/{made.id}", status_code=303)


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    initiative_id: int,
    *,
    error: WinwinError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    found = initiatives.read(session, initiative_id, actor=actor)
    names, acting = initiatives.names_and_acting(session, actor, list(found.parties))
    # The history may name organisations that are no longer parties (withdrawn invitations).
    named, _acting = initiatives.names_and_acting(session, actor, initiatives.history_orgs(found))
    names = {**named, **names}
    locale = request_locale(request)
    named_by_mask = [*found.parties, *initiatives.history_orgs(found)]
    names.update({k: masked_label(k, locale) for k in named_by_mask if naming.is_masked(k)})
    totals = {key: sum(c["amount"] for c in given) for key, given in found.contributions.items()}
    held_notice = (
        refusals.HELD(
            "", parties=", ".join(names.get(k, k) for k in found.held), topic=found.held_topic
        )
        if found.held
        else None
    )
    return render(
        request,
        "initiatives/initiative.html",
        {
            "nav": "initiatives",
            "initiative": found,
            "names": names,
            "acting": acting,
            "totals": totals,
            "held_notice": held_notice,
            "airport": airport_explained(found.game) if found.method == "airport" else None,
            "agreed_airport": airport_explained(found.agreement.get("game"))
            if found.agreement and found.agreement.get("method") == "airport"
            else None,
            "game_example": json.dumps(
                {"type": "table", "players": sorted(found.parties), "values": {"": 0}},
                ensure_ascii=False,
            ),
            "error": error,
            "values": values or {},
            "moment": datetime.fromisoformat,  # the history's ISO times, for |date
            **_labels(),
            **_learning(session, actor, found, values or {}),
        },
        status_code=422 if error else 200,
    )


def _learning(
    session: Session, actor: Actor, found: initiatives.InitiativeRead, values: dict[str, str]
) -> dict[str, Any]:
    """A learning initiative's goals, rounds and their forms (``initiatives/_learning.html``)."""
    if found.kind != "learning":
        return {"learning": None}
    return {
        "learning": learning.read_learning(session, initiative_id=found.id, actor=actor),
        "factors": FACTORS,
        "factor_label": factor_label,
        "action_status": action_status,
        "values": values,
    }


@router.get("/initiatives/{initiative_id}", name="initiative")
def initiative_page(
    initiative_id: IdPath, request: Request, actor: CurrentUser, session: SessionDep
) -> Response:
    return _page(request, session, actor, initiative_id)


@router.post("/initiatives/{initiative_id}/step", name="initiative_step")
def step(
    initiative_id: IdPath,
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    form: PostedForm,
) -> Response:
    """One step from the page's forms: ``step`` is accept, decline, contribute, model,
    airport (the airport rule, from each party's own cost), result or agree."""
    values = {
        k: str(form.get(k) or "").strip()
        for k in ("step", "by", "amount", "currency", "method", "game")
    }
    kind = values["step"]
    try:
        if kind in ("accept", "decline"):
            initiatives.answer(
                session,
                initiative_id=initiative_id,
                by=values["by"],
                accept=kind == "accept",
                actor=actor,
            )
        elif kind in ("contribute", "result"):
            # A contribution is positive; a realised result may be nothing at all.
            contributed = kind == "contribute"
            amount = amount_field(
                values["amount"],
                field="amount",
                refusal=(
                    "must be a positive amount" if contributed else "must be a non-negative amount"
                ),
            )
            record = initiatives.contribute if contributed else initiatives.record_result
            record(
                session,
                initiative_id=initiative_id,
                by=values["by"],
                amount=amount,
                currency=values["currency"] or "EUR",
                actor=actor,
            )
        elif kind == "model":
            try:
                game = json.loads(values["game"])
            except json.JSONDecodeError as exc:
                raise InvalidInput(Problem("game", f"is not JSON: {exc.msg}")) from None
            initiatives.set_model(
                session,
                initiative_id=initiative_id,
                game=game,
                method=values["method"],
                actor=actor,
            )
        elif kind == "airport":
            parties = list(initiatives.read(session, initiative_id, actor=actor).parties)
            initiatives.set_model(
                session,
                initiative_id=initiative_id,
                game=_airport_game(form, parties),
                method="airport",
                actor=actor,
            )
        elif kind == "agree":
            initiatives.agree(session, initiative_id=initiative_id, by=values["by"], actor=actor)
        else:
            raise InvalidInput(
                Problem(
                    "step",
                    "must be one of accept, decline, contribute, model, airport, result, agree",
                )
            )
    except InvalidInput as exc:
        session.rollback()
        return _page(request, session, actor, initiative_id, error=exc)
    return RedirectResponse(f"/initiatives/{initiative_id}", status_code=303)
