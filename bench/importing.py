"""Issue 2: import rows/s of a generated network vs a bare executemany of the same rows."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.common import Report, result, timed

CHILD = r"""
import json, resource, sys, time
from winwin.network.document import parse_document
from winwin.network.io import import_network
from winwin.db.engine import build_engine, session_factory, unit_of_work
from winwin.db.models import Base

path, url = sys.argv[1], sys.argv[2]
engine = build_engine(url)
Base.metadata.create_all(engine)
start = time.perf_counter()
raw = open(path, "rb").read()
document = parse_document(raw)
with unit_of_work(session_factory(engine)) as session:
    import_network(session, document)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_kib": peak}))
"""


def _baseline(path: Path, document: dict[str, Any]) -> float:
    """Insert the same organisation and tie rows with sqlite3's executemany."""
    from winwin.db.engine import build_engine
    from winwin.db.models import Base

    engine = build_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()

    def insert() -> None:
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        orgs = document["organizations"]
        conn.executemany(
            "INSERT INTO organizations (id, key, name, country, cluster, industry, roles,"
            ' capabilities, needs, "values", created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
            [
                (
                    i + 1,
                    o["key"],
                    o["name"],
                    o.get("country"),
                    o.get("cluster"),
                    o.get("industry"),
                    json.dumps(o.get("roles", [])),
                    json.dumps(o.get("capabilities", [])),
                    json.dumps(o.get("needs", [])),
                    json.dumps(o.get("values", [])),
                    "2026-01-01 00:00:00",
                )
                for i, o in enumerate(orgs)
            ],
        )
        ids = {o["key"]: i + 1 for i, o in enumerate(orgs)}
        conn.executemany(
            "INSERT INTO ties (kind, from_id, to_id) VALUES (?,?,?)",
            [(t["kind"], ids[t["from"]], ids[t["to"]]) for t in document["ties"]],
        )
        conn.commit()
        conn.close()

    seconds, _ = timed(insert)
    return seconds


def run(report: Report) -> list[dict[str, Any]]:
    from winwin.network.generate import generate_network

    orgs = report.scaled(100_000, 500)
    report.log(f"generating {orgs} organisations")
    document = generate_network(orgs=orgs, seed=7, items_per_org=0)
    document = {k: document[k] for k in ("format", "organizations", "ties")}
    rows = len(document["organizations"]) + len(document["ties"])
    path = report.workdir / "import.json"
    path.write_text(json.dumps(document))
    report.log(f"baseline executemany of {rows} rows")
    base_seconds = _baseline(report.workdir / "baseline.sqlite3", document)
    report.log("winwin import of the same rows")
    db = report.workdir / "import.sqlite3"
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), f"sqlite:///{db}"],
        check=True,
        capture_output=True,
        text=True,
    )
    measured = json.loads(out.stdout.strip().splitlines()[-1])
    ratio = measured["seconds"] / base_seconds
    return [
        result(
            "import: rows/s vs bare executemany (SQLite)",
            ratio,
            "≤ 3×",
            f"{rows} rows ({orgs} orgs, {len(document['ties'])} ties); import "
            f"{rows / measured['seconds']:,.0f} rows/s, executemany {rows / base_seconds:,.0f} "
            f"rows/s; peak memory {measured['peak_kib'] / 1024:,.0f} MiB",
            ratio <= 3,
        )
    ]
