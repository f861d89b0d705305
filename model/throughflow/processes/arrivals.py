"""Arrivals: new refugees become OCMW clients (WAITING), drawn from the qualification mix.

ODD: Process overview step 1; Initialization. Initial attributes by qualification are
assumptions (declared in ``population``); the mix defaults to 2/3 LOW and 1/3 MEDIUM or
HIGH (art. 60 workers are 63 % low-educated in Flanders, 2021).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.agents.refugee import Refugee
from throughflow.enums import SECTORS, Event, Status
from throughflow.population import MAX_TIES, NO

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


def _beta(rng: np.random.Generator, mean: np.ndarray, concentration: float = 12.0) -> np.ndarray:
    mean = np.clip(mean, 0.01, 0.99)
    return rng.beta(mean * concentration, (1 - mean) * concentration)


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
    qual = rng.choice(3, size=count, p=[p.share_low, p.share_medium, p.share_high])
    if qualification is not None:
        qual[:] = qualification
    r.qualification[rows] = qual
    r.status[rows] = int(Status.WAITING)
    r.arrival[rows] = month
    r.status_since[rows] = month
    r.skill[rows] = _beta(rng, np.array([p.skill_low, p.skill_medium, p.skill_high])[qual])
    r.recognition[rows] = _beta(rng, np.array([p.recognition_low, p.recognition_medium, p.recognition_high])[qual], 20.0)
    r.language[rows] = _beta(rng, np.full(count, p.language_initial))
    r.search[rows] = _beta(rng, np.full(count, p.search_initial))
    r.commute_tolerance[rows] = np.maximum(15.0, rng.normal(p.commute_tolerance_minutes, 15.0, size=count))
    r.trade[rows] = rng.integers(0, len(SECTORS), size=count)
    r.home[rows] = rng.choice(model.region.n, size=count, p=model.region.weight)
    n_ties = np.minimum(rng.poisson(p.ties_mean, size=count), MAX_TIES)
    tie_targets = rng.integers(0, model.employers.n, size=(count, MAX_TIES))
    for k in range(1, MAX_TIES):  # a tie to the same employer counts once
        tie_targets[:, k] = np.where((tie_targets[:, :k] == tie_targets[:, k : k + 1]).any(axis=1), NO, tie_targets[:, k])
    r.ties[rows] = np.where(np.arange(MAX_TIES)[None, :] < n_ties[:, None], tie_targets, NO)
    # the eligibility draw for random-share targeting comes from the mentoring stream,
    # drawn for every arrival whatever the scenario (common random numbers)
    r.coverage_draw[rows] = model.streams["mentoring_draws"].random(count)
    model.refugee_agents.extend(Refugee(model, i) for i in rows.tolist())
    model.events.log(month, Event.ARRIVE, rows, qual)
    np.add.at(model.recorder.arrivals_now, qual, 1)
    return rows
