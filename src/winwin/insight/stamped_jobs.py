"""Whole-network results made by a job that nobody started, kept for one version of the
graph (``network.graph_stamp``): the cluster report and the natural pairs.

A page or REST route asks for the result of the graph's current version. A finished
job's result for that version (any worker's, any host's) is found in its row; otherwise
the newest job for that version is joined while it waits or runs, and a failed one is
answered as failed, never started again silently, until someone asks to ``retry`` or
the graph changes. Each job keeps, in its result, the version its rows were read at.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from winwin.jobs import repository as job_rows
from winwin.jobs import service as jobs
from winwin.kernel.errors import NotFound


@dataclass(frozen=True)
class Pending:
    """The whole-network result is being made by a job (or its job failed)."""

    job_id: int
    queued_now: bool
    """True when this call queued the job: the door hands it to a runner after commit."""


def job_above(variable: str, default: int) -> int:
    """Organisations plus ties above which the result is made as a job (the environment
    variable ``variable``, else ``default``)."""
    try:
        return int(os.environ.get(variable, default))
    except ValueError:
        return default


def _same(arguments: dict[str, Any] | None, options: dict[str, Any]) -> bool:
    given = arguments or {}
    return all(given.get(name) == value for name, value in options.items())


def stored_result(
    session: Session, *, kind: str, stamp: str, options: dict[str, Any]
) -> dict[str, Any] | None:
    """The result a finished job of ``kind`` made with ``options`` for version ``stamp``."""
    for job in job_rows.listing(session, status="succeeded", limit=200, kind=kind):
        result = job.result or {}
        if result.get("stamp") == stamp and _same(job.arguments, options):
            return result
    return None


def join_or_start(
    session: Session, *, kind: str, stamp: str, options: dict[str, Any], retry: bool = False
) -> Pending:
    """The job of ``kind`` making the result of version ``stamp`` with ``options``: the
    newest one for them is reused while it waits or runs, and answered when it failed
    (unless ``retry``); else a new one, nobody's (its result holds the whole network,
    which only the operator reads)."""
    for job in job_rows.listing(session, status=None, limit=50, kind=kind):
        if _same(job.arguments, {"stamp": stamp, **options}):
            if job.status in ("queued", "running") or (job.status == "failed" and not retry):
                return Pending(job.id, queued_now=False)
            break
    job = jobs.start_job(session, kind=kind, arguments={"stamp": stamp, **options}, started_by=None)
    return Pending(job.id, queued_now=True)


def job_progress(session: Session, *, kind: str, job_id: int) -> jobs.JobView:
    """The progress of such a job (never its result, which names the whole network)."""
    view = jobs.view_job(session, job_id=job_id, person_id=None)
    if view.kind != kind:
        raise NotFound("job not found")
    return dataclasses.replace(view, result=None, started_by=None)
