"""The dense candidate search: every supplier × customer score, one block at a time."""

from __future__ import annotations

import numpy as np

from winwin.insight.features import BLOCK_CELLS, Features, Found, IntArray, found_concat, top_k


def dense_candidates(features: Features, sup: IntArray, cus: IntArray, per_org: int) -> Found:
    """Every score of every supplier row, in blocks of at most :data:`BLOCK_CELLS` cells,
    keeping each customer's best suppliers as it goes."""
    found: list[Found] = []
    # Each customer's best suppliers so far: scores and supplier positions, (k, customers).
    best_win = np.zeros((0, cus.size))
    best_row = np.zeros((0, cus.size), dtype=np.int64)
    step = max(1, BLOCK_CELLS // cus.size)
    for start in range(0, sup.size, step):
        rows = sup[start : start + step]
        win = features.block(rows, cus)
        r, j = top_k(win, per_org)
        found.append((rows[r], cus[j], win[r, j]))
        column_rows, column_cols = top_k(np.ascontiguousarray(win.T), per_org)
        block_win = np.zeros((per_org, cus.size))
        block_row = np.zeros((per_org, cus.size), dtype=np.int64)
        slot = np.arange(column_rows.size) - np.searchsorted(column_rows, column_rows)
        block_win[slot, column_rows] = win[column_cols, column_rows]
        block_row[slot, column_rows] = start + column_cols
        merged_win = np.concatenate([best_win, block_win])
        merged_row = np.concatenate([best_row, block_row])
        order = np.lexsort((merged_row, -merged_win), axis=0)[:per_org]
        best_win = np.take_along_axis(merged_win, order, axis=0)
        best_row = np.take_along_axis(merged_row, order, axis=0)
    k, j = np.nonzero(best_win > 0)
    found.append((sup[best_row[k, j]], cus[j], best_win[k, j]))
    return found_concat(found)
