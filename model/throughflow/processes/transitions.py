"""Status changes shared by several processes: every move is counted as a flow."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from throughflow.enums import Status
from throughflow.population import NO

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel

_NEC = int(Status.NEC)


def move(model: ThroughflowModel, rows: np.ndarray, status: Status, month: int) -> None:
    """Move refugees to ``status``, counting the flow by origin and qualification.

    Args:
        model: The model.
        rows: Refugee indices (each must currently be in another status).
        status: The new status.
        month: The month of the move.

    """
    if len(rows) == 0:
        return
    r = model.refugees
    code = int(status)
    origin, qualification = move_rows(_int_rows(rows), code, month, r.status, r.status_since, r.qualification)
    model.recorder.count_moves(code, origin, qualification)


def _int_rows(rows: np.ndarray) -> np.ndarray:
    """``rows`` as a one-dimensional int64 array (without a copy when it is one already)."""
    if type(rows) is np.ndarray and rows.dtype == np.int64 and rows.ndim == 1:
        return rows
    return np.asarray(rows, dtype=np.int64).ravel()


@njit(cache=True, nogil=True)
def move_rows(
    rows: np.ndarray, status: int, month: int, statuses: np.ndarray, since: np.ndarray, qualification: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Set the status of ``rows`` and its start month (compiled: :func:`move`, and for other compiled steps).

    Returns:
        The status each refugee leaves and their qualification, to count the flows.
    """
    origin = np.empty(rows.size, dtype=statuses.dtype)
    qual = np.empty(rows.size, dtype=qualification.dtype)
    for i in range(rows.size):
        origin[i] = statuses[rows[i]]
        qual[i] = qualification[rows[i]]
    for i in range(rows.size):
        statuses[rows[i]] = status
        since[rows[i]] = month
    return origin, qual


def start_job(model: ThroughflowModel, rows: np.ndarray, employers: np.ndarray, month: int) -> None:
    """Start NEC jobs: status NEC at ``employers`` from ``month``.

    Args:
        model: The model.
        rows: Refugee indices.
        employers: Employer index per refugee.
        month: First month of the job.

    """
    if len(rows) == 0:
        return
    r, e = model.refugees, model.employers
    rows = _int_rows(rows)
    origin, qualification = move_rows(rows, _NEC, month, r.status, r.status_since, r.qualification)
    model.recorder.count_moves(_NEC, origin, qualification)
    _start_jobs(
        rows, employers, month, e.sector, e.municipality, model.region.minutes, r.home,
        r.employer, r.job_sector, r.commute, r.job_start, r.first_nec, r.nec_jobs, r.benefit_entry, r.benefit_exit,
        r.offer, r.wise,
    )  # fmt: skip
    model.events.log(month, model.event_code["start_job"], rows, employers, r.commute[rows])


@njit(cache=True, nogil=True)
def _start_jobs(
    rows: np.ndarray,
    employers: np.ndarray,
    month: int,
    sector: np.ndarray,
    municipality: np.ndarray,
    minutes: np.ndarray,
    home: np.ndarray,
    employer: np.ndarray,
    job_sector: np.ndarray,
    commute: np.ndarray,
    job_start: np.ndarray,
    first_nec: np.ndarray,
    nec_jobs: np.ndarray,
    benefit_entry: np.ndarray,
    benefit_exit: np.ndarray,
    offer: np.ndarray,
    wise: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """The new jobs' columns (compiled; :func:`start_job`): employer, sector, commute, start, counts, benefit exit."""
    for i in range(rows.size):
        row, hired_by = rows[i], employers[i]
        employer[row] = hired_by
        job_sector[row] = sector[hired_by]
        commute[row] = minutes[home[row], municipality[hired_by]]
        job_start[row] = month
        if first_nec[row] == NO:
            first_nec[row] = month
        nec_jobs[row] += 1
        if benefit_entry[row] != NO and benefit_exit[row] == NO:
            benefit_exit[row] = month
        offer[row] = NO
        wise[row] = NO


def end_contract(model: ThroughflowModel, rows: np.ndarray, month: int) -> None:
    """Release the art. 60 places of ``rows`` and record the actual end month."""
    if len(rows) == 0:
        return
    r = model.refugees
    end_contract_rows(_int_rows(rows), month, model.hosts.used, r.ended, r.host)


@njit(cache=True, nogil=True)
def end_contract_rows(
    rows: np.ndarray, month: int, used: np.ndarray, ended: np.ndarray, host: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Give back the hosts' places of ``rows`` and record the end month (compiled: :func:`end_contract`; other compiled steps)."""
    for i in range(rows.size):
        used[host[rows[i]]] -= 1
    for i in range(rows.size):
        ended[rows[i]] = month
        host[rows[i]] = NO


def learn_language(model: ThroughflowModel, rows: np.ndarray, hours: np.ndarray | float) -> None:
    """Raise Dutch proficiency by course-hour equivalents (:func:`language_after`).

    Args:
        model: The model.
        rows: Refugee indices (distinct).
        hours: Course-hour equivalents this month (scalar or per refugee).

    """
    if len(rows) == 0:
        return
    r = model.refugees
    if not isinstance(hours, np.ndarray):  # one for all
        learn_each(_int_rows(rows), float(hours), r.qualification, model.hours_per_level, r.language)
        return
    _learn(
        _int_rows(rows), np.atleast_1d(np.asarray(hours, dtype=np.float64)), r.qualification, model.hours_per_level, r.language
    )


@njit(cache=True, nogil=True)
def language_after(language: float, hours: float, per_level: float) -> float:  # pragma: no cover - compiled
    """Dutch proficiency after ``hours`` course-hour equivalents.

    One language level (0.2 on the 0-1 scale; 0.4 = A2) takes ``per_level`` course hours:
    600, 240 or 120 for LOW, MEDIUM and HIGH learners (adult-education course structure).
    """
    return min(1.0, language + 0.2 * hours / per_level)


@njit(cache=True, nogil=True)
def _learn(
    rows: np.ndarray, hours: np.ndarray, qualification: np.ndarray, hours_per_level: np.ndarray, language: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Dutch learning of ``rows`` (compiled): ``hours`` one per row, or one for all."""
    for i in range(rows.size):
        row = rows[i]
        h = hours[i] if hours.size == rows.size else hours[0]
        language[row] = language_after(language[row], h, hours_per_level[qualification[row]])


@njit(cache=True, nogil=True)
def learn_each(
    rows: np.ndarray, hours: float, qualification: np.ndarray, hours_per_level: np.ndarray, language: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Dutch learning of the distinct ``rows``, ``hours`` course-hour equivalents each (compiled; :func:`language_after`).

    For the steps whose learners all practise the same hours (clubs, language practice with a
    mentor); :func:`learn_language` takes hours per refugee too.
    """
    for row in rows:
        language[row] = language_after(language[row], hours, hours_per_level[qualification[row]])


def tie_fades(model: ThroughflowModel, month: int, rng: np.random.Generator, count: int) -> np.ndarray:
    """Months in which ``count`` weak ties formed in ``month`` fade.

    A tie fades with a constant monthly probability, checked from the month it forms
    (step 9, after job search): its lifetime in months is geometric.

    Args:
        model: The model.
        month: Month the ties form.
        rng: Generator to draw the lifetimes from.
        count: Number of ties.

    Returns:
        The fading month of each tie.
    """
    p = model.scenario.population.p_tie_fades_per_month
    if p <= 0.0:
        return np.full(count, np.iinfo(np.int32).max, dtype=np.int32)
    return (month - 1 + rng.geometric(p, size=count)).astype(np.int32)
