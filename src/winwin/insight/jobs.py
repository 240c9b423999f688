"""The whole graph's cluster report as a job (kind ``insight.clusters``).

Started by nobody (``started_by`` is null): its result names every organisation of
every community, which only the operator reads; pages and REST read the report through
``insight.cluster_views``, which scopes it to the reader. The result keeps the graph
version (``network.graph_stamp``) it was computed for, so every worker finds it.
"""

from __future__ import annotations

from typing import Any

from winwin.insight import cluster_views
from winwin.insight.cluster_report import CLUSTER_STEPS
from winwin.jobs import kinds
from winwin.jobs.kinds import JobContext


@kinds.register(cluster_views.CLUSTER_JOB, max_attempts=2, backoff_seconds=2)
def cluster_report(context: JobContext) -> dict[str, Any]:
    arguments = context.arguments
    context.progress(0, CLUSTER_STEPS)
    with context.reader() as session:
        return cluster_views.make_report(
            session,
            seed=int(arguments.get("seed", 0)),
            brokers=int(arguments.get("brokers", 0)),
            on_step=lambda done: context.progress(done, CLUSTER_STEPS),
        )
