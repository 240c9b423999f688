"""Issue 5: the sharing checkpoint at scale.

On a generated network (100,000 organisations, about 1,000,000 ties and 1,000,000 items
at scale 1.0):

1. ``domain.audience.can_see`` decisions per second in-process, against the same number
   of bare item lookups (the least any check must do).
2. The first feed page (50 items) for 200 random organisations through the real SQL
   checkpoint (``ItemRepository.visible_to``), on SQLite and on PostgreSQL, p50 and p95
   as a ratio against the same page query with no visibility filter on the same table
   in the same run. Goal: p95 within 3x.
3. Peak memory of the whole run.

The network is loaded with bulk inserts (COPY on PostgreSQL) rather than the importer,
whose per-item rule checks would dominate the run; the reshare lineage is then built by
the same ``ItemRepository.refresh_lineage`` the importer calls.
"""

from __future__ import annotations

import random
import resource
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import Report, result

PAGE = 50
READERS = 200


def _rows(document: dict[str, Any]) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Table name -> (columns, rows) with explicit ids, as the importer would store them."""
    rng = random.Random(11)
    orgs = document["organizations"]
    ids = {o["key"]: i + 1 for i, o in enumerate(orgs)}
    start = datetime(2025, 1, 1, tzinfo=UTC)
    out: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    out["organizations"] = (
        [
            "id",
            "key",
            "name",
            "country",
            "cluster",
            "roles",
            "capabilities",
            "needs",
            "values",
            "created_at",
        ],
        [
            (
                ids[o["key"]],
                o["key"],
                o["name"],
                o.get("country"),
                o.get("cluster"),
                "[]",
                "[]",
                "[]",
                "[]",
                start,
            )
            for o in orgs
        ],
    )
    ties = []
    for t in document["ties"]:
        f, to = ids[t["from"]], ids[t["to"]]
        if t["kind"] == "partners" and f > to:
            f, to = to, f
        ties.append((t["kind"], f, to))
    out["ties"] = (["kind", "from_id", "to_id"], sorted(set(ties)))
    out["competitors"] = (
        ["a_id", "b_id"],
        sorted({tuple(sorted((ids[a], ids[b]))) for a, b in document["competitors"]}),
    )
    circle_ids = {c["key"]: j + 1 for j, c in enumerate(document["circles"])}
    out["circles"] = (
        ["id", "key", "name", "created_at"],
        [(circle_ids[c["key"]], c["key"], c["name"], start) for c in document["circles"]],
    )
    out["circle_members"] = (
        ["circle_id", "org_id", "status"],
        [
            (circle_ids[c["key"]], ids[m], "member")
            for c in document["circles"]
            for m in c["members"]
        ],
    )
    pacts, pact_topics = [], []
    for j, a in enumerate(document["agreements"], 1):
        x, y = sorted(ids[k] for k in a["between"])
        pacts.append((j, x, y, "active", True, True, start))
        pact_topics += [(j, t) for t in a["secret_topics"]]
    out["agreements"] = (
        ["id", "a_id", "b_id", "status", "accepted_by_a", "accepted_by_b", "created_at"],
        pacts,
    )
    out["agreement_topics"] = (["agreement_id", "topic"], pact_topics)
    item_ids = {it["key"]: i + 1 for i, it in enumerate(document["items"])}
    created: dict[str, datetime] = {}
    items, topics, audience, exclusions = [], [], [], []
    topics_of: dict[str, list[str]] = {}
    for it in document["items"]:
        iid = item_ids[it["key"]]
        original = it.get("reshare_of")
        # Every item at a random moment of one year; a reshare never before its original.
        at = start + timedelta(seconds=rng.randint(0, 365 * 86400), microseconds=iid)
        if original:
            at = max(at, created[original] + timedelta(seconds=1))
            item_topics = it.get("topics", topics_of[original])
        else:
            item_topics = it.get("topics", [])
        created[it["key"]] = at
        topics_of[it["key"]] = item_topics
        level = it["audience"]["level"]
        circle = it["audience"].get("circle")
        items.append(
            (
                iid,
                it["key"],
                ids[it["owner"]],
                it.get("title", "Reshare"),
                it.get("body", ""),
                level,
                circle_ids[circle] if circle else None,
                item_ids[original] if original else None,
                "title" in it,
                at,
            )
        )
        topics += [(iid, t) for t in item_topics]
        audience += [(iid, ids[o]) for o in it["audience"].get("orgs", [])]
        for pos, text in enumerate(it.get("exclude", [])):
            kind, _, value = text.partition(":")
            exclusions.append((iid, kind, value, pos))
    out["items"] = (
        [
            "id",
            "key",
            "owner_id",
            "title",
            "body",
            "level",
            "circle_id",
            "reshare_of_id",
            "own_content",
            "created_at",
        ],
        items,
    )
    out["item_topics"] = (["item_id", "topic"], topics)
    out["item_audience_orgs"] = (["item_id", "org_id"], audience)
    out["item_exclusions"] = (["item_id", "kind", "value", "position"], exclusions)
    return out


def _load(url: str, tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]]) -> Any:
    from sqlalchemy import text

    from winwin.db.engine import build_engine, session_factory, unit_of_work
    from winwin.db.models import Base
    from winwin.sharing.items import ItemRepository

    engine = build_engine(url)
    Base.metadata.create_all(engine)
    sqlite = engine.dialect.name == "sqlite"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, (columns, rows) in tables.items():
            names = ", ".join(f'"{c}"' for c in columns)
            if sqlite:
                marks = ", ".join("?" for _ in columns)
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})",
                    [
                        tuple(
                            v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v
                            for v in row
                        )
                        for row in rows
                    ],
                )
            else:
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
    reshares = [row[0] for row in tables["items"][1] if row[7] is not None]
    with unit_of_work(session_factory(engine)) as session:
        ItemRepository(session).refresh_lineage(reshares)
    with engine.begin() as conn:
        if not sqlite:
            for table in ("organizations", "circles", "agreements", "items"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        conn.execute(text("ANALYZE"))
    return engine


def _own_schema(url: str) -> str:
    """A URL whose connections use the schema ``bench_sharing`` (created empty here)."""
    from sqlalchemy import text

    from winwin.db.engine import build_engine

    engine = build_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS bench_sharing CASCADE"))
        conn.execute(text("CREATE SCHEMA bench_sharing"))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3Dbench_sharing"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _feed_latency(engine: Any, keys: list[str]) -> dict[str, float]:
    from sqlalchemy import event

    from winwin.db.engine import session_factory
    from winwin.sharing.items import ItemRepository

    factory = session_factory(engine)
    filtered, bare, sizes = [], [], []
    # The checkpoint's own statement, timed at the driver: what the page costs apart from
    # the round trips around it (the sensitive topics, the planner settings).
    statement: list[float] = []
    started: list[float] = []

    def before(conn: Any, cursor: Any, sql: str, *_: Any) -> None:
        if "item_lineage" in sql:
            started.append(time.perf_counter())

    def after(conn: Any, cursor: Any, sql: str, *_: Any) -> None:
        if "item_lineage" in sql and started:
            statement.append(time.perf_counter() - started.pop())

    with factory() as session:
        repo = ItemRepository(session)
        viewers = [repo.viewer(k) for k in keys]
        for viewer in viewers[:20]:  # warm the caches and the statement cache
            repo.visible_to(viewer, limit=PAGE)
            repo.unfiltered_page(limit=PAGE)
        statement.clear()
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        for viewer in viewers:
            t0 = time.perf_counter()
            page = repo.visible_to(viewer, limit=PAGE)
            t1 = time.perf_counter()
            repo.unfiltered_page(limit=PAGE)
            t2 = time.perf_counter()
            filtered.append(t1 - t0)
            bare.append(t2 - t1)
            sizes.append(len(page))
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return {
        "statement_p50": _pct(statement, 0.5),
        "statement_p95": _pct(statement, 0.95),
        "p50": _pct(filtered, 0.5),
        "p95": _pct(filtered, 0.95),
        "bare_p50": _pct(bare, 0.5),
        "bare_p95": _pct(bare, 0.95),
        "full_pages": sum(s == PAGE for s in sizes) / len(sizes),
    }


def _can_see_rate(document: dict[str, Any], keys: list[str]) -> tuple[float, float, int]:
    from winwin.sharing import audience as policy

    topics_of: dict[str, list[str]] = {}
    items = []
    for it in document["items"]:
        original = it.get("reshare_of")
        topics = it.get("topics", topics_of.get(original or "", []))
        topics_of[it["key"]] = topics
        items.append(
            policy.ItemPolicy(
                key=it["key"],
                owner=it["owner"],
                audience=policy.Audience(
                    it["audience"]["level"],
                    frozenset(it["audience"].get("orgs", ())),
                    it["audience"].get("circle"),
                ),
                topics=frozenset(topics),
                exclude=tuple(policy.Exclusion.parse(e) for e in it.get("exclude", [])),
                reshare_of=original,
            )
        )
    network = policy.Network.build(
        orgs=[
            policy.Org(o["key"], o.get("country"), o.get("cluster"))
            for o in document["organizations"]
        ],
        ties=[(t["kind"], t["from"], t["to"]) for t in document["ties"]],
        competitors=[(a, b) for a, b in document["competitors"]],
        circles={c["key"]: c["members"] for c in document["circles"]},
        agreements=[(tuple(a["between"]), a["secret_topics"]) for a in document["agreements"]],
        sensitive_topics=document["competition_sensitive_topics"],
        items=items,
    )
    rng = random.Random(5)
    item_keys = [i.key for i in items]
    pairs = [(rng.choice(keys), rng.choice(item_keys)) for _ in range(200_000)]
    t0 = time.perf_counter()
    visible = sum(1 for v, i in pairs if policy.can_see(network, v, i).visible)
    t1 = time.perf_counter()
    for v, i in pairs:
        _ = network.items[i].owner == v
    t2 = time.perf_counter()
    return len(pairs) / (t1 - t0), (t1 - t0) / (t2 - t1), visible


def run(report: Report) -> list[dict[str, Any]]:
    from winwin.network.generate import generate_network

    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    orgs = report.scaled(100_000, 300)
    report.log(f"generating {orgs} organisations with 10 items each")
    document = generate_network(orgs=orgs, seed=17, items_per_org=10, assessments=0)
    n_items, n_ties = len(document["items"]), len(document["ties"])
    size = f"{orgs:,} orgs, {n_ties:,} ties, {n_items:,} items"
    org_keys = [o["key"] for o in document["organizations"]]
    readers = random.Random(3).sample(org_keys, min(READERS, len(org_keys)))
    rows: list[dict[str, Any]] = []

    report.log("can_see decisions in-process")
    rate, ratio, _ = _can_see_rate(document, org_keys)
    rows.append(
        result(
            "sharing: can_see decisions/s vs bare item lookups",
            ratio,
            "report",
            f"{rate:,.0f} decisions/s on {size}",
        )
    )
    tables = _rows(document)
    del document
    backends = [("SQLite", f"sqlite:///{report.workdir / 'sharing.sqlite3'}")]
    if report.postgres_url:
        backends.append(("PostgreSQL", _own_schema(report.postgres_url)))
    for name, url in backends:
        report.log(f"loading {name}")
        try:
            engine = _load(url, tables)
        except Exception as exc:  # PostgreSQL may be absent on a laptop
            report.log(f"{name} skipped: {exc.__class__.__name__}: {exc}")
            continue
        report.log(f"{READERS} first feed pages on {name}")
        lat = _feed_latency(engine, readers)
        engine.dispose()
        if name == "PostgreSQL":
            _own_schema(report.postgres_url or "")  # leave no tables behind
        ratio = lat["p95"] / lat["bare_p95"]
        rows.append(
            result(
                f"sharing: first feed page p95 vs unfiltered page ({name})",
                ratio,
                "≤ 3×",
                f"p50 {lat['p50'] * 1000:.2f} ms ({lat['p50'] / lat['bare_p50']:.1f}× of "
                f"{lat['bare_p50'] * 1000:.2f} ms), p95 {lat['p95'] * 1000:.2f} ms vs "
                f"{lat['bare_p95'] * 1000:.2f} ms; the checkpoint's statement alone p50 "
                f"{lat['statement_p50'] * 1000:.2f} ms, p95 {lat['statement_p95'] * 1000:.2f} ms; "
                f"{lat['full_pages']:.0%} of pages full; {size}",
                ratio <= 3,
            )
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows.append(
        result(
            "sharing: peak memory vs the interpreter at start",
            peak / max(1, start_rss),
            "report",
            f"peak {peak / 1024:,.0f} MiB (start {start_rss / 1024:,.0f} MiB) for {size}",
        )
    )
    return rows
