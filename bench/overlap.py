"""The partner overlap (account mapping) of two partners with 10,000 customers each.

Organisations ``a`` and ``b`` are partners; each supplies 10,000 customers (scaled), half
of them common. ``b`` shares ``all`` with ``a``, so every list is read and built. The
network is stored through the importer and the settings service, on SQLite and
PostgreSQL.

What is timed: ``tie_sharing.overlap(org="a", other="b")``, the service every door calls
(the checkpoint's level in SQL, both customer key sets read, the three lists built and
sorted), median of several runs. The baseline, timed in the same run: a bare Python
``set`` intersection of the same customer keys, already in memory.
"""

from __future__ import annotations

import statistics
import timeit
from typing import Any

from bench.common import Report, result, timed

RUNS = 9


def _document(customers: int) -> tuple[dict[str, Any], list[str], list[str]]:
    keys = [f"c{i:06d}" for i in range(customers + customers // 2)]
    mine, theirs = keys[:customers], keys[customers // 2 :]
    doc = {
        "format": "winwin/1",
        "organizations": [{"key": k, "name": k.upper()} for k in ["a", "b", *keys]],
        "ties": [{"kind": "partners", "from": "a", "to": "b"}]
        + [{"kind": "supplies", "from": "a", "to": k} for k in mine]
        + [{"kind": "supplies", "from": "b", "to": k} for k in theirs],
    }
    return doc, mine, theirs


def _load(url: str, doc: dict[str, Any]) -> Any:
    from winwin.accounts.access import operator
    from winwin.db.engine import build_engine, session_factory, unit_of_work
    from winwin.db.models import Base
    from winwin.network import tie_sharing
    from winwin.network.document import parse_document
    from winwin.network.io import import_network

    engine = build_engine(url)
    Base.metadata.create_all(engine)
    with unit_of_work(session_factory(engine)) as session:
        import_network(session, parse_document(doc))
        tie_sharing.set_sharing(session, org="b", partner="a", level="all", actor=operator())
    return engine


def _own_schema(url: str) -> str:
    """A URL whose connections use the schema ``bench_overlap`` (created empty here)."""
    from sqlalchemy import text

    from winwin.db.engine import build_engine

    engine = build_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS bench_overlap CASCADE"))
        conn.execute(text("CREATE SCHEMA bench_overlap"))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3Dbench_overlap"


def _service(engine: Any) -> tuple[float, Any]:
    from winwin.accounts.access import operator
    from winwin.db.engine import session_factory
    from winwin.network import tie_sharing

    factory = session_factory(engine)
    times: list[float] = []
    found = None
    for _ in range(RUNS):
        with factory() as session:

            def once(s: Any = session) -> Any:
                return tie_sharing.overlap(s, org="a", other="b", actor=operator())

            seconds, found = timed(once)
        times.append(seconds)
    return statistics.median(times), found


def _bare(mine: list[str], theirs: list[str]) -> float:
    left, right = set(mine), set(theirs)
    loops = 200
    return min(timeit.repeat(lambda: left & right, number=loops, repeat=RUNS)) / loops


def run(report: Report) -> list[dict[str, Any]]:
    customers = report.scaled(10_000, minimum=100)
    doc, mine, theirs = _document(customers)
    expected = sorted(set(mine) & set(theirs))
    backends = [("SQLite", f"sqlite:///{report.workdir / 'overlap.sqlite3'}")]
    if report.postgres_url:
        backends.append(("PostgreSQL", _own_schema(report.postgres_url)))
    rows = []
    for name, url in backends:
        report.log(f"loading {name}: 2 partners, {customers:,} customers each")
        try:
            engine = _load(url, doc)
        except Exception as exc:  # PostgreSQL may be absent on a laptop
            report.log(f"{name} skipped: {exc.__class__.__name__}: {exc}")
            continue
        ours, found = _service(engine)
        engine.dispose()
        if name == "PostgreSQL":
            _own_schema(report.postgres_url or "")  # leave no tables behind
        if found.common != expected or found.level != "all":
            raise AssertionError("the overlap read is not the expected one")
        bare = _bare(mine, theirs)
        rows.append(
            result(
                f"overlap: two partners' account mapping vs bare set intersection ({name})",
                ours / bare,
                "report",
                f"{customers:,} customers each, {len(expected):,} in common, level all: "
                f"tie_sharing.overlap {ours * 1000:.1f} ms (median of {RUNS}, SQL included) "
                f"vs set intersection of the same keys in memory {bare * 1e6:.0f} µs",
            )
        )
    return rows
