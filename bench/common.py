"""What every benchmark module shares."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Report:
    """Handed to each module's ``run(report)``; results are plain dicts."""

    scale: float
    workdir: Path
    postgres_url: str | None
    results: list[dict[str, Any]] = field(default_factory=list)

    def log(self, message: str) -> None:
        print(f"  … {message}", file=sys.stderr, flush=True)

    def scaled(self, n: int, minimum: int = 10) -> int:
        return max(minimum, int(n * self.scale))


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def result(
    name: str, ratio: float, goal: str, detail: str, met: bool | None = None
) -> dict[str, Any]:
    return {"name": name, "ratio": ratio, "goal": goal, "detail": detail, "met": met}
