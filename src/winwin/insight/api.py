"""Natural pairs, joint investment sharing and cluster insight over REST.

Any signed-in person may use them. Network pairs are solved for the whole network but
show only the pairs that involve an organisation the person works for (platform admins
see all); cluster communities are network-wide, outside reach only for those
organisations.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, Field

from winwin.accounts.access import accessible_org_ids
from winwin.http.deps import CurrentUser, SessionDep
from winwin.insight import service as insight
from winwin.insight.candidates import DEFAULT_CANDIDATES
from winwin.insight.matching import DEFAULT_CAPACITY

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
    communities: list[list[str]]
    modularity: float
    outside_reach: dict[str, float]
    declared: dict[str, list[str]]
    agreement: float = Field(description="Normalised mutual information, declared vs found")
    brokers: list[BrokerRead] = []


Side = Literal["suppliers", "customers"]
GameBody = Annotated[dict[str, Any], Body(description="A game document (see CONTRACT.md)")]


@router.get("/pairs", response_model=PairsRead, summary="Natural pairs of the network")
def network_pairs(
    session: SessionDep,
    actor: CurrentUser,
    optimal: Side = "suppliers",
    capacity: Annotated[int, Query(ge=0, le=insight.MAX_CAPACITY)] = DEFAULT_CAPACITY,
    candidates: Annotated[int, Query(ge=1, le=MAX_CANDIDATES)] = DEFAULT_CANDIDATES,
    explain: bool = False,
) -> dict[str, Any]:
    involving = None if actor.is_platform_admin else accessible_org_ids(session, actor)
    result = insight.solve_pairing(
        session,
        optimal=optimal,
        capacity=capacity,
        candidates=candidates,
        involving=involving,
        explain=explain,
    )
    return result.as_dict()


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


@router.get("/clusters", response_model=ClustersRead, summary="Communities and outside reach")
def clusters(
    session: SessionDep,
    actor: CurrentUser,
    seed: Annotated[int, Query(ge=0, le=insight.MAX_SEED)] = 0,
    brokers: Annotated[int, Query(ge=0, le=100)] = 10,
) -> dict[str, Any]:
    reach_of = None if actor.is_platform_admin else accessible_org_ids(session, actor)
    report = insight.find_clusters(session, seed=seed, brokers=brokers, reach_of=reach_of)
    return report.as_dict()
