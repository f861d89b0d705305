"""What the lab activities share: seats (mentees first), partner employers, new weak ties."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.arrays import split_flagged
from throughflow.population import NO
from throughflow.processes.transitions import tie_fades

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
    if mentees.size >= n_seats:
        return np.sort(rng.choice(mentees, size=n_seats, replace=False, shuffle=False))
    rest = n_seats - mentees.size
    if rest >= others.size:
        return np.concatenate([mentees, others])
    return np.concatenate([mentees, np.sort(rng.choice(others, size=rest, replace=False, shuffle=False))])


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
    size = e.participants_per_sector[trades][:, None]
    start = e.participants_sector_start[trades][:, None]
    own = e.participants_by_sector[np.minimum(start + (u * size).astype(np.int64), part.size - 1)]
    anyone = part[(u * part.size).astype(np.int64)]
    return np.where(size > 0, own, anyone)


def give_ties(model: ThroughflowModel, month: int, rows: np.ndarray, employers: np.ndarray, rng: np.random.Generator) -> None:
    """New weak ties of refugees ``rows`` to ``employers``, formed this month (fading months from ``rng``)."""
    model.refugees.add_tie(rows, employers, tie_fades(model, month, rng, len(rows)), month)
