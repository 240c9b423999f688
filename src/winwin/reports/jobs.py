"""The workshop report as a job (kind ``reports.workshop``): gather, typeset, keep the PDF.

The job reads as the person who started it (their access is checked again, as it may
have changed since; a job the command line started reads as the operator), and the PDF
is stored only when the whole job succeeds.
"""

from __future__ import annotations

from typing import Any

from winwin.accounts.access import Actor, actor_for, operator
from winwin.accounts.models import User
from winwin.jobs import kinds
from winwin.jobs.kinds import JobContext
from winwin.reports import service as reports
from winwin.reports.typeset import render_pdf

STEPS = 3


@kinds.register(reports.REPORT_JOB, max_attempts=2, backoff_seconds=2)
def workshop_report(context: JobContext) -> dict[str, Any]:
    arguments = context.arguments
    context.progress(0, STEPS)
    with context.reader() as session:
        actor: Actor = operator()
        if context.started_by is not None:
            user = session.get(User, context.started_by)
            if user is None:
                raise LookupError("the person who asked for the report no longer exists")
            actor = actor_for(session, user)
        if arguments.get("between"):
            data, svgs = reports.workshop_data(
                session,
                actor=actor,
                between=arguments["between"],
                round=arguments.get("round"),
                locale=arguments["locale"],
            )
        else:
            data, svgs = reports.client_data(
                session,
                actor=actor,
                client=arguments["client"],
                round=arguments.get("round"),
                locale=arguments["locale"],
            )
    context.progress(1, STEPS)
    pdf = render_pdf("workshop.typ", data, svgs)
    context.progress(2, STEPS)
    name = reports.report_file_name(arguments)
    context.output(name, "application/pdf", pdf)
    return {"file": name, "bytes": len(pdf)}
