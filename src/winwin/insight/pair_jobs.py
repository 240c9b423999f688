"""Network-wide pair search as a job (kind ``insight.pairs``), with progress.

The job reads as the person who started it: the pairs it keeps are those involving an
organisation they may act for, decided when it runs (platform admins, and the command
line, get every pair). Its result is the JSON of ``winwin pairs --json`` (CONTRACT.md).

The whole matching the ``/pairs`` page and ``GET /api/v1/pairs`` follow on a large
network is another kind, ``insight.network_pairs``, started by nobody
(:mod:`winwin.insight.pair_views`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from winwin.accounts.access import Actor, accessible_org_ids, actor_for
from winwin.accounts.models import User
from winwin.insight import pair_views
from winwin.insight import service as insight
from winwin.jobs import kinds
from winwin.jobs import service as jobs
from winwin.jobs.kinds import JobContext

PAIRS_JOB = "insight.pairs"


def start_pair_search(
    session: Session,
    *,
    actor: Actor,
    optimal: str,
    capacity: int,
    candidates: int,
    explain: bool = False,
) -> int:
    """Queue a network pair search (its options checked now); the job's id, to submit
    after the commit. The command line's operator is nobody: its job is started by none."""
    insight.check_pairing(optimal=optimal, capacity=capacity, candidates=candidates)
    arguments = {
        "optimal": optimal,
        "capacity": capacity,
        "candidates": candidates,
        "explain": explain,
    }
    started_by = actor.user_id
    return jobs.start_job(session, kind=PAIRS_JOB, arguments=arguments, started_by=started_by).id


@kinds.register(PAIRS_JOB, max_attempts=2, backoff_seconds=2.0)
def network_pairs(context: JobContext) -> dict[str, Any]:
    arguments = context.arguments
    with context.reader() as session:
        involving: set[int] | None = None
        if context.started_by is not None:
            user = session.get(User, context.started_by)
            if user is None:
                raise LookupError("the person who started the search no longer exists")
            actor = actor_for(session, user)
            if not actor.is_platform_admin:
                involving = set(accessible_org_ids(session, actor))
        # A matching already made for this version of the graph (by any worker) is reused.
        result = pair_views.read_pairs(
            session,
            optimal=arguments["optimal"],
            capacity=int(arguments["capacity"]),
            candidates=int(arguments["candidates"]),
            explain=bool(arguments.get("explain")),
            involving=involving,
            as_job=False,
            progress=context.progress,
        )
    if isinstance(result, pair_views.Pending):  # never: as_job=False solves it here
        raise RuntimeError("the pairs were not solved")
    return result.as_dict()


@kinds.register(pair_views.NETWORK_PAIRS_JOB, max_attempts=2, backoff_seconds=2.0)
def whole_network_pairs(context: JobContext) -> dict[str, Any]:
    """Nobody's job: the whole matching, for ``insight.pair_views`` to scope to readers."""
    arguments = context.arguments
    context.progress(0, insight.PAIRING_STEPS)
    with context.reader() as session:
        return pair_views.make_pairing(
            session,
            optimal=arguments["optimal"],
            capacity=int(arguments["capacity"]),
            candidates=int(arguments["candidates"]),
            progress=context.progress,
        )
