"""Arrivals: new refugees become OCMW clients (WAITING), drawn from the qualification mix.

ODD: Process overview step 1; Initialization. Initial attributes by qualification are
assumptions (declared in ``population``); the mix defaults to 2/3 LOW and 1/3 MEDIUM or
HIGH (art. 60 workers are 63 % low-educated in Flanders, 2021).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.agents.refugee import Refugee
from throughflow.enums import N_QUAL, SECTORS, Event, Status
from throughflow.parameters import Population
from throughflow.population import MAX_TIES, NO
from throughflow.processes.transitions import tie_fades
from throughflow.randomness import below

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


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


def arrive(model: ThroughflowModel, month: int) -> np.ndarray:
    """Draw this month's new OCMW clients and create their agents.

    Args:
        model: The model.
        month: The current month.

    Returns:
        Indices of the new refugees.

    """
    p = model.scenario.population
    rng = model.streams["arrivals"]
    mean = p.arrivals_per_month * p.scale if month <= p.arrival_months else 0.0
    count = int(rng.poisson(mean))
    rows = add_refugees(model, count, month, rng)
    return rows


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
    # the eligibility draw for random-share targeting comes from the mentoring stream,
    # drawn for every arrival whatever the scenario (common random numbers)
    r.coverage_draw[rows] = model.streams["mentoring_draws"].random(count)
    model.refugee_agents += [Refugee(model, i) for i in rows.tolist()]
    model.events.log(month, Event.ARRIVE, rows, qual)
    model.recorder.arrivals_now += np.bincount(qual, minlength=N_QUAL)
    return rows
