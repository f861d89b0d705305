"""Counter-based uniform numbers for per-agent events: common random numbers at any scale.

Per-agent decisions (dropout, retention, separation, inactivity, a tie fading) draw a
uniform number that depends only on (process key, month, agent, draw index), computed by
the SplitMix64 finaliser. An agent's number for a decision is therefore the same in every
scenario run with the same seed, whatever happens to the other agents — the strongest form
of common random numbers — and only the agents concerned are computed (no draws for the
whole population each month).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_GOLDEN = 0x9E3779B97F4A7C15


@njit(cache=True, nogil=True)
def _mix(x: np.uint64) -> np.uint64:  # pragma: no cover - compiled
    """The SplitMix64 finaliser (uint64 arithmetic wraps)."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@njit(cache=True, nogil=True)
def _uniforms(key: int, month: int, rows: np.ndarray, draw: int) -> np.ndarray:  # pragma: no cover - compiled
    golden = np.uint64(_GOLDEN)
    salt = _mix((np.uint64(key) ^ np.uint64(month * 0x100000 + draw * 0x1000000000)) * golden)
    out = np.empty(rows.size, dtype=np.float64)
    for i in range(rows.size):
        out[i] = (_mix(np.uint64(rows[i]) * golden + salt) >> np.uint64(11)) * (1.0 / 9007199254740992.0)
    return out


uniforms_compiled = _uniforms
"""The compiled :func:`uniforms` for int64 rows, to call from other compiled functions."""


def uniforms(key: int, month: int, rows: np.ndarray, draw: int = 0) -> np.ndarray:
    """Uniform numbers in [0, 1), one per row, fixed by (key, month, row, draw).

    The SplitMix64 finaliser of ``row x golden + salt``, the salt being the finaliser of
    ``(key xor (month x 2**20 + draw x 2**36)) x golden`` (all modulo 2**64), its top 53 bits
    scaled to [0, 1). Compiled: one call costs about a microsecond, whatever the few array
    operations it replaces would cost.

    Args:
        key: The stream's 63-bit key (the model derives one per named stream from the seed).
        month: The month.
        rows: Agent indices (any integer array; repeats give equal numbers).
        draw: Index of the decision when a process needs several numbers per agent and month.

    Returns:
        Array of the same length as ``rows``.
    """
    if type(rows) is np.ndarray and rows.dtype == np.int64 and rows.ndim == 1:
        return _uniforms(key, month, rows, draw)
    rows = np.asarray(rows, dtype=np.int64)
    return _uniforms(key, month, rows.ravel(), draw).reshape(rows.shape)


@njit(cache=True, nogil=True)
def _chosen(key: int, month: int, rows: np.ndarray, draw: int, p: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """``rows[uniforms(key, month, rows, draw) < p]`` in one pass (compiled; ``p`` one per row, or one for all)."""
    u = _uniforms(key, month, rows, draw)
    out = np.empty(rows.size, dtype=np.int64)
    n = 0
    for i in range(rows.size):
        out[n] = rows[i]
        n += u[i] < (p[i] if p.size == rows.size else p[0])
    return out[:n]


def chosen(key: int, month: int, rows: np.ndarray, p: float | np.ndarray, draw: int = 0) -> np.ndarray:
    """The rows whose counter-based uniform number (:func:`uniforms`) is below ``p``, in order.

    Args:
        key: The stream's key.
        month: The month.
        rows: Agent indices (1-D).
        p: Probability, one for all or one per row.
        draw: Index of the decision.

    Returns:
        ``rows[uniforms(key, month, rows, draw) < p]``, as int64.
    """
    rows = rows if type(rows) is np.ndarray and rows.dtype == np.int64 else np.asarray(rows, dtype=np.int64)
    if isinstance(p, float):
        return _chosen_all(key, month, rows, draw, p)
    return _chosen(key, month, rows, draw, np.atleast_1d(np.asarray(p, dtype=np.float64)))


@njit(cache=True, nogil=True)
def _chosen_all(key: int, month: int, rows: np.ndarray, draw: int, p: float) -> np.ndarray:  # pragma: no cover - compiled
    """:func:`_chosen` with one probability for all rows (compiled)."""
    u = _uniforms(key, month, rows, draw)
    out = np.empty(rows.size, dtype=np.int64)
    n = 0
    for i in range(rows.size):
        out[n] = rows[i]
        n += u[i] < p
    return out[:n]


class Categorical:
    """Draws of category indices with fixed probabilities (which sum to 1).

    One uniform number per draw, inverted through the cumulative shares (computed once): the
    same distribution as ``rng.choice(len(shares), size, p=shares)`` at a fraction of its
    fixed cost per call.

    Args:
        shares: Probability of each category.
    """

    def __init__(self, shares: np.ndarray | list[float]) -> None:
        self.edges = np.cumsum(np.asarray(shares, dtype=np.float64))[:-1]

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` category indices."""
        return np.searchsorted(self.edges, rng.random(size), side="right")


def below(rng: np.random.Generator, high: int, size: int | tuple[int, ...]) -> np.ndarray:
    """Uniform integers in ``[0, high)``: ``floor(u x high)`` of uniform numbers ``u``.

    The same distribution as ``rng.integers(0, high, size)`` (up to a bias below 2**-40 for
    any ``high`` the model uses) without that method's large fixed cost per call.
    """
    return (rng.random(size) * high).astype(np.int64)


NEVER = int(np.iinfo(np.int32).max) // 2
"""Months until an event that never happens (:func:`months_until` with ``p = 0``)."""


def months_until(u: np.ndarray, p: float) -> np.ndarray:
    """Months until an event with monthly probability ``p`` happens (1 = this month), from uniforms ``u``.

    The inverse of the geometric distribution: ``P(months = k) = (1 - p)**(k - 1) p``. With
    ``p = 0`` the event never happens (a very large number of months).
    """
    never = NEVER
    if p <= 0.0:
        return np.full(len(u), never, dtype=np.int64)
    if p >= 1.0:
        return np.ones(len(u), dtype=np.int64)
    return _months(np.log1p(-u), np.log1p(-p))  # the logarithms stay numpy's (numba's may differ in the last bit)


@njit(cache=True, nogil=True)
def months_from_logs(log_u: float, log_p: float) -> int:  # pragma: no cover - compiled
    """One geometric duration of :func:`months_until` from ``log1p(-u)`` and ``log1p(-p)``, compiled.

    ``min(1 + floor(log_u / log_p), NEVER)``. The logarithms come from numpy (numba's may
    differ in the last bit); kernels that draw durations call this, so the rule has one
    definition.
    """
    return int(min(1.0 + np.floor(log_u / log_p), float(NEVER)))


@njit(cache=True, nogil=True)
def _months(log_u: np.ndarray, log_p: float) -> np.ndarray:  # pragma: no cover - compiled
    """:func:`months_from_logs` of each of ``log_u`` (compiled)."""
    out = np.empty(log_u.size, dtype=np.int64)
    for i in range(log_u.size):
        out[i] = months_from_logs(log_u[i], log_p)
    return out
