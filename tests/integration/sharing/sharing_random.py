"""Random but importable networks for the consistency suite (seeded, so failures replay).

Candidate items are drawn freely and kept only when the pure policy accepts them, so the
import never refuses; a second phase then changes circles, agreements and ties under
the stored items, which publishing alone could never produce.
"""

from __future__ import annotations

import random
from typing import Any

from winwin.sharing import audience as policy

COUNTRIES = ["FI", "SE", "DE", None]
CLUSTERS = ["forest", "food", "metal", None]
TOPICS = ["recipe", "formula", "pricing", "barrier", "energy"]
SENSITIVE = ["pricing"]


def _network(doc: dict[str, Any], items: list[policy.ItemPolicy]) -> policy.Network:
    return policy.Network.build(
        orgs=[
            policy.Org(o["key"], o.get("country"), o.get("cluster")) for o in doc["organizations"]
        ],
        ties=[(t["kind"], t["from"], t["to"]) for t in doc["ties"]],
        competitors=[tuple(p) for p in doc["competitors"]],  # type: ignore[misc]
        circles={c["key"]: frozenset(c["members"]) for c in doc["circles"]},
        agreements=[(tuple(a["between"]), a["secret_topics"]) for a in doc["agreements"]],  # type: ignore[misc]
        sensitive_topics=doc["competition_sensitive_topics"],
        items=items,
    )


def random_document(seed: int, *, orgs: int = 9, candidates: int = 40) -> dict[str, Any]:
    rng = random.Random(seed)
    keys = [f"o{i}" for i in range(orgs)]
    doc: dict[str, Any] = {"format": "winwin/1", "competition_sensitive_topics": SENSITIVE}
    doc["organizations"] = []
    for key in keys:
        org: dict[str, Any] = {"key": key, "name": key.upper()}
        country, cluster = rng.choice(COUNTRIES), rng.choice(CLUSTERS)
        if country:
            org["country"] = country
        if cluster:
            org["cluster"] = cluster
        doc["organizations"].append(org)
    pairs = set()
    for _ in range(int(orgs * 1.4)):
        a, b = rng.sample(keys, 2)
        pairs.add((rng.choice(["supplies", "partners"]), a, b))
    doc["ties"] = [{"kind": k, "from": a, "to": b} for k, a, b in sorted(pairs)]
    doc["competitors"] = sorted({tuple(sorted(rng.sample(keys, 2))) for _ in range(orgs // 3)})
    doc["competitors"] = [list(p) for p in doc["competitors"]]
    doc["circles"] = [
        {
            "key": f"c{j}",
            "name": f"Circle {j}",
            "members": sorted(rng.sample(keys, rng.randint(2, min(5, len(keys))))),
        }
        for j in range(2)
    ]
    doc["agreements"] = [
        {"between": sorted(rng.sample(keys, 2)), "secret_topics": [rng.choice(TOPICS[:2])]}
    ]
    accepted: list[policy.ItemPolicy] = []
    doc_items: list[dict[str, Any]] = []
    topics_of: dict[str, list[str]] = {}
    for n in range(candidates):
        owner = rng.choice(keys)
        level = rng.choice(policy.LEVELS)
        audience: dict[str, Any] = {"level": level}
        if level == "direct":
            audience["orgs"] = sorted(set(rng.sample(keys, rng.randint(1, 3))) - {owner}) or [
                keys[0]
            ]
        if level == "circle":
            audience["circle"] = rng.choice(["c0", "c1"])
        reshare_of = None
        if accepted and rng.random() < 0.35:
            reshare_of = rng.choice(accepted).key
        roll = rng.random()
        topics: list[str] | None
        if reshare_of is not None and roll < 0.4:
            topics = None
        elif roll < 0.55:
            topics = []
        else:
            topics = sorted(set(rng.sample(TOPICS, rng.randint(1, 2))))
        exclude: list[str] = []
        if level != "public" and rng.random() < 0.5:
            for _ in range(rng.randint(1, 2)):
                exclude.append(
                    rng.choice(
                        [
                            "competitors",
                            f"org:{rng.choice(keys)}",
                            f"country:{rng.choice(['FI', 'SE', 'DE'])}",
                            f"cluster:{rng.choice(['forest', 'food', 'metal'])}",
                        ]
                    )
                )
            exclude = list(dict.fromkeys(exclude))
        key = f"i{n}"
        effective = topics if topics is not None else topics_of.get(reshare_of or "", [])
        candidate = policy.ItemPolicy(
            key=key,
            owner=owner,
            audience=policy.Audience(
                level, frozenset(audience.get("orgs", ())), audience.get("circle")
            ),
            topics=frozenset(effective),
            exclude=tuple(policy.Exclusion.parse(e) for e in exclude),
            reshare_of=reshare_of,
        )
        if policy.validate_item(_network(doc, accepted), candidate):
            continue
        accepted.append(candidate)
        topics_of[key] = effective
        item: dict[str, Any] = {"key": key, "owner": owner, "audience": audience}
        if reshare_of is None or rng.random() < 0.5:
            item["title"] = f"Item {n} <script>alert({n})</script>"
            item["body"] = f"Body of **{n}**"
        if topics is not None:
            item["topics"] = topics
        if exclude:
            item["exclude"] = exclude
        if reshare_of is not None:
            item["reshare_of"] = reshare_of
        doc_items.append(item)
    doc["items"] = doc_items
    return doc


def second_phase(seed: int, doc: dict[str, Any]) -> dict[str, Any]:
    """Changes under the stored items: circle members leave, a new agreement holds topics."""
    rng = random.Random(seed + 10_000)
    keys = [o["key"] for o in doc["organizations"]]
    circles = []
    for circle in doc["circles"]:
        members = [m for m in circle["members"] if rng.random() < 0.6]
        members += [k for k in rng.sample(keys, 2) if k not in members]
        circles.append({**circle, "members": sorted(members)})
    pair = sorted(rng.sample(keys, 2))
    agreements = list(doc["agreements"])
    if pair not in [a["between"] for a in agreements]:
        agreements.append({"between": pair, "secret_topics": [rng.choice(TOPICS)]})
    return {"format": "winwin/1", "circles": circles, "agreements": agreements}
