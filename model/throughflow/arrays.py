"""Small array helpers used by every mechanism each month (cheap at the sizes of a default run)."""

from __future__ import annotations

import numpy as np
from numba import njit


def rows_where(mask: np.ndarray) -> np.ndarray:
    """Indices where a one-dimensional array is true (non-zero), in order.

    The same as ``np.flatnonzero(mask)`` for one-dimensional arrays, without its wrappers:
    at the default scale a month calls it a few dozen times on arrays of a few thousand
    elements, where the fixed cost of each call dominates.
    """
    return mask.nonzero()[0]


@njit(cache=True, nogil=True)
def capped(groups: np.ndarray, caps: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """Mask keeping, in order, the first ``caps[g]`` elements of each group ``g`` (none where the cap is 0 or less).

    Each OCMW places its longest-waiting clients up to its budget; each employer hires, best
    candidates first, up to its room.
    """
    taken = np.zeros(caps.size, dtype=np.int64)
    keep = np.zeros(groups.size, dtype=np.bool_)
    for i in range(groups.size):
        g = groups[i]
        if taken[g] < caps[g]:
            taken[g] += 1
            keep[i] = True
    return keep


@njit(cache=True, nogil=True)
def rows_at_least(rows: np.ndarray, column: np.ndarray, value: int) -> np.ndarray:  # pragma: no cover - compiled
    """``rows[column[rows] >= value]`` in one pass (compiled): e.g. the refugees who hold a link (``value`` 0)."""
    out = np.empty(rows.size, dtype=np.int64)
    n = 0
    for i in range(rows.size):
        out[n] = rows[i]
        n += column[rows[i]] >= value
    return out[:n]


@njit(cache=True, nogil=True)
def rows_flagged(flags: np.ndarray, column: np.ndarray, other: np.ndarray | None = None) -> np.ndarray:  # pragma: no cover
    """``rows_where(flags[column])``, or ``rows_where(flags[column] | flags[other])``, in one pass (compiled).

    ``flags`` is a small table indexed by the column's values: e.g. the statuses that take
    part in an activity, or the hosts that are partners (with a last element for ``NO``).
    """
    out = np.empty(column.size, dtype=np.int64)
    n = 0
    for i in range(column.size):
        out[n] = i
        n += flags[column[i]] | (other is not None and flags[other[i]])
    return out[:n]


@njit(cache=True, nogil=True)
def factor_at_least(
    rows: np.ndarray, column: np.ndarray, value: int, factor: float, gate: np.ndarray | None = None
) -> np.ndarray:  # pragma: no cover - compiled
    """A hook's multiplier for each of ``rows`` (compiled): ``factor`` where ``column[row] >= value``, else 1.

    With ``gate``, only where ``gate[row]`` holds as well. One pass for what
    ``np.where((column[rows] >= value) & gate[rows], factor, 1.0)`` does in five: e.g. the
    refugees who are enrolled and have a mentor (``mentor >= 0``; ``NO`` is -1).
    """
    out = np.empty(rows.size)
    for i in range(rows.size):
        row = rows[i]
        ok = column[row] >= value
        if gate is not None:
            ok = ok and gate[row]
        out[i] = factor if ok else 1.0
    return out


@njit(cache=True, nogil=True)
def factor_flagged(rows: np.ndarray, column: np.ndarray, flags: np.ndarray, factor: float) -> np.ndarray:  # pragma: no cover
    """A hook's multiplier for each of ``rows`` (compiled): ``factor`` where ``flags[column[row]]``, else 1.

    ``np.where(flags[column[rows]], factor, 1.0)`` in one pass: e.g. the workers whose
    employer takes part in employer support.
    """
    out = np.empty(rows.size)
    for i in range(rows.size):
        out[i] = factor if flags[column[rows[i]]] else 1.0
    return out


@njit(cache=True, nogil=True)
def split_flagged(rows: np.ndarray, flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """``rows[flags[rows]]`` and ``rows[~flags[rows]]``, each in order, in one pass (compiled)."""
    yes = np.empty(rows.size, dtype=rows.dtype)
    no = np.empty(rows.size, dtype=rows.dtype)
    n = m = 0
    for row in rows:
        if flags[row]:
            yes[n] = row
            n += 1
        else:
            no[m] = row
            m += 1
    return yes[:n], no[:m]
