"""Vacancies: employers open vacancies each month; expired vacancies close (ODD: step 6).

Each employer opens a Poisson number of vacancies proportional to its size. Each vacancy
has a skill and a language requirement and a bottleneck flag (hard-to-fill occupation,
slightly higher skill requirement). Employers in a job-design partnership (pillar 3) ask
less of applicants (hook ``requirement_factor``, applied when candidates are screened).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import Section


def draw_requirement(
    rng: np.random.Generator, mean: np.ndarray | float, size: int | tuple[int, ...], concentration: float = 10.0
) -> np.ndarray:
    """Draw requirements in (0, 1) from a beta distribution with the given mean."""
    mean = np.clip(mean, 0.01, 0.99)
    return rng.beta(mean * concentration, (1 - mean) * concentration, size=size)


class Vacancies(Mechanism[Section]):
    """Vacancies: employers open vacancies each month; expired vacancies close."""

    name = "vacancies"
    reads = ("labour_market",)
    steps = {Phase.VACANCIES: "open"}

    def open(self, month: int) -> None:
        """Close expired vacancies and open this month's new ones."""
        model = self.model
        pool = model.vacancies
        pool.keep(pool.closes >= month)
        e = model.employers
        lm = model.scenario.labour_market
        rng = self.stream()
        # a Poisson number per employer, drawn as one Poisson total split over the employers in
        # proportion to their rates (the same distribution, in two draws instead of one per employer)
        n = int(rng.poisson(e.vacancy_total))
        share = np.sort(rng.random(n)) * e.vacancy_total  # sorted: employers come out in order
        employer = _employers_of(e.vacancy_cumulative, share)
        bottleneck = rng.random(n) < lm.p_bottleneck
        mean = np.empty((2, n))
        mean[0] = lm.skill_requirement + lm.bottleneck_requirement_shift * bottleneck
        mean[1] = lm.language_requirement
        skill_req, language_req = draw_requirement(rng, mean, mean.shape)
        pool.append(
            employer=employer,
            sector=e.sector[employer],
            municipality=e.municipality[employer],
            bottleneck=bottleneck,
            skill_req=skill_req,
            language_req=language_req,
            closes=np.full(n, month + lm.vacancy_months - 1, dtype=np.int32),
        )


@njit(cache=True, nogil=True)
def _employers_of(cumulative: np.ndarray, share: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """``searchsorted(cumulative, share, side="right")`` for sorted ``share``, in one walk (compiled)."""
    out = np.empty(share.size, dtype=np.int32)
    at = 0
    for i in range(share.size):
        while at < cumulative.size and cumulative[at] <= share[i]:
            at += 1
        out[i] = at
    return out
