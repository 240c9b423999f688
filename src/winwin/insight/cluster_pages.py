"""Cluster insight (``/insight``): the map, its report and the clusters job's progress.

The map and the report are rendered once per graph version, reader, seed and language
(``_MAP_HTML``, ``_REPORT_HTML``); they call the same services as the REST API and the
command line."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from winwin.http import i18n
from winwin.http.deps import CurrentUser, SessionDep
from winwin.http.page_deps import ActingUser, CurrentOrg
from winwin.http.templating import environment, render, render_progress, request_locale
from winwin.insight import cluster_views, network_svg
from winwin.insight import service as insight
from winwin.insight.memo import Memo
from winwin.jobs.api import runner_of

router = APIRouter()


def _outside_reach_chart(rows: list[tuple[str, float]]) -> dict[str, Any]:
    return {
        "type": "bar",
        "data": {
            "labels": [key for key, _ in rows],
            "datasets": [
                {"data": [round(100 * x, 1) for _, x in rows], "backgroundColor": "#2f6f4f"}
            ],
        },
        "options": {
            "indexAxis": "y",
            "plugins": {"legend": {"display": False}},
            "scales": {"x": {"min": 0, "max": 100, "title": {"display": True, "text": "%"}}},
        },
    }


@router.get("/insight")
def insight_page(
    request: Request,
    session: SessionDep,
    actor: ActingUser,
    org: CurrentOrg,
    background: BackgroundTasks,
    seed: Annotated[int, Query(ge=0, le=insight.MAX_SEED)] = 0,
) -> Response:
    found = cluster_views.read_clusters(session, actor=actor, org_id=org.id, seed=seed)
    if isinstance(found, cluster_views.Pending):
        if found.queued_now:
            # Handed to the runner after the response, so after the request's commit.
            background.add_task(runner_of(request).submit, found.job_id)
        job = cluster_views.job_progress(session, job_id=found.job_id)
        headers = {"cache-control": "no-store"}
        if not job.finished:
            # Without JavaScript the page reloads itself until the report is ready; a
            # failed job stays on the page with its error and a button to try again.
            headers["refresh"] = "3"
        return render(
            request,
            "insight/clusters_pending.html",
            {"nav": "insight", "job": job, "seed": seed},
            headers=headers,
        )
    view = found
    network = cluster_views.read_map(session, actor=actor, org_id=org.id, view=view, seed=seed)
    return render(
        request,
        "insight/clusters.html",
        {
            "nav": "insight",
            "org": org,
            "view": view,
            "map_html": _map_html(request, network),
            "report_html": _report_html(request, session, network, view, seed),
        },
    )


def _report_context(session: Session, view: cluster_views.ClusterView, seed: int) -> dict[str, Any]:
    cluster_of = {key: cluster for cluster, keys in view.declared.items() for key in keys}
    reach = sorted(view.outside_reach.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "view": view,
        "names": insight.organisation_names(session),
        "cluster_of": cluster_of,
        "reach": reach,
        "reach_chart": _outside_reach_chart(reach[:25]),
        "seed": seed,
        "spread": _spread(view),
        "alone": sum(1 for size in view.sizes if size == 1),
    }


@router.post("/insight/retry", name="cluster_retry")
def cluster_retry(
    request: Request,
    session: SessionDep,
    actor: ActingUser,
    org: CurrentOrg,
    background: BackgroundTasks,
    seed: Annotated[int, Query(ge=0, le=insight.MAX_SEED)] = 0,
) -> Response:
    """Start the clusters job again after it failed (never done without being asked)."""
    found = cluster_views.read_clusters(session, actor=actor, org_id=org.id, seed=seed, retry=True)
    if isinstance(found, cluster_views.Pending) and found.queued_now:
        background.add_task(runner_of(request).submit, found.job_id)
    return RedirectResponse(f"/insight?seed={seed}", status_code=303)


_MAP_HTML: Memo[tuple[Any, ...], Markup] = Memo(32)
_REPORT_HTML: Memo[tuple[Any, ...], tuple[cluster_views.ClusterView, Markup]] = Memo(32)


def _fragment(locale: str, template: str, context: dict[str, Any]) -> Markup:
    token = i18n.current_locale.set(locale)
    try:
        return Markup(environment().get_template(template).render(context))
    finally:
        i18n.current_locale.reset(token)


def _map_html(request: Request, network: cluster_views.NetworkMap) -> Markup:
    """The map drawn in the request's language, cached with the map it draws (thousands
    of nodes take a moment to render, and the drawing depends on nothing else)."""
    locale = request_locale(request)
    key = (*network.key, locale)
    found = _MAP_HTML.get(key)
    if found is None:
        found = _fragment(locale, "insight/_map.html", {"map": network_svg.drawing(network)})
        _MAP_HTML.put(key, found)
    return found


def _report_html(
    request: Request,
    session: Session,
    network: cluster_views.NetworkMap,
    view: cluster_views.ClusterView,
    seed: int,
) -> Markup:
    """The report under the map (summary, reach, brokers, declared clusters and
    communities) in the request's language. At 2,000 organisations its names and shares
    take longer to render than the rest of the page, so it is cached per graph version,
    reader, seed and language, like the map; and used again only for a view equal to the
    one it was rendered from (two facilitators acting for one client read different
    reach), so it never shows a reader what its own view does not hold."""
    locale = request_locale(request)
    key = (*network.key, locale)
    found = _REPORT_HTML.get(key)
    if found is not None and found[0] == view:
        return found[1]
    html = _fragment(locale, "insight/_report.html", _report_context(session, view, seed))
    _REPORT_HTML.put(key, (view, html))
    return html


@router.get("/insight/jobs/{job_id}", name="cluster_job_progress")
def cluster_job(
    request: Request,
    actor: CurrentUser,
    session: SessionDep,
    job_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
) -> Response:
    """The progress of the clusters job htmx polls; once it is done, the page reloads."""
    job = cluster_views.job_progress(session, job_id=job_id)
    return render_progress(request, "insight/_cluster_job.html", job, {})


def _spread(view: cluster_views.ClusterView) -> list[dict[str, Any]]:
    """For each declared cluster: how many of its members the reader may name, and in
    which communities those fall (everything: every member)."""
    out = []
    for cluster, members in view.declared.items():
        counts: dict[int, int] = {}
        for key in members:
            position = view.community_of.get(key)
            if position is not None:
                counts[position] = counts.get(position, 0) + 1
        out.append(
            {
                "cluster": cluster,
                "members": view.declared_sizes.get(cluster, len(members)),
                "named": len(members),
                "communities": sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
            }
        )
    return out
