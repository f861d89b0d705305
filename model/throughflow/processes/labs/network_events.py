"""Network events (pillar 3): ties between employers, mentors and mentees; community building.

Participants (mentees first) may gain a tie to a participating employer; mentors who come
along with their mentees meet employers too; community building raises the recruitment of
volunteers (hook ``recruitment_factor``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from throughflow.enums import SECTORS, Lab
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share
from throughflow.population import NO
from throughflow.processes.labs.common import give_ties, kept, partner_of, partners, pick, seats
from throughflow.processes.labs.ecosystem import ecosystem
from throughflow.randomness import below


class NetworkEventsPars(Section):
    """Network events and community building."""

    enabled: bool = par(
        True, unit="switch", doc="network events (ties between employers, mentors and mentees; community)", kind=LEVER
    )
    every_months: int = par(3, unit="months", doc="network-event calendar", low=2, high=6, kind=LEVER, ge=1, le=12)
    seats: float = par(
        30.0,
        unit="seats/event",
        doc="participants per network event at scale 1 (mentees first)",
        low=15,
        high=60,
        kind=LEVER,
        le=100_000,
    )
    p_tie: float = share(0.25, "probability a participant gains a tie at a network event", 0.1, 0.4)
    recruitment_gain: float = par(
        0.5, unit="factor", doc="relative rise in mentor recruitment from community building", low=0.2, high=1.0, le=10
    )


class NetworkEvents(Mechanism[NetworkEventsPars]):
    """Network events on the calendar."""

    name = "network_events"
    pillar = "labs"
    section = "labs.network_events"
    Pars = NetworkEventsPars
    reads = ("population.p_tie_fades_per_month",)
    steps = {Phase.SUPPORT: "meet"}
    draws_seekers = True  # from the job seekers of the month (the ecosystem lists them)
    employer_facing = True

    def meet(self, month: int) -> None:
        """A network event, when the calendar says so."""
        if month % self.pars.every_months:
            return
        model, rng = self.model, self.stream()
        labs = ecosystem(model)
        guests = pick(model, labs.seekers, seats(model, self.pars.seats), rng)
        met = kept(guests, rng.random(guests.size), self.pars.p_tie)
        met, employer = partner_of(model, met, rng)
        give_ties(model, month, met, employer, rng)
        self._mentor_ties(guests, rng)
        labs.attend(month, guests, Lab.NETWORK_EVENT)

    def _mentor_ties(self, guests: np.ndarray, rng: np.random.Generator) -> None:
        """Mentors who come along with their mentees meet employers too (a tie in a free slot)."""
        model = self.model
        mt = model.mentors
        mentors = _mentors_of(guests, model.refugees.mentor, mt.n)
        mentors = kept(mentors, rng.random(mentors.size), self.pars.p_tie)
        employer = partners(model, below(rng, len(SECTORS), mentors.size), rng)[:, 0]
        _meet(mentors, employer, mt.ties)

    def recruitment_factor(self) -> float:
        """Community building brings in more volunteers."""
        return 1.0 + self.pars.recruitment_gain


@njit(cache=True, nogil=True)
def _mentors_of(guests: np.ndarray, mentor: np.ndarray, n_mentors: int) -> np.ndarray:  # pragma: no cover - compiled
    """The mentors of the guests, each once, in ascending order (compiled)."""
    comes = np.zeros(n_mentors, dtype=np.bool_)
    for g in guests:
        if mentor[g] != NO:
            comes[mentor[g]] = True
    return np.flatnonzero(comes)


@njit(cache=True, nogil=True)
def _meet(mentors: np.ndarray, employer: np.ndarray, ties: np.ndarray) -> None:  # pragma: no cover - compiled
    """Each mentor (distinct) gains a tie to ``employer`` in their first free slot, unless they hold it or have no room.

    Compiled; no tie where the employer is ``NO``.
    """
    slots = ties.shape[1]
    for i in range(mentors.size):
        m, e = mentors[i], employer[i]
        if e == NO:
            continue
        free = -1
        held = False
        for s in range(slots):
            if ties[m, s] == NO:
                if free < 0:
                    free = s
            elif ties[m, s] == e:
                held = True
        if free >= 0 and not held:
            ties[m, free] = e
