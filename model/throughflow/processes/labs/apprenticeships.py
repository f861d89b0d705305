"""Apprenticeships in NEC firms (pillar 3): a period in a firm that can convert into a job.

At each intake, job seekers start an apprenticeship at a participating employer (a warm
tie; skill grows; they do not search meanwhile: hook ``busy``). When it ends, the firm hires
the apprentice if it has a post (``p_hire``) whose requirements the apprentice meets; the
firm has seen the apprentice work, so it judges true skill.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from throughflow.arrays import rows_where
from throughflow.enums import Channel, Lab, Status
from throughflow.mechanism import Column, CostItem, Counter, Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share
from throughflow.population import NO
from throughflow.processes.hiring import hire, within_room
from throughflow.processes.labs.common import give_ties, partner_of, pick, seats
from throughflow.processes.labs.ecosystem import ecosystem
from throughflow.processes.vacancies import draw_requirement

_UNEMPLOYED, _WISE_JOB, _ART60 = int(Status.UNEMPLOYED), int(Status.WISE_JOB), int(Status.ART60)


class ApprenticeshipsPars(Section):
    """Apprenticeships in NEC firms."""

    enabled: bool = par(True, unit="switch", doc="apprenticeships in NEC firms", kind=LEVER)
    seats: float = par(
        5.0, unit="places/session", doc="apprenticeship places per intake at scale 1", low=2, high=10, kind=LEVER, le=100_000
    )
    every_months: int = par(3, unit="months", doc="apprenticeship intake calendar", low=2, high=6, kind=LEVER, ge=1, le=12)
    months: int = par(3, unit="months", doc="length of an apprenticeship", low=2, high=6, ge=1, le=12)
    skill_gain: float = share(0.08, "skill gain toward 1 during an apprenticeship", 0.04, 0.12, unit="index 0-1")
    p_hire: float = share(0.5, "probability the firm has a post to convert the apprenticeship into", 0.3, 0.7)
    cost_eur: float = par(
        600.0, unit="EUR/apprenticeship", doc="cost per apprenticeship", low=300, high=1200, price=True, le=100_000
    )


class Apprenticeships(Mechanism[ApprenticeshipsPars]):
    """Apprenticeships: intake, and conversion into jobs."""

    name = "apprenticeships"
    pillar = "labs"
    section = "labs.apprenticeships"
    Pars = ApprenticeshipsPars
    reads = ("labour_market", "population.p_tie_fades_per_month")
    refugee_columns = {
        "apprentice_at": Column(np.int32, NO, "firm of the current apprenticeship"),
        "apprentice_until": Column(np.int32, NO, "last month of the current apprenticeship"),
    }
    counters = (Counter("apprenticeships_started", "apprenticeships started"),)
    costs = (CostItem("apprenticeships", "apprenticeships_started", "labs.apprenticeships.cost_eur"),)
    steps = {Phase.SUPPORT: "run"}
    draws_seekers = True  # from the job seekers of the month (the ecosystem lists them)
    employer_facing = True

    def init(self) -> None:
        """No apprenticeship runs at the start."""
        self.ends: set[int] = set()  # last months of the apprenticeships under way

    def run(self, month: int) -> None:
        """Apprenticeships that end this month, then an intake when the calendar says so."""
        model, rng = self.model, self.stream()
        r = model.refugees
        if month in self.ends:  # only this mechanism sets the last months of apprenticeships
            self.ends.discard(month)
            ending = rows_where(r.column("apprentice_until") == month)
            if ending.size:
                self._convert(ending, month, rng)
                r.apprentice_until[ending] = NO
                r.apprentice_at[ending] = NO
        if month % self.pars.every_months:
            return
        apprentices = pick(model, ecosystem(model).seekers, seats(model, self.pars.seats), rng)
        placed, firm = partner_of(model, apprentices, rng)
        if placed.size:
            self.ends.add(month + self.pars.months)
        _start(
            placed, firm, month + self.pars.months, self.pars.skill_gain, r.apprentice_at, r.apprentice_until, r.skill, r.reached
        )
        give_ties(model, month, placed, firm, rng)
        self.log(month, "lab", placed, int(Lab.APPRENTICESHIP), firm)
        self.count_people("apprenticeships_started", placed)

    def _convert(self, rows: np.ndarray, month: int, rng: np.random.Generator) -> None:
        """Convert apprenticeships into jobs where the firm has a post the apprentice can fill."""
        model = self.model
        r, lm = model.refugees, model.scenario.labour_market
        u = rng.random(rows.size)
        firm = r.apprentice_at[rows]
        cut = model.product("requirement_factor", firm)  # apprenticeship firms take part in job design
        skill_req = draw_requirement(rng, lm.skill_requirement, rows.size) * cut
        language_req = draw_requirement(rng, lm.language_requirement, rows.size) * cut
        converts = _converting(rows, u, self.pars.p_hire, skill_req, language_req, r.status, r.offer, r.skill, r.language)
        converts[converts] &= within_room(model, firm[converts])
        hire(model, rows[converts], firm[converts], month, Channel.APPRENTICESHIP)

    def busy(self, rows: np.ndarray, month: int) -> np.ndarray:
        """Apprentices do not search."""
        return _busy(rows, self.model.refugees.apprentice_until, month)


@njit(cache=True, nogil=True)
def _start(
    placed: np.ndarray,
    firm: np.ndarray,
    until: int,
    gain: float,
    apprentice_at: np.ndarray,
    apprentice_until: np.ndarray,
    skill: np.ndarray,
    reached: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Apprentices ``placed`` (distinct) start at ``firm`` until ``until``; their skill grows at ``gain`` (compiled)."""
    for i in range(placed.size):
        row = placed[i]
        apprentice_at[row] = firm[i]
        apprentice_until[row] = until
        skill[row] = skill[row] + gain * (1.0 - skill[row])
        reached[row] = True


@njit(cache=True, nogil=True)
def _converting(
    rows: np.ndarray,
    u: np.ndarray,
    p_hire: float,
    skill_req: np.ndarray,
    language_req: np.ndarray,
    status: np.ndarray,
    offer: np.ndarray,
    skill: np.ndarray,
    language: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled
    """Whether each ending apprenticeship converts, before the firm's room (compiled).

    The apprentice still searches (unemployed, in a WISE job, or on art. 60 without an
    offer), the firm has a post (uniform below ``p_hire``) and the apprentice meets its
    skill and language requirements.
    """
    out = np.empty(rows.size, dtype=np.bool_)
    for i in range(rows.size):
        row = rows[i]
        s = status[row]
        searching = (s == _UNEMPLOYED) | (s == _WISE_JOB) | ((s == _ART60) & (offer[row] == NO))
        out[i] = searching & (u[i] < p_hire) & (skill[row] >= skill_req[i]) & (language[row] >= language_req[i])
    return out


@njit(cache=True, nogil=True)
def _busy(rows: np.ndarray, until: np.ndarray, month: int) -> np.ndarray:  # pragma: no cover - compiled
    """Whether each of ``rows`` is on an apprenticeship in ``month`` (compiled)."""
    out = np.empty(rows.size, dtype=np.bool_)
    for i in range(rows.size):
        out[i] = until[rows[i]] >= month
    return out
