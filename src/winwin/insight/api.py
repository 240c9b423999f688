"""Natural pairs, joint investment sharing and cluster insight over REST.

Any signed-in person may use them. Network pairs are solved for the whole network but
show only the pairs that involve an organisation the person works for (platform admins
see all). Clusters go through the tie checkpoint (``insight.cluster_views``): a member
reads its own community by the names it may see and the sizes of the others, its own
outside reach, and brokers only by the names it may see; platform admins, and
facilitators for their clients, read everything (audited). On a large network the
report is made by a job: the route answers 202 with its progress until it is ready.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Body, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from winwin.accounts.access import accessible_org_ids
from winwin.http.deps import CurrentUser, SessionDep
from winwin.insight import cluster_views, pair_views
from winwin.insight import service as insight
from winwin.insight.candidates import DEFAULT_CANDIDATES
from winwin.insight.matching import DEFAULT_CAPACITY
from winwin.insight.pair_jobs import start_pair_search
from winwin.jobs import service as jobs
from winwin.jobs.api import JobRead, runner_of

router = APIRouter(tags=["insight"])

MAX_SAMPLES = 100_000
MAX_WORK = 20_000_000
"""Largest samples × (players + synergies) of a sampled Shapley value per request."""
MAX_CANDIDATES = 100


class PairsRead(BaseModel):
    pairs: list[Annotated[list[str], Field(min_length=2, max_length=2)]] = Field(
        description="[supplier, customer] pairs, sorted"
    )
    stable: bool
    optimal: Literal["suppliers", "customers"]
    wins: list[float] | None = Field(
        None, description="Predicted mutual win of each pair (network pairs only)"
    )
    why: list[WhyRead | None] | None = Field(
        None, description="The terms of each pair's win (with explain=true)"
    )


class WhyRead(BaseModel):
    customer_fit: float
    supplier_fit: float
    shared_values: float
    reach: float
    meets_customer: list[str]
    meets_supplier: list[str]
    values: list[str]
    new_reach: list[str]


class RecommendationRead(BaseModel):
    partner: str
    pair: list[str] = Field(min_length=2, max_length=2, description="[supplier, customer]")
    win: float
    why: WhyRead


class RecommendationsRead(BaseModel):
    org: str
    recommendations: list[RecommendationRead]


class ShareRead(BaseModel):
    method: Literal["shapley", "proportional", "nucleolus"]
    allocation: dict[str, float]
    in_core: bool | None = Field(description="null when not computed (over 20 players)")
    kind: Literal["value", "cost"]
    total: float
    exact: bool
    samples: int | None
    explanation: str


class BrokerRead(BaseModel):
    org: str
    betweenness: float


class ClustersRead(BaseModel):
    communities: list[list[str]] = Field(
        description="Every community (scope everything), or one list: the named members of"
        " the reader's own community (scope own)"
    )
    modularity: float
    outside_reach: dict[str, float]
    declared: dict[str, list[str]] = Field(description="Declared cluster → members one may name")
    agreement: float = Field(description="Normalised mutual information, declared vs found")
    brokers: list[BrokerRead] = []
    scope: Literal["everything", "own"]
    org: str | None = Field(description="The organisation read for")
    sizes: list[int] = Field(description="The size of every community, largest first")
    own_community: int | None = Field(description="Position of the reader's community in sizes")
    unnamed: int = Field(description="Members of the reader's community it may not name")
    declared_sizes: dict[str, int]


class Pending(BaseModel):
    """A whole-network result being made by a job: ask the same route again."""

    job: int = Field(description="The job making it (nobody's: its result is not read)")
    status: Literal["queued", "running", "failed"]
    progress: dict[str, int | None]
    error: str | None = None


def _pending_status(status: str) -> Literal["queued", "running", "failed"]:
    # A job that finished since the result was read is still running to this answer:
    # the next poll reads its result.
    if status == "queued":
        return "queued"
    if status == "failed":
        return "failed"
    return "running"


def _pending(job: jobs.JobView) -> JSONResponse:
    body = Pending(
        job=job.id,
        status=_pending_status(job.status),
        progress=job.as_document()["progress"],
        error=job.error if job.status == "failed" else None,
    )
    return JSONResponse(body.model_dump(), status_code=202, headers={"retry-after": "2"})


Side = Literal["suppliers", "customers"]
GameBody = Annotated[dict[str, Any], Body(description="A game document (see CONTRACT.md)")]


@router.get(
    "/pairs",
    response_model=PairsRead,
    summary="Natural pairs of the network",
    responses={202: {"model": Pending, "description": "Being searched: ask again"}},
)
def network_pairs(
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    actor: CurrentUser,
    optimal: Side = "suppliers",
    capacity: Annotated[int, Query(ge=0, le=insight.MAX_CAPACITY)] = DEFAULT_CAPACITY,
    candidates: Annotated[int, Query(ge=1, le=MAX_CANDIDATES)] = DEFAULT_CANDIDATES,
    explain: bool = False,
    retry: Annotated[
        bool, Query(description="Start the job again after it failed (never done silently)")
    ] = False,
) -> Any:
    """On a large network the whole matching is made by a job: 202 with its progress
    until it is ready (the same job for everyone, one per version of the network)."""
    involving = None if actor.is_platform_admin else accessible_org_ids(session, actor)
    found = pair_views.read_pairs(
        session,
        optimal=optimal,
        capacity=capacity,
        candidates=candidates,
        involving=involving,
        explain=explain,
        retry=retry,
    )
    if isinstance(found, pair_views.Pending):
        if found.queued_now:
            background.add_task(runner_of(request).submit, found.job_id)
        return _pending(pair_views.job_progress(session, job_id=found.job_id))
    return found.as_dict()


@router.post(
    "/pairs/search",
    response_model=JobRead,
    status_code=202,
    summary="Search the network's natural pairs as a job (poll GET /api/v1/jobs/{id})",
)
def search_pairs(
    request: Request,
    response: Response,
    background: BackgroundTasks,
    session: SessionDep,
    actor: CurrentUser,
    optimal: Side = "suppliers",
    capacity: Annotated[int, Query(ge=0, le=insight.MAX_CAPACITY)] = DEFAULT_CAPACITY,
    candidates: Annotated[int, Query(ge=1, le=MAX_CANDIDATES)] = DEFAULT_CANDIDATES,
    explain: bool = False,
) -> JobRead:
    """The job's ``result``, once it has succeeded, is what ``GET /pairs`` answers."""
    job_id = start_pair_search(
        session,
        actor=actor,
        optimal=optimal,
        capacity=capacity,
        candidates=candidates,
        explain=explain,
    )
    # Handed to the runner after the response, so after the request's commit.
    background.add_task(runner_of(request).submit, job_id)
    response.headers["location"] = f"/api/v1/jobs/{job_id}"
    view = jobs.view_job(session, job_id=job_id, person_id=actor.user_id)
    return JobRead.model_validate(view.as_document())


@router.get(
    "/pairs/recommendations",
    response_model=RecommendationsRead,
    summary="The best partners for one organisation, by predicted mutual win",
)
def recommendations(
    session: SessionDep,
    actor: CurrentUser,
    org: Annotated[str, Query(min_length=1, max_length=64)],
    limit: Annotated[int, Query(ge=1, le=MAX_CANDIDATES)] = DEFAULT_CANDIDATES,
) -> dict[str, Any]:
    found = insight.recommend_partners(session, org=org, limit=limit, actor=actor)
    return {"org": org, "recommendations": [r.as_dict() for r in found]}


@router.post("/pairs", response_model=PairsRead, summary="Solve a matching game")
def game_pairs(game: GameBody, actor: CurrentUser, optimal: Side = "suppliers") -> dict[str, Any]:
    return insight.solve_game(game=game, optimal=optimal).as_dict()


@router.post("/share", response_model=ShareRead, summary="Share a joint investment")
def share(
    game: GameBody,
    actor: CurrentUser,
    method: Literal["shapley", "proportional", "nucleolus"] = "shapley",
    samples: Annotated[int | None, Query(ge=1, le=MAX_SAMPLES)] = None,
    seed: Annotated[int, Query(ge=0, le=insight.MAX_SEED)] = 0,
) -> dict[str, Any]:
    result = insight.share_investment(
        game=game, method=method, samples=samples, seed=seed, max_work=MAX_WORK
    )
    return insight.sharing_as_dict(result)


@router.get(
    "/clusters",
    response_model=ClustersRead,
    summary="Communities, brokers and outside reach, as the reader may see them",
    responses={202: {"model": Pending, "description": "Being computed: ask again"}},
)
def clusters(
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    actor: CurrentUser,
    seed: Annotated[int, Query(ge=0, le=insight.MAX_SEED)] = 0,
    brokers: Annotated[int, Query(ge=0, le=100)] = 10,
    org: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    retry: Annotated[
        bool, Query(description="Start the job again after it failed (never done silently)")
    ] = False,
) -> Any:
    found = cluster_views.read_clusters(
        session, actor=actor, org=org, seed=seed, brokers=brokers, retry=retry
    )
    if isinstance(found, cluster_views.Pending):
        if found.queued_now:
            background.add_task(runner_of(request).submit, found.job_id)
        return _pending(cluster_views.job_progress(session, job_id=found.job_id))
    return found.as_dict()
