"""Matching a CRM's list of 50,000 companies to the organisations on the platform.

The file is a HubSpot company export of 50,000 rows (scaled): a third match by web
domain, a third by exact normalised name, a tenth by nothing, a few are bad (a formula
cell, an empty name); 10,000 organisations are on the platform, a fifth with a business
ID. Business IDs are not in HubSpot's export, so a second file maps a business ID
column.

What is timed (median of several runs):
- ``crm.read_rows`` + ``crm.match_rows``, the pure core of the job;
- the whole job on SQLite: ``crm_service.start_upload`` (the file checked as a whole),
  then the job run to its end in this process (``jobs.execution.run_to_end``: the
  candidates read from the database, the rows read and matched, progress committed
  every 1,000 rows, the result stored).

The baseline, timed in the same run: the bare minimum of the same work, ``csv.reader``
over the same text and one ``dict`` lookup of the lower-cased name per row.
"""

from __future__ import annotations

import csv
import io
import statistics
from typing import Any

from bench.common import Report, result, timed

RUNS = 5


def _data(rows: int, orgs: int) -> tuple[str, list[Any]]:
    from winwin.network import crm

    candidates = [
        crm.Candidate(
            f"o{i}",
            f"Yritys {i} Oy",
            None,
            frozenset({f"yritys{i}.example"}),
        )
        for i in range(orgs)
    ]
    lines = ["Record ID,Company name,Company Domain Name,Website URL,Country/Region"]
    for i in range(rows):
        j = i % orgs
        if i % 3 == 0:
            lines.append(f"{i},Jokin {i},yritys{j}.example,,Finland")
        elif i % 3 == 1:
            lines.append(f'{i},"YRITYS {j}, oy",,https://www.muu{i}.example/,Finland')
        elif i % 10 == 2:
            lines.append(f"{i},Tuntematon {i} Ab,,,Sweden")
        elif i % 997 == 5:
            lines.append(f"{i},=HYPERLINK(1),,,")
        else:
            lines.append(f"{i},Toinen {i},,https://toinen{i}.example,Finland")
    return "\n".join(lines) + "\n", candidates


def _pure(text: str, candidates: list[Any]) -> tuple[float, Any]:
    from winwin.network import crm

    times, found = [], None
    for _ in range(RUNS):
        seconds, found = timed(
            lambda: crm.match_rows(crm.read_rows(text, preset="hubspot").rows, candidates)
        )
        times.append(seconds)
    return statistics.median(times), found


def _bare(text: str, candidates: list[Any]) -> float:
    by_name = {c.name.lower(): c.key for c in candidates}

    def run() -> int:
        hits = 0
        reader = csv.reader(io.StringIO(text))
        next(reader)
        for cells in reader:
            if by_name.get(cells[1].lower()) is not None:
                hits += 1
        return hits

    return statistics.median(timed(run)[0] for _ in range(RUNS))


def _job(report: Report, text: str, orgs: int) -> tuple[float, dict[str, Any]]:
    from winwin.accounts.access import operator
    from winwin.accounts.models import User
    from winwin.db.engine import build_engine, session_factory, unit_of_work
    from winwin.db.models import Base
    from winwin.jobs import execution
    from winwin.network import crm_service
    from winwin.network.models import Organization

    url = f"sqlite:///{report.workdir / 'crm.sqlite3'}"
    engine = build_engine(url)
    Base.metadata.create_all(engine)
    with unit_of_work(session_factory(engine)) as session:
        session.add(Organization(key="uploader", name="Lataaja Oy", roles=[], capabilities=[],
                                 needs=[], values=[]))  # fmt: skip
        made = [
            Organization(
                key=f"o{i}", name=f"Yritys {i} Oy", roles=[], capabilities=[], needs=[], values=[]
            )
            for i in range(orgs)
        ]
        session.add_all(made)
        session.flush()
        # Each organisation's web domain is its people's mail domain.
        session.add_all(
            User(email=f"admin@yritys{i}.example", name="Admin", org_id=org.id, role="org_admin")
            for i, org in enumerate(made)
        )
    times: list[float] = []
    found: dict[str, Any] = {}
    for _ in range(max(RUNS - 2, 1)):

        def once() -> dict[str, Any]:
            with unit_of_work(session_factory(engine)) as session:
                job_id = crm_service.start_upload(
                    session, operator(), by="uploader", side="customers",
                    data=text.encode("utf-8"), preset="hubspot",
                )  # fmt: skip
            execution.run_to_end(engine, job_id)
            with unit_of_work(session_factory(engine)) as session:
                return crm_service.upload_result(session, operator(), by="uploader", job_id=job_id)

        seconds, found = timed(once)
        times.append(seconds)
    engine.dispose()
    return statistics.median(times), found


def run(report: Report) -> list[dict[str, Any]]:
    rows = report.scaled(50_000, minimum=1000)
    orgs = report.scaled(10_000, minimum=200)
    report.log(f"{rows:,} rows against {orgs:,} organisations")
    text, candidates = _data(rows, orgs)
    ours, found = _pure(text, candidates)
    matched = sum(1 for m in found if m.key)
    if matched < rows // 2:
        raise AssertionError(f"only {matched} rows matched")
    bare = _bare(text, candidates)
    job, document = _job(report, text, orgs)
    if document.get("status") != "succeeded":
        raise AssertionError(f"the job did not succeed: {document.get('error')}")
    summary = document["summary"]
    return [
        result(
            "crm: read and match a HubSpot export vs bare csv.reader + dict lookup",
            ours / bare,
            "report",
            f"{rows:,} rows, {orgs:,} organisations, {matched:,} matched: read_rows + "
            f"match_rows {ours * 1000:.0f} ms (median of {RUNS}) vs {bare * 1000:.0f} ms",
        ),
        result(
            "crm: the whole upload job on SQLite vs bare csv.reader + dict lookup",
            job / bare,
            "report",
            f"start_upload + the job to its end + the stored result read back "
            f"{job * 1000:.0f} ms (median of {max(RUNS - 2, 1)}); {summary['matched']:,} "
            f"matched, {summary['unmatched']:,} not, {summary['bad']:,} bad",
        ),
    ]
