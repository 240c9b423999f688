"""Use cases of natural pairs, joint investment sharing and cluster insight.

The three doors (CLI, REST, web) call these; they read the network through
:class:`~winwin.insight.repository.InsightRepository` and never commit.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, require_access
from winwin.insight import candidates as pair_search
from winwin.insight import clusters as cluster_domain
from winwin.insight import game_document, games, matching, wins
from winwin.insight.repository import InsightRepository, OrgRow
from winwin.kernel.errors import InvalidInput, NotFound, Problem, RuleBroken
from winwin.network import graph_stamp

K = TypeVar("K")
V = TypeVar("V")

MAX_CAPACITY = 1000
MAX_SEED = 2**31 - 1
MAX_CANDIDATES = 1000


class _Memo(Generic[K, V]):
    """The last few results by a key that starts with the graph's version stamp
    (``network.graph_stamp``): pages ask for the same answer again and again, and
    computing it takes seconds on large networks, while a write anywhere, by any worker,
    host or command, makes a new stamp (so nothing goes stale)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[K, V] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self.lock:
            return self.items.get(key)

    def put(self, key: K, value: V) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)


@dataclass(frozen=True)
class PairDetail:
    supplier: str
    customer: str
    win: float | None
    """The predicted mutual win (``None`` for a pair from a given game)."""
    why: wins.WinBreakdown | None = None
    """The terms of the predicted win, when asked for."""


@dataclass(frozen=True)
class Pairing:
    pairs: list[tuple[str, str]]
    stable: bool
    optimal: matching.Side
    details: list[PairDetail]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "pairs": [[s, c] for s, c in self.pairs],
            "stable": self.stable,
            "optimal": self.optimal,
        }
        if any(d.win is not None for d in self.details):
            out["wins"] = [d.win for d in self.details]
        if any(d.why is not None for d in self.details):
            out["why"] = [_why(d.why) for d in self.details]
        return out


def _why(why: wins.WinBreakdown | None) -> dict[str, Any] | None:
    if why is None:
        return None
    return {
        "customer_fit": why.customer_fit,
        "supplier_fit": why.supplier_fit,
        "shared_values": why.shared_values,
        "reach": why.reach,
        "meets_customer": list(why.meets_customer),
        "meets_supplier": list(why.meets_supplier),
        "values": list(why.values),
        "new_reach": list(why.new_reach),
    }


def _check_side(optimal: str) -> matching.Side:
    if optimal not in matching.SIDES:
        raise InvalidInput(Problem("optimal", f"must be suppliers or customers, not {optimal!r}"))
    return "suppliers" if optimal == "suppliers" else "customers"


def solve_game(*, game: object, optimal: str = "suppliers") -> Pairing:
    """The stable matching of a matching game document, best for side ``optimal``."""
    side = _check_side(optimal)
    parsed = matching.parse_matching_game(game)
    pairs = matching.deferred_acceptance(parsed, optimal=side)
    return Pairing(
        pairs=pairs,
        stable=matching.is_stable(parsed, pairs),
        optimal=side,
        details=[PairDetail(s, c, None) for s, c in pairs],
    )


@dataclass(frozen=True)
class _Network:
    """The stored network as the pairing domain reads it; indices follow ``orgs``."""

    orgs: list[OrgRow]
    profiles: list[wins.Profile]
    supplies: list[tuple[int, int]]
    forbidden: list[tuple[int, int]]
    """Ties of any kind and competitor pairs: never suggested."""
    customers_of: dict[int, frozenset[str]]

    @classmethod
    def read(cls, repo: InsightRepository) -> _Network:
        orgs = repo.organizations()
        index = {o.id: i for i, o in enumerate(orgs)}
        ties = [(kind, index[a], index[b]) for kind, a, b in repo.ties()]
        supplies = [(a, b) for kind, a, b in ties if kind == "supplies"]
        forbidden = [(a, b) for _, a, b in ties]
        forbidden += [(index[a], index[b]) for a, b in repo.competitors()]
        customers: dict[int, set[str]] = {}
        for a, b in supplies:
            customers.setdefault(a, set()).add(orgs[b].key)
        profiles = [
            wins.profile(
                o.key, roles=o.roles, capabilities=o.capabilities, needs=o.needs, values=o.values
            )
            for o in orgs
        ]
        return cls(
            orgs=orgs,
            profiles=profiles,
            supplies=supplies,
            forbidden=forbidden,
            customers_of={k: frozenset(v) for k, v in customers.items()},
        )

    def explain(self, s: int, c: int) -> wins.WinBreakdown:
        return wins.explain_win(
            self.profiles[s],
            self.profiles[c],
            supplier_customers=self.customers_of.get(s, frozenset()),
            customer_customers=self.customers_of.get(c, frozenset()),
        )


@dataclass(frozen=True)
class NetworkPairing:
    """The stable matching of the whole network, before any reader's filter: what is
    cached per version of the graph and what a pair-search job keeps as its result."""

    stamp: str | None
    """The graph version it is of (``None``: a write committed while it was read)."""
    optimal: matching.Side
    pairs: list[tuple[str, str]]
    wins: list[float]
    """The predicted mutual win of each pair."""
    stable: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "stamp": self.stamp,
            "optimal": self.optimal,
            "pairs": [[s, c] for s, c in self.pairs],
            "wins": self.wins,
            "stable": self.stable,
        }

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> NetworkPairing:
        return cls(
            stamp=document["stamp"],
            optimal=_check_side(document["optimal"]),
            pairs=[(s, c) for s, c in document["pairs"]],
            wins=[float(w) for w in document["wins"]],
            stable=bool(document["stable"]),
        )


PairingKey = tuple[str, str, int, int]
"""(graph version, side, capacity, candidates): everything a network pairing depends on."""

_SOLVED: _Memo[PairingKey, NetworkPairing] = _Memo(4)


PAIRING_STEPS = 5
"""Steps a pair search reports: read, candidates, game, matching, stability."""


def check_pairing(*, optimal: str, capacity: int, candidates: int) -> matching.Side:
    """The options of a network pair search, each problem naming its field."""
    side = _check_side(optimal)
    if not 0 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(Problem("capacity", f"must be from 0 to {MAX_CAPACITY}"))
    if not 1 <= candidates <= MAX_CANDIDATES:
        raise InvalidInput(Problem("candidates", f"must be from 1 to {MAX_CANDIDATES}"))
    return side


def cached_pairing(key: PairingKey) -> NetworkPairing | None:
    """The network pairing of ``key`` if this process has it."""
    return _SOLVED.get(key)


def keep_pairing(key: PairingKey, pairing: NetworkPairing) -> None:
    _SOLVED.put(key, pairing)


def pair_network(
    session: Session,
    *,
    optimal: str = "suppliers",
    capacity: int = matching.DEFAULT_CAPACITY,
    candidates: int = pair_search.DEFAULT_CANDIDATES,
    progress: Callable[[int, int], None] | None = None,
) -> NetworkPairing:
    """The stable matching of the candidate pairs of the whole stored network, ranked by
    predicted mutual win (see :mod:`winwin.insight.matching`); cached per version of the
    graph. ``progress(done, PAIRING_STEPS)`` is told after each step (a job's bar)."""
    side = check_pairing(optimal=optimal, capacity=capacity, candidates=candidates)

    def step(done: int) -> None:
        if progress is not None:
            progress(done, PAIRING_STEPS)

    step(0)
    stamp = graph_stamp.current(session)
    key = (stamp, side, capacity, candidates)
    solved = _SOLVED.get(key)
    if solved is None:
        net = _Network.read(InsightRepository(session))
        # A write that committed while the network was read: solve what was read, uncached.
        cached = graph_stamp.still(session, stamp)
        step(1)
        found = pair_search.candidate_pairs(
            net.profiles, supplies=net.supplies, forbidden=net.forbidden, per_org=candidates
        )
        step(2)
        game = pair_search.network_game(net.profiles, found, capacity=capacity)
        step(3)
        whole = matching.deferred_acceptance(game, optimal=side)
        step(4)
        at = {o.key: i for i, o in enumerate(net.orgs)}
        solved = NetworkPairing(
            stamp=stamp if cached else None,
            optimal=side,
            pairs=whole,
            wins=[found[(at[s], at[c])] for s, c in whole],
            # Stability is judged on the whole matching, before any filter.
            stable=matching.is_stable(game, whole),
        )
        if cached:
            _SOLVED.put(key, solved)
    step(PAIRING_STEPS)
    return solved


EXPLAIN_BY_KEYS = 500
"""Up to this many organisations, the terms of wins are read for them alone."""


def pairs_for(
    session: Session,
    pairing: NetworkPairing,
    *,
    involving: Collection[int] | None = None,
    explain: bool = False,
) -> Pairing:
    """``pairing`` as a reader gets it: with ``involving`` (organisation ids) only the
    pairs with at least one of those organisations; ``explain`` adds each win's terms."""
    repo = InsightRepository(session)
    chosen = list(zip(pairing.pairs, pairing.wins, strict=True))
    if involving is not None:
        shown = repo.keys_of(set(involving))
        chosen = [((s, c), w) for (s, c), w in chosen if s in shown or c in shown]
    explained: Callable[[str, str], wins.WinBreakdown] | None = None
    if explain and chosen:
        keys = {k for pair, _ in chosen for k in pair}
        explained = _Explainer.read(repo, keys if len(keys) <= EXPLAIN_BY_KEYS else None)
    details = [
        PairDetail(s, c, win, explained(s, c) if explained is not None else None)
        for (s, c), win in chosen
    ]
    return Pairing(
        pairs=[pair for pair, _ in chosen],
        stable=pairing.stable,
        optimal=pairing.optimal,
        details=details,
    )


@dataclass(frozen=True)
class _Explainer:
    """The profiles and customers the terms of some pairs' wins are read from."""

    profiles: dict[str, wins.Profile]
    customers_of: dict[str, frozenset[str]]

    @classmethod
    def read(cls, repo: InsightRepository, keys: set[str] | None) -> _Explainer:
        """For the organisations ``keys`` (None: every organisation)."""
        orgs = repo.organizations(keys)
        profiles = {
            o.key: wins.profile(
                o.key, roles=o.roles, capabilities=o.capabilities, needs=o.needs, values=o.values
            )
            for o in orgs
        }
        return cls(profiles, repo.customers_of({o.id for o in orgs} if keys is not None else None))

    def __call__(self, s: str, c: str) -> wins.WinBreakdown:
        return wins.explain_win(
            self.profiles[s],
            self.profiles[c],
            supplier_customers=self.customers_of.get(s, frozenset()),
            customer_customers=self.customers_of.get(c, frozenset()),
        )


def solve_pairing(
    session: Session,
    *,
    optimal: str = "suppliers",
    capacity: int = matching.DEFAULT_CAPACITY,
    candidates: int = pair_search.DEFAULT_CANDIDATES,
    involving: Collection[int] | None = None,
    explain: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Pairing:
    """Natural pairs of the stored network (:func:`pair_network`) as a reader gets them
    (:func:`pairs_for`): the matching is always solved for the whole network (stability
    is a property of the whole), and only then filtered."""
    whole = pair_network(
        session, optimal=optimal, capacity=capacity, candidates=candidates, progress=progress
    )
    return pairs_for(session, whole, involving=involving, explain=explain)


@dataclass(frozen=True)
class Recommendation:
    """A partner an organisation could pair with, on either side, and why both would win."""

    partner: str
    supplier: str
    customer: str
    win: float
    why: wins.WinBreakdown

    @property
    def we_supply(self) -> bool:
        return self.partner == self.customer

    def as_dict(self) -> dict[str, Any]:
        return {
            "partner": self.partner,
            "pair": [self.supplier, self.customer],
            "win": self.win,
            "why": _why(self.why),
        }


@dataclass(frozen=True)
class _Recommender:
    """The network read and prepared for recommendations, for one graph version."""

    net: _Network
    counterparts: pair_search.Counterparts
    at: dict[int, int]
    """Organisation id → its index in ``net``."""

    @classmethod
    def read(cls, repo: InsightRepository) -> _Recommender:
        net = _Network.read(repo)
        counterparts = pair_search.Counterparts(
            net.profiles, supplies=net.supplies, forbidden=net.forbidden
        )
        return cls(net, counterparts, {o.id: i for i, o in enumerate(net.orgs)})

    def recommend(self, org_id: int, *, limit: int) -> list[Recommendation]:
        me = self.at.get(org_id)
        if me is None:  # removed after its key was looked up
            raise NotFound("no such organisation")
        orgs = self.net.orgs
        return [
            Recommendation(
                partner=orgs[c if s == me else s].key,
                supplier=orgs[s].key,
                customer=orgs[c].key,
                win=win,
                why=self.net.explain(s, c),
            )
            for s, c, win in self.counterparts.rank(me, limit=limit)
        ]


_RECOMMENDERS: _Memo[str, _Recommender] = _Memo(2)
_RECOMMENDED: _Memo[tuple[str, int, int], tuple[Recommendation, ...]] = _Memo(512)


def recommend_partners(
    session: Session,
    *,
    org: str,
    limit: int = pair_search.DEFAULT_CANDIDATES,
    actor: Actor,
) -> list[Recommendation]:
    """The ``limit`` best partners for ``org`` by predicted mutual win, whether or not the
    stable pairing gives them to it (it may be full); never tied, never competitors.
    The actor must be allowed to see ``org`` (the operator may see any).

    The whole network is read and prepared once per version of the graph
    (``network.graph_stamp``) and each organisation's list kept for it, so the pages that
    show them (``/pairs``, the dashboard) read one token and the organisation's key."""
    if not 1 <= limit <= MAX_CANDIDATES:
        raise InvalidInput(Problem("limit", f"must be from 1 to {MAX_CANDIDATES}"))
    repo = InsightRepository(session)
    org_id = repo.org_id(org)
    if org_id is None:
        raise NotFound(f"no organisation with key '{org}'")
    require_access(actor, org_id)
    stamp = graph_stamp.current(session)
    key = (stamp, org_id, limit)
    found = _RECOMMENDED.get(key)
    if found is None:
        recommender = _RECOMMENDERS.get(stamp)
        kept = recommender is not None
        if recommender is None:
            recommender = _Recommender.read(repo)
            # Kept only when no write committed while the network was read.
            kept = graph_stamp.still(session, stamp)
            if kept:
                _RECOMMENDERS.put(stamp, recommender)
        found = tuple(recommender.recommend(org_id, limit=limit))
        if kept:
            _RECOMMENDED.put(key, found)
    return list(found)


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


@dataclass(frozen=True)
class ClusterReport:
    communities: list[list[str]]
    modularity: float
    outside_reach: dict[str, float]
    declared: dict[str, list[str]]
    """Declared cluster → its members (sorted)."""
    agreement: float
    brokers: list[tuple[str, float]]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "communities": self.communities,
            "modularity": self.modularity,
            "outside_reach": self.outside_reach,
            "declared": self.declared,
            "agreement": self.agreement,
        }
        if self.brokers:
            out["brokers"] = [{"org": k, "betweenness": b} for k, b in self.brokers]
        return out


BROKER_SOURCES = 500
"""Betweenness counts shortest paths from at most this many (seeded, sampled) sources."""

CLUSTER_STEPS = 4
"""The steps of a whole-graph cluster report (a job's progress counts them)."""


def report_from_dict(document: dict[str, Any]) -> ClusterReport:
    """The report back from :meth:`ClusterReport.as_dict` (a job keeps it as its result)."""
    return ClusterReport(
        communities=[list(c) for c in document["communities"]],
        modularity=float(document["modularity"]),
        outside_reach={k: float(v) for k, v in document["outside_reach"].items()},
        declared={k: list(v) for k, v in document["declared"].items()},
        agreement=float(document["agreement"]),
        brokers=[(b["org"], float(b["betweenness"])) for b in document.get("brokers", [])],
    )


def check_cluster_options(*, seed: int, brokers: int) -> None:
    if brokers < 0:
        raise InvalidInput(Problem("brokers", "must be at least 0"))
    if not 0 <= seed <= MAX_SEED:
        raise InvalidInput(Problem("seed", f"must be a whole number from 0 to {MAX_SEED}"))


def cached_clusters(stamp: str, *, seed: int, brokers: int) -> ClusterReport | None:
    """The report of the graph version ``stamp`` if this process has it."""
    return _CLUSTERS.get((stamp, seed, brokers))


def keep_clusters(stamp: str, *, seed: int, brokers: int, report: ClusterReport) -> None:
    _CLUSTERS.put((stamp, seed, brokers), report)


def find_clusters(
    session: Session,
    *,
    seed: int = 0,
    brokers: int = 0,
    reach_of: Collection[int] | None = None,
    on_step: Callable[[int], None] | None = None,
) -> ClusterReport:
    """Communities of the tie graph, outside reach per organisation, the declared
    clusters beside them, and (when ``brokers > 0``) that many top brokers: the whole
    graph, as the operator reads it (``winwin.insight.cluster_views`` scopes it to a
    reader). With ``reach_of`` (organisation ids) outside reach is reported only for
    those. Cached per version of the graph (``network.graph_stamp``); ``on_step`` is
    told each of the :data:`CLUSTER_STEPS` steps done when it is computed."""
    check_cluster_options(seed=seed, brokers=brokers)
    repo = InsightRepository(session)
    stamp = graph_stamp.current(session)
    report = _CLUSTERS.get((stamp, seed, brokers))
    orgs: list[OrgRow] | None = None
    if report is None:
        orgs = repo.organizations()
        index = {o.id: i for i, o in enumerate(orgs)}
        keys = [o.key for o in orgs]
        clusters = [o.cluster or None for o in orgs]
        ties = [(kind, index[a], index[b]) for kind, a, b in repo.ties()]
        # Kept only when no write committed while the graph was read.
        cached = graph_stamp.still(session, stamp)
        if on_step is not None:
            on_step(1)
        report = _cluster_report(keys, clusters, ties, seed=seed, brokers=brokers, on_step=on_step)
        if cached:
            _CLUSTERS.put((stamp, seed, brokers), report)
    if reach_of is not None:
        wanted = set(reach_of)
        allowed = repo.keys_of(wanted) if orgs is None else {o.key for o in orgs if o.id in wanted}
        reach = {k: v for k, v in report.outside_reach.items() if k in allowed}
        report = dataclasses.replace(report, outside_reach=reach)
    return report


_CLUSTERS: _Memo[tuple[str, int, int], ClusterReport] = _Memo(8)


def _cluster_report(
    keys: list[str],
    clusters: list[str | None],
    ties: list[tuple[str, int, int]],
    *,
    seed: int,
    brokers: int,
    on_step: Callable[[int], None] | None = None,
) -> ClusterReport:
    def step(done: int) -> None:
        if on_step is not None:
            on_step(done)

    edges = [(a, b) for _, a, b in ties]
    supplies = [(a, b) for kind, a, b in ties if kind == "supplies"]
    found = cluster_domain.detect_communities(keys, edges, seed=seed)
    step(2)
    declared: dict[str, list[str]] = {}
    for key, cluster in zip(keys, clusters, strict=True):
        if cluster is not None:
            declared.setdefault(cluster, []).append(key)
    top: list[tuple[str, float]] = []
    if brokers:
        top = cluster_domain.brokers(keys, edges, limit=brokers, sources=BROKER_SOURCES, seed=seed)
    step(3)
    report = ClusterReport(
        communities=found.communities,
        modularity=found.modularity,
        outside_reach=cluster_domain.outside_reach(keys, clusters, supplies),
        declared={k: sorted(v) for k, v in sorted(declared.items())},
        agreement=cluster_domain.agreement(clusters, found.membership),
        brokers=top,
    )
    step(CLUSTER_STEPS)
    return report
