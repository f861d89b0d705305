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

REQUIREMENT_CONCENTRATION = 10.0
"""Beta concentration of the requirement draws."""


def draw_requirement(
    rng: np.random.Generator,
    mean: np.ndarray | float,
    size: int | tuple[int, ...],
    concentration: float = REQUIREMENT_CONCENTRATION,
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
        pool.close(month)
        e = model.employers
        lm = model.scenario.labour_market
        rng = self.stream()
        # a Poisson number per employer, drawn as one Poisson total split over the employers in
        # proportion to their rates (the same distribution, in two draws instead of one per employer)
        n = int(rng.poisson(e.vacancy_total))
        u_share = rng.random(n)
        u_bottleneck = rng.random(n)
        u_share.sort()  # numpy's sort, in place
        employer, bottleneck, alpha, beta = _new_vacancies(
            u_share, e.vacancy_total, e.vacancy_cumulative, u_bottleneck, lm.p_bottleneck, lm.skill_requirement,
            lm.bottleneck_requirement_shift, lm.language_requirement, REQUIREMENT_CONCENTRATION,
        )  # fmt: skip
        requirement = rng.beta(alpha, beta, size=alpha.shape)  # as :func:`draw_requirement` draws them
        pool.add(e, employer, bottleneck, requirement[0], requirement[1], month + lm.vacancy_months - 1)


@njit(cache=True, nogil=True)
def _new_vacancies(
    u_share: np.ndarray,
    total: float,
    cumulative: np.ndarray,
    u_bottleneck: np.ndarray,
    p_bottleneck: float,
    skill_requirement: float,
    bottleneck_shift: float,
    language_requirement: float,
    concentration: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The employer and bottleneck flag of each new vacancy, and the beta parameters of its requirements (compiled).

    The employers split the vacancies in proportion to their rates (the uniform numbers
    ``u_share``, sorted by the caller with numpy's sort, which is several times faster than
    numba's, scaled to the total rate, located among the cumulative rates); a
    vacancy is in a bottleneck occupation when its ``u_bottleneck`` is below
    ``p_bottleneck``, which raises its mean skill requirement. The parameters (skill in the
    first row, Dutch in the second) are those of :func:`draw_requirement` for these means.
    """
    employer = _employers_of(cumulative, u_share * total)  # sorted: employers come out in order
    n = u_share.size
    bottleneck = np.empty(n, dtype=np.bool_)
    alpha = np.empty((2, n))
    beta = np.empty((2, n))
    language = min(max(language_requirement, 0.01), 0.99)
    for i in range(n):
        bottleneck[i] = u_bottleneck[i] < p_bottleneck
        skill = min(max(skill_requirement + bottleneck_shift * (1.0 if bottleneck[i] else 0.0), 0.01), 0.99)
        alpha[0, i], beta[0, i] = skill * concentration, (1 - skill) * concentration
        alpha[1, i], beta[1, i] = language * concentration, (1 - language) * concentration
    return employer, bottleneck, alpha, beta


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
