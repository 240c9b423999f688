"""Natural pairs: the candidate search on generated networks of 5,000 and 20,000
organisations (scaled).

Each network comes from ``winwin.network.generate`` and is read as the services read a
stored one: profiles in key order, ``supplies`` ties, and every tie and competitor pair
forbidden.

1. ``candidates.candidate_pairs`` (the product's choice of search, 10 candidates per
   organisation) as a ratio against the part no search can skip, timed in the same run
   on the same network: building the sparse incidence matrices (``features.Features``)
   and one sparse product ``caps @ needs.T``.
2. The speed-up of the sparse search over the dense one (every supplier × customer pair
   scored in blocks); the two results are checked to be equal, win for win, first.
3. Recommendations for one organisation (``candidates.rank_counterparts``, the mean over a
   few organisations) against the same baseline.
"""

from __future__ import annotations

from typing import Any

from bench.common import Report, result, timed

SIZES = (5_000, 20_000)
SEED = 11
PER_ORG = 10


def _network(orgs: int) -> tuple[list[Any], list[tuple[int, int]], list[tuple[int, int]]]:
    from winwin.insight import wins
    from winwin.network.generate import generate_network

    doc = generate_network(orgs=orgs, seed=SEED, items_per_org=0.0, assessments=0)
    return wins.document_inputs(doc)


def _best(fn: Any, repeat: int) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(repeat):
        seconds, value = timed(fn)
        best = min(best, seconds)
    return best, value


def _measure(report: Report, orgs: int) -> list[dict[str, Any]]:
    from winwin.insight import candidates, features

    profiles, supplies, forbidden = _network(orgs)
    n_sup = sum("supplier" in p.roles for p in profiles)
    n_cus = sum("customer" in p.roles for p in profiles)
    kinds = len({(p.capabilities, p.needs, p.values) for p in profiles})
    report.log(f"{orgs:,} organisations: {n_sup:,} suppliers, {n_cus:,} customers, {kinds:,} kinds")

    def baseline() -> Any:
        matrices = features.Features(profiles, supplies, forbidden)
        return matrices.caps @ matrices.needs.T

    def search(how: candidates.Search) -> Any:
        return lambda: candidates.candidate_pairs(
            profiles, supplies=supplies, forbidden=forbidden, per_org=PER_ORG, search=how
        )

    base, _ = _best(baseline, 5)
    auto, found = _best(search("auto"), 3)
    sparse, sparse_found = _best(search("sparse"), 3)
    report.log(f"search {auto:.2f} s (sparse {sparse:.2f} s), baseline {base:.3f} s; dense …")
    dense, dense_found = _best(search("dense"), 1 if orgs > 10_000 else 2)
    report.log(f"dense {dense:.2f} s")
    assert found == sparse_found == dense_found, "the searches disagree"

    sample = range(0, orgs, max(1, orgs // 5))
    ranked, _ = timed(
        lambda: [
            candidates.rank_counterparts(
                profiles, me, supplies=supplies, forbidden=forbidden, limit=PER_ORG
            )
            for me in sample
        ]
    )
    ranked /= len(sample)
    size = f"{orgs:,} organisations ({n_sup:,} suppliers × {n_cus:,} customers, {kinds:,} kinds)"
    return [
        result(
            f"pairs: candidate search vs features + caps·needsᵀ, {orgs:,} orgs",
            auto / base,
            "reported",
            f"{size}, {len(found):,} candidate pairs: candidate_pairs {auto * 1000:,.0f} ms, "
            f"building the incidence matrices and one product {base * 1000:,.0f} ms",
        ),
        result(
            f"pairs: speed-up of the sparse search over the dense one, {orgs:,} orgs",
            dense / sparse,
            "reported",
            f"dense {dense * 1000:,.0f} ms, sparse {sparse * 1000:,.0f} ms; "
            "the same pairs and the same wins to the last bit",
        ),
        result(
            f"pairs: recommendations for one organisation vs the same baseline, {orgs:,} orgs",
            ranked / base,
            "reported",
            f"rank_counterparts {ranked * 1000:,.0f} ms (mean of {len(sample)}), "
            f"baseline {base * 1000:,.0f} ms",
        ),
    ]


def run(report: Report) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for size in SIZES:
        rows += _measure(report, report.scaled(size, minimum=200))
    return rows
