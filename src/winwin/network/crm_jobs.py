"""Matching an uploaded customer or supplier list as a job (kind ``network.crm_match``).

As the workshop report's job does, it reads as the person who started it (their right to
manage the organisation is checked again), and keeps its rows as a JSON file that is
stored only when the whole job succeeds. The uploaded file is read from ``crm_uploads``
by the id in the job's arguments and deleted when the job ends, succeeded or failed.
"""

from __future__ import annotations

import json
from typing import Any

from winwin.accounts.access import actor_for, require_manage
from winwin.accounts.models import User
from winwin.jobs import kinds
from winwin.jobs.kinds import JobContext
from winwin.network import crm_service
from winwin.network.repository import NetworkRepository


@kinds.register(
    crm_service.CRM_JOB, max_attempts=2, backoff_seconds=2, on_finish=crm_service.forget_upload
)
def match_upload(context: JobContext) -> dict[str, Any]:
    context.progress(0, None)
    with context.reader() as session:
        if context.started_by is not None:
            user = session.get(User, context.started_by)
            if user is None:
                raise LookupError("the person who uploaded the file no longer exists")
            org = NetworkRepository(session).get_or_raise(context.arguments["org"])
            require_manage(actor_for(session, user), org.id)
        document = crm_service.analyse(session, context.arguments, progress=context.progress)
    content = json.dumps(document, ensure_ascii=False).encode("utf-8")
    context.output(crm_service.OUTPUT, "application/json", content)
    return crm_service.summary(document)
