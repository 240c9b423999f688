"""Use cases of natural pairs, joint investment sharing and cluster insight: the names
the three doors (CLI, REST, web) call.

Each use case lives in its own module and is named here: natural pairs
(:mod:`~winwin.insight.pairing`), recommended partners
(:mod:`~winwin.insight.recommendations`) and the cluster report
(:mod:`~winwin.insight.cluster_report`); sharing a joint investment is here. They read
the network through :class:`~winwin.insight.repository.InsightRepository` and never
commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from winwin.insight import game_document, games
from winwin.insight.cluster_report import (
    _CLUSTERS,
    CLUSTER_STEPS,
    MAX_SEED,
    ClusterReport,
    cached_clusters,
    check_cluster_options,
    find_clusters,
    keep_clusters,
    report_from_dict,
)
from winwin.insight.pairing import (
    _SOLVED,
    MAX_CANDIDATES,
    MAX_CAPACITY,
    PAIRING_STEPS,
    NetworkPairing,
    PairDetail,
    Pairing,
    cached_pairing,
    check_pairing,
    keep_pairing,
    pair_network,
    pairs_for,
    solve_game,
    solve_pairing,
)
from winwin.insight.recommendations import (
    _RECOMMENDED,
    _RECOMMENDERS,
    Recommendation,
    recommend_partners,
)
from winwin.insight.repository import InsightRepository
from winwin.kernel.errors import InvalidInput, Problem, RuleBroken

__all__ = [
    "CLUSTER_STEPS",
    "MAX_CANDIDATES",
    "MAX_CAPACITY",
    "MAX_SEED",
    "PAIRING_STEPS",
    "_CLUSTERS",
    "_RECOMMENDED",
    "_RECOMMENDERS",
    "_SOLVED",
    "ClusterReport",
    "InsightRepository",
    "NetworkPairing",
    "PairDetail",
    "Pairing",
    "Recommendation",
    "cached_clusters",
    "cached_pairing",
    "check_cluster_options",
    "check_pairing",
    "find_clusters",
    "keep_clusters",
    "keep_pairing",
    "organisation_names",
    "pair_network",
    "pairs_for",
    "recommend_partners",
    "report_from_dict",
    "share_investment",
    "sharing_as_dict",
    "solve_game",
    "solve_pairing",
]


def organisation_names(session: Session) -> dict[str, str]:
    """Key → name of every organisation (for pages that show pairs and communities)."""
    return InsightRepository(session).names()


def share_investment(
    *,
    game: object,
    method: str = "shapley",
    samples: int | None = None,
    seed: int = 0,
    max_work: int | None = None,
) -> games.Sharing:
    """Share the value or cost of a joint investment (a game document, CONTRACT.md).

    ``max_work`` bounds a sampled Shapley value: ``samples × (players + synergies)``
    above it is refused (the REST door uses it so that one request cannot hog a worker).
    """
    if method not in games.METHODS:
        raise InvalidInput(
            Problem("method", f"must be one of {', '.join(games.METHODS)}, not {method!r}")
        )
    if samples is not None and samples < 1:
        raise InvalidInput(Problem("samples", "must be at least 1"))
    if samples is not None and method != "shapley":
        raise InvalidInput(Problem("samples", "applies to the Shapley value only"))
    if not 0 <= seed <= MAX_SEED:
        raise InvalidInput(Problem("seed", f"must be a whole number from 0 to {MAX_SEED}"))
    parsed = game_document.parse_game(game)
    if max_work is not None and samples is not None:
        size = parsed.n + (parsed.synergy.size if isinstance(parsed, games.SynergyGame) else 0)
        if samples * size > max_work:
            raise RuleBroken(
                Problem("samples", f"at most {max_work // max(size, 1)} samples for this game")
            )
    chosen: games.Method = (
        "shapley"
        if method == "shapley"
        else "proportional"
        if method == "proportional"
        else "nucleolus"
    )
    return games.share(parsed, method=chosen, samples=samples, seed=seed)


def sharing_as_dict(sharing: games.Sharing) -> dict[str, Any]:
    return {
        "method": sharing.method,
        "allocation": sharing.allocation,
        "in_core": sharing.in_core,
        "kind": sharing.kind,
        "total": sharing.total,
        "exact": sharing.exact,
        "samples": sharing.samples,
        "explanation": sharing.explanation,
    }
