"""Observation (ODD: step 10): monthly stocks, flows, named counters and costs.

The recorder keeps the stocks by status and qualification, the flows between statuses and
one named channel per declared counter (:class:`~throughflow.mechanism.Counter`): the
mechanisms add to a channel during the month (:meth:`Recorder.add`) and
:meth:`Recorder.observe` folds the month into preallocated arrays. Costs are priced when
read: the stock costs of the world (social assistance, art. 60, benefit) and every
mechanism's :class:`~throughflow.mechanism.CostItem` (a counter times a price).
:meth:`Recorder.timeseries` turns it all into one tidy table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numba import njit

from throughflow.enums import N_QUAL, N_STATUS, QUAL_NAMES, Status
from throughflow.mechanism import CostItem, Counter

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel
    from throughflow.parameters import ScenarioBase

FLOWS: tuple[tuple[Status, Status], ...] = (
    (Status.WAITING, Status.ART60),
    (Status.ART60, Status.NEC),
    (Status.ART60, Status.WISE_JOB),
    (Status.ART60, Status.UNEMPLOYED),
    (Status.ART60, Status.INACTIVE),
    (Status.NEC, Status.UNEMPLOYED),
    (Status.WISE_JOB, Status.NEC),
    (Status.WISE_JOB, Status.UNEMPLOYED),
    (Status.UNEMPLOYED, Status.NEC),
    (Status.UNEMPLOYED, Status.INACTIVE),
    (Status.INACTIVE, Status.UNEMPLOYED),
)
"""The transitions reported in the time series (every other pair of statuses stays at zero)."""

STOCK_COSTS: tuple[tuple[str, Status, tuple[str, ...]], ...] = (
    ("leefloon", Status.WAITING, ("costs.leefloon_eur_month",)),
    ("art60", Status.ART60, ("costs.twe_subsidy_eur_month", "costs.art60_net_wage_eur_month")),
    ("benefit", Status.UNEMPLOYED, ("costs.benefit_eur_month",)),
)
"""Public cost of a month in a status: component, status, prices (summed)."""

CORE_COUNTERS: tuple[Counter, ...] = (
    Counter("arrivals", "new OCMW clients"),
    Counter("hires", "refugees starting an NEC job", by_qualification=False),
    Counter("vacancies_open", "open vacancies after this month's openings", by_qualification=False),
    Counter("warm_applications", "warm applications (own ties, referrals)", by_qualification=False),
)
"""Counters of the world itself (the mechanisms declare their own)."""


class Recorder:
    """Monthly records of one run.

    Args:
        months: Horizon in months.
        counters: Every declared counter (world and mechanisms).
        costs: Every declared cost item (their counters must be declared).
        priced: Names of the cost items of the mechanisms that run (only their prices are read).
        scenario: The scenario (prices are read when costs are).
    """

    def __init__(
        self,
        months: int,
        counters: Iterable[Counter],
        costs: Iterable[CostItem],
        priced: Iterable[str],
        scenario: ScenarioBase,
    ) -> None:
        size = months + 1
        self.months = months
        self.scenario = scenario
        self.counters = {c.name: c for c in (*CORE_COUNTERS, *counters)}
        self.cost_items = tuple(costs)
        self.priced = frozenset(priced)
        self._monthly_prices: tuple[list[tuple[int, float]], list[tuple[str, float]]] | None = None
        self._month_prices: tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...], np.ndarray] | None = None
        self.stocks = np.zeros((size, N_STATUS, N_QUAL), dtype=np.int64)
        self._month_table: tuple[int, list[list[int]]] | None = None
        # stocks by month, arrival month, status and qualification: the cohorts' costs by horizon
        self.cohort_stocks = np.zeros((size, size, N_STATUS, N_QUAL), dtype=np.int32)
        costed = {item.counter for item in self.cost_items}
        self.cohort_channels = {
            name: np.zeros((size, size, N_QUAL), dtype=np.int32)
            for name, c in self.counters.items()
            if c.by_qualification and name in costed
        }
        self.channels = {
            name: np.zeros((size, N_QUAL) if c.by_qualification else size, dtype=np.int64) for name, c in self.counters.items()
        }
        self._uncohorted = {name: channel for name, channel in self.channels.items() if name not in self.cohort_channels}
        self._vacancies_open = self.channels["vacancies_open"]
        self._moves: list[tuple[int, int, np.ndarray, np.ndarray]] = []
        self._flows = np.zeros((size, N_STATUS, N_STATUS, N_QUAL), dtype=np.int64)
        self._folded = 0
        self.month_now = 1
        self.screening_totals = np.zeros((3, 2 * N_QUAL))
        """Cold applications sent within reach, callbacks, and the callbacks a native with the same CV
        would expect (rows), by [bottleneck][qualification] flattened (columns): hiring adds each month's."""
        self.nec_by_months_since_arrival = np.zeros((size, N_QUAL), dtype=np.int64)
        self.employed_by_months_since_arrival = np.zeros((size, N_QUAL), dtype=np.int64)
        self.observed = 0

    def add(self, counter: str, value: Any) -> None:
        """Add ``value`` (per qualification, or a number) to a counter for the current month.

        Raises:
            ValueError: For a priced by-qualification counter: its cost is also counted by
                arrival cohort, so its refugees must be counted with :meth:`add_people`.
        """
        channel = self._uncohorted.get(counter)
        if channel is None:
            if counter in self.cohort_channels:
                raise ValueError(f"counter {counter} is priced per refugee: count it with add_people (count_people)")
            channel = self.channels[counter]  # an unknown counter: KeyError
        channel[self.month_now] += value

    def add_people(self, counter: str, rows: np.ndarray, refugees: Any) -> None:
        """Count refugees ``rows`` in a by-qualification counter (and, when it is priced, by arrival cohort)."""
        counts = self.channels[counter]
        if len(rows) == 0:
            return
        _count_people(
            counts,
            self.cohort_channels.get(counter, _NO_COHORTS),
            self.month_now,
            np.asarray(rows, dtype=np.int64),
            refugees.qualification,
            refugees.arrival,
        )

    def set(self, counter: str, value: Any) -> None:
        """Set a counter for the current month (a level observed, not a count)."""
        self.channels[counter][self.month_now] = value

    def count_moves(self, status: int, origin: np.ndarray, qualification: np.ndarray) -> None:
        """Count refugees moving from ``origin`` (their status before) to ``status`` this month.

        The moves are kept as they come and folded into the flow table when it is read
        (:attr:`flows`): one operation for many months instead of one per move.
        """
        self._moves.append((self.month_now, status, origin, qualification))
        if status == _NEC:
            self.channels["hires"][self.month_now] += len(origin)

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
    def arrivals(self) -> np.ndarray:
        """New OCMW clients by month and qualification."""
        return self.channels["arrivals"]

    @property
    def present_by_months_since_arrival(self) -> np.ndarray:
        """Refugees observed ``k`` months after their arrival month (rows ``k``), summed over the months observed.

        Refugees never leave the table, so a refugee who arrived in month ``a`` was observed
        at every ``k`` from 0 to ``last - a``: the count at ``k`` is the number who arrived by
        month ``last - k``.
        """
        present = np.zeros_like(self.nec_by_months_since_arrival)
        last = self.observed
        arrived = np.cumsum(self.arrivals[: last + 1], axis=0).astype(np.int64)
        present[: last + 1] = arrived[::-1]
        return present

    @property
    def screening(self) -> np.ndarray:
        """Cold applications screened: [bottleneck][sent, passed, callbacks a native would get][qualification]."""
        return self.screening_totals.reshape(3, 2, N_QUAL).transpose(1, 0, 2).copy()

    def monthly_prices(self) -> tuple[list[tuple[int, float]], list[tuple[str, float]]]:
        """Prices of one month: (status, EUR per refugee-month) of stock costs, (counter, EUR per count) of priced items."""
        if self._monthly_prices is None:
            stocks = [(int(status), self._price(prices)) for _, status, prices in STOCK_COSTS]
            items = [(item.counter, self._price((item.price,))) for item in self.cost_items if item.name in self.priced]
            self._monthly_prices = (stocks, items)
        return self._monthly_prices

    def month_prices(self) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...], np.ndarray]:
        """:meth:`monthly_prices` in arrays, for compiled reading every month.

        Returns:
            The priced statuses and their prices, then the channels of the priced counters
            (each as months x groups, a month-level channel as one group; one unused empty
            channel when there are none) and their prices.
        """
        cached = self._month_prices
        if cached is None:
            stocks, items = self.monthly_prices()
            counts = tuple(self.channels[counter].reshape(self.months + 1, -1) for counter, _ in items)
            cached = self._month_prices = (
                np.array([status for status, _ in stocks], dtype=np.int64),
                np.array([price for _, price in stocks], dtype=np.float64),
                counts or (np.zeros((0, 1), dtype=np.int64),),
                np.array([price for _, price in items], dtype=np.float64),
            )
        return cached

    def __getstate__(self) -> dict[str, Any]:
        """The recorder's state without the views cached for reading (they would come back as copies)."""
        state = self.__dict__.copy()
        state["_month_prices"] = None
        return state

    def _price(self, names: Iterable[str]) -> float:
        return float(sum(getattr(self.scenario.section(n.rpartition(".")[0]), n.rpartition(".")[2]) for n in names))

    def costs(self) -> dict[str, np.ndarray]:
        """Public cost (EUR) by component: per month and qualification, or per month for shared items."""
        out: dict[str, np.ndarray] = {}
        for name, status, prices in STOCK_COSTS:
            out[name] = self.stocks[:, status] * self._price(prices)
        for item in self.cost_items:
            counts = self.channels[item.counter]
            # the price of a mechanism that does not run is never read: its count stays zero
            out[item.name] = counts * self._price((item.price,)) if item.name in self.priced else np.zeros_like(counts)
        return out

    def observe(self, model: ThroughflowModel, month: int) -> None:
        """Fold this month's stocks into the monthly arrays and move on to the next month."""
        r = model.refugees
        _count_stocks(
            month,
            r.n,
            r.status,
            r.qualification,
            r.arrival,
            self.cohort_stocks,
            self.stocks,
            self.employed_by_months_since_arrival,
            self.nec_by_months_since_arrival,
        )
        self._month_table = None
        self.observed = month
        self._vacancies_open[month] = model.vacancies.n
        self.month_now = month + 1

    def month_stocks(self, month: int) -> list[list[int]]:
        """The stocks of ``month`` by status and qualification, as plain integers (read every month by the reporters)."""
        cached = self._month_table
        if cached is None or cached[0] != month:
            cached = self._month_table = (month, self.stocks[month].tolist())
        return cached[1]

    def cohort_costs(self) -> np.ndarray:
        """Public cost (EUR) by month, arrival month and qualification group (shared costs split over those present)."""
        status_price = np.zeros(N_STATUS)
        for _, status, prices in STOCK_COSTS:
            status_price[status] += self._price(prices)
        cost = np.einsum("masq,s->maq", self.cohort_stocks, status_price)
        present = self.cohort_stocks.sum(axis=2)
        share = present / np.maximum(present.sum(axis=(1, 2), keepdims=True), 1)
        for item in self.cost_items:
            if item.name not in self.priced:
                continue
            price = self._price((item.price,))
            if item.counter in self.cohort_channels:
                cost += self.cohort_channels[item.counter] * price
            else:  # a shared cost: split over the refugees present that month
                cost += self.channels[item.counter][:, None, None] * price * share
        return cost

    def total_cost(self) -> np.ndarray:
        """Total public cost over the run per qualification group; shared costs split by arrivals."""
        person = np.zeros(N_QUAL)
        shared = 0.0
        for cost in self.costs().values():
            if cost.ndim == 2:
                person += cost.sum(axis=0)
            else:
                shared += float(cost.sum())
        arrivals = self.arrivals.sum(axis=0)
        weight = arrivals / arrivals.sum() if arrivals.sum() else np.full(N_QUAL, 1.0 / N_QUAL)
        return person + shared * weight

    def timeseries(self) -> pd.DataFrame:
        """Monthly stocks, flows, counters and costs (per qualification and ``all``)."""
        months = np.arange(1, self.months + 1)
        flows = self.flows
        costs = self.costs()
        frames = []
        for q, name in enumerate((*QUAL_NAMES, "all")):
            total = name == "all"

            def col(a: np.ndarray, q: int = q, total: bool = total) -> np.ndarray:
                sub = a[1:]
                if sub.ndim == 1:  # a month-level figure: on the "all" rows only
                    return sub if total else np.full(sub.shape, np.nan)
                return sub.sum(axis=-1) if total else sub[..., q]

            data: dict[str, object] = {"month": months, "qualification": name}
            for s in Status:
                data[f"stock_{s.name.lower()}"] = col(self.stocks[:, s, :])
            for a, b in FLOWS:
                data[f"flow_{a.name.lower()}_to_{b.name.lower()}"] = col(flows[:, a, b, :])
            for counter in self.counters:
                data[counter] = col(self.channels[counter])
            for component, cost in costs.items():
                data[f"cost_{component}_eur"] = col(cost)
            frames.append(pd.DataFrame(data))
        table = pd.concat(frames, ignore_index=True)
        table["qualification"] = pd.Categorical(table["qualification"], categories=[*QUAL_NAMES, "all"])
        return table


_NO_COHORTS = np.zeros((0, 0, N_QUAL), dtype=np.int32)
_NEC, _WISE_JOB = int(Status.NEC), int(Status.WISE_JOB)


@njit(cache=True, nogil=True)
def _count_people(
    counts: np.ndarray, cohorts: np.ndarray, month: int, rows: np.ndarray, qualification: np.ndarray, arrival: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Add refugees ``rows`` to month ``month`` of ``counts`` by qualification (compiled).

    Unless ``cohorts`` is empty, also to month ``month`` of ``cohorts`` by arrival month.
    """
    for row in rows:
        q = qualification[row]
        counts[month, q] += 1
        if cohorts.shape[0]:
            cohorts[month, arrival[row], q] += 1


@njit(cache=True, nogil=True)
def _count_stocks(
    month: int,
    n: int,
    status: np.ndarray,
    qualification: np.ndarray,
    arrival: np.ndarray,
    cohort_stocks: np.ndarray,
    stocks: np.ndarray,
    employed: np.ndarray,
    nec: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """This month's stocks of the first ``n`` refugees by arrival month, status and qualification (compiled).

    Fills the ``month`` rows of ``cohort_stocks`` (by arrival month) and of ``stocks`` (their
    sum), and adds the month's employed (NEC or WISE job) and NEC workers, by months since
    arrival and qualification, to the running counts ``employed`` and ``nec``.
    """
    by_cohort = cohort_stocks[month]
    by_cohort[:] = 0
    last = -1  # the latest arrival month counted: the later cohorts stay empty
    for i in range(n):
        a = arrival[i]
        by_cohort[a, status[i], qualification[i]] += 1
        last = max(last, a)
    total = stocks[month]
    total[:] = 0
    for a in range(last + 1):
        for q in range(by_cohort.shape[2]):
            at_work = by_cohort[a, _NEC, q]
            nec[month - a, q] += at_work
            employed[month - a, q] += at_work + by_cohort[a, _WISE_JOB, q]
            for s in range(by_cohort.shape[1]):
                total[s, q] += by_cohort[a, s, q]
