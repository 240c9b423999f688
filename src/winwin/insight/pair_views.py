"""Natural pairs of the whole network as a reader gets them, inline or made by a job.

The stable matching is solved for the whole network (stability is a property of the
whole) and kept per version of the graph (``network.graph_stamp``): in this process's
memory, and in the row of the job that made it, where every worker finds it. A reader
gets only the pairs involving the organisations it is given (``involving``): the page
its current organisation, REST the organisations the person works for (platform
admins: all), exactly as when the matching is solved inline.

On a large network (organisations plus ties above ``WINWIN_PAIRS_JOB_ABOVE``, default
20,000) a matching not yet made for the current version is made by a job nobody
started (kind ``insight.network_pairs``), which the page and REST follow until it is
done; a failed one is shown with its error and started again only when asked.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy.orm import Session

from winwin.insight import service as insight
from winwin.insight import stamped_jobs
from winwin.insight.candidates import DEFAULT_CANDIDATES
from winwin.insight.matching import DEFAULT_CAPACITY
from winwin.insight.pairing import NetworkPairing, Pairing
from winwin.insight.repository import InsightRepository, read_one_version
from winwin.insight.stamped_jobs import Pending as Pending
from winwin.jobs import service as jobs
from winwin.network import graph_stamp

NETWORK_PAIRS_JOB = "insight.network_pairs"
DEFAULT_JOB_ABOVE = 20_000


def job_above() -> int:
    """Organisations plus ties above which the whole matching is made as a job
    (``WINWIN_PAIRS_JOB_ABOVE``, default 20,000)."""
    return stamped_jobs.job_above("WINWIN_PAIRS_JOB_ABOVE", DEFAULT_JOB_ABOVE)


def whole_pairing(
    session: Session,
    *,
    optimal: str = "suppliers",
    capacity: int = DEFAULT_CAPACITY,
    candidates: int = DEFAULT_CANDIDATES,
    as_job: bool = True,
    retry: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> NetworkPairing | Pending:
    """The whole network's matching: kept for this version of the graph, else solved
    here when the network is small (or ``as_job`` is False), else made by a job (one per
    version and options; a job waiting or running is joined, a failed one answered
    until ``retry``)."""
    side = insight.check_pairing(optimal=optimal, capacity=capacity, candidates=candidates)
    stamp = graph_stamp.current(session)
    key = (stamp, side, capacity, candidates)
    options = {"optimal": side, "capacity": capacity, "candidates": candidates}
    found = insight.cached_pairing(key)
    if found is None:
        stored = stamped_jobs.stored_result(
            session, kind=NETWORK_PAIRS_JOB, stamp=stamp, options=options
        )
        if stored is not None:
            found = NetworkPairing.from_dict(stored)
            insight.keep_pairing(key, found)
    if found is not None:
        if progress is not None:
            progress(insight.PAIRING_STEPS, insight.PAIRING_STEPS)
        return found
    if not as_job or InsightRepository(session).size() <= job_above():
        return insight.pair_network(
            session, optimal=side, capacity=capacity, candidates=candidates, progress=progress
        )
    return stamped_jobs.join_or_start(
        session, kind=NETWORK_PAIRS_JOB, stamp=stamp, options=options, retry=retry
    )


def read_pairs(
    session: Session,
    *,
    involving: Collection[int] | None,
    optimal: str = "suppliers",
    capacity: int = DEFAULT_CAPACITY,
    candidates: int = DEFAULT_CANDIDATES,
    explain: bool = False,
    as_job: bool = True,
    retry: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Pairing | Pending:
    """The pairs involving the organisations ``involving`` (ids; None: every pair), or
    the :class:`Pending` job making the whole matching."""
    whole = whole_pairing(
        session,
        optimal=optimal,
        capacity=capacity,
        candidates=candidates,
        as_job=as_job,
        retry=retry,
        progress=progress,
    )
    if isinstance(whole, Pending):
        return whole
    return insight.pairs_for(session, whole, involving=involving, explain=explain)


def make_pairing(
    session: Session,
    *,
    optimal: str,
    capacity: int,
    candidates: int,
    progress: Callable[[int, int], None],
) -> dict[str, Any]:
    """What the job computes and keeps: the whole matching and the graph version it is
    of, read in one snapshot (``session`` must be fresh), so that a write committed while
    the job runs never leaves it without a version, nor mixes two."""
    read_one_version(session)
    pairing = insight.pair_network(
        session, optimal=optimal, capacity=capacity, candidates=candidates, progress=progress
    )
    return pairing.as_dict()


def job_progress(session: Session, *, job_id: int) -> jobs.JobView:
    """The progress of a whole-matching job (never its result: every pair)."""
    return stamped_jobs.job_progress(session, kind=NETWORK_PAIRS_JOB, job_id=job_id)
