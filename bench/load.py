"""Load: 64 Locust users against `winwin serve --workers 2` on PostgreSQL, 127.0.0.1 only.

The demo network in its own PostgreSQL schema, 64 people (each with a password, an API
token and a personal answer link to an open round of their organisation's relationship)
spread over the demo organisations. Locust runs headless twice with 64 users: the mixed
run (sign in, feed, relationships, a relationship, publish items, the API feed, answer
the round through the answer form and through REST) for 60 s × scale, then a baseline
where every user polls ``/healthz`` (20 s × scale). Reported: the error count (goal 0)
with the first failures Locust recorded, p50 and p99 per route, and the mixed run's
throughput as a ratio to the ``/healthz`` baseline's.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text

from bench.common import Report, result

USERS = 64
SCHEMA = "bench_load"
PASSWORD = "load test password, long enough"
ROUND = "Load test"
# People arrive eight a second: 64 sign-ins at once (argon2, 64 MiB each) would measure
# the password hash on two cores rather than the site.
SPAWN_RATE = 8


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _winwin(url: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "winwin.cli.main", "--db", url, *args],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _prepare(postgres: str) -> tuple[str, list[dict[str, Any]]]:
    from winwin.accounts import service as accounts
    from winwin.accounts.access import operator
    from winwin.accounts.models import User
    from winwin.assessments import service as rounds
    from winwin.assessments.models import Assessment
    from winwin.db.engine import build_engine, session_factory, unit_of_work
    from winwin.network.models import Organization

    admin = build_engine(postgres)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    admin.dispose()
    sep = "&" if "?" in postgres else "?"
    url = f"{postgres}{sep}options=-csearch_path%3D{SCHEMA}"
    _winwin(url, "init")
    _winwin(url, "demo")
    engine = build_engine(url)
    people = []
    with unit_of_work(session_factory(engine)) as session:
        orgs = {o.id: o.key for o in session.scalars(select(Organization))}
        partner: dict[str, tuple[str, str]] = {}
        # A relationship page needs a round between the two; each person opens one of
        # their own organisation's.
        for round_ in session.scalars(select(Assessment)):
            pair = (orgs[round_.a_id], orgs[round_.b_id])
            partner.setdefault(pair[0], pair)
            partner.setdefault(pair[1], pair)
        keys = sorted(partner) or sorted(orgs.values())
        hashed = accounts.hash_password(PASSWORD)
        by_key = {v: k for k, v in orgs.items()}
        # Each relationship gets an open round of its own; every person answers it for
        # their organisation through a personal link (the answer form and the REST route).
        load_rounds = {
            pair: rounds.open_round(
                session,
                actor=operator(),
                between=list(pair),
                round=ROUND,
                instrument="customer-relationship",
            ).id
            for pair in sorted(set(partner.values()))
        }
        for n in range(USERS):
            key = keys[n % len(keys)]
            user = User(
                email=f"load{n}@{key}.example",
                name=f"Load {n}",
                org_id=by_key[key],
                role="member",
                password_hash=hashed,
            )
            session.add(user)
            session.flush()
            token = accounts.create_api_token(session, user_id=user.id, name="load").token
            answer = None
            if key in partner:
                (issued,) = rounds.invite_respondents(
                    session,
                    actor=operator(),
                    round_id=load_rounds[partner[key]],
                    invitees=[rounds.Invitee(side=key, respondent=f"load{n}", name=user.name)],
                )
                answer = issued.token
            people.append(
                {
                    "email": user.email,
                    "password": PASSWORD,
                    "token": token,
                    "relationship": list(partner[key]) if key in partner else None,
                    "answer": answer,
                }
            )
    engine.dispose()
    return url, people


def _serve(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WINWIN_")}
    env["WINWIN_SECRET_KEY"] = "bench-load-secret-0123456789abcdef0123"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "winwin.cli.main", "--db", url, "serve"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", "2"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        # The server's log (errors with their request ids) stays beside Locust's files.
        stderr=log.open("wb"),
        # Its own process group, so that a server that will not stop can be killed with
        # its workers.
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("winwin serve stopped")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    process.terminate()
    raise RuntimeError("winwin serve did not answer /healthz")


def _stop(server: subprocess.Popen[bytes], report: Report) -> None:
    """Stop the server; one still running a minute after SIGTERM is killed and said so
    (the results measured stand)."""
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        report.log("load: the server did not stop within 60 s of SIGTERM; killed")
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=60)


def _locust(base: str, seconds: int, prefix: Path, env: dict[str, str]) -> list[dict[str, str]]:
    subprocess.run(
        [
            *(sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py"))),
            *("--headless", "-u", str(USERS), "-r", str(SPAWN_RATE), "-t", f"{seconds}s"),
            *("--host", base, "--csv", str(prefix), "--only-summary", "--stop-timeout", "10"),
        ],
        env={**os.environ, **env},
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def _failures(prefix: Path) -> list[str]:
    """Locust's failures, most frequent first: "N× METHOD route: error"."""
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: -int(r["Occurrences"]))
    return [
        f"{r['Occurrences']}× "
        + (r["Name"] if r["Name"].startswith(r["Method"] + " ") else f"{r['Method']} {r['Name']}")
        + f": {r['Error']}"
        for r in rows
    ]


def run(report: Report) -> list[dict[str, Any]]:
    if not report.postgres_url:
        report.log("load: no PostgreSQL, skipped")
        return []
    report.log("load: demo network and 64 people on PostgreSQL")
    url, people = _prepare(report.postgres_url)
    port = _free_port()
    server = _serve(url, port, report.workdir / "server.log")
    base = f"http://127.0.0.1:{port}"
    mixed_seconds = max(10, int(60 * report.scale))
    base_seconds = max(10, int(20 * report.scale))
    try:
        report.log(f"load: {USERS} users, mixed, {mixed_seconds} s")
        mixed = _locust(
            base, mixed_seconds, report.workdir / "mixed", {"LOAD_ACCOUNTS": json.dumps(people)}
        )
        report.log(f"load: {USERS} users, /healthz only, {base_seconds} s")
        baseline = _locust(
            base, base_seconds, report.workdir / "healthz", {"LOAD_ONLY_HEALTHZ": "1"}
        )
    finally:
        _stop(server, report)
    total = next(r for r in mixed if r["Name"] == "Aggregated")
    health = next(r for r in baseline if r["Name"] == "Aggregated")
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    seen = _failures(report.workdir / "mixed")
    for line in seen:
        report.log(f"load: failure {line}")
    if seen:
        log = (report.workdir / "server.log").read_text("utf-8", "replace").splitlines()
        for line in [x for x in log if "Error" in x or "error" in x][-20:]:
            report.log(f"load: server {line[:300]}")
    which = f" ({'; '.join(seen[:3])})".replace("|", "/") if seen else ""
    rows = [
        result(
            "load: errors (64 users, serve --workers 2, PostgreSQL)",
            failures / max(requests, 1),
            "0 errors",
            f"{failures} errors of {requests} requests in {mixed_seconds} s{which}",
            met=failures == 0,
        ),
        result(
            "load: throughput vs /healthz under the same load",
            float(total["Requests/s"]) / max(float(health["Requests/s"]), 1e-9),
            "—",
            f"{float(total['Requests/s']):.1f} req/s mixed, "
            f"{float(health['Requests/s']):.1f} req/s /healthz",
        ),
    ]
    health_p50 = max(float(health["50%"]), 1.0)
    for row in mixed:
        if row["Name"] == "Aggregated":
            continue
        rows.append(
            result(
                f"load: {row['Name']}"
                if row["Name"].startswith(row["Type"] + " ")
                else f"load: {row['Type']} {row['Name']}",
                float(row["50%"]) / health_p50,
                "— (p50 vs /healthz p50)",
                f"p50 {row['50%']} ms, p99 {row['99%']} ms, {row['Request Count']} requests, "
                f"{row['Failure Count']} errors",
            )
        )
    return rows
