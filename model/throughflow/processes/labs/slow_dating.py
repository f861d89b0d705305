"""Slow dating (job shadowing, pillar 3): the employer sees the person's true skill; a warm tie forms."""

from __future__ import annotations

import numpy as np
from numba import njit

from throughflow.enums import Lab
from throughflow.mechanism import Column, Mechanism, Phase
from throughflow.parameters import LEVER, Section, par
from throughflow.population import NO
from throughflow.processes.labs.common import give_ties, partner_of, pick, seats
from throughflow.processes.labs.ecosystem import ecosystem


class SlowDatingPars(Section):
    """Slow dating (job shadowing)."""

    enabled: bool = par(True, unit="switch", doc="slow dating (job shadowing): employer sees true skill", kind=LEVER)
    seats: float = par(
        8.0, unit="seats/session", doc="job-shadowing places per session at scale 1", low=4, high=16, kind=LEVER, le=100_000
    )
    every_months: int = par(3, unit="months", doc="slow-dating calendar", low=2, high=6, kind=LEVER, ge=1, le=12)


class SlowDating(Mechanism[SlowDatingPars]):
    """Job shadowing at a participating employer."""

    name = "slow_dating"
    pillar = "labs"
    section = "labs.slow_dating"
    Pars = SlowDatingPars
    reads = ("population.p_tie_fades_per_month",)
    refugee_columns = {"seen_by": Column(np.int32, NO, "employer that saw the refugee at work in job shadowing")}
    steps = {Phase.SUPPORT: "shadow"}
    draws_seekers = True  # from the job seekers of the month (the ecosystem lists them)
    employer_facing = True

    def shadow(self, month: int) -> None:
        """A job-shadowing round, when the calendar says so."""
        if month % self.pars.every_months:
            return
        model, rng = self.model, self.stream()
        labs = ecosystem(model)
        r = model.refugees
        shadow = pick(model, labs.seekers, seats(model, self.pars.seats), rng)
        shadow, host = partner_of(model, shadow, rng)
        give_ties(model, month, shadow, host, rng)
        r.seen_by[shadow] = host
        labs.attend(month, shadow, Lab.SLOW_DATING)

    def visible_skill(self, seekers: np.ndarray, employers: np.ndarray, visible: np.ndarray) -> np.ndarray:
        """An employer who has seen the person at work sees their true skill."""
        r = self.model.refugees
        return _seen_skill(seekers, employers, visible, r.seen_by, r.skill)


@njit(cache=True, nogil=True)
def _seen_skill(
    seekers: np.ndarray, employers: np.ndarray, visible: np.ndarray, seen_by: np.ndarray, skill: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled
    """The skill each employer sees in each applicant: the true skill where it saw them at work, else ``visible`` (compiled)."""
    out = np.empty(seekers.size)
    for i in range(seekers.size):
        out[i] = skill[seekers[i]] if seen_by[seekers[i]] == employers[i] else visible[i]
    return out
