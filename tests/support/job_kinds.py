"""Kinds of job used by the tests (loaded by ``WINWIN_JOB_MODULES=support.job_kinds``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from winwin.jobs import kinds
from winwin.jobs.kinds import JobContext


@kinds.register("test.count", max_attempts=2, backoff_seconds=0)
def count(context: JobContext) -> dict[str, Any]:
    steps = int(context.arguments["steps"])
    for done in range(1, steps + 1):
        context.progress(done, steps)
    context.output("count.txt", "text/plain", ("x" * steps).encode())
    return {"counted": steps}


@kinds.register("test.flaky", max_attempts=3, backoff_seconds=0)
def flaky(context: JobContext) -> dict[str, Any]:
    if context.attempt <= int(context.arguments["failures"]):
        raise RuntimeError(f"attempt {context.attempt} went wrong")
    return {"attempt": context.attempt}


@kinds.register("test.broken", max_attempts=3, backoff_seconds=0)
def broken(context: JobContext) -> dict[str, Any]:
    raise ValueError("the supplier file has no header row")


@kinds.register("test.hold", max_attempts=3, backoff_seconds=0)
def hold(context: JobContext) -> dict[str, Any]:
    """Writes progress step by step and waits at step 1 until the release file exists."""
    release = Path(context.arguments["release"])
    steps = 4
    context.progress(1, steps)
    while not release.exists():
        time.sleep(0.02)
    for done in range(2, steps + 1):
        context.progress(done, steps)
    context.output("held.bin", "application/octet-stream", b"\x01" * 100_000)
    return {"steps": steps}
