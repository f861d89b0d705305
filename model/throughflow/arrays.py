"""Small array helpers used by every mechanism each month (cheap at the sizes of a default run)."""

from __future__ import annotations

import numpy as np


def rows_where(mask: np.ndarray) -> np.ndarray:
    """Indices where a one-dimensional array is true (non-zero), in order.

    The same as ``np.flatnonzero(mask)`` for one-dimensional arrays, without its wrappers:
    at the default scale a month calls it a few dozen times on arrays of a few thousand
    elements, where the fixed cost of each call dominates.
    """
    return mask.nonzero()[0]


def dense_codes(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``codes`` (integers in ``[0, size)``), in order, and each element's index among them.

    The same as ``np.unique(codes, return_inverse=True)``, through a table over the possible
    codes instead of a sort: cheaper when ``size`` is small.
    """
    used = np.zeros(size, dtype=bool)
    used[codes] = True
    return rows_where(used), (np.cumsum(used) - 1)[codes]
