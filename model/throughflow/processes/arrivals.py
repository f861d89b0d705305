"""Arrivals: new refugees become OCMW clients (WAITING), drawn from the qualification mix.

ODD: Process overview step 1; Initialization. Initial attributes by qualification are
assumptions (declared in ``population``); the mix defaults to 2/3 LOW and 1/3 MEDIUM or
HIGH (art. 60 workers are 63 % low-educated in Flanders, 2021).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from throughflow.agents.refugee import Refugee
from throughflow.agents.view import add_views
from throughflow.enums import SECTORS, Qualification, Status
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import Population, Section
from throughflow.population import MAX_TIES, NO
from throughflow.processes.transitions import tie_fades
from throughflow.randomness import below

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel
    from throughflow.words import Words


TRAIT_CONCENTRATION = np.array([12.0, 20.0, 12.0, 12.0])
"""Beta concentration of the initial skill, recognition, language and search draws."""


def trait_beta(p: Population) -> tuple[np.ndarray, np.ndarray]:
    """Beta parameters of the initial skill, recognition, language and search (rows) per qualification (columns)."""
    mean = np.array(
        [
            [p.skill_low, p.skill_medium, p.skill_high],
            [p.recognition_low, p.recognition_medium, p.recognition_high],
            [p.language_initial] * 3,
            [p.search_initial] * 3,
        ]
    )
    mean = np.clip(mean, 0.01, 0.99)
    concentration = TRAIT_CONCENTRATION[:, None]
    return mean * concentration, (1.0 - mean) * concentration


class Arrivals(Mechanism[Section]):
    """Arrivals: new refugees become OCMW clients (WAITING), drawn from the qualification mix."""

    name = "arrivals"
    reads = ("population",)
    events = ("arrive",)
    steps = {Phase.ARRIVE: "arrive"}

    def arrive(self, month: int) -> None:
        """Draw this month's new OCMW clients and create their agents."""
        p = self.model.scenario.population
        rng = self.stream()
        mean = p.arrivals_per_month * p.scale if month <= p.arrival_months else 0.0
        add_refugees(self.model, int(rng.poisson(mean)), month, rng)

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """The arrival in words."""
        return (
            f"{words.name} ({Qualification(ref).name} qualified, trade {words.trade}) becomes a client of the OCMW of "
            f"{words.place(int(self.model.refugees.home[words.agent]))}."
        )


def add_refugees(
    model: ThroughflowModel, count: int, month: int, rng: np.random.Generator, qualification: int | None = None
) -> np.ndarray:
    """Create ``count`` refugees with attributes drawn from ``rng``.

    Args:
        model: The model.
        count: How many.
        month: Arrival month.
        rng: The generator to draw from (arrivals stream, or the story's).
        qualification: Fixed qualification group for all of them (default: drawn from the mix).

    Returns:
        The new rows.

    """
    p = model.scenario.population
    r = model.refugees
    rows = r.add(count)
    qual = model.qualification_mix.draw(rng, count)
    if qualification is not None:
        qual[:] = qualification
    r.qualification[rows] = qual
    r.status[rows] = int(Status.WAITING)
    r.arrival[rows] = month
    r.status_since[rows] = month
    # skill, recognition, language and search: beta draws around the means of each group
    alpha, beta = model.trait_beta
    traits = rng.beta(alpha[:, qual], beta[:, qual])
    r.skill[rows], r.recognition[rows], r.language[rows], r.search[rows] = traits
    r.commute_tolerance[rows] = np.maximum(15.0, rng.normal(p.commute_tolerance_minutes, 15.0, size=count))
    r.trade[rows] = below(rng, len(SECTORS), count)
    r.home[rows] = model.home_mix.draw(rng, count)
    n_ties = rng.poisson(p.ties_mean, size=count)
    ties = below(rng, model.employers.n, (count, MAX_TIES))
    fades = tie_fades(model, month, rng, count * MAX_TIES).reshape(count, MAX_TIES)
    _set_ties(r.ties, r.tie_fades, r.ties_until, rows, ties, n_ties, fades)
    model.refugee_agents += add_views(model, Refugee, rows.tolist())
    model.events.log(month, model.event_code["arrive"], rows, qual)
    model.recorder.add_people("arrivals", rows, r)
    return rows


@njit(cache=True, nogil=True)
def _set_ties(
    table_ties: np.ndarray,
    table_fades: np.ndarray,
    until: np.ndarray,
    rows: np.ndarray,
    ties: np.ndarray,
    n_ties: np.ndarray,
    fades: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """The initial ties of new refugees (compiled).

    Refugee ``i`` keeps the first ``n_ties[i]`` of the drawn employers ``ties[i]`` (at most
    ``MAX_TIES``); the slots are sorted, a tie to the same employer counts once (the
    repeats become empty slots), and each slot keeps its drawn fading month.
    """
    slots = ties.shape[1]
    drawn = np.empty(slots, dtype=ties.dtype)
    for i in range(rows.size):
        row = rows[i]
        for k in range(slots):  # the kept draws, in ascending order (an insertion sort of a few slots)
            employer = ties[i, k] if k < n_ties[i] else NO
            j = k
            while j > 0 and drawn[j - 1] > employer:
                drawn[j] = drawn[j - 1]
                j -= 1
            drawn[j] = employer
        latest = NO
        for k in range(slots):
            employer = NO if k > 0 and drawn[k] == drawn[k - 1] else drawn[k]
            table_ties[row, k] = employer
            table_fades[row, k] = fades[i, k]
            if employer != NO:
                latest = max(latest, fades[i, k])
        until[row] = latest
