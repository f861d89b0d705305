"""Arrivals: new refugees become OCMW clients (WAITING), drawn from the qualification mix.

ODD: Process overview step 1; Initialization. Initial attributes by qualification are
assumptions (declared in ``population``); the mix defaults to 2/3 LOW and 1/3 MEDIUM or
HIGH (art. 60 workers are 63 % low-educated in Flanders, 2021).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

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
    n_ties = np.minimum(rng.poisson(p.ties_mean, size=count), MAX_TIES)
    ties = below(rng, model.employers.n, (count, MAX_TIES))
    ties[np.arange(MAX_TIES)[None, :] >= n_ties[:, None]] = NO
    ties.sort(axis=1)  # a tie to the same employer counts once
    ties[:, 1:][ties[:, 1:] == ties[:, :-1]] = NO
    r.ties[rows] = ties
    fades = tie_fades(model, month, rng, count * MAX_TIES).reshape(count, MAX_TIES)
    r.tie_fades[rows] = fades
    r.ties_until[rows] = np.where(ties != NO, fades, NO).max(axis=1)
    model.refugee_agents += add_views(model, Refugee, rows.tolist())
    model.events.log(month, model.event_code["arrive"], rows, qual)
    model.recorder.add_people("arrivals", rows, r)
    return rows
