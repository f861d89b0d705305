"""Mesa conventions: the model's ``DataCollector`` reporters and the root seed from ``rng=``.

The model keeps its own fast recorder (:mod:`throughflow.recorder`) for experiments; the
``DataCollector`` (``model.datacollector``) collects, at month 0 and after every month, the
monthly figures declared in :data:`REPORTERS`, read from the recorder and the refugees'
table. That is what ``mesa.batch_run``, SolaraViz and any Mesa tooling expect::

    model = ThroughflowModel("mentoring", rng=3, months=24).run()
    model.datacollector.get_model_vars_dataframe()      # one row per month, 0..24

The cohort indicators of :mod:`throughflow.outcomes` (throughflow within 12 months,
sustainable jobs, ...) need the follow-up of a whole run; they come from
``throughflow.outcomes.compute(model)`` or :func:`throughflow.evaluate`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
from mesa import DataCollector
from numba import njit

from throughflow.enums import MentorStatus, Qualification, Status

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


@dataclass(frozen=True)
class Reporter:
    """One model reporter of the ``DataCollector``.

    Attributes:
        name: Column name (``get_model_vars_dataframe()``, ``mesa.batch_run`` rows).
        label: Short label for plots.
        unit: ``refugees``, ``share``, ``mentors``, ``EUR`` or ``seed``.
        definition: What it measures, in one sentence.
        report: Function of the model giving the value for the month just finished.
    """

    name: str
    label: str
    unit: str
    definition: str
    report: Callable[[ThroughflowModel], float | int]


_ADD = np.add.reduce
"""The sum of a count's row (or a single count), without ``np.sum``'s Python wrappers."""


def _stock(status: int, model: ThroughflowModel) -> float:
    return float(sum(model.recorder.month_stocks(model.steps)[status]))


def _nec_share(group: int | None, model: ThroughflowModel) -> float:
    stocks = model.recorder.month_stocks(model.steps)
    if group is None:
        present, nec = sum(map(sum, stocks)), sum(stocks[int(Status.NEC)])
    else:
        present, nec = sum(row[group] for row in stocks), stocks[int(Status.NEC)][group]
    return float(nec) / float(present) if present else float("nan")


def _nec_entries(model: ThroughflowModel) -> float:
    return float(_ADD(model.recorder.channels["hires"][model.steps], axis=None))


def _reached(model: ThroughflowModel) -> float:
    return float(np.count_nonzero(model.refugees.column("reached")))


def _mentors(model: ThroughflowModel) -> float:
    return float(np.count_nonzero(model.mentors.column("status") != int(MentorStatus.LEFT)))


def _public_cost(model: ThroughflowModel) -> float:
    # the month's share of Recorder.costs(), which prices every month at once (too slow to call monthly)
    rec, month = model.recorder, model.steps
    stock_prices, item_prices = rec.monthly_prices()
    stocks = rec.month_stocks(month)
    total = 0.0
    for status, price in stock_prices:
        total += float(sum(stocks[status])) * price
    for counter, price in item_prices:
        total += float(_ADD(rec.channels[counter][month], axis=None)) * price
    return total


def _seed(model: ThroughflowModel) -> int:
    return model.seed


REPORTERS: tuple[Reporter, ...] = (
    Reporter("seed", "root seed", "seed", "the run's root seed: the same scenario with rng=seed repeats the run", _seed),
    *(
        Reporter(
            status.name.lower(),
            f"refugees {status.name}",
            "refugees",
            f"refugees whose status is {status.name} at the end of the month",
            partial(_stock, int(status)),
        )
        for status in Status
    ),
    Reporter(
        "nec_share",
        "share in an NEC job",
        "share",
        "share of the refugees who have arrived that hold an NEC job at the end of the month",
        partial(_nec_share, None),
    ),
    *(
        Reporter(
            f"nec_share_{group.name.lower()}",
            f"share in an NEC job, {group.name}",
            "share",
            f"share of the {group.name}-qualified refugees who have arrived that hold an NEC job at the end of the month",
            partial(_nec_share, int(group)),
        )
        for group in Qualification
    ),
    Reporter("nec_entries", "NEC job starts", "refugees", "refugees starting an NEC job during the month", _nec_entries),
    Reporter(
        "reached",
        "reached by the programme",
        "refugees",
        "refugees the mentoring-to-NEC programme has reached so far (enrolled, or a seat in a lab)",
        _reached,
    ),
    Reporter("mentors", "volunteer mentors", "mentors", "volunteer mentors who have joined and not left", _mentors),
    Reporter(
        "public_cost_eur",
        "public cost",
        "EUR",
        "public cost of the month: social assistance, art. 60, benefits and the programme's activities",
        _public_cost,
    ),
)
"""The ``DataCollector``'s model reporters, declared once (names, units and definitions in docs/design.md)."""


_NEC, _LEFT = int(Status.NEC), int(MentorStatus.LEFT)


def _declared_values(model: ThroughflowModel) -> list[float | int]:
    """This month's value of every declared reporter (:data:`REPORTERS`, in order), computed together.

    The same numbers as the reporters one by one, with the same floating-point operations in
    the same order (the public cost adds its terms one after the other), in one compiled call.
    """
    rec, r, mt = model.recorder, model.refugees, model.mentors
    stock_status, stock_price, item_counts, item_price = rec.month_prices()
    figures = _month_figures(
        rec.stocks,
        model.steps,
        stock_status,
        stock_price,
        item_counts,
        item_price,
        rec.channels["hires"],
        r.reached,
        r.n,
        mt.status,
        mt.n,
    ).tolist()
    return [model.seed, *figures]


@njit(cache=True, nogil=True)
def _month_figures(
    stocks: np.ndarray,
    month: int,
    stock_status: np.ndarray,
    stock_price: np.ndarray,
    item_counts: tuple[np.ndarray, ...],
    item_price: np.ndarray,
    hires: np.ndarray,
    reached: np.ndarray,
    n: int,
    mentor_status: np.ndarray,
    n_mentors: int,
) -> np.ndarray:  # pragma: no cover - compiled
    """The month's figures of the declared reporters after the seed (compiled), in their order.

    The stock of each status, the share in an NEC job (all, then each qualification group),
    the NEC job starts, the refugees reached, the mentors who have not left, and the public
    cost: each priced status's stock, then each priced count (``item_counts``, months x
    groups, the first ``item_price.size``), times its price, added one after the other.
    """
    n_status, n_qual = stocks.shape[1], stocks.shape[2]
    out = np.empty(n_status + 1 + n_qual + 4)
    present = 0
    for s in range(n_status):
        row = 0
        for q in range(n_qual):
            row += stocks[month, s, q]
        out[s] = float(row)
        present += row
    out[n_status] = out[_NEC] / float(present) if present else np.nan
    for q in range(n_qual):
        group = 0
        for s in range(n_status):
            group += stocks[month, s, q]
        out[n_status + 1 + q] = float(stocks[month, _NEC, q]) / float(group) if group else np.nan
    at = n_status + 1 + n_qual
    out[at] = float(hires[month])
    count = 0
    for i in range(n):
        count += reached[i] != 0
    out[at + 1] = float(count)
    count = 0
    for i in range(n_mentors):
        count += mentor_status[i] != _LEFT
    out[at + 2] = float(count)
    total = 0.0
    for k in range(stock_status.size):
        row = 0
        for q in range(n_qual):
            row += stocks[month, stock_status[k], q]
        total += float(row) * stock_price[k]
    for k in range(item_price.size):
        counts = item_counts[k]
        row = 0
        for q in range(counts.shape[1]):
            row += counts[month, q]
        total += float(row) * item_price[k]
    out[at + 3] = total
    return out


class MonthlyCollector(DataCollector):
    """Mesa's ``DataCollector`` for model reporters that return plain numbers.

    Mesa's ``collect`` checks each reporter's kind and deep-copies each value every month; the
    declared reporters are functions of the model returning a float or an int, so this
    ``collect`` calls them and appends the values (the same tables, at a fraction of the
    cost: the collector runs every month of every run). With exactly the declared reporters
    (:data:`REPORTERS`) it computes their values together (:func:`_declared_values`).
    """

    declared: bool = False
    """Whether the model reporters are the declared ones, in order (set by :func:`datacollector`)."""
    _columns: tuple[dict[str, list[Any]], list[list[Any]]] | None = None

    def collect(self, model: Any) -> None:
        """Append this month's value of every model reporter."""
        if hasattr(self, "_collection_steps"):
            self._collection_steps.append(model.time)
        reporters = self.model_reporters
        if self.declared and len(reporters) == len(REPORTERS):
            model_vars = self.model_vars
            columns = self._columns
            if columns is None or columns[0] is not model_vars:
                columns = self._columns = (model_vars, [model_vars[var] for var in reporters])
            for column, value in zip(columns[1], _declared_values(model), strict=True):
                column.append(value)
            return
        for var, reporter in reporters.items():
            self.model_vars[var].append(reporter(model))


def datacollector(reporters: Sequence[Reporter] = REPORTERS) -> DataCollector:
    """A ``DataCollector`` with the declared model reporters (picklable: no lambdas)."""
    # Mesa calls a reporter with the model only if it is a lambda or a partial
    collector = MonthlyCollector(model_reporters={r.name: partial(r.report) for r in reporters})
    collector.declared = tuple(reporters) == REPORTERS
    return collector


def root_seed(rng: Any = None, seed: int | None = None) -> int:
    """The run's root seed from Mesa's ``rng=`` (or the model's own ``seed=``).

    As in Mesa 3.5: ``None`` takes fresh entropy from the operating system (no hidden default
    seed); an integer is the seed itself; a ``numpy.random.Generator``, ``BitGenerator``,
    ``SeedSequence`` or sequence of integers gives a seed drawn from it. Every random stream
    of the run derives from the root seed, which the model keeps as ``model.seed``.

    Args:
        rng: Mesa's ``rng`` argument.
        seed: An integer seed (the model's own argument, kept for existing callers).

    Returns:
        A non-negative integer.

    Raises:
        ValueError: If both are given, or a seed is negative.
    """
    if seed is not None and rng is not None:
        raise ValueError("pass either rng or seed, not both")
    value = seed if seed is not None else rng
    if isinstance(value, bool):
        raise ValueError(f"rng must be an integer, a numpy Generator or SeedSequence, or None (got {value!r})")
    if isinstance(value, int | np.integer):
        if value < 0:
            raise ValueError(f"the seed must be a non-negative integer (got {value})")
        return int(value)
    if value is None:
        return int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))
    if isinstance(value, np.random.SeedSequence):
        return int(value.generate_state(1, np.uint64)[0] >> np.uint64(1))
    return int(np.random.default_rng(value).integers(2**63 - 1))
