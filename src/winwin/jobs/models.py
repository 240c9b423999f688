"""The ``jobs`` table and the files a finished job leaves (``job_outputs``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from winwin.db.base import Base, utcnow

STATUSES = ("queued", "running", "succeeded", "failed")


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(
            "status IN ({})".format(", ".join(f"'{s}'" for s in STATUSES)), name="status"
        ),
        Index("ix_jobs_status_run_after", "status", "run_after"),
        Index("ix_jobs_started_by_created", "started_by", "created_at"),
        Index("ix_jobs_subject", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    arguments: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The person who started it; null for jobs started from the command line.
    started_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # What it is about, for the pages that show its fate there (``answer:17``: the mail of
    # answer link 17); null for most jobs.
    subject: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    error: Mapped[str | None] = mapped_column(Text)
    # What the job produced, as a small JSON document (the files are in job_outputs).
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # "host:pid" of the process running it, to recover jobs whose process died.
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    # A queued job is not picked up before this moment (back-off between attempts).
    run_after: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class JobOutput(Base):
    """A file a job produced, written in the same transaction that marks it succeeded."""

    __tablename__ = "job_outputs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
