"""The relationship dashboards: an organisation's relationships, a facilitator's clients.

- ``/relationships``: the organisation's relationships sorted by R, with sparklines and
  the lever of each (the factor with the largest gain), and the form to open a round.
- ``/relationships/clients``: a facilitator's view across client organisations.
- ``/relationships/research-export``: the answers of chosen rounds for research.
- the home dashboard's panel of the three strongest relationships.

The other assessment pages sit beside this one: the answer form by personal link
(``answer_pages``), one relationship (``relationship_pages``), its presentation view and
downloads (``result_pages``), a round (``round_pages``) and the instruments
(``instrument_pages``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, accessible_orgs, can_manage_org, require_acting
from winwin.actions import pages as action_pages
from winwin.assessments import charts, research, scoring
from winwin.assessments import instruments as instrument_service
from winwin.assessments import service as rounds
from winwin.assessments.relationship_pages import fewest_respondents
from winwin.assessments.wording import factor_label, form_context, lever_gains
from winwin.http import i18n
from winwin.http.dashboard import dashboard_panel
from winwin.http.deps import CurrentUser, SessionDep
from winwin.http.errors import problems_of
from winwin.http.page_deps import ActingUser, CurrentOrg, PostedForm
from winwin.http.templating import render, request_locale
from winwin.kernel.errors import InvalidInput, NotFound, WinwinError
from winwin.network.models import Organization
from winwin.sharing import picking

router = APIRouter()


# relationships ------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One relationship on a dashboard."""

    between: tuple[str, str]
    other: str
    names: dict[str, str]
    latest: scoring.RelationshipScore
    scored: scoring.RelationshipScore | None
    history: list[scoring.RelationshipScore]
    #: The lever to name first (``RelationshipScore.main_lever``) in the round whose R
    #: is shown, else in the latest round.
    lever: scoring.Lever | None

    @property
    def score(self) -> float | None:
        return self.scored.score if self.scored else None

    @property
    def fewest(self) -> int:
        """Respondents of the side with fewer of them in the round whose R is shown."""
        return fewest_respondents(self.scored or self.latest)

    def sparkline(self) -> dict[str, Any]:
        return charts.sparkline_config(self.history)


def dashboard_rows(
    session: Session, actor: Actor, org_ids: list[int], *, focus: int | None = None
) -> dict[int, list[Row]]:
    """Relationships of each organisation, strongest R first (unscored last); sides
    below their round's minimum are withheld from readers the rule does not trust."""
    history = scoring.scores_of_orgs(session, org_ids=org_ids, reader=rounds.reader_for(actor))
    by_pair: dict[tuple[str, str], list[scoring.RelationshipScore]] = {}
    for score in history:
        by_pair.setdefault(score.between, []).append(score)
    keys = rounds.org_keys_by_id(session)
    wanted = {keys[i]: i for i in org_ids if i in keys}
    names = rounds.org_names(session, sorted({k for pair in by_pair for k in pair}))
    rows: dict[int, list[Row]] = {i: [] for i in org_ids}
    for pair, scores in by_pair.items():
        scored = next((s for s in reversed(scores) if s.score is not None), None)
        latest = scores[-1]
        for key in pair:
            if key not in wanted:
                continue
            other = pair[1] if key == pair[0] else pair[0]
            rows[wanted[key]].append(
                Row(
                    between=pair,
                    other=other,
                    names=names,
                    latest=latest,
                    scored=scored,
                    history=scores,
                    lever=(scored or latest).main_lever(),
                )
            )
    for listed in rows.values():
        listed.sort(key=lambda r: (r.score is None, -(r.score or 0.0), r.between))
    return rows


def _default_round() -> str:
    now = datetime.now(UTC)
    return f"{now.year}-Q{(now.month - 1) // 3 + 1}"


def _relationships_page(
    request: Request,
    session: Session,
    actor: Actor,
    org: Organization,
    *,
    error: WinwinError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    rows = dashboard_rows(session, actor, [org.id])[org.id]
    return render(
        request,
        "assessments/relationships.html",
        {
            "nav": "relationships",
            "org": org,
            "rows": rows,
            "can_manage": can_manage_org(actor, org.id),
            "is_facilitator": actor.is_facilitator or actor.is_platform_admin,
            # The other organisation is picked by name among the tied ones.
            "partners": picking.known_orgs(session, viewer=require_acting(actor)).choices(
                "partners"
            ),
            "instruments": instrument_service.list_instruments(session, org_ids=[org.id]),
            "open_rounds": [
                r
                for r in rounds.list_rounds(session, actor=actor, org_ids=[org.id])
                if r.status == "open"
            ],
            "default_round": _default_round(),
            "factor_label": factor_label,
            "lever_gains": lever_gains,
            **form_context(error, values),
        },
        status_code=422 if error else 200,
    )


@router.get("/relationships", name="relationships")
def relationships(
    request: Request, actor: ActingUser, org: CurrentOrg, session: SessionDep
) -> Response:
    return _relationships_page(request, session, actor, org)


@router.post("/relationships/rounds", name="open_round")
def open_round(
    request: Request, actor: ActingUser, org: CurrentOrg, session: SessionDep, form: PostedForm
) -> Response:
    values = {
        k: str(form.get(k) or "").strip()
        for k in ("other", "round", "instrument", "min_respondents")
    }
    known = picking.known_orgs(session, viewer=require_acting(actor))
    try:
        opened = rounds.open_round(
            session,
            actor=actor,
            between=[org.key, known.resolve(values["other"], "partners")],
            round=values["round"],
            instrument=values["instrument"] or "customer-relationship",
            min_respondents=values["min_respondents"] or None,
        )
    except WinwinError as exc:
        session.rollback()
        return _relationships_page(request, session, actor, org, error=exc, values=values)
    return RedirectResponse(f"/rounds/{opened.id}", status_code=303)


def _research_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    error: WinwinError | None = None,
    chosen: list[str] | None = None,
    format: str = "csv",
) -> Response:
    return render(
        request,
        "assessments/research_export.html",
        {
            "nav": "relationships",
            "round_names": research.round_names(session, actor=actor),
            "chosen": chosen or [],
            "format": format,
            "errors": [
                i18n.say(p, request_locale(request)) for p in (problems_of(error) if error else [])
            ],
        },
        status_code=422 if error else 200,
    )


@router.get("/relationships/research-export", name="research_export")
def research_export_form(request: Request, actor: CurrentUser, session: SessionDep) -> Response:
    return _research_page(request, session, actor)


@router.post("/relationships/research-export")
def research_export_download(
    request: Request, actor: CurrentUser, session: SessionDep, form: PostedForm
) -> Response:
    chosen = [str(v) for v in form.getlist("round")]
    format = str(form.get("format") or "csv")
    try:
        data = research.research_export(session, actor=actor, rounds=chosen, format=format)
    except (InvalidInput, NotFound) as exc:
        session.rollback()
        return _research_page(request, session, actor, error=exc, chosen=chosen, format=format)
    return Response(
        data.bundle(format),  # type: ignore[arg-type]
        media_type="application/zip",
        headers={"content-disposition": 'attachment; filename="winwin-research.zip"'},
    )


@router.get("/relationships/clients", name="client_relationships")
def client_relationships(request: Request, actor: CurrentUser, session: SessionDep) -> Response:
    if not (actor.is_facilitator or actor.is_platform_admin):
        raise NotFound("this view is for facilitators")
    clients = [o for o in accessible_orgs(session, actor, limit=200) if o.id != actor.org_id]
    rows = dashboard_rows(session, actor, [o.id for o in clients])
    return render(
        request,
        "assessments/clients.html",
        {
            "nav": "relationships",
            "clients": [(o, rows.get(o.id, [])) for o in clients],
            "moved": action_pages.moves_context(session, actor, [o.id for o in clients]),
            "factor_label": factor_label,
            "lever_gains": lever_gains,
        },
    )


@dashboard_panel("relationships", "assessments/dashboard_panel.html")
def relationships_panel(session: Session, actor: Actor, org: Organization) -> dict[str, Any] | None:
    """The home dashboard's three strongest relationships, with the lever of each."""
    rows = dashboard_rows(session, actor, [org.id])[org.id]
    if not rows:
        return None
    return {
        "rows": rows[:3],
        "total": len(rows),
        "factor_label": factor_label,
        "lever_gains": lever_gains,
    }
