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

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)


def _mix(x: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser, in place on a uint64 array (array arithmetic wraps silently)."""
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


def uniforms(key: int, month: int, rows: np.ndarray, draw: int = 0) -> np.ndarray:
    """Uniform numbers in [0, 1), one per row, fixed by (key, month, row, draw).

    Args:
        key: The stream's 63-bit key (the model derives one per named stream from the seed).
        month: The month.
        rows: Agent indices (any integer array; repeats give equal numbers).
        draw: Index of the decision when a process needs several numbers per agent and month.

    Returns:
        Array of the same length as ``rows``.
    """
    salt = np.uint64(_mix_int(((key ^ (month * 0x100000 + draw * 0x1000000000)) * 0x9E3779B97F4A7C15) & _MASK))
    x = np.asarray(rows).astype(np.uint64)
    x *= _GOLDEN
    x += salt
    return (_mix(x) >> _S11) * (1.0 / 9007199254740992.0)


_MASK = (1 << 64) - 1


def _mix_int(x: int) -> int:
    """The SplitMix64 finaliser on a Python integer (same result as :func:`_mix`)."""
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


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
    return np.minimum(1 + np.floor(np.log1p(-u) / np.log1p(-p)), never).astype(np.int64)
