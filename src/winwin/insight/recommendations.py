"""Recommended partners: for one organisation, the best partners by predicted mutual win
on either side, read from the whole network prepared once per version of the graph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, require_access
from winwin.insight import candidates as pair_search
from winwin.insight import wins
from winwin.insight.memo import Memo
from winwin.insight.pairing import MAX_CANDIDATES, _Network, why_document
from winwin.insight.repository import InsightRepository
from winwin.kernel.errors import InvalidInput, NotFound, Problem
from winwin.network import graph_stamp


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
            "why": why_document(self.why),
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


_RECOMMENDERS: Memo[str, _Recommender] = Memo(2)
_RECOMMENDED: Memo[tuple[str, int, int], tuple[Recommendation, ...]] = Memo(512)


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
