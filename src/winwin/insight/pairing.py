"""Natural pairs of the stored network: the stable matching of the candidate pairs,
solved for the whole network and kept per version of the graph, and what a reader gets
of it (``pairs_for``); the matching of a given game document (``solve_game``)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from winwin.insight import candidates as pair_search
from winwin.insight import matching, wins
from winwin.insight.memo import Memo
from winwin.insight.repository import InsightRepository, OrgRow
from winwin.kernel.errors import InvalidInput, Problem
from winwin.network import graph_stamp

MAX_CAPACITY = 1000
MAX_CANDIDATES = 1000


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
            out["why"] = [why_document(d.why) for d in self.details]
        return out


def why_document(why: wins.WinBreakdown | None) -> dict[str, Any] | None:
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

_SOLVED: Memo[PairingKey, NetworkPairing] = Memo(4)


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
