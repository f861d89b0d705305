"""Speed dating with employers (pillar 3): several employer contacts at once, some become ties."""

from __future__ import annotations

import numpy as np
from numba import njit

from throughflow.enums import Lab
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share
from throughflow.population import NO
from throughflow.processes.labs.common import give_ties, partners, pick, seats
from throughflow.processes.labs.ecosystem import ecosystem


class SpeedDatingPars(Section):
    """Speed dating with employers."""

    enabled: bool = par(True, unit="switch", doc="speed dating with employers", kind=LEVER)
    seats: float = par(
        20.0, unit="seats/session", doc="speed-dating seats per session at scale 1", low=10, high=40, kind=LEVER, le=100_000
    )
    every_months: int = par(3, unit="months", doc="speed-dating calendar", low=2, high=6, kind=LEVER, ge=1, le=12)
    contacts: int = par(3, unit="employers", doc="employer contacts per speed-dating participant", low=2, high=5, ge=1, le=10)
    p_tie: float = share(0.35, "probability a speed-dating contact becomes a tie", 0.2, 0.5)


class SpeedDating(Mechanism[SpeedDatingPars]):
    """Speed dating: job seekers meet several participating employers."""

    name = "speed_dating"
    pillar = "labs"
    section = "labs.speed_dating"
    Pars = SpeedDatingPars
    reads = ("population.p_tie_fades_per_month",)
    steps = {Phase.SUPPORT: "meet"}
    draws_seekers = True  # from the job seekers of the month (the ecosystem lists them)
    employer_facing = True

    def meet(self, month: int) -> None:
        """A speed-dating session, when the calendar says so."""
        if month % self.pars.every_months:
            return
        model, rng = self.model, self.stream()
        labs = ecosystem(model)
        dating = pick(model, labs.seekers, seats(model, self.pars.seats), rng)
        contacts = partners(model, model.refugees.trade[dating], rng, self.pars.contacts)
        rows, employers = _kept_contacts(dating, contacts, rng.random(contacts.shape), self.pars.p_tie)
        give_ties(model, month, rows, employers, rng)
        labs.attend(month, dating, Lab.SPEED_DATING)


@njit(cache=True, nogil=True)
def _kept_contacts(
    dating: np.ndarray, contacts: np.ndarray, u: np.ndarray, p: float
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The contacts that become ties (an employer met, uniform below ``p``), in order (compiled).

    Returns:
        The participant and the employer of each new tie.
    """
    n, count = contacts.shape
    rows = np.empty(n * count, dtype=dating.dtype)
    employers = np.empty(n * count, dtype=contacts.dtype)
    k = 0
    for i in range(n):
        for j in range(count):
            if contacts[i, j] != NO and u[i, j] < p:
                rows[k], employers[k] = dating[i], contacts[i, j]
                k += 1
    return rows[:k], employers[:k]
