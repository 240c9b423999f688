"""A small cache of whole-network results, keyed by the graph's version stamp."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """The last few results by a key that starts with the graph's version stamp
    (``network.graph_stamp``): pages ask for the same answer again and again, and
    computing it takes seconds on large networks, while a write anywhere, by any worker,
    host or command, makes a new stamp (so nothing goes stale)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[K, V] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self.lock:
            return self.items.get(key)

    def put(self, key: K, value: V) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
