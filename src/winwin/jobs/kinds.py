"""The kinds of job: what runs for a kind, how often it is tried and how long it waits.

A capability registers its kinds when its module is imported (``register``); the
runners import every module named in ``KIND_MODULES`` (and in ``WINWIN_JOB_MODULES``,
comma-separated, for extensions) before they run anything.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

# Modules that register the product's own kinds.
KIND_MODULES: tuple[str, ...] = (
    "winwin.reports.jobs",
    "winwin.mail.jobs",
    "winwin.network.crm_jobs",
    "winwin.insight.jobs",
    "winwin.insight.pair_jobs",
)


@dataclass(frozen=True)
class Output:
    """A file the job produced."""

    name: str
    media_type: str
    content: bytes


@dataclass
class JobContext:
    """What a running job is given: its arguments, a reading session and a progress line."""

    job_id: int
    attempt: int
    arguments: dict[str, Any]
    started_by: int | None
    reader: Callable[[], AbstractContextManager[Session]]
    report_progress: Callable[[int, int | None], None]
    outputs: list[Output] = field(default_factory=list)

    def progress(self, done: int, total: int | None = None) -> None:
        """Say how far the job is (``done`` of ``total`` steps); committed at once."""
        self.report_progress(done, total)

    def output(self, name: str, media_type: str, content: bytes) -> None:
        """Keep a file; it is stored only if the whole job succeeds."""
        self.outputs.append(Output(name, media_type, content))


Handler = Callable[[JobContext], dict[str, Any] | None]
# Called with the writing session and the job's arguments in the transaction that ends the
# job (succeeded, or failed for good): what the job kept apart for its run is let go.
Finisher = Callable[[Session, dict[str, Any]], None]


@dataclass(frozen=True)
class FailedJob:
    """A job that has just failed for good, as its ``on_fail`` is told."""

    id: int
    started_by: int | None
    arguments: dict[str, Any]
    error: str


# Called with the writing session in the transaction that fails a job for good (after its
# last attempt, or at once for a refusal): tell whoever has to act on it.
Failer = Callable[[Session, FailedJob], None]


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Handler
    max_attempts: int = 3
    # Seconds to wait before attempt n+1 is backoff_seconds * backoff_factor ** (n - 1).
    backoff_seconds: float = 2.0
    backoff_factor: float = 4.0
    on_finish: Finisher | None = None
    on_fail: Failer | None = None

    def backoff(self, attempts_made: int) -> float:
        return float(self.backoff_seconds * self.backoff_factor ** max(attempts_made - 1, 0))


_kinds: dict[str, JobKind] = {}


def register(
    name: str,
    *,
    max_attempts: int = 3,
    backoff_seconds: float = 2.0,
    backoff_factor: float = 4.0,
    on_finish: Finisher | None = None,
    on_fail: Failer | None = None,
) -> Callable[[Handler], Handler]:
    """Decorator: ``@register("reports.pdf")`` makes the function the handler of a kind;
    ``on_finish`` runs in the transaction that ends a job of the kind, ``on_fail`` (after
    ``on_finish``) in the one that fails it for good."""

    def add(handler: Handler) -> Handler:
        _kinds[name] = JobKind(
            name, handler, max_attempts, backoff_seconds, backoff_factor, on_finish, on_fail
        )
        return handler

    return add


def load_all() -> None:
    """Import every module that registers kinds (idempotent)."""
    extra = [m.strip() for m in os.environ.get("WINWIN_JOB_MODULES", "").split(",")]
    for module in (*KIND_MODULES, *[m for m in extra if m]):
        importlib.import_module(module)


def get(name: str) -> JobKind | None:
    return _kinds.get(name)


def names() -> Iterator[str]:
    return iter(sorted(_kinds))
