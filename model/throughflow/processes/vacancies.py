"""Vacancies: employers open vacancies each month; expired vacancies close (ODD: step 6).

Each employer opens a Poisson number of vacancies proportional to its size. Each vacancy
has a skill and a language requirement and a bottleneck flag (hard-to-fill occupation,
slightly higher skill requirement). Vacancies of employers in a job-design partnership
(pillar 3) are redesigned: lower requirements.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


def draw_requirement(rng: np.random.Generator, mean: np.ndarray | float, size: int, concentration: float = 10.0) -> np.ndarray:
    """Draw requirements in (0, 1) from a beta distribution with the given mean."""
    mean = np.clip(mean, 0.01, 0.99)
    return rng.beta(mean * concentration, (1 - mean) * concentration, size=size)


def open_vacancies(model: ThroughflowModel, month: int) -> None:
    """Close expired vacancies and open this month's new ones.

    Args:
        model: The model.
        month: The current month.

    """
    pool = model.vacancies
    pool.keep(pool.closes >= month)
    e = model.employers
    lm = model.scenario.labour_market
    labs = model.scenario.labs
    rng = model.streams["vacancies"]
    counts = rng.poisson(e.vacancy_rate)
    employer = np.repeat(np.arange(e.n, dtype=np.int32), counts)
    n = employer.size
    bottleneck = rng.random(n) < lm.p_bottleneck
    skill_req = draw_requirement(rng, lm.skill_requirement + lm.bottleneck_requirement_shift * bottleneck, n)
    language_req = draw_requirement(rng, lm.language_requirement, n)
    redesigned = np.zeros(n, dtype=bool)
    if labs.enabled and labs.job_design:
        redesigned = e.participates[employer]
    pool.append(
        employer=employer,
        sector=e.sector[employer],
        municipality=e.municipality[employer],
        bottleneck=bottleneck,
        skill_req=skill_req,
        language_req=language_req,
        closes=np.full(n, month + lm.vacancy_months - 1, dtype=np.int32),
        redesigned=redesigned,
    )
    model.recorder.pool_now["vacancies_open"] = pool.n
