"""The candidate search written out pair by pair from ``predicted_win`` and its docstring:
the reference both candidate searches are held to."""

from __future__ import annotations

from collections.abc import Sequence

from winwin.insight import wins


def candidates_by_hand(
    profiles: Sequence[wins.Profile],
    supplies: Sequence[tuple[int, int]],
    forbidden: Sequence[tuple[int, int]],
    per_org: int,
) -> dict[tuple[int, int], float]:
    customers_of: dict[int, frozenset[str]] = {}
    for a, b in supplies:
        customers_of[a] = customers_of.get(a, frozenset()) | {profiles[b].key}
    banned = {frozenset(p) for p in forbidden}
    n = len(profiles)
    win = {}
    for s in range(n):
        for c in range(n):
            if (
                s != c
                and "supplier" in profiles[s].roles
                and "customer" in profiles[c].roles
                and frozenset((s, c)) not in banned
            ):
                w = wins.predicted_win(
                    profiles[s],
                    profiles[c],
                    supplier_customers=customers_of.get(s, frozenset()),
                    customer_customers=customers_of.get(c, frozenset()),
                )
                if w > 0:
                    win[(s, c)] = w
    kept = set()
    for s in range(n):
        mine = sorted((-w, c) for (a, c), w in win.items() if a == s)
        kept |= {(s, c) for _, c in mine[:per_org]}
    for c in range(n):
        mine = sorted((-w, s) for (s, b), w in win.items() if b == c)
        kept |= {(s, c) for _, s in mine[:per_org]}
    out = {pair: win[pair] for pair in kept}
    for a, b in [p for p in out if p[0] < p[1] and p[::-1] in out]:
        del out[(a, b) if out[(a, b)] < out[(b, a)] else (b, a)]
    return out
