"""The sparse candidate search: scores only pairs that share a token, few per organisation.

A pair scores above zero only when the two share a token. On networks with large
vocabularies that is a sparse pattern; but on networks with few distinct words (the
generated ones share values between about 40 % of all supplier × customer pairs) the
pattern itself is dense, and what is sparse is the set of distinct profiles. The
search therefore works on *kinds* (organisations with the same capabilities, needs and
values, which score alike but for reach) and never builds a suppliers × customers
table:

1. the affinity ``fit + fit + values`` is computed once for each pair of kinds that
   share a token, and only there (a sparse kinds × kinds matrix; with unique profiles
   this is exactly the sparsity pattern of ``caps·needsᵀ + needs·capsᵀ + values·valuesᵀ``);
2. without common customers and without a back edge, ``reach(s, c)`` is
   ``reach0(c) = |customers(c)| / (1 + |customers(c)|)``, known from the customer alone;
   common customers and a back edge only lower it, and a ban zeroes the pair. So the
   upper bound ``affinity + reach0`` orders one list per supplier kind (its customers)
   and one per customer kind (its suppliers), held as prefixes that grow on demand;
3. each organisation walks its kind's list from the top, scoring each pair exactly
   (common customers, back edge, ban: sparse look-ups at that pair only), until the
   next bound on the list ranks below its ``k``-th best exact win. Its ``k`` best are
   then final: no later entry can beat them. Walks are short (a few times ``k``).

Every number is computed with the operations of :meth:`Features.block` in its order,
so every win is equal to the dense one to the last bit, and ties (equal wins, the lower
organisation first) break the same way.

One module although long (about 500 lines): the lists, their growth on
demand and the walk share one set of invariants (the bound, the exact arithmetic, the
tie order); split apart, each part would have to restate them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from winwin.insight.features import (
    BLOCK_CELLS,
    BoolArray,
    Features,
    FloatArray,
    Found,
    IntArray,
    found_concat,
)
from winwin.insight.wins import Profile

BUCKETS = 256
"""Histogram buckets per list, to find where a list's cut lies before sorting."""
NEAR = 4 * 2.0**-50
"""Two affinities closer than this may round to the same win once a reach is added (a
win is below 8, where a unit in the last place is at most ``2**-50``); two farther
apart always keep their order."""
SPARSE_COST_PER_ORG = 200
SPARSE_COST_PER_PAIR = 4
"""The sparse search costs about ``SPARSE_COST_PER_ORG`` dense cells per supplier and
per customer, plus ``SPARSE_COST_PER_PAIR`` per pair of kinds that share a token (an
upper bound counted from the tokens); the dense one a cell per supplier × customer.
``search="auto"`` takes the cheaper. Measured on generated and random networks of 50 to
5,000 organisations: the sparse search is faster from about 1,500 generated ones."""
SPARSE_MAX_PAIRS = 25_000_000
"""Above this many pairs of kinds sharing a token the kinds' affinity table alone would
take hundreds of megabytes: the dense search, in bounded blocks, is used instead."""


def _ranges(counts: IntArray) -> IntArray:
    """``0, 1, …, counts[0] - 1, 0, 1, …, counts[1] - 1, …``."""
    ends = np.cumsum(counts)
    total = int(ends[-1]) if ends.size else 0
    return np.arange(total, dtype=np.int64) - np.repeat(ends - counts, counts)


def _chunks(weights: IntArray, cap: int) -> list[tuple[int, int]]:
    """Consecutive slices ``[lo, hi)`` of at most ``cap`` total weight (or of one item)."""
    ends = np.cumsum(weights)
    out: list[tuple[int, int]] = []
    lo = 0
    while lo < weights.size:
        before = int(ends[lo - 1]) if lo else 0
        hi = max(int(np.searchsorted(ends, before + cap, side="right")), lo + 1)
        out.append((lo, hi))
        lo = hi
    return out


def _leading(size: IntArray, holds: Callable[[IntArray, IntArray], BoolArray]) -> IntArray:
    """For each item ``i``, how many of its positions ``0 … size[i] - 1`` pass
    ``holds(items, positions)``, a test that passes on a prefix (by binary search)."""
    lo = np.zeros(size.size, dtype=np.int64)
    hi = size.astype(np.int64, copy=True)
    live = np.flatnonzero(lo < hi)
    while live.size:
        mid = (lo[live] + hi[live]) // 2
        ok = holds(live, mid)
        lo[live] = np.where(ok, mid + 1, lo[live])
        hi[live] = np.where(ok, hi[live], mid)
        live = live[lo[live] < hi[live]]
    return lo


def _order(major: IntArray, value: FloatArray, minor: IntArray) -> IntArray:
    """The permutation that sorts by ascending ``major``, descending ``value``, ascending
    ``minor`` (all ``≥ 0``): one sort of a composite integer when it fits in 62 bits."""
    levels, rank = np.unique(value, return_inverse=True)
    span = levels.size
    majors = int(major.max()) + 1 if major.size else 1
    minors = int(minor.max()) + 1 if minor.size else 1
    if majors * span * minors < 2**62:
        composite = (major * span + (span - 1 - rank.ravel())) * minors + minor
        return np.argsort(composite, kind="stable").astype(np.int64)
    return np.lexsort((minor, -value, major)).astype(np.int64)


def _rank_in_line(line: IntArray) -> IntArray:
    """Each entry's position within its run of equal ``line`` (``line`` sorted)."""
    return np.arange(line.size, dtype=np.int64) - np.searchsorted(line, line)


def _top_buckets(line: IntArray, value: FloatArray, weight: IntArray, want: IntArray) -> BoolArray:
    """The entries in the highest buckets of ``value`` (spread from the least to the
    greatest of each line) that together weigh at least ``want[line]``; every entry of a
    lighter line. Since a bucket never decreases with the value, they include every entry
    whose value reaches the line's ``want``-th greatest (counted by weight)."""
    lo = np.full(want.size, np.inf)
    hi = np.full(want.size, -np.inf)
    np.minimum.at(lo, line, value)
    np.maximum.at(hi, line, value)
    width = np.where(hi > lo, hi - lo, 1.0)
    bucket = ((value - lo[line]) * ((BUCKETS - 1) / width)[line]).astype(np.int64)
    bucket = np.clip(bucket, 0, BUCKETS - 1)
    held = np.bincount(
        line * BUCKETS + bucket, weights=weight.astype(np.float64), minlength=want.size * BUCKETS
    ).reshape(want.size, BUCKETS)
    from_top = np.cumsum(held[:, ::-1], axis=1)[:, ::-1]
    edge = (from_top >= want[:, None]).sum(axis=1) - 1
    chosen: BoolArray = bucket >= edge[line]
    return chosen


def _select(
    line: IntArray, orgs: IntArray, key: FloatArray, a: FloatArray, want: IntArray
) -> tuple[IntArray, FloatArray, IntArray]:
    """The first ``want[l]`` entries of each line ``l`` by descending ``key``, ties to the
    lower organisation: their organisations and affinities, line after line, and counts."""
    if line.size > 2 * int(want.sum()):
        near = np.flatnonzero(_top_buckets(line, key, np.ones(line.size, dtype=np.int64), want))
        line, orgs, key, a = line[near], orgs[near], key[near], a[near]
    order = _order(line, key, orgs)
    ranked = line[order]
    picked = order[_rank_in_line(ranked) < want[ranked]]
    return orgs[picked], a[picked], np.bincount(line[picked], minlength=want.size)


Kind = tuple[frozenset[str], frozenset[str], frozenset[str]]


@dataclass(frozen=True)
class Kinds:
    """Organisations grouped by their tokens (capabilities, needs, values)."""

    of: IntArray
    """The kind of each grouped organisation, numbered by first appearance."""
    first: IntArray
    """The first (lowest) organisation of each kind."""
    start: IntArray
    """Kind ``g``'s organisations are ``orgs[start[g] : start[g + 1]]``, ascending."""
    orgs: IntArray

    @classmethod
    def group(cls, profiles: Sequence[Profile], members: IntArray) -> Kinds:
        """Group ``members`` (ascending organisation indices)."""
        seen: dict[Kind, int] = {}
        of = np.array(
            [
                seen.setdefault((p.capabilities, p.needs, p.values), len(seen))
                for p in (profiles[i] for i in members.tolist())
            ],
            dtype=np.int64,
        )
        order = np.argsort(of, kind="stable")
        start = np.concatenate([[0], np.cumsum(np.bincount(of, minlength=len(seen)))])
        return cls(of=of, first=members[order[start[:-1]]], start=start, orgs=members[order])

    @property
    def size(self) -> IntArray:
        return np.diff(self.start)


def affinities(features: Features, s: IntArray, c: IntArray) -> Any:
    """``fit(s → c) + fit(c → s) + values(s, c)`` for rows ``s`` and columns ``c``, held
    only where positive, by the operations of :meth:`Features.block` in its order."""
    f = features
    fit_c = sparse.csr_matrix(f.caps[s] @ f.needs[c].T)
    fit_c.data /= np.maximum(f.n_needs[c], 1)[fit_c.indices]
    fit_s = sparse.csr_matrix(f.needs[s] @ f.caps[c].T)
    fit_s.data /= np.repeat(np.maximum(f.n_needs[s], 1), np.diff(fit_s.indptr))
    shared = sparse.csr_matrix(f.values[s] @ f.values[c].T)
    union = f.n_values[s][np.repeat(np.arange(s.size), np.diff(shared.indptr))]
    union = union + f.n_values[c][shared.indices]
    union -= shared.data
    shared.data /= np.maximum(union, 1)
    # Sparse sums add entry by entry: (fit + fit) + values, as the dense block does.
    return sparse.csr_matrix((fit_c + fit_s) + shared)


class Reach:
    """Exact wins of any pairs, given their affinity, by sparse look-ups at those pairs."""

    def __init__(self, features: Features) -> None:
        self.supplies = features.supplies
        self.forbidden = features.forbidden
        self.starts = features.supplies.indptr.astype(np.int64)
        self.customers = features.supplies.indices.astype(np.int64)
        self.out_degree = np.diff(self.starts)
        self.degree = features.n_customers
        self.reach0 = self.degree / (1 + self.degree)
        """``reach(s, c)`` when ``s`` and ``c`` have no common customer and ``c`` does not
        supply ``s``: the dense block's division with nothing subtracted."""

    @staticmethod
    def _has(matrix: Any, rows: IntArray, cols: IntArray) -> BoolArray:
        if rows.size == 0:
            return np.zeros(0, dtype=bool)
        found: BoolArray = np.asarray(matrix[rows, cols]).ravel() != 0
        return found

    def common(self, a: IntArray, b: IntArray) -> FloatArray:
        """``|customers(a) ∩ customers(b)|`` for each pair, looking up the shorter list's
        customers in the longer one."""
        da, db = self.out_degree[a], self.out_degree[b]
        swap = da > db
        short, long = np.where(swap, b, a), np.where(swap, a, b)
        count = np.minimum(da, db)
        pair = np.repeat(np.arange(a.size, dtype=np.int64), count)
        x = self.customers[np.repeat(self.starts[short], count) + _ranges(count)]
        hit = self._has(self.supplies, long[pair], x)
        return np.bincount(pair[hit], minlength=a.size).astype(np.float64)

    def wins(self, s: IntArray, c: IntArray, affinity: FloatArray) -> FloatArray:
        """``win(s, c)`` where ``affinity`` (> 0) is the pair's; 0 for banned pairs."""
        degree = self.degree[c]
        part = degree - self.common(s, c)
        part -= self._has(self.supplies, c, s).astype(np.float64)  # c supplies s
        part /= 1 + degree
        win = affinity + part
        win[self._has(self.forbidden, s, c)] = 0.0
        return win


class _Lists:
    """Sorted candidate lists, one per row of ``affinity`` (a kind of one side), each held
    as a prefix that grows on demand.

    List ``l`` holds the organisations of every kind ``g`` (of the other side) with a
    positive affinity ``a = affinity[l, g]``; subclasses give the order and the bound."""

    def __init__(self, affinity: Any, kinds: Kinds) -> None:
        self.affinity = affinity
        self.kinds = kinds
        pattern = sparse.csr_matrix(affinity, copy=True)
        pattern.data[:] = 1.0
        self.length = np.rint(pattern @ kinds.size.astype(np.float64)).astype(np.int64)
        self.start = np.zeros(self.length.size, dtype=np.int64)
        self.held = np.zeros(self.length.size, dtype=np.int64)
        self.orgs = np.zeros(0, dtype=np.int64)
        self.a = np.zeros(0)

    def ensure(self, lists: IntArray, need: IntArray) -> None:
        """Hold at least the first ``need[i]`` entries (or all) of list ``lists[i]``;
        a list that must grow at least doubles what it holds."""
        want = np.zeros(self.length.size, dtype=np.int64)
        np.maximum.at(want, lists, need)
        grow = np.flatnonzero(np.minimum(want, self.length) > self.held)
        if grow.size == 0:
            return
        want = np.minimum(np.maximum(want[grow], 2 * self.held[grow]), self.length[grow])
        orgs, values, offset = [self.orgs], [self.a], self.orgs.size
        work = np.diff(self.affinity.indptr)[grow] + BUCKETS
        for lo, hi in _chunks(work, BLOCK_CELLS):
            sub = sparse.csr_matrix(self.affinity[grow[lo:hi]])
            line = np.repeat(np.arange(hi - lo, dtype=np.int64), np.diff(sub.indptr))
            kind = sub.indices.astype(np.int64)
            o, a, held = self._cut(want[lo:hi], line, kind, np.asarray(sub.data, np.float64))
            self.start[grow[lo:hi]] = offset + np.cumsum(held) - held
            self.held[grow[lo:hi]] = held
            offset += o.size
            orgs.append(o)
            values.append(a)
        self.orgs, self.a = np.concatenate(orgs), np.concatenate(values)

    def bound(self, at: IntArray, shift: FloatArray | None) -> FloatArray:
        """A bound on the win of held entries ``at``, and of every entry after them in
        their lists, for rankers whose own part of the score is ``shift``."""
        raise NotImplementedError

    def _cut(
        self, want: IntArray, line: IntArray, kind: IntArray, a: FloatArray
    ) -> tuple[IntArray, FloatArray, IntArray]:
        """The first ``want[l]`` entries of each list ``l`` of a chunk, whose kinds are
        ``kind`` where ``line == l``, with affinities ``a``: organisations, affinities,
        and how many of each list, list after list."""
        raise NotImplementedError


class _CustomerLists(_Lists):
    """The customers of each supplier kind, by descending ``a + reach0(customer)`` (their
    win but for common customers, a back edge or a ban), then ascending organisation."""

    def __init__(self, affinity: Any, kinds: Kinds, reach0: FloatArray) -> None:
        super().__init__(affinity, kinds)
        self.reach0 = reach0
        of = np.repeat(np.arange(kinds.first.size, dtype=np.int64), kinds.size)
        # Within a kind, the customers by descending reach0: their scores descend with it.
        self.member = kinds.orgs[np.lexsort((kinds.orgs, -reach0[kinds.orgs], of))]
        self.top = reach0[self.member[kinds.start[:-1]]] if of.size else np.zeros(0)

    def bound(self, at: IntArray, shift: FloatArray | None) -> FloatArray:
        bound: FloatArray = self.a[at] + self.reach0[self.orgs[at]]
        return bound

    def _cut(
        self, want: IntArray, line: IntArray, kind: IntArray, a: FloatArray
    ) -> tuple[IntArray, FloatArray, IntArray]:
        """A histogram of the kinds' best scores picks kinds holding ``want`` customers;
        the ``want``-th best score among their best ``want`` is a floor ``tau`` under the
        list's own; then only customers scoring at least ``tau``, and at least their own
        kind's ``want``-th best, are scored and sorted."""
        start, size = self.kinds.start[kind], self.kinds.size[kind]
        best = a + self.top[kind]
        guess = np.flatnonzero(_top_buckets(line, best, size, want))
        take = np.minimum(size[guess], want[line[guess]])
        at = np.repeat(start[guess], take) + _ranges(take)
        g_line = np.repeat(line[guess], take)
        score = np.repeat(a[guess], take) + self.reach0[self.member[at]]
        order = _order(g_line, score, np.zeros(score.size, dtype=np.int64))
        ranked = g_line[order]
        nth = np.flatnonzero(_rank_in_line(ranked) == want[ranked] - 1)
        tau = np.full(want.size, -np.inf)
        tau[ranked[nth]] = score[order[nth]]
        wide = np.flatnonzero(best >= tau[line])
        w_start, w_a = start[wide], a[wide]
        last = w_start + np.minimum(size[wide], want[line[wide]]) - 1
        floor = np.maximum(tau[line[wide]], w_a + self.reach0[self.member[last]])

        def reaches(i: IntArray, pos: IntArray) -> BoolArray:
            ok: BoolArray = w_a[i] + self.reach0[self.member[w_start[i] + pos]] >= floor[i]
            return ok

        take = _leading(size[wide], reaches)
        orgs = self.member[np.repeat(w_start, take) + _ranges(take)]
        x = np.repeat(w_a, take)
        return _select(np.repeat(line[wide], take), orgs, x + self.reach0[orgs], x, want)


class _SupplierLists(_Lists):
    """The suppliers of each customer kind, by affinity.

    A customer ``c`` ranks its suppliers by ``a + reach0(c)``: the order of ``a`` for
    every customer of the kind, except that affinities within :data:`NEAR` of each other
    may round to the same win, or not, depending on ``reach0(c)`` (``0.1 + 0.2`` and
    ``0.3`` tie after adding ``0.5``, not after adding ``0.9``). So each chain of near
    affinities counts as one level, worth its greatest: levels by descending worth, and
    within a level the lowest supplier first. A customer bounds an entry by its level's
    worth plus its own ``reach0``, which every later level stays strictly below."""

    def __init__(self, affinity: Any, kinds: Kinds) -> None:
        super().__init__(affinity, kinds)
        self.levels = np.unique(affinity.data)
        chain = np.concatenate([[0], np.cumsum(np.diff(self.levels) > NEAR)])
        last = np.concatenate([np.flatnonzero(np.diff(chain)), [self.levels.size - 1]])
        self.worth = self.levels[last][chain]

    def level(self, a: FloatArray) -> FloatArray:
        """The worth of affinities ``a``: the greatest of their chain of near ones."""
        worth: FloatArray = self.worth[np.searchsorted(self.levels, a)]
        return worth

    def bound(self, at: IntArray, shift: FloatArray | None) -> FloatArray:
        assert shift is not None
        bound: FloatArray = self.level(self.a[at]) + shift
        return bound

    def _cut(
        self, want: IntArray, line: IntArray, kind: IntArray, a: FloatArray
    ) -> tuple[IntArray, FloatArray, IntArray]:
        """A kind's suppliers tie, so a kind gives at most its lowest ``want``. A
        histogram picks kinds holding ``want`` suppliers; sorted by worth, they give the
        worth ``kappa`` of the ``want``-th supplier. Every kind worth more gives its lowest
        ``want``; of those worth ``kappa``, the ``need`` still missing are the lowest
        among them, none above the ``need``-th lowest first supplier of those kinds."""
        key = self.level(a)
        size = np.minimum(self.kinds.size[kind], want[line])
        guess = np.flatnonzero(_top_buckets(line, key, size, want))
        order = guess[_order(line[guess], key[guess], np.zeros(guess.size, dtype=np.int64))]
        ranked = line[order]
        cum = np.cumsum(size[order])
        line_start = np.searchsorted(ranked, ranked)
        enough = cum - (cum - size[order])[line_start] >= want[ranked]
        first = enough & ~np.concatenate([[False], enough[:-1] & (ranked[1:] == ranked[:-1])])
        kappa = np.full(want.size, -np.inf)
        kappa[ranked[first]] = key[order[first]]
        over = order[key[order] > kappa[ranked]]
        taken = np.bincount(line[over], weights=size[over], minlength=want.size)
        need = want - taken.astype(np.int64)
        tied = order[key[order] == kappa[ranked]]
        tied = tied[np.lexsort((self.kinds.first[kind[tied]], line[tied]))]
        t_line = line[tied]
        cap = np.full(want.size, np.iinfo(np.int64).max)
        nth = np.flatnonzero(_rank_in_line(t_line) == need[t_line] - 1)
        cap[t_line[nth]] = self.kinds.first[kind[tied[nth]]]
        start = self.kinds.start[kind]
        t_start, t_cap = start[tied], cap[t_line]

        def low(i: IntArray, pos: IntArray) -> BoolArray:
            ok: BoolArray = self.kinds.orgs[t_start[i] + pos] <= t_cap[i]
            return ok

        pick = np.concatenate([over, tied])
        take = np.concatenate([size[over], _leading(np.minimum(size[tied], need[t_line]), low)])
        at = np.repeat(start[pick], take) + _ranges(take)
        x = np.repeat(a[pick], take)
        orgs = self.kinds.orgs[at]
        return _select(np.repeat(line[pick], take), orgs, np.repeat(key[pick], take), x, want)


def _walk(
    lists: _Lists,
    list_of: IntArray,
    rankers: IntArray,
    k: int,
    wins: Callable[[IntArray, IntArray, FloatArray], FloatArray],
    shift: FloatArray | None = None,
) -> Found:
    """Each ranker's ``k`` best entries by exact win (``> 0``), ties to the lower entry:
    ``(ranker position, entry, win)``, grouped by ranker; ``wins(rankers, entries, a)``.

    Ranker ``i`` reads list ``list_of[i]`` from the top, a growing batch at a time, and
    stops when the bound on the next entry (``shift[i]`` is its own part of the bound)
    ranks below its ``k``-th best: a win never exceeds its bound, and the bound only
    falls along the list."""
    size = rankers.size
    done = np.zeros(size, dtype=np.int64)
    upto = np.full(size, 3 * k // 2 + 2, dtype=np.int64)
    best_r = np.zeros(0, dtype=np.int64)
    best_e = np.zeros(0, dtype=np.int64)
    best_w = np.zeros(0)
    active = np.arange(size, dtype=np.int64)
    while active.size:
        mine = list_of[active]
        lists.ensure(mine, upto[active] + 1)  # the next entry too, for the stopping test
        end = np.minimum(upto[active], lists.length[mine])
        count = end - done[active]
        who = np.repeat(active, count)
        at = lists.start[list_of[who]] + done[who] + _ranges(count)
        entry = lists.orgs[at]
        win = wins(rankers[who], entry, lists.a[at])
        ok = win > 0
        r = np.concatenate([best_r, who[ok]])
        e = np.concatenate([best_e, entry[ok]])
        w = np.concatenate([best_w, win[ok]])
        order = _order(r, w, e)
        r, e, w = r[order], e[order], w[order]
        keep = _rank_in_line(r) < k
        best_r, best_e, best_w = r[keep], e[keep], w[keep]
        done[active] = end
        open_ = end < lists.length[mine]
        check = np.flatnonzero(open_ & (np.bincount(best_r, minlength=size)[active] >= k))
        beaten = np.zeros(active.size, dtype=bool)
        if check.size:
            nxt = lists.start[mine[check]] + end[check]
            bound = lists.bound(nxt, None if shift is None else shift[active[check]])
            kth = np.searchsorted(best_r, active[check], side="right") - 1
            next_e, kth_w, kth_e = lists.orgs[nxt], best_w[kth], best_e[kth]
            beaten[check] = (bound < kth_w) | ((bound == kth_w) & (next_e > kth_e))
        active = active[open_ & ~beaten]
        upto[active] *= 2
    return best_r, best_e, best_w


def sparse_candidates(
    features: Features,
    sup: IntArray,
    cus: IntArray,
    suppliers: Kinds,
    customers: Kinds,
    per_org: int,
) -> Found:
    """The pairs of :func:`dense_candidates`, found by walking sorted lists of kinds."""
    affinity = affinities(features, suppliers.first, customers.first)
    if affinity.nnz == 0:
        return found_concat([])
    look = Reach(features)
    r, c, w = _walk(
        _CustomerLists(affinity, customers, look.reach0), suppliers.of, sup, per_org, look.wins
    )
    by_customers = _walk(
        _SupplierLists(sparse.csr_matrix(affinity.T), suppliers),
        customers.of,
        cus,
        per_org,
        lambda c, s, a: look.wins(s, c, a),
        shift=look.reach0[cus],
    )
    return found_concat([(sup[r], c, w), (by_customers[1], cus[by_customers[0]], by_customers[2])])
