"""Recommended partners on ``/pairs`` and the dashboard at 5,000 organisations (issue 14).

Each page load asks ``insight.service.recommend_partners`` for its organisation's ten
best partners. Before, every load read the whole network and built its incidence
matrices; now both are kept per graph version (``network.graph_stamp``), and each
organisation's list too. Measured through the service on SQLite, each round alternating:

- *cold*: the first load after the graph changed (the memos emptied): what every load
  cost before;
- *another organisation*: the next load, for an organisation not asked for yet in this
  version (the prepared network is reused, its ranking is computed);
- *again*: a load for an organisation already asked for in this version.

Ratios are speed-ups: the median cold load over the median of each.
"""

from __future__ import annotations

import os
import statistics
from typing import Any

from bench.common import Report, result, timed

ORGS = 5_000
SEED = 11
ROUNDS = 9


def run(report: Report) -> list[dict[str, Any]]:
    from winwin.accounts.access import operator
    from winwin.db.engine import build_engine, session_factory, unit_of_work
    from winwin.db.models import Base
    from winwin.insight import service as insight
    from winwin.network import io as network_io
    from winwin.network.document import parse_document
    from winwin.network.generate import generate_network

    n = report.scaled(ORGS, minimum=200)
    url = f"sqlite:///{report.workdir / 'recommendations.sqlite3'}"
    engine = build_engine(url)
    Base.metadata.create_all(engine)
    report.log(f"{n:,} organisations: generating and importing …")
    document = generate_network(orgs=n, seed=SEED, items_per_org=0, assessments=0)
    with unit_of_work(session_factory(engine)) as session:
        network_io.import_network(session, parse_document(document))
        keys = sorted(o.key for o in insight.InsightRepository(session).organizations())
    sample = keys[:: max(1, len(keys) // (2 * ROUNDS))][: 2 * ROUNDS]

    def load(key: str) -> float:
        with unit_of_work(session_factory(engine)) as session:
            seconds, _ = timed(
                lambda: insight.recommend_partners(session, org=key, limit=10, actor=operator())
            )
        return seconds

    cold, other, again = [], [], []
    for i in range(ROUNDS):
        first, second = sample[2 * i], sample[2 * i + 1]
        insight._RECOMMENDERS.items.clear()
        insight._RECOMMENDED.items.clear()
        cold.append(load(first))
        other.append(load(second))
        again.append(load(first))
    engine.dispose()
    base, warm, kept = (statistics.median(x) for x in (cold, other, again))
    one, five, _ = os.getloadavg()
    detail = f"median of {ROUNDS}; load {one:.1f}/{five:.1f} on {os.cpu_count()} cores"
    return [
        result(
            f"recommendations: speed-up of a page load for another organisation over a cold "
            f"one, {n:,} orgs",
            base / warm,
            "reported",
            f"{warm * 1000:,.1f} ms vs {base * 1000:,.0f} ms (the whole network read and "
            f"prepared, as every load did before); {detail}",
        ),
        result(
            f"recommendations: speed-up of a page load for the same organisation over a cold "
            f"one, {n:,} orgs",
            base / kept,
            "reported",
            f"{kept * 1000:,.2f} ms vs {base * 1000:,.0f} ms; {detail}",
        ),
    ]
