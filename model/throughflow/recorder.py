"""Observation (ODD: step 10): monthly stocks, flows, costs and mentor-pool figures.

Counters for the current month (``*_now``) are filled by the processes and folded into
preallocated monthly arrays by :meth:`Recorder.observe`; :meth:`Recorder.timeseries` turns
them into one tidy table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from throughflow.enums import N_QUAL, N_STATUS, QUAL_NAMES, MentorStatus, PairEnd, Status
from throughflow.parameters import Costs
from throughflow.population import NO

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel

FLOWS: tuple[tuple[Status, Status], ...] = (
    (Status.WAITING, Status.ART60),
    (Status.ART60, Status.NEC),
    (Status.ART60, Status.WISE_JOB),
    (Status.ART60, Status.UNEMPLOYED),
    (Status.ART60, Status.INACTIVE),
    (Status.NEC, Status.UNEMPLOYED),
    (Status.UNEMPLOYED, Status.NEC),
    (Status.UNEMPLOYED, Status.INACTIVE),
)
"""The transitions the model can make (every other pair of statuses stays at zero)."""

COSTS = ("leefloon", "art60", "benefit", "mentoring", "labs")
"""Cost components per qualification group (EUR)."""

POOL = (
    "mentors_available",
    "mentors_paired",
    "mentors_left",
    "enrolled",
    "waiting_mentees",
    "pairs_started",
    "pairs_ended_early",
    "vacancies_open",
    "hires",
    "warm_applications",
    "employer_support_eur",
    "apprenticeships_eur",
)
"""Month-level figures (reported on the ``all`` rows of the time series)."""


class Recorder:
    """Monthly records of one run.

    Args:
        months: Horizon in months.

    """

    def __init__(self, months: int, costs: Costs | None = None) -> None:
        size = months + 1
        self.months = months
        self.unit_costs = costs or Costs()
        self.stocks = np.zeros((size, N_STATUS, N_QUAL), dtype=np.int64)
        self._moves: list[tuple[int, int, np.ndarray, np.ndarray]] = []
        self._flows = np.zeros((size, N_STATUS, N_STATUS, N_QUAL), dtype=np.int64)
        self._folded = 0
        self.month_now = 1
        self.arrivals = np.zeros((size, N_QUAL), dtype=np.int64)
        self.pair_months = np.zeros((size, N_QUAL), dtype=np.int64)
        self.lab_seats = np.zeros((size, N_QUAL), dtype=np.int64)
        self.pool = np.zeros((size, len(POOL)))
        self._sent = np.zeros(2 * N_QUAL)
        self._passed = np.zeros(2 * N_QUAL)
        self._native = np.zeros(2 * N_QUAL)
        self.nec_by_months_since_arrival = np.zeros((size, N_QUAL), dtype=np.int64)
        self.observed = 0
        self.begin()

    def begin(self) -> None:
        """Reset the counters of the current month."""
        self.hires_now = 0
        self.arrivals_now = np.zeros(N_QUAL, dtype=np.int64)
        self.pair_months_now = np.zeros(N_QUAL, dtype=np.int64)
        self.lab_seats_now = np.zeros(N_QUAL, dtype=np.int64)
        self.cost_now = {"employer_support": 0.0, "apprenticeships": 0.0}
        self.pool_now = {"waiting_mentees": 0.0, "vacancies_open": 0.0}
        self.warm_now = 0

    def count_moves(self, status: int, origin: np.ndarray, qualification: np.ndarray) -> None:
        """Count refugees moving from ``origin`` (their status before) to ``status`` this month.

        The moves are kept as they come and folded into the flow table when it is read
        (:attr:`flows`): one operation for many months instead of one per move.
        """
        self._moves.append((self.month_now, status, origin, qualification))
        if status == Status.NEC:
            self.hires_now += len(origin)

    @property
    def flows(self) -> np.ndarray:
        """Refugees by month, origin status, new status and qualification (months x from x to x qualification)."""
        moves = self._moves[self._folded :]
        if moves:
            months = np.repeat([m[0] for m in moves], [len(m[2]) for m in moves])
            target = np.repeat([m[1] for m in moves], [len(m[2]) for m in moves])
            origin = np.concatenate([m[2] for m in moves]).astype(np.int64)
            qual = np.concatenate([m[3] for m in moves])
            cell = ((months * N_STATUS + origin) * N_STATUS + target) * N_QUAL + qual
            self._flows += np.bincount(cell, minlength=self._flows.size).reshape(self._flows.shape)
            self._folded = len(self._moves)
        return self._flows

    @property
    def present_by_months_since_arrival(self) -> np.ndarray:
        """Refugees observed ``k`` months after their arrival month (rows ``k``), summed over the months observed.

        Refugees never leave the table, so a refugee who arrived in month ``a`` was observed
        at every ``k`` from 0 to ``last - a``: the count at ``k`` is the number who arrived by
        month ``last - k``.
        """
        present = np.zeros_like(self.nec_by_months_since_arrival)
        last = self.observed
        arrived = np.cumsum(self.arrivals[: last + 1], axis=0)
        present[: last + 1] = arrived[::-1]
        return present

    def count_screening(self, bottleneck: np.ndarray, passed: np.ndarray, quals: np.ndarray, p_native: np.ndarray) -> None:
        """Count cold applications, callbacks and the callbacks a native with the same CV would expect.

        Args:
            bottleneck: Whether each application went to a bottleneck vacancy.
            passed: Whether it passed screening.
            quals: Qualification of the applicant.
            p_native: Callback probability of a native applicant with the same CV.
        """
        cell = bottleneck * N_QUAL + quals.astype(np.int64)
        self._sent += np.bincount(cell, minlength=2 * N_QUAL)
        self._passed += np.bincount(cell[passed], minlength=2 * N_QUAL)
        self._native += np.bincount(cell, weights=p_native, minlength=2 * N_QUAL)

    @property
    def screening(self) -> np.ndarray:
        """Cold applications screened: [bottleneck][sent, passed, callbacks a native would get][qualification]."""
        return np.stack([self._sent, self._passed, self._native]).reshape(3, 2, N_QUAL).transpose(1, 0, 2)

    @property
    def costs(self) -> np.ndarray:
        """Public cost per month, component (:data:`COSTS`) and qualification group, in EUR."""
        c = self.unit_costs
        out = np.zeros((self.months + 1, len(COSTS), N_QUAL))
        out[:, 0] = self.stocks[:, Status.WAITING] * c.leefloon_eur_month
        out[:, 1] = self.stocks[:, Status.ART60] * (c.twe_subsidy_eur_month + c.art60_net_wage_eur_month)
        out[:, 2] = self.stocks[:, Status.UNEMPLOYED] * c.benefit_eur_month
        out[:, 3] = self.pair_months * c.pair_month_eur
        out[:, 4] = self.lab_seats * c.lab_seat_eur
        return out

    def observe(self, model: ThroughflowModel, month: int) -> None:
        """Fold this month's counters and the current stocks into the monthly arrays."""
        r = model.refugees
        status = r.column("status")
        qual = r.column("qualification")
        self.stocks[month] = np.bincount(status * N_QUAL + qual, minlength=N_STATUS * N_QUAL).reshape(N_STATUS, N_QUAL)
        self.arrivals[month] = self.arrivals_now
        self.observed = month
        nec = np.flatnonzero(status == Status.NEC)
        cell = (month - r.arrival[nec]) * N_QUAL + qual[nec]
        self.nec_by_months_since_arrival += np.bincount(cell, minlength=(self.months + 1) * N_QUAL).reshape(-1, N_QUAL)

        self.pair_months[month] = self.pair_months_now
        self.lab_seats[month] = self.lab_seats_now

        pool = self.pool[month]
        mentors, pairs = model.mentors, model.pairs
        if mentors.n or pairs.n:  # mentor and pair figures (all zero without them)
            count = np.bincount(mentors.column("status"), minlength=len(MentorStatus))
            end = pairs.column("end")
            reason = pairs.column("reason")
            ended_early = (end == month) & ((reason == PairEnd.BREAKDOWN) | (reason == PairEnd.MENTOR_LEFT))
            pool[0] = count[MentorStatus.AVAILABLE]
            pool[1] = count[MentorStatus.PAIRED]
            pool[2] = count[MentorStatus.LEFT]
            pool[3] = pairs.n - np.count_nonzero(end != NO)
            pool[5] = np.count_nonzero(pairs.column("start") == month)
            pool[6] = np.count_nonzero(ended_early)
        pool[4] = self.pool_now["waiting_mentees"]
        pool[7] = self.pool_now["vacancies_open"]
        pool[8] = self.hires_now
        pool[9] = self.warm_now
        pool[10] = self.cost_now["employer_support"]
        pool[11] = self.cost_now["apprenticeships"]
        self.month_now = month + 1
        self.begin()

    def total_cost(self) -> np.ndarray:
        """Total public cost over the run per qualification group; shared costs split by arrivals."""
        person = self.costs.sum(axis=(0, 1))
        shared = self.pool[:, POOL.index("employer_support_eur")].sum() + self.pool[:, POOL.index("apprenticeships_eur")].sum()
        arrivals = self.arrivals.sum(axis=0)
        weight = arrivals / arrivals.sum() if arrivals.sum() else np.full(N_QUAL, 1.0 / N_QUAL)
        return person + shared * weight

    def timeseries(self) -> pd.DataFrame:
        """Monthly stocks, flows, costs (per qualification and ``all``) and pool figures."""
        months = np.arange(1, self.months + 1)
        costs, flows = self.costs, self.flows
        frames = []
        for q, name in enumerate((*QUAL_NAMES, "all")):
            pick: slice | int = slice(None) if name == "all" else q
            total = name == "all"

            def col(a: np.ndarray, pick: slice | int = pick, total: bool = total) -> np.ndarray:
                sub = a[1:, ..., pick]
                return sub.sum(axis=-1) if total else sub

            data: dict[str, object] = {"month": months, "qualification": name}
            for s in Status:
                data[f"stock_{s.name.lower()}"] = col(self.stocks[:, s, :])
            data["arrivals"] = col(self.arrivals)
            for a, b in FLOWS:
                data[f"flow_{a.name.lower()}_to_{b.name.lower()}"] = col(flows[:, a, b, :])
            for k, cost in enumerate(COSTS):
                data[f"cost_{cost}_eur"] = col(costs[:, k, :])
            for k, figure in enumerate(POOL):
                data[figure] = self.pool[1:, k] if name == "all" else np.nan
            frames.append(pd.DataFrame(data))
        table = pd.concat(frames, ignore_index=True)
        table["qualification"] = pd.Categorical(table["qualification"], categories=[*QUAL_NAMES, "all"])
        return table
