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
