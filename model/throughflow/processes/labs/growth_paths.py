"""Growth paths for mentors and volunteers (pillar 3): training and new roles keep volunteers longer.

When a round opens (every ``every_months``), every volunteer who is still active (not gone,
not retiring) and has not taken a growth path yet is offered one — training, and a role in
the ecosystem (co-host of a lab, buddy of new mentors, ambassador toward employers) — and
takes it up with probability ``participation``. From then on the volunteer

* **leaves less often**: the monthly departure hazard and the chance to stop taking mentees
  after a pair (hook ``mentor_stop_factor``) are both multiplied by
  1 − ``departure_reduction``. The departure month drawn when the volunteer joined is moved
  later: the months still to go, geometric at the old hazard, are mapped to the geometric
  distribution at the new hazard through the same (randomised) quantile, so no volunteer
  leaves earlier than without the path and the new distribution is exact;
* **advocates better**: advocacy grows toward 1 at ``advocacy_gain`` once.

Training and development go with higher volunteer retention (Hager & Brudney 2004); the
sizes are assumptions. The programme pays per growth path taken.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from throughflow.enums import MentorStatus
from throughflow.mechanism import Column, CostItem, Counter, Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share
from throughflow.population import NO
from throughflow.randomness import NEVER

TAKE_UP, QUANTILE = 0, 1
"""Draw indices of the mechanism's counter-based numbers (by mentor)."""

_LEFT = int(MentorStatus.LEFT)


class GrowthPathsPars(Section):
    """Growth paths for mentors and volunteers (training and roles)."""

    enabled: bool = par(True, unit="switch", doc="growth paths (training and roles) for mentors and volunteers", kind=LEVER)
    every_months: int = par(
        6, unit="months", doc="growth paths are offered every so many months", low=3, high=12, kind=LEVER, ge=1, le=24
    )
    participation: float = share(0.3, "probability that an active volunteer offered a growth path takes it up", 0.15, 0.5)
    departure_reduction: float = share(
        0.3,
        "reduction of a volunteer's departure hazard and of the chance to stop after a pair, after a growth path",
        0.1,
        0.5,
        unit="factor",
        source="Hager & Brudney (2004): training and development go with volunteer retention; size assumption",
    )
    advocacy_gain: float = share(
        0.1, "advocacy gain toward 1 of a volunteer who takes a growth path", 0.05, 0.2, unit="index 0-1"
    )
    cost_eur: float = par(
        300.0,
        unit="EUR/growth path",
        doc="cost of a growth path (training, role support)",
        low=150,
        high=600,
        price=True,
        le=100_000,
    )


class GrowthPaths(Mechanism[GrowthPathsPars]):
    """Growth paths: volunteers who take one stay longer and advocate better."""

    name = "growth_paths"
    pillar = "labs"
    section = "labs.growth_paths"
    Pars = GrowthPathsPars
    reads = ("one_on_one.p_mentor_leave_per_month",)
    requires = ("volunteers",)
    mentor_columns = {"growth_path": Column(np.int32, NO, "month the volunteer took a growth path (training and a role)")}
    counters = (Counter("growth_paths_started", "volunteers taking a growth path", by_qualification=False),)
    costs = (CostItem("growth_paths", "growth_paths_started", "labs.growth_paths.cost_eur"),)
    steps = {Phase.SUPPORT: "offer"}

    def init(self) -> None:
        """The factor on the chance to stop taking mentees of a volunteer on a growth path."""
        self._stop_factor = 1.0 - self.pars.departure_reduction

    def offer(self, month: int) -> None:
        """A round of growth paths, when the calendar says so."""
        p = self.pars
        if month % p.every_months:
            return
        mt = self.model.mentors
        offered = _offered(mt.status, mt.retiring, mt.growth_path, mt.n)
        taken = self.chance(month, offered, p.participation, TAKE_UP)
        _take_up(taken, month, p.advocacy_gain, mt.growth_path, mt.advocacy)
        if taken.size:  # counter-based numbers: nothing drawn for no one
            mt.leaves[taken] = month + self._months_to_go(taken, mt.leaves[taken] - month, month)
        self.count("growth_paths_started", taken.size)

    def _months_to_go(self, rows: np.ndarray, left: np.ndarray, month: int) -> np.ndarray:
        """Months until departure at the lowered hazard, coupled to the months ``left`` at the old one.

        ``left`` (at least 1) is geometric with the old hazard *p* (the hazard is constant).
        A randomised quantile *s* = (1 − *p*)^(left − 1) × (1 − *w p*), *w* uniform, is
        uniform on (0, 1]; the new duration is the same quantile of the geometric
        distribution with the lowered hazard *q*: 1 + floor(ln *s* / ln(1 − *q*)) ≥ ``left``.
        """
        p = self.model.scenario.section("one_on_one").p_mentor_leave_per_month
        q = p * (1.0 - self.pars.departure_reduction)
        if p <= 0.0 or p >= 1.0:
            return left
        if q <= 0.0:
            return np.full(left.size, NEVER, dtype=np.int64)
        w = self.uniforms(month, rows, QUANTILE)
        log_s = (left - 1) * np.log1p(-p) + np.log1p(-w * p)
        return np.minimum(1 + np.floor(log_s / np.log1p(-q)), NEVER).astype(np.int64)

    def mentor_stop_factor(self, mentors: np.ndarray) -> np.ndarray:
        """Volunteers on a growth path stop taking mentees less often."""
        return _on_path_factor(mentors, self.model.mentors.growth_path, self._stop_factor)


@njit(cache=True, nogil=True)
def _offered(status: np.ndarray, retiring: np.ndarray, growth_path: np.ndarray, n: int) -> np.ndarray:  # pragma: no cover
    """The volunteers offered a growth path: still active (not gone, not retiring) and without one yet (compiled)."""
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        out[k] = i
        k += (status[i] != _LEFT) & (not retiring[i]) & (growth_path[i] == NO)
    return out[:k]


@njit(cache=True, nogil=True)
def _take_up(
    taken: np.ndarray, month: int, gain: float, growth_path: np.ndarray, advocacy: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Volunteers ``taken`` (distinct) take a growth path in ``month``; their advocacy grows toward 1 at ``gain`` (compiled)."""
    for m in taken:
        growth_path[m] = month
        advocacy[m] = advocacy[m] + gain * (1.0 - advocacy[m])


@njit(cache=True, nogil=True)
def _on_path_factor(mentors: np.ndarray, growth_path: np.ndarray, factor: float) -> np.ndarray:  # pragma: no cover
    """``factor`` for each of ``mentors`` who took a growth path (``growth_path`` not ``NO``, -1), else 1 (compiled)."""
    out = np.empty(mentors.size)
    for i in range(mentors.size):
        out[i] = factor if growth_path[mentors[i]] >= 0 else 1.0
    return out
