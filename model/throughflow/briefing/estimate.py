"""An estimate with its intervals, and the paired t interval the brief uses.

An :class:`Estimate` carries one interval per kind of uncertainty. Today every estimate has
the ``seeds`` interval: the 95 % interval over paired replications (the randomness of the
simulation). A second kind, ``parameters`` (the uncertainty of the calibrated parameters),
is meant to be added by the code that computes it, under its own key: tables print one
interval column per kind present (:data:`INTERVALS` gives the order), and a verdict such as
"clearly above zero" holds only when every interval agrees (:meth:`Estimate.sign`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from throughflow.analysis.calibration import t_quantile

INTERVALS = ("seeds", "parameters")
"""Kinds of interval, in the order tables print them."""


@dataclass
class Estimate:
    """A mean with its 95 % intervals.

    Attributes:
        mean: The estimate.
        intervals: ``{kind: (low, high)}``; NaN bounds when there is no interval (one replication).
        n: Replications it is computed from.
        source: Where it comes from (store, table or computation, row, column): for ``brief_numbers.json``.
    """

    mean: float
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    n: int = 0
    source: dict[str, Any] = field(default_factory=dict)

    def sign(self) -> int:
        """+1 if every interval lies above zero, −1 if every one lies below, else 0."""
        bounds = list(self.intervals.values())
        if not bounds or not all(math.isfinite(lo) and math.isfinite(hi) for lo, hi in bounds):
            return 0
        if all(lo > 0 for lo, _ in bounds):
            return 1
        if all(hi < 0 for _, hi in bounds):
            return -1
        return 0

    @property
    def low(self) -> float:
        """Lower bound of the ``seeds`` interval."""
        return self.intervals.get("seeds", (math.nan, math.nan))[0]

    @property
    def high(self) -> float:
        """Upper bound of the ``seeds`` interval."""
        return self.intervals.get("seeds", (math.nan, math.nan))[1]


def paired(values: np.ndarray, source: dict[str, Any]) -> Estimate:
    """Mean and 95 % t interval over replicates (finite values only) as an :class:`Estimate`."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    n = int(values.size)
    if n == 0:
        return Estimate(math.nan, {"seeds": (math.nan, math.nan)}, 0, source)
    mean = float(values.mean())
    if n == 1:
        return Estimate(mean, {"seeds": (math.nan, math.nan)}, 1, source)
    half = t_quantile(n - 1) * float(values.std(ddof=1)) / math.sqrt(n)
    return Estimate(mean, {"seeds": (mean - half, mean + half)}, n, source)
