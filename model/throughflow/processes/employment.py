"""Employment dynamics and benefit (ODD: step 9; submodels "Separation", "Benefit dynamics").

Regular WISE jobs end with a small monthly hazard (to benefit), and inactive refugees return
to job search with a small monthly probability (raised by hook ``reentry_factor``: belonging
to a community): no status is a trapdoor. Weak ties to employers fade with a small monthly
probability: each tie's fading month is drawn when it forms
(:func:`~throughflow.processes.transitions.tie_fades`), and a tie is held up to and including
that month (:meth:`~throughflow.population.RefugeeTable.held_ties`).

NEC jobs end with a monthly hazard, higher in the first six months and when the job is
outside the worker's trade: refugees lose first jobs more often (Lens, Marx & Vujic 2019).
A mentor who stays on after the hire, and employer team support, lower it (hook
``separation_factor``). People on benefit leave the labour market with a small hazard
(holistic support lowers it: hook ``shock_factor``) and
keep searching (see :mod:`hiring`); about 1 in 7 leaves benefit in the first year after
art. 60 and half are still on benefit after five years (RVA, summarised by Febio 2024).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from throughflow.enums import Status
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import Section
from throughflow.population import NO
from throughflow.processes.transitions import move_rows
from throughflow.randomness import uniforms_compiled

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel
    from throughflow.words import Words

SUSTAINED_MONTHS = 12
"""Length of an NEC spell that counts as sustainable (docs/MODEL.md §5)."""

BENEFIT_FOLLOW_UP = 60
"""Months after benefit entry at which the 'still on benefit' calibration figure is taken."""


def separation_hazard(model: ThroughflowModel, rows: np.ndarray, month: int) -> np.ndarray:
    """Monthly probability that each NEC worker in ``rows`` loses the job."""
    r, lm = model.refugees, model.scenario.labour_market
    hazard = _base_separation(
        np.asarray(rows, dtype=np.int64),
        month,
        r.job_start,
        r.job_sector,
        r.trade,
        lm.separation_per_month,
        lm.early_separation_factor,
        lm.poor_fit_separation_factor,
    )
    return hazard * model.product("separation_factor", rows, month)


@njit(cache=True, nogil=True)
def _base_separation(
    rows: np.ndarray,
    month: int,
    job_start: np.ndarray,
    job_sector: np.ndarray,
    trade: np.ndarray,
    hazard: float,
    early: float,
    poor_fit: float,
) -> np.ndarray:  # pragma: no cover - compiled
    """The separation hazard before the hooks' factors (compiled): higher in the first six months and outside the trade."""
    out = np.empty(rows.size)
    for i in range(rows.size):
        row = rows[i]
        out[i] = hazard * (early if month - job_start[row] < 6 else 1.0) * (poor_fit if job_sector[row] != trade[row] else 1.0)
    return out


@njit(cache=True, nogil=True)
def _groups(status: np.ndarray, since: np.ndarray, month: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Who this month's employment dynamics concern (compiled), each in row order.

    NEC workers; and the WISE workers, the inactive and the unemployed who were already in
    that status before this month.
    """
    out = np.empty((5, status.size), dtype=np.int64)  # the last row collects everyone else
    counts = np.zeros(5, dtype=np.int64)
    for i in range(status.size):  # without branches: statuses come in no predictable order
        s = status[i]
        g = _GROUP[s] if (s == _NEC) | (since[i] < month) else 4
        out[g, counts[g]] = i
        counts[g] += 1
    return out[0, : counts[0]], out[1, : counts[1]], out[2, : counts[2]], out[3, : counts[3]]


@njit(cache=True, nogil=True)
def _reaching(
    employed: np.ndarray, separating: np.ndarray, job_start: np.ndarray, spell12: np.ndarray, month: int
) -> np.ndarray:  # pragma: no cover - compiled
    """The NEC workers who stay and whose spell reaches ``SUSTAINED_MONTHS`` for the first time this month (compiled)."""
    out = np.empty(employed.size, dtype=np.int64)
    n = 0
    for i in range(employed.size):
        row = employed[i]
        out[n] = row
        n += (not separating[i]) & (month - job_start[row] + 1 >= SUSTAINED_MONTHS) & (spell12[row] == NO)
    return out[:n]


@njit(cache=True, nogil=True)
def _separations(
    key: int,
    month: int,
    employed: np.ndarray,
    factor: np.ndarray,
    job_start: np.ndarray,
    job_sector: np.ndarray,
    trade: np.ndarray,
    spell12: np.ndarray,
    hazard: float,
    early: float,
    poor_fit: float,
) -> np.ndarray:  # pragma: no cover - compiled
    """The NEC workers who lose their job this month, in order (compiled; :meth:`Employment.update`).

    A worker separates when the mechanism's uniform number (draw 0) is below the separation
    hazard (:func:`separation_hazard`: the base hazard times the hooks' ``factor``, one per
    worker or one for all). The workers who stay and whose spell reaches
    ``SUSTAINED_MONTHS`` for the first time get this month in ``spell12``.
    """
    u = uniforms_compiled(key, month, employed, 0)
    base = _base_separation(employed, month, job_start, job_sector, trade, hazard, early, poor_fit)
    separating = np.empty(employed.size, dtype=np.bool_)
    for i in range(employed.size):
        separating[i] = u[i] < base[i] * (factor[i] if factor.size == employed.size else factor[0])
    for row in _reaching(employed, separating, job_start, spell12, month):
        spell12[row] = month
    return employed[separating]


_ONE = np.ones(1)
"""A factor of one for all."""


def _per_row(factor: np.ndarray | float) -> np.ndarray:
    """A hooks' factor as an array: one per row, or one for all."""
    return factor if type(factor) is np.ndarray else np.full(1, float(factor))


@njit(cache=True, nogil=True)
def _happening(
    key: int, month: int, rows: np.ndarray, p: float, factor: np.ndarray, draw: int
) -> np.ndarray:  # pragma: no cover - compiled
    """The ``rows`` for whom an event of probability ``p x factor`` happens this month, in order (compiled).

    :meth:`~throughflow.mechanism.Mechanism.chance` with the mechanism's uniform numbers of
    decision ``draw``; ``factor`` (a hooks' product) is one per row or one for all.
    """
    u = uniforms_compiled(key, month, rows, draw)
    out = np.empty(rows.size, dtype=np.int64)
    n = 0
    for i in range(rows.size):
        out[n] = rows[i]
        n += u[i] < p * (factor[i] if factor.size == rows.size else factor[0])
    return out[:n]


@njit(cache=True, nogil=True)
def _separate(
    rows: np.ndarray,
    month: int,
    employer: np.ndarray,
    job_start: np.ndarray,
    staff: np.ndarray,
    status: np.ndarray,
    since: np.ndarray,
    qualification: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """NEC workers ``rows`` lose their job: to UNEMPLOYED, one fewer at their employer (compiled).

    Returns:
        The employer each leaves and the months the job lasted (the events), the status each
        leaves and their qualification (the flows).
    """
    left = np.empty(rows.size, dtype=employer.dtype)
    months = np.empty(rows.size, dtype=np.int64)
    for i in range(rows.size):
        left[i] = employer[rows[i]]
        months[i] = month - job_start[rows[i]]
    origin, qual = move_rows(rows, _UNEMPLOYED, month, status, since, qualification)
    for i in range(rows.size):
        staff[left[i]] -= 1
        employer[rows[i]] = NO
    return left, months, origin, qual


@njit(cache=True, nogil=True)
def _end_wise_jobs(
    rows: np.ndarray,
    month: int,
    status: np.ndarray,
    since: np.ndarray,
    qualification: np.ndarray,
    wise: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """WISE workers ``rows`` lose their regular job: to UNEMPLOYED, no longer kept by a WISE (compiled).

    Returns:
        The months each job lasted (the events), the status each leaves and their
        qualification (the flows).
    """
    months = np.empty(rows.size, dtype=since.dtype)
    for i in range(rows.size):
        months[i] = month - since[rows[i]]
    origin, qual = move_rows(rows, _UNEMPLOYED, month, status, since, qualification)
    for i in range(rows.size):
        wise[rows[i]] = NO
    return months, origin, qual


@njit(cache=True, nogil=True)
def _leave_benefit(
    rows: np.ndarray,
    month: int,
    status: np.ndarray,
    since: np.ndarray,
    qualification: np.ndarray,
    benefit_entry: np.ndarray,
    benefit_exit: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Refugees ``rows`` on benefit leave the labour market: to INACTIVE, a first exit from benefit this month (compiled).

    Returns:
        The status each leaves and their qualification (the flows).
    """
    origin, qual = move_rows(rows, _INACTIVE, month, status, since, qualification)
    for i in range(rows.size):
        row = rows[i]
        if benefit_entry[row] != NO and benefit_exit[row] == NO:
            benefit_exit[row] = month
    return origin, qual


@njit(cache=True, nogil=True)
def _follow_up(
    entry_month: int, benefit_entry: np.ndarray, status: np.ndarray, on_benefit: np.ndarray
) -> None:  # pragma: no cover
    """Whether each refugee who entered benefit in ``entry_month`` is on benefit (UNEMPLOYED) now (compiled)."""
    for i in range(benefit_entry.size):
        if benefit_entry[i] == entry_month:
            on_benefit[i] = status[i] == _UNEMPLOYED


_NEC, _WISE_JOB, _INACTIVE, _UNEMPLOYED = int(Status.NEC), int(Status.WISE_JOB), int(Status.INACTIVE), int(Status.UNEMPLOYED)
_GROUP = np.full(len(Status), 4, dtype=np.int64)
_GROUP[[_NEC, _WISE_JOB, _INACTIVE, _UNEMPLOYED]] = np.arange(4)
"""Group of each status in :func:`_groups` (4: none)."""


class Employment(Mechanism[Section]):
    """Job loss (NEC and WISE jobs), inactivity and re-entry, sustained-spell and benefit bookkeeping."""

    name = "employment"
    reads = ("labour_market", "art60.wise_job_separation_per_month")
    events = ("separation", "inactive", "reentry")
    steps = {Phase.DYNAMICS: "update"}

    def update(self, month: int) -> None:
        """This month's separations, exits to inactivity and bookkeeping."""
        model = self.model
        r = model.refugees
        # the groups do not change during the update: its moves go to statuses whose clock starts now
        employed, in_wise, inactive, unemployed = _groups(r.column("status"), r.column("status_since"), month)
        lm = model.scenario.labour_market
        factor = _per_row(model.product("separation_factor", employed, month))
        separated = _separations(
            self.key, month, employed, factor, r.job_start,
            r.job_sector, r.trade, r.spell12, lm.separation_per_month, lm.early_separation_factor,
            lm.poor_fit_separation_factor,
        )  # fmt: skip
        if separated.size:
            employer, months, origin, qualification = _separate(
                separated, month, r.employer, r.job_start, model.employers.staff, r.status, r.status_since, r.qualification
            )
            self.log(month, "separation", separated, employer, months)
            model.recorder.count_moves(_UNEMPLOYED, origin, qualification)

        ending = _happening(self.key, month, in_wise, model.scenario.art60.wise_job_separation_per_month, _ONE, 2)
        if ending.size:
            months, origin, qualification = _end_wise_jobs(ending, month, r.status, r.status_since, r.qualification, r.wise)
            self.log(month, "separation", ending, -1, months)
            model.recorder.count_moves(_UNEMPLOYED, origin, qualification)

        factor = _per_row(model.product("reentry_factor", inactive))
        returning = _happening(self.key, month, inactive, lm.p_reentry_per_month, factor, 3)
        if returning.size:
            origin, qualification = move_rows(returning, _UNEMPLOYED, month, r.status, r.status_since, r.qualification)
            model.recorder.count_moves(_UNEMPLOYED, origin, qualification)
            self.log(month, "reentry", returning)

        factor = _per_row(model.product("shock_factor", unemployed))
        leaving = _happening(self.key, month, unemployed, lm.p_inactive_per_month, factor, 1)
        if leaving.size:
            origin, qualification = _leave_benefit(
                leaving, month, r.status, r.status_since, r.qualification, r.benefit_entry, r.benefit_exit
            )
            model.recorder.count_moves(_INACTIVE, origin, qualification)
            self.log(month, "inactive", leaving)

        if month <= BENEFIT_FOLLOW_UP:
            return
        _follow_up(month - BENEFIT_FOLLOW_UP, r.column("benefit_entry"), r.status, r.on_benefit_60m)

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """Separations, exits to inactivity and returns in words."""
        if event == "separation":
            job = "the WISE job" if ref < 0 else f"the job at {words.employer(ref)}"
            return f"{words.name} loses {job} after {value:.0f} months and goes on benefit."
        if event == "reentry":
            return f"{words.name} returns to the labour market and looks for work."
        return f"{words.name} leaves the labour market."
