"""The network as sparse incidence matrices, and the exact win of a block of pairs.

Both candidate searches (``dense`` and ``sparse``) score pairs with these matrices and in
the order of operations of :meth:`Features.block`, so their wins agree to the last bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from winwin.insight.wins import Profile

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

BLOCK_CELLS = 4_000_000
"""Largest score block (rows × columns) held in memory at once."""


class Features:
    """Sparse incidence matrices of the network, rows in the order of ``profiles``."""

    def __init__(
        self,
        profiles: Sequence[Profile],
        supplies: Sequence[tuple[int, int]],
        forbidden: Sequence[tuple[int, int]],
    ) -> None:
        n = len(profiles)
        vocab: dict[str, int] = {}  # one vocabulary, so that capabilities meet needs
        entries: dict[str, tuple[list[int], list[int]]] = {}
        for attr in ("capabilities", "needs", "values"):
            rows: list[int] = []
            cols: list[int] = []
            for i, p in enumerate(profiles):
                for t in sorted(getattr(p, attr)):
                    rows.append(i)
                    cols.append(vocab.setdefault(t, len(vocab)))
            entries[attr] = (rows, cols)
        width = max(len(vocab), 1)

        def incidence(attr: str) -> sparse.csr_matrix:
            rows, cols = entries[attr]
            return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, width))

        self.caps = incidence("capabilities")
        self.needs = incidence("needs")
        self.values = incidence("values")
        self.n_needs = np.asarray(self.needs.sum(axis=1), dtype=np.float64).ravel()
        self.n_values = np.asarray(self.values.sum(axis=1), dtype=np.float64).ravel()
        src = [a for a, _ in supplies]
        dst = [b for _, b in supplies]
        self.supplies = sparse.csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
        self.supplies.data[:] = 1.0  # repeated edges count once
        self.supplied_by = self.supplies.T.tocsr()
        self.n_customers = np.asarray(self.supplies.sum(axis=1), dtype=np.float64).ravel()
        fa = [a for a, b in forbidden] + [b for a, b in forbidden] + list(range(n))
        fb = [b for a, b in forbidden] + [a for a, b in forbidden] + list(range(n))
        self.forbidden = sparse.csr_matrix((np.ones(len(fa)), (fa, fb)), shape=(n, n))

    def block(self, s: IntArray, c: IntArray) -> FloatArray:
        """``win(s_i, c_j)`` for every row ``i`` and column ``j`` (0 where not a candidate).

        Computed in place on one dense block to keep temporaries few."""

        def dense(m: Any) -> FloatArray:
            return np.asarray(m.toarray(), dtype=np.float64)

        win = dense(self.caps[s] @ self.needs[c].T)
        win /= np.maximum(self.n_needs[c], 1)[None, :]
        part = dense(self.needs[s] @ self.caps[c].T)
        part /= np.maximum(self.n_needs[s], 1)[:, None]
        win += part
        inter = dense(self.values[s] @ self.values[c].T)
        np.add(self.n_values[s][:, None], self.n_values[c][None, :], out=part)
        part -= inter
        np.maximum(part, 1, out=part)
        inter /= part
        win += inter
        without = win <= 0
        # reach = (|customers(c)| - |common customers| - [c supplies s]) / (1 + |customers(c)|)
        deg = self.n_customers[c][None, :]
        common = self.supplies[s] @ self.supplies[c].T
        np.subtract(deg, dense(common), out=part)
        back = self.supplied_by[s][:, c].tocoo()
        part[back.row, back.col] -= 1.0
        part /= 1 + deg
        win += part
        win[without] = 0.0
        banned = self.forbidden[s][:, c].tocoo()
        win[banned.row, banned.col] = 0.0
        return win


Found = tuple[IntArray, IntArray, FloatArray]
"""Found pairs as arrays: supplier, customer, win."""


def found_concat(parts: Sequence[Found]) -> Found:
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    return (
        np.concatenate([p[0] for p in parts]).astype(np.int64),
        np.concatenate([p[1] for p in parts]).astype(np.int64),
        np.concatenate([p[2] for p in parts]).astype(np.float64),
    )


def top_k(win: FloatArray, k: int) -> tuple[IntArray, IntArray]:
    """``(row, column)`` of each row's ``k`` greatest positive entries, ties to the lower
    column: the first ``k`` of a stable sort by descending value."""
    if win.shape[1] > k:
        threshold = -np.partition(-win, k - 1, axis=1)[:, k - 1]
        keep = (win >= threshold[:, None]) & (win > 0)
    else:
        keep = win > 0
    rows, cols = np.nonzero(keep)
    order = np.lexsort((cols, -win[rows, cols], rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, rows, side="left")
    first = np.arange(rows.size) - starts < k
    return rows[first].astype(np.int64), cols[first].astype(np.int64)
