"""What the lab activities share: seats (mentees first), partner employers, new weak ties."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from throughflow.arrays import split_flagged
from throughflow.population import NO, add_ties_compiled

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


def seats(model: ThroughflowModel, per_scale: float) -> int:
    """Seats of an activity at the run's scale."""
    return round(per_scale * model.scenario.population.scale)


def pick(model: ThroughflowModel, candidates: np.ndarray, n_seats: int, rng: np.random.Generator) -> np.ndarray:
    """Mentees first, then others, at random, up to ``n_seats``."""
    if candidates.size == 0 or n_seats <= 0:
        return candidates[:0]
    mentees, others = split_flagged(candidates, model.refugees.enrolled)
    return pick_split(mentees, others, n_seats, rng)


def pick_split(mentees: np.ndarray, others: np.ndarray, n_seats: int, rng: np.random.Generator) -> np.ndarray:
    """:func:`pick` from candidates already split into ``mentees`` and ``others`` (``n_seats`` at least 1)."""
    if mentees.size >= n_seats:
        drawn = rng.choice(mentees, size=n_seats, replace=False, shuffle=False)  # a new array: sorted in place
        drawn.sort()
        return drawn
    rest = n_seats - mentees.size
    if rest >= others.size:
        return np.concatenate([mentees, others])
    return _seated(mentees, rng.choice(others, size=rest, replace=False, shuffle=False))


@njit(cache=True, nogil=True)
def _seated(first: np.ndarray, drawn: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """``first``, then the ``drawn`` in ascending order, in one call (compiled; distinct rows, so any sort will do)."""
    out = np.empty(first.size + drawn.size, dtype=first.dtype)
    out[: first.size] = first
    out[first.size :] = np.sort(drawn)
    return out


def partners(model: ThroughflowModel, trades: np.ndarray, rng: np.random.Generator, count: int = 1) -> np.ndarray:
    """``count`` participating employers per participant, in the participant's trade when possible.

    Returns:
        Employer indices, shape ``(len(trades), count)``; -1 where no employer takes part.
    """
    e = model.employers
    part = e.participants
    if part.size == 0 or trades.size == 0:
        return np.full((trades.size, count), NO, dtype=np.int64)
    u = rng.random((trades.size, count))
    return _partners(trades, u, e.participants_per_sector, e.participants_sector_start, e.participants_by_sector, part)


@njit(cache=True, nogil=True)
def _partners(
    trades: np.ndarray, u: np.ndarray, per_sector: np.ndarray, sector_start: np.ndarray, by_sector: np.ndarray, part: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled
    """:func:`partners` from the uniforms ``u`` (one row per participant), compiled.

    An employer of the participant's trade, ``floor(u x size)`` into the trade's participants;
    any participating employer, ``floor(u x count)`` into them all, where none is of the trade.
    """
    n, count = u.shape
    out = np.empty((n, count), dtype=np.int64)
    last = part.size - 1
    for i in range(n):
        size = per_sector[trades[i]]
        start = sector_start[trades[i]]
        for j in range(count):
            if size > 0:
                out[i, j] = by_sector[min(start + np.int64(u[i, j] * size), last)]
            else:
                out[i, j] = part[np.int64(u[i, j] * part.size)]
    return out


def partner_of(model: ThroughflowModel, rows: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One participating employer for each of refugees ``rows``, in their trade when possible (:func:`partners`).

    Returns:
        The refugees who meet an employer (all of ``rows``, or none when no employer takes
        part) and the employer each meets.
    """
    if model.employers.participants.size == 0:
        return rows[:0], np.zeros(0, dtype=np.int64)
    return rows, partners(model, model.refugees.trade[rows], rng)[:, 0]


@njit(cache=True, nogil=True)
def kept(rows: np.ndarray, u: np.ndarray, p: float) -> np.ndarray:  # pragma: no cover - compiled
    """``rows[u < p]`` in one pass (compiled): the participants for whom an event of probability ``p`` happens."""
    out = np.empty(rows.size, dtype=rows.dtype)
    n = 0
    for i in range(rows.size):
        out[n] = rows[i]
        n += u[i] < p
    return out[:n]


@njit(cache=True, nogil=True)
def grow_skill(rows: np.ndarray, skill: np.ndarray, gain: float) -> None:  # pragma: no cover - compiled
    """Skill of ``rows`` (distinct) grows toward 1 at ``gain`` (compiled)."""
    for row in rows:
        skill[row] = skill[row] + gain * (1.0 - skill[row])


def give_ties(model: ThroughflowModel, month: int, rows: np.ndarray, employers: np.ndarray, rng: np.random.Generator) -> None:
    """New weak ties of refugees ``rows`` to ``employers``, formed this month (fading months from ``rng``).

    The fading months are those of :func:`~throughflow.processes.transitions.tie_fades` (a
    geometric lifetime each), and the ties are added as
    :meth:`~throughflow.population.RefugeeTable.add_tie` adds them, in one compiled call.
    """
    if len(rows) == 0:  # no draw either: a generator draws nothing for no ties
        return
    p = model.scenario.population.p_tie_fades_per_month
    lifetimes = rng.geometric(p, size=len(rows)) if p > 0.0 else _NO_LIFETIMES
    r = model.refugees
    _give_ties(rows, employers, lifetimes, month, r.ties, r.tie_fades, r.ties_until)


_NO_LIFETIMES = np.zeros(0, dtype=np.int64)
"""No lifetimes: ties that never fade."""
_NEVER = np.int32(np.iinfo(np.int32).max)
"""Fading month of a tie that never fades (:func:`~throughflow.processes.transitions.tie_fades`)."""


@njit(cache=True, nogil=True)
def _give_ties(
    rows: np.ndarray,
    employers: np.ndarray,
    lifetimes: np.ndarray,
    month: int,
    ties: np.ndarray,
    fades: np.ndarray,
    until: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """New weak ties of refugees ``rows`` to ``employers``, of the given ``lifetimes`` (none: never fading), compiled.

    Each tie fades in month ``month - 1 + lifetime``. The ties are added one after the other
    in their order: what :meth:`~throughflow.population.RefugeeTable.add_tie` does in
    passes over the rows sorted stably (a refugee's ties in their order; each refugee's
    slots are their own, so the order between refugees does not matter).
    """
    fade = np.empty(1, dtype=np.int32)
    for i in range(rows.size):
        fade[0] = np.int32(month - 1 + lifetimes[i]) if lifetimes.size else _NEVER
        add_ties_compiled(ties, fades, until, rows[i : i + 1], employers[i : i + 1], fade, month)
