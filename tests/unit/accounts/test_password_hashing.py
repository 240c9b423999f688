"""Password hashes are computed at most one per core at a time in a process.

Regression: a burst of 64 sign-ins on two cores hashed all 64 passwords at once (64 MiB
each), so every sign-in finished only after about 50 s (docs/benchmarks.md).
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from winwin.accounts import credentials


class CountingHasher:
    """Stands in for argon2: records how many hashes run at once."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def _work(self) -> None:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)
        with self.lock:
            self.running -= 1

    def hash(self, password: str) -> str:
        self._work()
        return f"hashed:{password}"

    def verify(self, expected: str, password: str) -> bool:
        self._work()
        return expected == f"hashed:{password}"


def test_a_burst_of_sign_ins_hashes_one_password_per_core_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = CountingHasher()
    monkeypatch.setattr(credentials, "_hasher", fake)
    with ThreadPoolExecutor(max_workers=16) as pool:
        checked = list(
            pool.map(lambda n: credentials.verify_password("hashed:right", "right"), range(16))
        )
        made = list(pool.map(credentials.hash_password, ["a", "b", "c", "d"] * 4))
    assert checked == [True] * 16 and made[0] == "hashed:a"
    assert fake.most == min(16, os.cpu_count() or 1)
