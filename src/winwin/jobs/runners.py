"""Runners carry a committed job's id to where it runs.

- ``ThreadRunner`` (SQLite, the embedded default): a thread of the same process polls
  the ``jobs`` table, so ``make run`` needs no other service. ``winwin worker`` on
  SQLite runs the same loop in the foreground.
- ``QueueRunner`` (PostgreSQL): Procrastinate's queue; ``winwin worker`` runs the jobs.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from sqlalchemy import Engine

from winwin.db.base import utcnow
from winwin.db.engine import session_factory, unit_of_work
from winwin.jobs import execution, queue
from winwin.jobs import repository as jobs
from winwin.kernel.time import as_utc

log = logging.getLogger("winwin.jobs")


class Runner(Protocol):
    def submit(self, job_id: int) -> None:
        """Hand over a committed, queued job."""

    def close(self) -> None: ...


class ThreadRunner:
    """Runs queued jobs on a daemon thread of this process, one at a time."""

    def __init__(self, engine: Engine, *, poll_seconds: float = 2.0) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._loop, name="winwin-jobs", daemon=True)
                self._thread.start()

    def submit(self, job_id: int) -> None:
        self.start()
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def run_due(self) -> int:
        """Run every job whose turn has come; returns how many attempts were made."""
        made = 0
        while not self._stop.is_set():
            with unit_of_work(session_factory(self.engine)) as session:
                due = jobs.due(session, now=utcnow(), limit=1)
            if not due:
                return made
            execution.run_once(self.engine, due[0])
            made += 1
        return made

    def pending(self) -> bool:
        with unit_of_work(session_factory(self.engine)) as session:
            return bool(jobs.queued_ids(session))

    def _seconds_to_next(self) -> float:
        with unit_of_work(session_factory(self.engine)) as session:
            at = jobs.next_due_at(session)
        if at is None:
            return self.poll_seconds
        return max(0.0, min(self.poll_seconds, (as_utc(at) - utcnow()).total_seconds()))

    def _loop(self) -> None:
        try:
            execution.recover_dead(self.engine)
        except Exception:
            log.exception("recovering jobs of dead processes failed")
        while not self._stop.is_set():
            try:
                self.run_due()
                wait = self._seconds_to_next()
            except Exception:
                log.exception("the job thread failed; it tries again")
                wait = self.poll_seconds
            self._wake.wait(wait)
            self._wake.clear()

    def run_in_foreground(self, *, burst: bool = False) -> None:
        """``winwin worker`` on SQLite: recover, then run jobs until stopped (or, with
        ``burst``, until none is queued any more)."""
        execution.recover_dead(self.engine)
        while not self._stop.is_set():
            self.run_due()
            if burst and not self.pending():
                return
            self._wake.wait(self._seconds_to_next())
            self._wake.clear()


class QueueRunner:
    """Defers job ids to Procrastinate's queue in PostgreSQL."""

    def __init__(self, database_url: str, engine: Engine) -> None:
        self.app = queue.build_app(database_url, engine)
        self._opened = False
        self._lock = threading.Lock()

    def submit(self, job_id: int) -> None:
        with self._lock:
            if not self._opened:
                self.app.open()
                self._opened = True
        queue.defer(self.app, job_id)

    def close(self) -> None:
        with self._lock:
            if self._opened:
                self.app.close()
                self._opened = False


def runner_for(database_url: str, engine: Engine) -> Runner:
    if queue.is_postgres(database_url):
        return QueueRunner(database_url, engine)
    return ThreadRunner(engine)
