"""Moving every sealed value kept in the database to the current secret key
(``winwin secrets reseal``), so that a previous secret can be dropped.

Two kinds of value are sealed at rest (``winwin.mail.sealing``, each with its own HKDF
purpose): the tokens of personal answer links (``assessment_invitations.link_token``)
and the links carried by mail jobs (``jobs.arguments.link`` of kind ``mail.link``).
Each value that the current secret opens is left as it is; one that a secret of
``WINWIN_SECRET_KEY_PREVIOUS`` opens is sealed again under the current secret; one that
no configured secret opens is left and counted (it was sealed under a secret that is no
longer listed). Rows are read and written in short transactions of ``batch`` rows, so
web requests and workers go on meanwhile; a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from winwin.assessments import link_tokens
from winwin.assessments.repository import AssessmentRepository
from winwin.db.engine import session_factory, unit_of_work
from winwin.jobs import repository as job_rows
from winwin.mail import jobs as mail_jobs
from winwin.mail import sealing

BATCH = 200


@dataclass
class Count:
    """What became of one kind of sealed value."""

    resealed: int = 0
    """Opened by a previous secret, now sealed under the current one."""
    current: int = 0
    """Already sealed under the current secret: left as it is."""
    unopened: int = 0
    """Opened by no configured secret: left as it is."""

    def as_dict(self) -> dict[str, int]:
        return {"resealed": self.resealed, "current": self.current, "unopened": self.unopened}


@dataclass(frozen=True)
class _Sealed:
    """Where one kind of sealed value is kept."""

    name: str
    info: bytes
    ids: Callable[[Session], list[int]]
    rows: Callable[[Session, Sequence[int]], Sequence[Any]]
    read: Callable[[Any], str | None]
    write: Callable[[Any, str], None]


def _job_link(job: Any) -> str | None:
    link = (job.arguments or {}).get("link")
    return link if isinstance(link, str) else None


def _set_job_link(job: Any, sealed: str) -> None:
    # A new dictionary: the ORM sees a JSON column change only when it is assigned.
    job.arguments = {**job.arguments, "link": sealed}


def _set_token(invitation: Any, sealed: str) -> None:
    invitation.link_token = sealed


SEALED = (
    _Sealed(
        name="answer_links",
        info=link_tokens.INFO,
        ids=lambda session: AssessmentRepository(session).sealed_invitation_ids(),
        rows=lambda session, ids: AssessmentRepository(session).invitations_by_ids(ids),
        read=lambda invitation: invitation.link_token,
        write=_set_token,
    ),
    _Sealed(
        name="mail_links",
        info=sealing.INFO,
        ids=lambda session: job_rows.ids_of_kind(session, mail_jobs.KIND),
        rows=job_rows.by_ids,
        read=_job_link,
        write=_set_job_link,
    ),
)


def _moved(value: str, *, secret: str, previous: Sequence[str], info: bytes) -> str | None:
    """``value`` sealed under ``secret``, or None when it already is."""
    try:
        sealing.unseal(value, secret=secret, info=info, only=True, previous=())
        return None
    except sealing.Unsealable:
        return sealing.reseal(value, secret=secret, info=info, previous=previous)


def reseal_everything(
    engine: Engine,
    *,
    secret: str,
    previous: Sequence[str],
    batch: int = BATCH,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, Count]:
    """Seal every kept value under ``secret`` (see the module docstring); what became of
    each kind. ``on_progress(done, total)`` is told after each batch."""
    factory = session_factory(engine)
    with unit_of_work(factory) as session:
        plan = {kind.name: kind.ids(session) for kind in SEALED}
    total = sum(len(ids) for ids in plan.values())
    done = 0
    counts = {kind.name: Count() for kind in SEALED}
    if on_progress is not None:
        on_progress(0, total)
    for kind in SEALED:
        ids, count = plan[kind.name], counts[kind.name]
        for start in range(0, len(ids), batch):
            part = ids[start : start + batch]
            with unit_of_work(factory) as session:
                for row in kind.rows(session, part):
                    value = kind.read(row)
                    if value is None:  # ended since the plan was made
                        continue
                    try:
                        moved = _moved(value, secret=secret, previous=previous, info=kind.info)
                    except sealing.Unsealable:
                        count.unopened += 1
                        continue
                    if moved is None:
                        count.current += 1
                    else:
                        kind.write(row, moved)
                        count.resealed += 1
            done += len(part)
            if on_progress is not None:
                on_progress(done, total)
    return counts
