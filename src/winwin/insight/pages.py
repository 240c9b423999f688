"""Pages for natural pairs and joint investment (``/pairs``); cluster insight (``/insight``)
is in ``cluster_pages``, mounted here. They call the same services as the REST API and the
command line."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, can_manage_org
from winwin.http.dashboard import dashboard_panel
from winwin.http.deps import CurrentUser, SessionDep
from winwin.http.forms import typed_amount
from winwin.http.page_deps import ActingUser, CurrentOrg
from winwin.http.templating import render, render_progress
from winwin.insight import cluster_pages, pair_views
from winwin.insight import service as insight
from winwin.insight.candidates import DEFAULT_CANDIDATES
from winwin.insight.games import Sharing
from winwin.insight.matching import DEFAULT_CAPACITY
from winwin.insight.pair_jobs import start_pair_search
from winwin.jobs.api import runner_of
from winwin.kernel.errors import InvalidInput, Problem
from winwin.network.models import Organization

router = APIRouter()

Lines = Annotated[str, Form(max_length=20_000)]
AMOUNT = re.compile(r"^(?P<name>.+?)\s*[=:]\s*(?P<amount>[-+]?\d+(?:[.,]\d+)?)$")
PAIR = re.compile(r"^(?P<a>.+?)\s*\+\s*(?P<b>.+?)\s*[=:]\s*(?P<amount>[-+]?\d+(?:[.,]\d+)?)$")
EXAMPLE_PLAYERS = "Kuusi = 120\nPakkaus = 80\nKemi = 40"
MAX_PLAYERS = 200


def game_from_form(kind: str, players: str, synergies: str) -> dict[str, Any]:
    """A game document from the page's lines: ``name = amount`` for each player and, for
    a synergy game, ``a + b = amount`` for each pair."""
    problems: list[Problem] = []
    amounts: dict[str, float] = {}
    for number, line in enumerate(players.splitlines(), start=1):
        if not line.strip():
            continue
        match = AMOUNT.match(line.strip())
        if match is None:
            problems.append(Problem(f"players, line {number}", "write it as: name = amount"))
        elif match["name"] in amounts:
            problems.append(Problem(f"players, line {number}", "this player is listed twice"))
        else:
            amounts[match["name"]] = typed_amount(match["amount"])
    if not amounts and not problems:
        problems.append(Problem("players", "give at least one player"))
    if len(amounts) > MAX_PLAYERS:
        problems.append(Problem("players", f"at most {MAX_PLAYERS} players"))
    pairs: list[list[Any]] = []
    if kind == "synergy":
        for number, line in enumerate(synergies.splitlines(), start=1):
            if not line.strip():
                continue
            match = PAIR.match(line.strip())
            if match is None:
                problems.append(
                    Problem(f"synergies, line {number}", "write it as: name + name = amount")
                )
            else:
                pairs.append([match["a"], match["b"], typed_amount(match["amount"])])
    elif kind != "airport":
        problems.append(Problem("kind", "choose a shared cost or a shared gain"))
    if problems:
        raise InvalidInput(problems)
    if kind == "airport":
        return {"type": "airport", "costs": amounts}
    return {"type": "synergy", "standalone": amounts, "synergy": pairs}


def _pairs_page(
    request: Request,
    session: Session,
    org: Organization,
    *,
    actor: Actor,
    can_propose: bool = False,
    form: dict[str, str] | None = None,
    sharing: Sharing | None = None,
    error: InvalidInput | None = None,
    status_code: int = 200,
    retry: bool = False,
    background: BackgroundTasks | None = None,
    reload: bool = False,
) -> Response:
    """The page; while a job makes the whole matching, its progress in place of the
    pairs (``reload``: the page, asked for by GET, reloads itself without scripts)."""
    found = pair_views.read_pairs(session, involving={org.id}, explain=True, retry=retry)
    job = None
    rows: list[dict[str, Any]] = []
    headers = {}
    names = insight.organisation_names(session)
    if isinstance(found, pair_views.Pending):
        if found.queued_now and background is not None:
            # Handed to the runner after the response, so after the request's commit.
            background.add_task(runner_of(request).submit, found.job_id)
        job = pair_views.job_progress(session, job_id=found.job_id)
        headers["cache-control"] = "no-store"
        if reload and not job.finished:
            # Without JavaScript the page reloads itself until the pairs are ready; a
            # failed job stays on the page with its error and a button to try again.
            headers["refresh"] = "3"
    else:
        rows = _pair_rows(found, org=org, names=names)
    paired = {row["partner"] for row in rows}
    recommendations = [
        {
            "partner": r.partner,
            "name": names.get(r.partner, r.partner),
            "we_supply": r.we_supply,
            "win": r.win,
            "paired": r.partner in paired,
        }
        for r in insight.recommend_partners(session, org=org.key, limit=10, actor=actor)
    ]
    return render(
        request,
        "insight/pairs.html",
        {
            "nav": "pairs",
            "org": org,
            # Admins of the organisation (and its facilitators) get a link that fills in
            # the proposal of a joint initiative with the suggested partner.
            "can_propose": can_propose,
            "rows": rows,
            "job": job,
            "recommendations": recommendations,
            "form": form or {"kind": "airport", "method": "shapley", "players": EXAMPLE_PLAYERS},
            "sharing": sharing,
            "error": error,
        },
        status_code=status_code,
        headers=headers,
    )


def _pair_rows(
    pairing: insight.Pairing, *, org: Organization, names: dict[str, str]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for detail in pairing.details:
        we_supply = detail.supplier == org.key
        partner = detail.customer if we_supply else detail.supplier
        why = detail.why
        rows.append(
            {
                "partner": partner,
                "name": names.get(partner, partner),
                "we_supply": we_supply,
                "win": detail.win,
                # From our side: what we offer them, what they offer us.
                "we_offer": (why.meets_customer if we_supply else why.meets_supplier)
                if why
                else (),
                "they_offer": (why.meets_supplier if we_supply else why.meets_customer)
                if why
                else (),
                "shared": why.values if why else (),
                "new_reach": len(why.new_reach) if why else 0,
            }
        )
    rows.sort(key=lambda r: (-(r["win"] or 0.0), r["partner"]))
    return rows


@router.get("/pairs")
def pairs_page(
    request: Request,
    session: SessionDep,
    org: CurrentOrg,
    actor: ActingUser,
    background: BackgroundTasks,
) -> Response:
    return _pairs_page(
        request,
        session,
        org,
        actor=actor,
        can_propose=can_manage_org(actor, org.id),
        background=background,
        reload=True,
    )


@router.post("/pairs/retry", name="pairs_retry")
def pairs_retry(
    request: Request,
    session: SessionDep,
    actor: ActingUser,
    org: CurrentOrg,
    background: BackgroundTasks,
) -> Response:
    """Search the whole network again after its job failed (never done without asking)."""
    found = pair_views.whole_pairing(session, retry=True)
    if isinstance(found, pair_views.Pending) and found.queued_now:
        background.add_task(runner_of(request).submit, found.job_id)
    return RedirectResponse(f"/pairs?org={quote(org.key)}", status_code=303)


@router.get("/pairs/jobs/{job_id}", name="pairs_job_progress")
def pairs_job(
    request: Request,
    actor: ActingUser,
    session: SessionDep,
    org: CurrentOrg,
    job_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
) -> Response:
    """The progress of the whole matching's job htmx polls; once done, the page reloads."""
    return render_progress(
        request,
        "insight/_pairs_network_job.html",
        pair_views.job_progress(session, job_id=job_id),
        {"org": org},
    )


@router.post("/pairs/search", name="search_pairs")
def search_pairs(
    request: Request, background: BackgroundTasks, session: SessionDep, actor: CurrentUser
) -> Response:
    """Start a network pair search as a job; its page shows the progress, then the pairs."""
    job_id = start_pair_search(
        session,
        actor=actor,
        optimal="suppliers",
        capacity=DEFAULT_CAPACITY,
        candidates=DEFAULT_CANDIDATES,
    )
    # Handed to the runner after the response, so after the request's commit.
    background.add_task(runner_of(request).submit, job_id)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.post("/pairs/share")
def share_investment(
    request: Request,
    session: SessionDep,
    org: CurrentOrg,
    actor: ActingUser,
    background: BackgroundTasks,
    kind: Annotated[str, Form(max_length=20)] = "airport",
    method: Annotated[str, Form(max_length=20)] = "shapley",
    players: Lines = "",
    synergies: Lines = "",
) -> Response:
    form = {"kind": kind, "method": method, "players": players, "synergies": synergies}
    try:
        game = game_from_form(kind, players, synergies)
        result = insight.share_investment(game=game, method=method)
    except InvalidInput as exc:
        return _pairs_page(
            request,
            session,
            org,
            actor=actor,
            can_propose=can_manage_org(actor, org.id),
            form=form,
            error=exc,
            status_code=422,
            background=background,
        )
    return _pairs_page(
        request,
        session,
        org,
        actor=actor,
        can_propose=can_manage_org(actor, org.id),
        form=form,
        sharing=result,
        background=background,
    )


@dashboard_panel("pairs", "insight/dashboard_panel.html")
def pairs_panel(session: Session, actor: Any, org: Organization) -> dict[str, Any] | None:
    """The three partners with the highest predicted mutual win for the organisation."""
    found = insight.recommend_partners(session, org=org.key, limit=3, actor=actor)
    if not found:
        return None
    return {"recommendations": found, "names": insight.organisation_names(session)}


router.include_router(cluster_pages.router)
