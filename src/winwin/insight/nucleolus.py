"""The nucleolus of a value game given as its table, by sequential linear programs: the
one part of sharing a joint investment (:mod:`winwin.insight.games`) that solves
programmes rather than sums."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

from winwin.kernel.errors import WinwinError

FloatArray = npt.NDArray[np.float64]


def nucleolus_of_table(values: FloatArray) -> FloatArray:
    """The nucleolus of the value game ``values[mask]``, by sequential linear programs.

    Round ``k`` solves ``min t`` subject to ``v(S) - x(S) ≤ t`` for the coalitions not yet
    fixed, ``x(S) = v(S) - e_S`` for those fixed in earlier rounds, ``x(N) = v(N)`` and
    ``x_i ≥ v({i})`` (dropped when ``Σ v({i}) > v(N)``: no imputation exists). Coalitions
    with a positive dual price are tight in every optimum and are fixed at ``e_S = t``;
    coalitions whose incidence vector lies in the span of the fixed ones have a constant
    excess and leave the programme. Each round raises the rank, so there are at most
    ``n`` rounds; the last one leaves a single point.
    """
    n = int(values.size).bit_length() - 1
    full = (1 << n) - 1
    if n == 1:
        return np.array([values[1]], dtype=np.float64)
    masks = np.arange(1, full, dtype=np.int64)
    incidence = ((masks[:, None] >> np.arange(n)[None, :]) & 1).astype(np.float64)
    v = values[masks]
    alone = values[1 << np.arange(n)]
    imputations = float(alone.sum()) <= float(values[full]) + 1e-12 * max(1.0, abs(values).max())
    bounds: list[tuple[float | None, float | None]] = [
        ((float(a), None) if imputations else (None, None)) for a in alone
    ]
    bounds.append((None, None))
    objective = np.zeros(n + 1)
    objective[-1] = 1.0
    free = np.ones(masks.size, dtype=bool)
    fixed_rows: list[npt.NDArray[np.float64]] = [np.ones(n)]
    fixed_values: list[float] = [float(values[full])]
    x = np.zeros(n)
    for _ in range(n + 1):
        rows = np.flatnonzero(free)
        a_ub = np.hstack([-incidence[rows], -np.ones((rows.size, 1))])
        a_eq = np.hstack([np.array(fixed_rows), np.zeros((len(fixed_rows), 1))])
        result = linprog(
            objective,
            A_ub=a_ub,
            b_ub=-v[rows],
            A_eq=a_eq,
            b_eq=np.array(fixed_values),
            bounds=bounds,
            method="highs",
        )
        if result.status != 0:
            raise WinwinError(f"the nucleolus programme failed: {result.message}")
        x = np.asarray(result.x[:n], dtype=np.float64)
        t = float(result.x[-1])
        prices = -np.asarray(result.ineqlin.marginals, dtype=np.float64)
        tight = rows[prices > 1e-9]
        if tight.size == 0:  # numerical fallback: the coalitions at the maximal excess
            excess = v[rows] - incidence[rows] @ x
            tight = rows[excess >= t - 1e-9 * max(1.0, abs(t))]
        # Only rows that raise the rank are fixed: a tight coalition in the span of the
        # fixed ones has its excess decided already, and its right-hand side, carried
        # through floating point, could make the next programme inconsistent.
        rank = _rank(np.array(fixed_rows))
        for k in tight.tolist():
            if _rank(np.array([*fixed_rows, incidence[k]])) > rank:
                fixed_rows.append(incidence[k])
                fixed_values.append(float(v[k] - t))
                rank += 1
        free[tight] = False
        if rank >= n:
            break
        basis = np.linalg.svd(np.array(fixed_rows), full_matrices=False)[2][:rank]
        rest = np.flatnonzero(free)
        residual = incidence[rest] - (incidence[rest] @ basis.T) @ basis
        free[rest[np.linalg.norm(residual, axis=1) < 1e-9]] = False
        if not free.any():
            break
    return x


def _rank(rows: FloatArray) -> int:
    singular = np.linalg.svd(rows, compute_uv=False)
    return int(np.sum(singular > 1e-9 * singular[0]))
