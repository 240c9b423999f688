"""Synthetic networks: whole `winwin/1` documents of any size, for benchmarks and load tests.

`generate_network` is deterministic for a seed and builds everything with numpy arrays,
so 100,000 organisations (about a million ties) take seconds, not minutes.

The shape imitates a real network:

- degrees are heavy-tailed: each organisation gets a Pareto-distributed weight, and tie
  ends are drawn in proportion to it (a Chung–Lu model, the static form of preferential
  attachment), so a few hubs hold many ties and most organisations a handful;
- most ties stay inside the source's declared cluster, the rest cross clusters;
- competitors are pairs in the same cluster that are not tied to each other.

Every item obeys the import rules by construction, never by filtering afterwards:
`direct` audiences name only partners of the owner, `circle` items are owned by a member,
public items carry no exclusions, reshares are of visible non-secret originals, an item
with an agreement's secret topic reaches only the other party of the pair, and an item
with a competition-sensitive topic excludes the owner's competitors.

One module although long: each section is drawn from the arrays of the ones before it
(ties from the weights, competitors from the ties, audiences from ties, circles and
agreements), and those guarantees hold only across the whole; apart, the stages would
have to pass their arrays back and forth.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

TIES_PER_ORG = 10.0
SUPPLIES_SHARE = 0.8
LOCAL_TIE_SHARE = 0.6
PARETO_SHAPE = 1.3
RESHARE_SHARE = 0.08
EXCLUDE_SHARE = 0.25
SENSITIVE_SHARE = 0.05

COMPETITION_SENSITIVE_TOPICS = ["pricing", "capacity", "bids", "customers", "market-allocation"]
ANSWER_IDS = [f"{factor}{i}" for factor in "aeit" for i in range(1, 6)]
INSTRUMENT = "customer-relationship"
ROUND = "2026-Q1"

CLUSTERS: dict[str, list[str]] = {
    "forest": ["pulp", "paperboard", "packaging", "sawmilling", "wood supply"],
    "chemistry": ["process chemicals", "coatings", "plastics", "detergents"],
    "energy": ["bioenergy", "wind power", "grid services", "heat"],
    "food": ["dairy", "bakery", "meat", "beverages", "coffee"],
    "retail": ["grocery retail", "e-commerce", "department stores"],
    "technology": ["machinery", "automation", "fibre research", "sensors"],
    "metal": ["steel", "foundry", "metal products"],
    "logistics": ["road freight", "ports", "warehousing"],
    "health": ["pharmaceuticals", "medical devices", "care services"],
    "construction": ["building products", "contracting", "timber construction"],
    "textiles": ["fibres", "clothing", "technical textiles"],
    "ict": ["software", "data services", "telecom"],
}
CLUSTER_NAMES = list(CLUSTERS)
CLUSTER_WEIGHTS = np.array([16, 10, 7, 11, 8, 9, 8, 7, 6, 7, 4, 7], dtype=np.float64)

COUNTRIES = ["FI", "SE", "DE", "NO", "EE", "DK"]
COUNTRY_WEIGHTS = np.array([45, 20, 15, 8, 7, 5], dtype=np.float64)
NAME_ROOTS: dict[str, list[str]] = {
    "FI": [
        "Kuusi",
        "Koivu",
        "Mänty",
        "Haapa",
        "Tammi",
        "Pihlaja",
        "Kataja",
        "Lähde",
        "Virta",
        "Järvi",
        "Kallio",
        "Harju",
        "Salo",
        "Niemi",
        "Aalto",
        "Tuuli",
    ],
    "SE": ["Gran", "Björk", "Tall", "Ek", "Lind", "Berg", "Sjö", "Fjäll", "Strand"],
    "DE": ["Weber", "Hofmann", "Becker", "Schulz", "Krüger", "Lange", "Brandt", "Vogel"],
    "NO": ["Fjord", "Nord", "Vik", "Dal", "Heia", "Storli"],
    "EE": ["Tamm", "Kask", "Saar", "Mets", "Rebane", "Lepp"],
    "DK": ["Skov", "Havn", "Lund", "Bro", "Holm"],
}
COMPANY_FORMS = {"FI": "Oy", "SE": "AB", "DE": "GmbH", "NO": "AS", "EE": "OÜ", "DK": "ApS"}

CAPABILITIES = [
    "co-design",
    "fast delivery",
    "certified quality",
    "life-cycle data",
    "custom development",
    "low-carbon production",
    "testing",
    "service design",
]
NEEDS = [
    "new customers",
    "renewable energy",
    "barrier materials",
    "logistics partners",
    "pilot customers",
    "skilled people",
    "recycled raw material",
    "market insight",
]
VALUES = [
    "circular economy",
    "fossil-free packaging",
    "carbon neutrality",
    "open innovation",
    "local production",
    "craftsmanship",
    "reliability",
    "learning together",
]
TOPICS = [
    "barrier",
    "energy",
    "circular",
    "design",
    "logistics",
    "learning",
    "testing",
    "product",
    "event",
    "carbon",
    "safety",
    "digital",
    "sourcing",
    "case",
]
FIRST_NAMES = [
    "anna",
    "mikko",
    "liisa",
    "jari",
    "sanna",
    "pekka",
    "olli",
    "satu",
    "ville",
    "riikka",
    "erik",
    "karin",
    "jonas",
    "greta",
]

LEVEL_NAMES = ["secret", "direct", "partners", "circle", "network", "public"]
LEVEL_WEIGHTS = np.array([3, 14, 28, 12, 30, 13], dtype=np.float64)
SECRET, DIRECT, PARTNERS, CIRCLE, NETWORK, PUBLIC = range(6)


def generate_network(
    *, orgs: int, seed: int, items_per_org: float = 1.0, assessments: int | None = None
) -> dict[str, Any]:
    """Build a random but rule-abiding network document of `orgs` organisations.

    About `TIES_PER_ORG` ties per organisation (80 % `supplies`, 20 % `partners`, never a
    self tie nor two ties on one pair), one competitor pair per 10 organisations, one
    circle per 200, `items_per_org` items per organisation on average across every
    audience level, a few agreements, and `assessments` relationships (default
    `min(orgs // 10, 10000)`) answered on the built-in `customer-relationship`
    instrument. The same arguments always give the same document.
    """
    if orgs < 2:
        raise ValueError("a network needs at least two organisations")
    rng = np.random.default_rng(seed)
    width = max(4, len(str(orgs - 1)))
    keys = [f"o{i:0{width}d}" for i in range(orgs)]

    cluster = rng.choice(len(CLUSTER_NAMES), size=orgs, p=_norm(CLUSTER_WEIGHTS))
    country = rng.choice(len(COUNTRIES), size=orgs, p=_norm(COUNTRY_WEIGHTS))
    weight = np.minimum(rng.pareto(PARETO_SHAPE, size=orgs) + 1.0, orgs / 20.0)
    members = [np.flatnonzero(cluster == c) for c in range(len(CLUSTER_NAMES))]

    src, dst = _draw_ties(rng, orgs=orgs, cluster=cluster, weight=weight, members=members)
    is_supplies = rng.random(src.size) < SUPPLIES_SHARE
    offsets, neighbours = _adjacency(orgs, src, dst)
    tie_pairs = _pair_codes(src, dst, orgs)

    organizations = _organizations(
        rng,
        keys=keys,
        cluster=cluster,
        country=country,
        src=src,
        dst=dst,
        is_supplies=is_supplies,
    )
    ties = _ties(keys, src, dst, is_supplies)
    competitors = _competitors(
        rng, orgs=orgs, members=members, cluster=cluster, tie_pairs=tie_pairs
    )
    circles = _circles(rng, orgs=orgs, members=members)
    agreement_pairs = _agreement_pairs(rng, orgs=orgs, src=src, dst=dst)
    items = _items(
        rng,
        keys=keys,
        orgs=orgs,
        items_per_org=items_per_org,
        offsets=offsets,
        neighbours=neighbours,
        circles=circles,
        agreement_pairs=agreement_pairs,
    )
    n_assessments = min(orgs // 10, 10000) if assessments is None else assessments
    supplies_idx = np.flatnonzero(is_supplies)
    return {
        "format": "winwin/1",
        "organizations": organizations,
        "ties": ties,
        "competitors": [[keys[a], keys[b]] for a, b in competitors.tolist()],
        "circles": [
            {
                "key": f"circle-{j:04d}",
                "name": f"{CLUSTER_NAMES[cluster[m[0]]].title()} circle {j + 1}",
                "members": [keys[i] for i in m.tolist()],
            }
            for j, m in enumerate(circles)
        ],
        "agreements": [
            {"between": [keys[a], keys[b]], "secret_topics": [f"recipe-{j}", f"trial-{j}"]}
            for j, (a, b) in enumerate(agreement_pairs.tolist())
        ],
        "competition_sensitive_topics": list(COMPETITION_SENSITIVE_TOPICS),
        "items": items,
        "assessments": _assessments(
            rng, keys=keys, src=src[supplies_idx], dst=dst[supplies_idx], count=n_assessments
        ),
    }


def _norm(weights: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    normalised: npt.NDArray[np.float64] = weights / weights.sum()
    return normalised


def _pair_codes(a: IntArray, b: IntArray, orgs: int) -> IntArray:
    """One integer per unordered pair, so a–b and b–a compare equal."""
    return np.minimum(a, b) * orgs + np.maximum(a, b)


def _draw_ties(
    rng: np.random.Generator,
    *,
    orgs: int,
    cluster: IntArray,
    weight: npt.NDArray[np.float64],
    members: list[IntArray],
) -> tuple[IntArray, IntArray]:
    """Draw both ends of each tie in proportion to weight; most targets in the source's cluster."""
    wanted = round(orgs * TIES_PER_ORG)
    wanted = min(wanted, orgs * (orgs - 1) // 4)
    drawn = int(wanted * 1.25) + 16
    p = _norm(weight)
    src = rng.choice(orgs, size=drawn, p=p).astype(np.int64)
    dst = rng.choice(orgs, size=drawn, p=p).astype(np.int64)
    local = rng.random(drawn) < LOCAL_TIE_SHARE
    src_cluster = cluster[src]
    for c, group in enumerate(members):
        chosen = np.flatnonzero(local & (src_cluster == c))
        if chosen.size and group.size > 1:
            dst[chosen] = rng.choice(group, size=chosen.size, p=_norm(weight[group]))
    keep = src != dst
    src, dst = src[keep], dst[keep]
    _, first = np.unique(_pair_codes(src, dst, orgs), return_index=True)
    first.sort()
    first = first[:wanted]
    return src[first], dst[first]


def _adjacency(orgs: int, src: IntArray, dst: IntArray) -> tuple[IntArray, IntArray]:
    """Undirected neighbour lists in CSR form: neighbours[offsets[i]:offsets[i + 1]]."""
    ends = np.concatenate([src, dst])
    others = np.concatenate([dst, src])
    order = np.argsort(ends, kind="stable")
    offsets = np.zeros(orgs + 1, dtype=np.int64)
    np.cumsum(np.bincount(ends, minlength=orgs), out=offsets[1:])
    return offsets, others[order].astype(np.int64)


def _organizations(
    rng: np.random.Generator,
    *,
    keys: list[str],
    cluster: IntArray,
    country: IntArray,
    src: IntArray,
    dst: IntArray,
    is_supplies: npt.NDArray[np.bool_],
) -> list[dict[str, Any]]:
    orgs = len(keys)
    supplier = np.bincount(src[is_supplies], minlength=orgs) > 0
    customer = np.bincount(dst[is_supplies], minlength=orgs) > 0
    partner = (
        np.bincount(np.concatenate([src[~is_supplies], dst[~is_supplies]]), minlength=orgs) > 0
    )
    research = (cluster == CLUSTER_NAMES.index("technology")) & (rng.random(orgs) < 0.1)
    picks = rng.integers(0, 1 << 30, size=(orgs, 6))
    industries = [CLUSTERS[name] for name in CLUSTER_NAMES]
    out = []
    for i, (c, cc, row, s, k, pa, r) in enumerate(
        zip(
            cluster.tolist(),
            country.tolist(),
            picks.tolist(),
            supplier.tolist(),
            customer.tolist(),
            partner.tolist(),
            research.tolist(),
            strict=True,
        )
    ):
        code = COUNTRIES[cc]
        roots = NAME_ROOTS[code]
        root = roots[row[0] % len(roots)]
        industry_list = industries[c]
        industry = industry_list[row[1] % len(industry_list)]
        roles = [
            role
            for role, flag in (("supplier", s), ("customer", k), ("partner", pa), ("research", r))
            if flag
        ]
        out.append(
            {
                "key": keys[i],
                "name": f"{root} {industry.title()} {i} {COMPANY_FORMS[code]}",
                "country": code,
                "cluster": CLUSTER_NAMES[c],
                "industry": industry,
                "roles": roles or ["customer"],
                "capabilities": [CAPABILITIES[row[2] % len(CAPABILITIES)]],
                "needs": [NEEDS[row[3] % len(NEEDS)]],
                "values": sorted({VALUES[row[4] % len(VALUES)], VALUES[row[5] % len(VALUES)]}),
            }
        )
    return out


def _ties(
    keys: list[str], src: IntArray, dst: IntArray, is_supplies: npt.NDArray[np.bool_]
) -> list[dict[str, str]]:
    return [
        {"kind": "supplies" if s else "partners", "from": keys[a], "to": keys[b]}
        for a, b, s in zip(src.tolist(), dst.tolist(), is_supplies.tolist(), strict=True)
    ]


def _competitors(
    rng: np.random.Generator,
    *,
    orgs: int,
    members: list[IntArray],
    cluster: IntArray,
    tie_pairs: IntArray,
) -> npt.NDArray[np.int64]:
    """About one pair per ten organisations, inside one cluster, never a tied pair."""
    wanted = orgs // 10
    if wanted == 0:
        return np.zeros((0, 2), dtype=np.int64)
    drawn = int(wanted * 1.3) + 8
    a = rng.integers(0, orgs, size=drawn)
    b = np.empty(drawn, dtype=np.int64)
    for c, group in enumerate(members):
        chosen = np.flatnonzero(cluster[a] == c)
        if chosen.size:
            b[chosen] = group[rng.integers(0, group.size, size=chosen.size)]
    keep = a != b
    a, b = a[keep], b[keep]
    codes = _pair_codes(a, b, orgs)
    keep = ~np.isin(codes, tie_pairs)
    a, b, codes = a[keep], b[keep], codes[keep]
    _, first = np.unique(codes, return_index=True)
    first.sort()
    first = first[:wanted]
    return np.stack([np.minimum(a, b)[first], np.maximum(a, b)[first]], axis=1)


def _circles(rng: np.random.Generator, *, orgs: int, members: list[IntArray]) -> list[IntArray]:
    """About one circle per 200 organisations, 3–30 members drawn mostly from one cluster."""
    count = max(1, orgs // 200) if orgs >= 3 else 0
    sizes = np.minimum(rng.integers(3, 31, size=count), orgs)
    circles = []
    for size in sizes.tolist():
        group = members[int(rng.integers(0, len(members)))]
        pool = group if group.size >= size else np.arange(orgs, dtype=np.int64)
        circles.append(np.sort(rng.choice(pool, size=size, replace=False)).astype(np.int64))
    return circles


def _agreement_pairs(
    rng: np.random.Generator, *, orgs: int, src: IntArray, dst: IntArray
) -> npt.NDArray[np.int64]:
    """A few tied pairs that agree on secret topics; each agreement gets its own topics."""
    count = min(src.size, max(1, min(100, orgs // 1000)))
    chosen = np.sort(rng.choice(src.size, size=count, replace=False))
    return np.stack([src[chosen], dst[chosen]], axis=1)


def _items(
    rng: np.random.Generator,
    *,
    keys: list[str],
    orgs: int,
    items_per_org: float,
    offsets: IntArray,
    neighbours: IntArray,
    circles: list[IntArray],
    agreement_pairs: npt.NDArray[np.int64],
) -> list[dict[str, Any]]:
    total = round(orgs * items_per_org)
    if total <= 0:
        return []
    n_reshares = int(total * RESHARE_SHARE)
    n_agreement = min(agreement_pairs.shape[0], max(0, total - n_reshares))
    n_plain = total - n_reshares - n_agreement
    degree = np.diff(offsets)

    owner = rng.integers(0, orgs, size=n_plain)
    level = rng.choice(len(LEVEL_NAMES), size=n_plain, p=_norm(LEVEL_WEIGHTS))
    # An owner without ties cannot name partners; an empty network has no circle.
    level[(level == DIRECT) & (degree[owner] == 0)] = PARTNERS
    if not circles:
        level[level == CIRCLE] = NETWORK
    circle_of = rng.integers(0, max(1, len(circles)), size=n_plain)
    rolls = rng.random((n_plain, 4))
    picks = rng.integers(0, 1 << 30, size=(n_plain, 4))

    items: list[dict[str, Any]] = []
    reshare_candidates: list[tuple[int, int, int]] = []
    for j, (o, lv, ci, roll, pick) in enumerate(
        zip(
            owner.tolist(),
            level.tolist(),
            circle_of.tolist(),
            rolls.tolist(),
            picks.tolist(),
            strict=True,
        )
    ):
        audience: dict[str, Any] = {"level": LEVEL_NAMES[lv]}
        if lv == DIRECT:
            start, deg = int(offsets[o]), int(degree[o])
            steps = range(1 + pick[3] % 3)
            chosen = {int(neighbours[start + (pick[2] + t * 7919) % deg]) for t in steps}
            audience["orgs"] = sorted(keys[x] for x in chosen)
        elif lv == CIRCLE:
            circle = circles[ci]
            o = int(circle[pick[2] % circle.size])
            audience["circle"] = f"circle-{ci:04d}"
        sensitive = lv in (SECRET, PARTNERS, NETWORK) and roll[0] < SENSITIVE_SHARE
        if sensitive:
            topics = [COMPETITION_SENSITIVE_TOPICS[pick[0] % len(COMPETITION_SENSITIVE_TOPICS)]]
        else:
            topics = sorted({TOPICS[pick[0] % len(TOPICS)], TOPICS[pick[1] % len(TOPICS)]})
        exclude: list[str] = []
        if sensitive and lv != SECRET:
            exclude.append("competitors")
        elif lv != PUBLIC and roll[1] < EXCLUDE_SHARE:
            exclude.append(_exclusion(pick[3], roll[2], keys=keys, orgs=orgs))
        key = f"i{j:07d}"
        item: dict[str, Any] = {
            "key": key,
            "owner": keys[o],
            "title": f"{topics[0].title()} note {j}",
            "body": f"**{keys[o]}** shares a note on *{', '.join(topics)}*.\n\n"
            f"- idea {pick[1] % 97}\n- next step: talk with partners",
            "topics": topics,
            "audience": audience,
        }
        if exclude:
            item["exclude"] = exclude
        items.append(item)
        plain = not exclude and not sensitive and lv in (PARTNERS, NETWORK, PUBLIC)
        if plain and (lv != PARTNERS or degree[o] > 0):
            reshare_candidates.append((j, o, lv))

    for j, (a, b) in enumerate(agreement_pairs[:n_agreement].tolist()):
        items.append(
            {
                "key": f"a{j:07d}",
                "owner": keys[a],
                "title": f"Recipe {j} for our pair",
                "body": "Only between the two of us, as agreed.",
                "topics": [f"recipe-{j}"],
                "audience": {"level": "direct", "orgs": [keys[b]]},
            }
        )

    if reshare_candidates and n_reshares:
        which = rng.integers(0, len(reshare_candidates), size=n_reshares)
        other = rng.integers(0, 1 << 30, size=(n_reshares, 2))
        for j, (w, (r0, r1)) in enumerate(zip(which.tolist(), other.tolist(), strict=True)):
            original, o, lv = reshare_candidates[w]
            if lv == PARTNERS:
                # Only the original owner's partners can see a `partners` item.
                sharer = int(neighbours[int(offsets[o]) + r0 % int(degree[o])])
                new_level = "partners"
            else:
                sharer = (o + 1 + r0 % (orgs - 1)) % orgs
                new_level = (
                    ("partners", "network")[r1 % 2]
                    if lv == NETWORK
                    else (("network", "public")[r1 % 2])
                )
            items.append(
                {
                    "key": f"r{j:07d}",
                    "owner": keys[sharer],
                    "reshare_of": f"i{original:07d}",
                    "audience": {"level": new_level},
                }
            )
    return items


def _exclusion(pick: int, roll: float, *, keys: list[str], orgs: int) -> str:
    if roll < 0.4:
        return "competitors"
    if roll < 0.6:
        return f"country:{COUNTRIES[pick % len(COUNTRIES)]}"
    if roll < 0.8:
        return f"cluster:{CLUSTER_NAMES[pick % len(CLUSTER_NAMES)]}"
    return f"org:{keys[pick % orgs]}"


def _assessments(
    rng: np.random.Generator, *, keys: list[str], src: IntArray, dst: IntArray, count: int
) -> list[dict[str, Any]]:
    """`count` supplier→customer relationships, two respondents per side, all 20 items."""
    count = min(max(count, 0), src.size)
    if count == 0:
        return []
    chosen = np.sort(rng.choice(src.size, size=count, replace=False))
    # Each side has a mood of its own; respondents scatter around it.
    mood = rng.integers(2, 5, size=(count, 2, 1, 4))
    noise = rng.integers(-1, 2, size=(count, 2, 2, 20))
    answers = np.clip(np.repeat(mood, 5, axis=3) + noise, 1, 5)
    # The fifth item of each factor is reverse-coded in the built-in instrument.
    answers[..., 4::5] = 6 - answers[..., 4::5]
    names = rng.integers(0, len(FIRST_NAMES), size=(count, 2))
    out = []
    for a, b, rows, (n0, n1) in zip(
        src[chosen].tolist(),
        dst[chosen].tolist(),
        answers.tolist(),
        names.tolist(),
        strict=True,
    ):
        first, second = FIRST_NAMES[n0], FIRST_NAMES[(n0 + 1 + n1 % 5) % len(FIRST_NAMES)]
        responses = [
            {
                "side": keys[org],
                "respondent": f"{keys[org]}-{name}",
                "answers": dict(zip(ANSWER_IDS, rows[side][r], strict=True)),
            }
            for side, org in enumerate((a, b))
            for r, name in enumerate((first, second))
        ]
        out.append(
            {
                "round": ROUND,
                "instrument": INSTRUMENT,
                "between": [keys[a], keys[b]],
                "responses": responses,
            }
        )
    return out
